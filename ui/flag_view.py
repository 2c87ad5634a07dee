"""Quality flags on the Write page: each card's coloured badge line, details and highlighted spans.
(The checks themselves run in the engine process: `ui.tasks.check_drafts`.)"""
from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QTextEdit, QToolButton, QVBoxLayout, QWidget

from . import i18n

if TYPE_CHECKING:
    from engine.quality import Flag

# Mid-tone colours that read on light and dark backgrounds alike.
SEVERITY_COLOURS = {"error": "#d9363e", "warn": "#d4860b", "info": "#7f8c99"}
PASSED_COLOUR = "#2e9d4f"
HIGHLIGHT_ALPHA = 70  # of 255: the text stays readable under the highlight
_SEVERITY_ORDER = ("error", "warn", "info")


def check_name(check: str) -> str:
    """What the app calls each quality check, on the cards and in the History table alike."""
    translate = QCoreApplication.translate
    names = {"absolute_terms": translate("FlagView", "Absolute term"),
             "copied": translate("FlagView", "Copied from training data"),
             "repetition": translate("FlagView", "Repetition"), "length": translate("FlagView", "Too long"),
             "keyword_missing": translate("FlagView", "Missing keyword"),
             "unsupported_claim": translate("FlagView", "Unsupported claim")}
    return names.get(check, check)


def worst(flags: Sequence[Flag]) -> str:
    """The most serious severity among `flags`."""
    return min((f.severity for f in flags), key=lambda s: _SEVERITY_ORDER.index(s) if s in _SEVERITY_ORDER else 9)


def _utf16_offsets(text: str) -> list[int]:
    """Qt counts positions in UTF-16 units: an emoji is one Python character but two there."""
    offsets, at = [0], 0
    for ch in text:
        at += 2 if ord(ch) > 0xFFFF else 1
        offsets.append(at)
    return offsets


def span_selections(editor: QPlainTextEdit, flags: Sequence[Flag]) -> list[QTextEdit.ExtraSelection]:
    """Highlights for the flags' spans, in their severity's colour, over the editor's current text."""
    text = editor.toPlainText()
    offsets = _utf16_offsets(text)
    selections = []
    for flag in flags:
        if flag.span is None or flag.span[1] > len(text) or flag.span[0] >= flag.span[1]:
            continue
        selection = QTextEdit.ExtraSelection()
        colour = QColor(SEVERITY_COLOURS.get(flag.severity, SEVERITY_COLOURS["info"]))
        colour.setAlpha(HIGHLIGHT_ALPHA)
        selection.format.setBackground(colour)
        cursor = QTextCursor(editor.document())
        cursor.setPosition(offsets[flag.span[0]])
        cursor.setPosition(offsets[flag.span[1]], QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selections.append(selection)
    return selections


class FlagView(QWidget):
    """One line of badges ("Absolute term ×2 · Missing keyword", or "Passed the quality checks"),
    and a Details toggle that lists each flag's message with its softer wording."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.flags: list[Flag] | None = None
        self.badges = QLabel()
        self.badges.setObjectName("flagBadges")
        self.badges.setTextFormat(Qt.TextFormat.RichText)
        self.details_toggle = QToolButton(checkable=True, autoRaise=True)
        self.details_toggle.setObjectName("flagDetailsToggle")
        self.details_toggle.toggled.connect(self._toggle)
        self.details = QLabel()
        self.details.setObjectName("flagDetails")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.badges, 1)
        row.addWidget(self.details_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self.hide()

    def set_flags(self, flags: Sequence[Flag] | None) -> None:
        """Show these flags; None hides the view (the text is not checked yet)."""
        self.flags = None if flags is None else list(flags)
        if self.flags is None:
            self.details_toggle.setChecked(False)
        self.setVisible(self.flags is not None)
        self.retranslate()

    def retranslate(self) -> None:
        self._toggle(self.details_toggle.isChecked())
        self.details_toggle.setToolTip(self.tr("What the quality checks found, and softer wording to use"))
        if not self.flags:  # not checked yet (hidden), or clean
            passed = self.flags is not None
            self.badges.setText((f'<span style="color:{PASSED_COLOUR}">✓</span> '
                                 + html.escape(self.tr("Passed the quality checks"))) if passed else "")
            self.badges.setToolTip(self.tr("No absolute terms, copying, repetition, length or keyword problems, "
                                           "and no claims beyond what you gave, were found.") if passed else "")
            self.details.setText("")
            self.details_toggle.setVisible(False)
            return
        counts = Counter(f.check for f in self.flags)
        badges = []
        for check, count in counts.items():  # in the order the flags come: text order
            colour = SEVERITY_COLOURS.get(worst([f for f in self.flags if f.check == check]), "")
            name = html.escape(check_name(check)) + (f" ×{count}" if count > 1 else "")
            badges.append(f'<span style="color:{colour}">●</span>&nbsp;{name}')
        self.badges.setText(" &nbsp;·&nbsp; ".join(badges))
        items = "".join(f"<li>{html.escape(f.message(i18n.current()), quote=False)}</li>" for f in self.flags)
        self.details.setText(f"<ul style='-qt-list-indent:1'>{items}</ul>")
        self.badges.setToolTip(f"<ul>{items}</ul>")
        self.details_toggle.setVisible(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _toggle(self, on: bool) -> None:
        self.details.setVisible(on and bool(self.flags))
        self.details_toggle.setText(self.tr("▾ Details") if on else self.tr("▸ Details"))
