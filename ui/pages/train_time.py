"""The Train page's training-time choice: 5, 15 or 30 minutes, until the model stops improving,
or the preset's epochs. Sellers think in minutes; the engine plans its schedule to end by then."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from engine.training import UNTIL_PLATEAU_MINUTES

from ..notice import hint

# The choices, in minutes: 0 trains by the preset's epochs instead of a budget.
TIME_CHOICES = (5.0, 15.0, 30.0, UNTIL_PLATEAU_MINUTES, 0.0)
DEFAULT_TIME = 15.0


class TrainTime(QWidget):
    """A combo of training times and a line saying what the choice does."""

    changed = Signal()

    def __init__(self, by_epochs: Callable[[], bool], parent: QWidget | None = None):
        """`by_epochs`: whether Advanced's epochs or steps are set, which override any budget."""
        super().__init__(parent)
        self.by_epochs = by_epochs
        self.combo = QComboBox()
        self.combo.setObjectName("trainTime")
        for minutes in TIME_CHOICES:
            self.combo.addItem("", minutes)
        self.combo.setCurrentIndex(TIME_CHOICES.index(DEFAULT_TIME))
        self.combo.currentIndexChanged.connect(lambda _: self.update_hint())
        self.hint = hint()
        self.hint.setObjectName("trainTimeHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.hint)

    def retranslate(self) -> None:
        """Called by the form, whose other fields `by_epochs` reads."""
        texts = (self.tr("5 minutes"), self.tr("15 minutes"), self.tr("30 minutes"),
                 self.tr("Until it stops improving"), self.tr("By the preset"))
        for i, text in enumerate(texts):
            self.combo.setItemText(i, text)
        self.combo.setToolTip(self.tr("How long to train. The run plans its schedule to end by then, stops "
                                      "sooner when the model stops improving, and keeps its best state."))
        self.update_hint()

    def minutes(self) -> float | None:
        """The time budget, or None to train by epochs (the preset, or Advanced's epochs or steps)."""
        minutes = self.combo.currentData()
        return None if not minutes or self.by_epochs() else float(minutes)

    def update_hint(self) -> None:
        minutes = self.minutes()
        if minutes is None:
            self.hint.setText(self.tr("Trains for a number of passes over your data: the preset's, or "
                                      "Advanced's."))
        elif minutes == UNTIL_PLATEAU_MINUTES:
            self.hint.setText(self.tr("Trains until the model stops getting better on held-out copy (at most "
                                      "{hours} hours), and keeps its best state.").format(
                hours=round(UNTIL_PLATEAU_MINUTES / 60)))
        else:
            self.hint.setText(self.tr("Ends within {n} min, sooner if the model stops getting better, and keeps "
                                      "its best state.").format(n=round(minutes)))
        self.changed.emit()
