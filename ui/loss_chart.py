"""Live training and validation loss (pyqtgraph; Qt Charts is deprecated since Qt 6.10).

pyqtgraph pulls in numpy and takes most of a second to import, so the plot is
created on first use, never on the start-up path.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .notice import hint

# Mid-tone hues that keep their contrast on light and on dark backgrounds.
TRAIN_COLOUR = QColor(42, 127, 212)
VAL_COLOUR = QColor(232, 130, 58)


class LossChart(QWidget):
    """Two curves over steps. Points can be added before the plot exists; they are kept."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.train_points: list[tuple[int, float]] = []
        self.val_points: list[tuple[int, float]] = []
        self._plot = None
        self._curves = None
        self._legend = None
        self._total_steps = 0
        self._y_range: tuple[float, float] | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = hint()
        self._layout.addWidget(self.placeholder)
        self.setMinimumHeight(self.fontMetrics().height() * 12)
        self.retranslate()

    def ensure_plot(self) -> None:
        if self._plot is not None:
            return
        import pyqtgraph as pg

        self._plot = pg.PlotWidget()
        self._plot.setObjectName("lossPlot")
        self._plot.showGrid(x=True, y=True, alpha=0.2)
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.hideButtons()
        # Ranges are set by hand: auto-range re-lays out the axes on every new point,
        # which makes each repaint ~10x slower (30 ms instead of 3 on a slow CPU).
        self._plot.disableAutoRange()
        self._legend = self._plot.addLegend(offset=(-10, 10))
        train = self._plot.plot([], [], pen=pg.mkPen(TRAIN_COLOUR, width=2))
        val = self._plot.plot([], [], pen=pg.mkPen(VAL_COLOUR, width=2), symbol="o", symbolSize=6,
                              symbolBrush=VAL_COLOUR, symbolPen=None)
        self._curves = (train, val)
        self.placeholder.hide()
        self._layout.addWidget(self._plot)
        if self._total_steps:
            self._plot.setXRange(0, self._total_steps, padding=0.02)
        self._apply_palette()
        self.retranslate()
        self.redraw()

    def clear(self) -> None:
        self.train_points.clear()
        self.val_points.clear()
        self._y_range = None
        self.redraw()

    def set_total_steps(self, total: int) -> None:
        """The x axis spans the whole run from the start, so it never has to move."""
        if total != self._total_steps:
            self._total_steps = total
            if self._plot is not None:
                self._plot.setXRange(0, max(1, total), padding=0.02)

    def add_train(self, step: int, loss: float, draw: bool = True) -> None:
        """Add a point; with draw=False the caller redraws later (repainting costs milliseconds)."""
        if self.train_points and step <= self.train_points[-1][0]:
            return
        self.train_points.append((step, loss))
        if draw:
            self.redraw()

    def add_val(self, step: int, loss: float, draw: bool = True) -> None:
        if self.val_points and step <= self.val_points[-1][0]:
            return
        self.val_points.append((step, loss))
        if draw:
            self.redraw()

    def redraw(self) -> None:
        if self._curves is None:
            return
        for curve, points in zip(self._curves, (self.train_points, self.val_points)):
            curve.setData([p[0] for p in points], [p[1] for p in points])
        self._fit_y()

    def _fit_y(self) -> None:
        """Change the y range only when the points leave it or fill less than half of it."""
        values = [p[1] for p in self.train_points + self.val_points]
        if not values:
            return
        low, high = min(values), max(values)
        if self._y_range is not None:
            top, bottom = self._y_range[1], self._y_range[0]
            if bottom <= low and high <= top and (high - low) >= 0.5 * (top - bottom):
                return
        pad = max(0.05, (high - low) * 0.15)
        self._y_range = (low - pad, high + pad)
        self._plot.setYRange(*self._y_range, padding=0)

    def retranslate(self) -> None:
        self.placeholder.setText(self.tr("The loss chart appears when training starts. Lower is better; when the "
                                         "validation loss stops falling, more training no longer helps."))
        if self._plot is None:
            return
        self._plot.setLabel("bottom", self.tr("Step"))
        self._plot.setLabel("left", self.tr("Loss"))
        self._legend.clear()
        self._legend.addItem(self._curves[0], self.tr("Training loss"))
        self._legend.addItem(self._curves[1], self.tr("Validation loss"))
        self._apply_palette()

    def _apply_palette(self) -> None:
        if self._plot is None:
            return
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        self._plot.setBackground(palette.color(QPalette.ColorRole.Base))
        for name in ("left", "bottom"):
            axis = self._plot.getAxis(name)
            axis.setPen(text)
            axis.setTextPen(text)
        self._legend.setLabelTextColor(text)
        for item in self._legend.items:
            item[1].setText(item[1].text, color=text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

