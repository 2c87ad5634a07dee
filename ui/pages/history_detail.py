"""The selected draft in full: its text (and the original under an edit), the quality checks,
the request that wrote it (prompt, form, model, settings, seed) and what can be done with it."""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QStackedWidget, QTextBrowser,
                               QToolButton, QVBoxLayout, QWidget)

from engine.history import RunRecord, VariantRow
from engine.writing import FIELDS

from .. import i18n
from ..icons import icon
from ..notice import heading, hint
from .history_table import flag_messages, local_time, scenario_name

COPIED_MS = 1500  # how long the Copy button says "Copied"


class HistoryDetail(QStackedWidget):
    """A hint until a draft is selected; then the draft, with Re-run, Copy, Favorite and Delete.

    The page connects the buttons: this widget only shows what it is given.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.row: VariantRow | None = None
        self.run: RunRecord | None = None
        self._copied = False
        self.placeholder = hint()
        self.placeholder.setObjectName("historyDetailHint")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.placeholder)
        self.addWidget(self._build_body())
        self._set_icons()
        self.retranslate()

    def _build_body(self) -> QWidget:
        self.header = heading(scale=1.1)
        self.header.setObjectName("historyDetailHeader")
        self.header.setWordWrap(True)
        self.ai_label = hint()
        self.ai_label.setWordWrap(False)
        self.text_view = QPlainTextEdit(readOnly=True)
        self.text_view.setObjectName("historyText")
        self.text_view.setTabChangesFocus(True)
        self.edited_note = hint()
        self.original_toggle = QToolButton(checkable=True, autoRaise=True)
        self.original_toggle.toggled.connect(lambda _: self._show_text())
        self.flags_label = QLabel()
        self.flags_label.setObjectName("historyFlags")
        self.flags_label.setWordWrap(True)
        self.flags_label.setTextFormat(Qt.TextFormat.RichText)
        self.flags_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info = QTextBrowser()
        self.info.setObjectName("historyInfo")
        self.rerun_button, self.copy_button, self.delete_button = QPushButton(), QPushButton(), QPushButton()
        self.rerun_button.setObjectName("historyRerun")
        self.favorite_button = QPushButton(checkable=True)
        self.favorite_button.setObjectName("historyFavorite")
        self.copy_button.clicked.connect(self.copy)

        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.ai_label, 0, Qt.AlignmentFlag.AlignTop)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.edited_note, 1)
        edit_row.addWidget(self.original_toggle)
        buttons = QHBoxLayout()
        for button in (self.rerun_button, self.copy_button, self.favorite_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.text_view, 2)
        layout.addLayout(edit_row)
        layout.addWidget(self.flags_label)
        layout.addLayout(buttons)
        layout.addWidget(self.info, 3)  # the request usually needs more lines than the draft
        return body

    def retranslate(self) -> None:
        self.placeholder.setText(self.tr("Select a draft to see its full text, the prompt and settings that "
                                         "wrote it, and what the quality checks found."))
        self.ai_label.setText(self.tr("AI-generated / AI生成"))
        self.ai_label.setToolTip(self.tr("Written by a language model. Check facts and claims before you "
                                         "publish it."))
        self.rerun_button.setText(self.tr("&Re-run"))
        self.rerun_button.setToolTip(self.tr("Write again on the Write page with the same model, prompt, "
                                             "settings and seed"))
        self._set_copy_text()
        self.favorite_button.setText(self.tr("F&avorite"))
        self.favorite_button.setToolTip(self.tr("Mark or unmark this draft as a favorite"))
        self.delete_button.setText(self.tr("Dele&te"))
        self.delete_button.setToolTip(self.tr("Delete this draft (you can undo it)"))
        self.original_toggle.setToolTip(self.tr("Switch between your edit and what the model wrote"))
        if self.row is not None:
            self.show_draft(self.row, self.run)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange and hasattr(self, "favorite_button"):
            self._set_icons()  # drawn in the text colour: redraw for a light or dark palette
        super().changeEvent(event)

    def _set_icons(self) -> None:
        for button, name in ((self.copy_button, "copy"), (self.favorite_button, "star"),
                             (self.rerun_button, "write")):
            button.setIcon(icon(name, self.palette()))

    # ---- showing a draft ----
    def show_draft(self, row: VariantRow | None, run: RunRecord | None = None) -> None:
        """Show `row` (and its run's request, when given); None shows the hint."""
        if row is None:
            self.row = self.run = None
            self.setCurrentIndex(0)
            return
        if self.row is None or row.id != self.row.id:
            self.original_toggle.setChecked(False)
        self.row, self.run = row, run
        self.header.setText(f"{scenario_name(row.scenario)} · {row.model}")
        edited = row.edited_text is not None
        self.edited_note.setVisible(edited)
        self.original_toggle.setVisible(edited)
        self._show_text()
        self.favorite_button.blockSignals(True)  # showing is not toggling
        self.favorite_button.setChecked(row.favorite)
        self.favorite_button.blockSignals(False)
        self.flags_label.setText(self._flags_html(row))
        self.info.setHtml(self._info_html(row, run))
        self.setCurrentIndex(1)

    def shown_text(self) -> str:
        """The text on screen: the user's edit, or the original when they asked for it."""
        if self.row is None:
            return ""
        return self.row.original_text if self.original_toggle.isChecked() else self.row.text

    def _show_text(self) -> None:
        original = self.original_toggle.isChecked()
        self.original_toggle.setText(self.tr("Show your edit") if original else self.tr("Show the original"))
        self.edited_note.setText(self.tr("What the model wrote, before your edit.") if original
                                 else self.tr("You edited this draft; this is your version."))
        self.text_view.setPlainText(self.shown_text())

    def _flags_html(self, row: VariantRow) -> str:
        if not row.flags:
            return self.tr("✓ The quality checks found nothing to change.")
        items = []
        for message, suggestion in flag_messages(row.flags):
            item = "⚠ " + html.escape(message)
            if suggestion and suggestion not in message:  # most messages already name it
                item += "<br>&nbsp;&nbsp;&nbsp;" + html.escape(self.tr("Suggested wording: {text}").format(
                    text=suggestion))
            items.append(item)
        return "<br>".join(items)

    def _info_html(self, row: VariantRow, run: RunRecord | None) -> str:
        rows = [(self.tr("Written"), local_time(row.created_at)), (self.tr("Model"), row.model),
                (self.tr("Scenario"), scenario_name(row.scenario)),
                (self.tr("Variant"), self.tr("{n} of this run").format(n=row.index + 1)),
                (self.tr("Prompt"), row.prompt)]
        if run is not None:
            if run.fields:
                rows.append((self.tr("Form"), _fields_text(run.fields)))
            rows.append((self.tr("Settings"), self._params_text(run.params)))
            rows.append((self.tr("Seed"), str(run.seed)))
        rows.append((self.tr("Label"), self.tr("AI-generated / AI生成")))
        body = "".join(f"<tr><td valign='top'><b>{html.escape(k)}</b></td>"
                       f"<td>{html.escape(str(v)).replace(chr(10), '<br>')}</td></tr>" for k, v in rows)
        return f"<table cellspacing='4'>{body}</table>"

    def _params_text(self, params: dict) -> str:
        loc = QLocale()
        names = {"n": self.tr("variants"), "max_new_tokens": self.tr("length (tokens)"),
                 "temperature": self.tr("temperature"), "top_p": "top-p", "top_k": "top-k",
                 "repetition_penalty": self.tr("repetition penalty")}
        parts = []
        ordered = [k for k in names if k in params] + sorted(k for k in params if k not in names)
        for key, value in ((k, params[k]) for k in ordered):
            if key == "top_k" and value == 0:
                value = self.tr("off")
            elif isinstance(value, float):
                value = loc.toString(value, "f", 2)
            parts.append(f"{names.get(key, key)} {value}")
        return " · ".join(parts)

    # ---- copying ----
    def copy(self) -> None:
        if self.row is None:
            return
        QGuiApplication.clipboard().setText(self.shown_text())
        self._copied = True
        self._set_copy_text()
        QTimer.singleShot(COPIED_MS, self, self._reset_copy)

    def _reset_copy(self) -> None:
        self._copied = False
        self._set_copy_text()

    def _set_copy_text(self) -> None:
        self.copy_button.setText(self.tr("Copied") if self._copied else self.tr("&Copy"))
        self.copy_button.setToolTip(self.tr("Copy the text to the clipboard (Ctrl+C in the list)"))


def _fields_text(fields: dict) -> str:
    """The scenario form, one "label: value" line per filled field, in the form's order."""
    ordered = [k for k in FIELDS if k in fields] + sorted(k for k in fields if k not in FIELDS)
    lines = []
    for key in ordered:
        zh, en = FIELDS.get(key, (key, key))
        if str(fields[key]).strip():
            lines.append(f"{zh if i18n.current() == 'zh' else en}: {fields[key]}")
    return "\n".join(lines)
