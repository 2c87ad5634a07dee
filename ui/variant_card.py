"""One generated variant: streamed text, the AI-generated label, quality flags, copy, edit and favourite."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPalette, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from .flag_view import FlagView, span_selections
from .icons import icon
from .notice import hint

if TYPE_CHECKING:
    from engine.quality import Flag


class VariantCard(QFrame):
    """Text grows as the model writes it; the label marks it as AI-generated (required by law in China)."""

    favorite_changed = Signal(bool)
    edited = Signal(str)  # the user's new text, when they press Done after changing it

    def __init__(self, number: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.number = number               # as shown while streaming; kept when the cards are ranked
        self.variant_id: int | None = None  # the saved variant in the history, once saved
        self._before_edit = ""
        self.setObjectName(f"variantCard{number}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.title = QLabel()
        self.ai_label = hint()
        self.ai_label.setObjectName("aiLabel")
        self.ai_label.setWordWrap(False)
        self.editor = QPlainTextEdit(readOnly=True)
        self.editor.setObjectName("variantText")
        self.editor.setTabChangesFocus(True)
        lines = self.editor.fontMetrics().height()
        self.editor.setMinimumHeight(lines * 4)
        self.editor.setMaximumHeight(lines * 9)
        self.copy_button = QToolButton()
        self.edit_button = QToolButton(checkable=True)
        self.favorite_button = QToolButton(checkable=True)
        self._set_icons()
        for b in (self.copy_button, self.edit_button, self.favorite_button):
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setAutoRaise(True)
        self.copy_button.clicked.connect(self.copy)
        self.edit_button.toggled.connect(self._toggle_edit)
        self.favorite_button.toggled.connect(self._toggle_favorite)
        self.edit_button.setEnabled(False)  # until the text is final: streaming would overwrite edits
        self.note = hint()
        self.note.hide()
        self.flag_view = FlagView()
        self._copied = False

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.ai_label)
        tools = QHBoxLayout()
        tools.addWidget(self.note, 1)
        tools.addStretch(1)  # buttons sit on the right whether or not the note shows
        for b in (self.copy_button, self.edit_button, self.favorite_button):
            tools.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.editor)
        layout.addWidget(self.flag_view)
        layout.addLayout(tools)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("<b>Variant {n}</b>").format(n=self.number))
        self.ai_label.setText(self.tr("AI-generated / AI生成"))
        self.ai_label.setToolTip(self.tr("Written by a language model. Check facts and claims before you "
                                         "publish it."))
        self._set_copy_text()
        self.edit_button.setText(self.tr("Done") if self.edit_button.isChecked() else self.tr("Edit"))
        self.edit_button.setToolTip(self.tr("Change the text before you copy it"))
        self.favorite_button.setText(self.tr("Favorite"))
        self.favorite_button.setToolTip(self.tr("Mark the variants you like"))
        if hasattr(self, "_note_duplicate"):  # a dropped variant's note follows a language switch
            self._set_note_text()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange and hasattr(self, "favorite_button"):
            self._set_icons()  # drawn in the text colour: redraw for a light or dark palette
        super().changeEvent(event)

    def _set_icons(self) -> None:
        for button, name in ((self.copy_button, "copy"), (self.edit_button, "edit"), (self.favorite_button, "star")):
            button.setIcon(icon(name, self.palette()))

    # ---- text ----
    def append(self, delta: str) -> None:
        cursor = self.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(delta)
        self.editor.ensureCursorVisible()

    def text(self) -> str:
        return self.editor.toPlainText()

    def finish(self, final: str | None, duplicate: bool = False) -> None:
        """Show the engine's final text; a variant it dropped says why."""
        if final is not None:
            if final != self.text():
                self.editor.setPlainText(final)
            self.edit_button.setEnabled(True)
            return
        self._note_duplicate = duplicate and bool(self.text().strip())
        self._set_note_text()
        self.note.show()

    def _set_note_text(self) -> None:
        self.note.setText(self.tr("The same as another variant.") if self._note_duplicate
                          else self.tr("The model wrote nothing for this variant."))

    def reset(self) -> None:
        """Empty the card for the next generation (cheaper than building a new one)."""
        self.edit_button.setChecked(False)  # an edit in progress is kept: Done is implied
        self.variant_id = None  # before unstarring: the saved variant keeps its star
        self.favorite_button.setChecked(False)
        self.edit_button.setEnabled(False)
        self.editor.clear()
        self.note.hide()
        self.set_flags(None)

    def set_flags(self, flags: Sequence[Flag] | None) -> None:
        """Show the quality flags of the text now in the card (None: not checked)."""
        self.flag_view.set_flags(flags)
        self.editor.setExtraSelections(span_selections(self.editor, flags or []))

    def show_saved(self, text: str, favorite: bool, flags: Sequence[Flag]) -> None:
        """Follow a change made elsewhere (the History page) without announcing it back."""
        if not self.edit_button.isChecked() and text != self.text():  # never under the user's typing
            self.editor.setPlainText(text)
            self.set_flags(flags)
        self.favorite_button.blockSignals(True)
        self.favorite_button.setChecked(favorite)
        self.favorite_button.blockSignals(False)

    def flags(self) -> list[Flag] | None:
        return self.flag_view.flags

    def is_favorite(self) -> bool:
        return self.favorite_button.isChecked()

    # ---- actions ----
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self._copied = True
        self._set_copy_text()
        QTimer.singleShot(1500, self, self._reset_copy)

    def _reset_copy(self) -> None:
        self._copied = False
        self._set_copy_text()

    def _set_copy_text(self) -> None:
        self.copy_button.setText(self.tr("Copied") if self._copied else self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy this text to the clipboard"))

    def _toggle_edit(self, on: bool) -> None:
        self.editor.setReadOnly(not on)
        self.edit_button.setText(self.tr("Done") if on else self.tr("Edit"))
        if on:
            self._before_edit = self.text()
            self.editor.setExtraSelections([])  # the spans move as the user types
            self.editor.setFocus()
        elif self.text() != self._before_edit:
            self.edited.emit(self.text())
        else:
            self.set_flags(self.flags())

    def _toggle_favorite(self, on: bool) -> None:
        self.favorite_changed.emit(on)
