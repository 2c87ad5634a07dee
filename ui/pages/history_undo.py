"""The bar that follows a delete on the History page: "Deleted N drafts — Undo".

It is not modal and stays until the next delete, a close or Clear all, so the user can
keep working and still change their mind.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from engine.history import UndoToken

from ..notice import InlineMessage


class UndoBar(InlineMessage):
    """Holds the latest delete's UndoToken; `undo_requested` asks the page to use it."""

    undo_requested = Signal(object)  # the UndoToken

    def __init__(self, parent: QWidget | None = None):
        super().__init__("info", closable=True, parent=parent)
        self.setObjectName("historyUndoBar")
        self.token: UndoToken | None = None
        self.undo_button = self.add_button(QPushButton())
        self.undo_button.clicked.connect(self._undo)
        self.closed.connect(self.forget)
        self.retranslate()

    def retranslate(self) -> None:
        self.undo_button.setText(self.tr("&Undo"))
        self.undo_button.setToolTip(self.tr("Bring the deleted drafts back"))
        if self.token is not None:
            self.label.setText(self._message())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def offer(self, token: UndoToken) -> None:
        """Show what was deleted, with Undo."""
        self.token = token
        self.show_message(self._message())

    def forget(self) -> None:
        """The delete can no longer be undone from here (undone, cleared, or dismissed)."""
        self.token = None
        self.hide()

    def _undo(self) -> None:
        if self.token is not None:
            self.undo_requested.emit(self.token)

    def _message(self) -> str:
        n = len(self.token.ids)
        return self.tr("Deleted 1 draft.") if n == 1 else self.tr("Deleted {n} drafts.").format(n=n)
