"""History (历史): a placeholder until drafts are stored (a later issue)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..notice import heading, hint


class HistoryPage(QWidget):
    """Explains what will appear here, so the empty page is not a surprise."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = heading()
        self.text = QLabel()
        self.text.setObjectName("historyPlaceholder")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.note = hint()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("History"))
        self.text.setText(self.tr(
            "<p>Coming soon: every draft you write will be kept here.</p><ul>"
            "<li>Search your drafts by product, scenario or words in the text</li>"
            "<li>See which model, prompt and settings wrote each one, and your favorites</li>"
            "<li>Export them to CSV or Excel (XLSX) for your shop team</li></ul>"))
        self.note.setText(self.tr("Until then, copy the variants you like from the Write page."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
