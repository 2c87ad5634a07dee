"""Small shared widgets: an inline message (problems, hints, banners) and page headings."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStyle, QToolButton, QVBoxLayout,
                               QWidget)


class InlineMessage(QFrame):
    """A message inside the page, with a standard icon; no hard-coded colours, so it fits dark mode."""

    closed = Signal()

    ICONS = {"error": QStyle.StandardPixmap.SP_MessageBoxWarning,
             "info": QStyle.StandardPixmap.SP_MessageBoxInformation}

    def __init__(self, kind: str = "info", closable: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.icon = QLabel()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.buttons = QHBoxLayout()
        row = QHBoxLayout(self)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.addWidget(self.label)
        column.addLayout(self.buttons)
        row.addLayout(column, 1)
        self.close_button = None
        if closable:
            self.close_button = QToolButton()
            self.close_button.setAutoRaise(True)
            self.close_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
            self.close_button.clicked.connect(self._close)
            row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.set_kind(kind)
        self.hide()

    def set_kind(self, kind: str) -> None:
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) * 2
        self.icon.setPixmap(self.style().standardIcon(self.ICONS[kind]).pixmap(size, size))

    def add_button(self, button: QPushButton) -> QPushButton:
        self.buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        return button

    def show_message(self, text: str, kind: str | None = None) -> None:
        if kind:
            self.set_kind(kind)
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return self.label.text()

    def _close(self) -> None:
        self.hide()
        self.closed.emit()


def heading(parent: QWidget | None = None, scale: float = 1.4) -> QLabel:
    """A bold, larger label; sized from the user's font so it scales with DPI and settings."""
    label = QLabel(parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


def hint(parent: QWidget | None = None) -> QLabel:
    """Secondary text in the palette's placeholder colour, wrapped."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label
