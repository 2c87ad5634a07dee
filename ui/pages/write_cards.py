"""The Write page's column of variant cards: reused between requests, streamed into, then ranked."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ..notice import hint
from ..variant_card import VariantCard


class CardColumn(QScrollArea):
    """`cards` are in the order they streamed; `arrange` shows them in another order."""

    def __init__(self, on_favorite: Callable[[VariantCard, bool], None], on_edited: Callable[[VariantCard, str], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.on_favorite, self.on_edited = on_favorite, on_edited
        self.cards: list[VariantCard] = []
        self.box = QWidget()
        self.layout_ = QVBoxLayout(self.box)
        self.layout_.addStretch(1)
        self.hint = hint()
        self.layout_.insertWidget(0, self.hint)
        self.setWidget(self.box)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def prepare(self, n: int) -> None:
        """Reuse the cards there are and add or remove the difference: new widgets cost layout time."""
        for card in self.cards[n:]:
            card.setParent(None)
            card.deleteLater()
        self.cards = self.cards[:n]
        for card in self.cards:
            card.reset()
        self.arrange(range(len(self.cards)))  # back in streaming order
        while len(self.cards) < n:
            card = VariantCard(len(self.cards) + 1)
            card.favorite_changed.connect(lambda on, c=card: self.on_favorite(c, on))
            card.edited.connect(lambda text, c=card: self.on_edited(c, text))
            self.cards.append(card)
            self.layout_.insertWidget(self.layout_.count() - 1, card)

    def arrange(self, order) -> None:
        """Show the cards in this order of their streaming index (after the hint, before the stretch)."""
        for position, index in enumerate(order, start=1):
            card = self.cards[index]
            self.layout_.removeWidget(card)
            self.layout_.insertWidget(position, card)

    def displayed(self) -> list[VariantCard]:
        """The cards top to bottom, as the user sees them."""
        items = (self.layout_.itemAt(i).widget() for i in range(self.layout_.count()))
        return [w for w in items if isinstance(w, VariantCard)]

    def add_text(self, chunks: dict) -> None:
        for index, delta in chunks.items():
            if 0 <= index < len(self.cards):
                self.cards[index].append(delta)
