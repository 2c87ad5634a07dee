"""A ranked horizontal bar chart of aspects (pyqtgraph, as ui/loss_chart.py uses it): one bar per
aspect, longest on top, its count at the end of the bar; clicking a bar picks the aspect.

pyqtgraph is imported when the first chart is drawn, never on the start-up path.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..notice import hint

PRAISE_COLOUR = QColor(46, 160, 67)     # mid-tone hues that read on light and dark backgrounds
CRITICISM_COLOUR = QColor(222, 98, 48)
BARS = 10


class AspectChart(QWidget):
    """Bars for (name, count) pairs; `clicked` sends the name of the bar clicked."""

    clicked = Signal(str)

    def __init__(self, colour: QColor, parent: QWidget | None = None):
        super().__init__(parent)
        self.colour = colour
        self.items: list[tuple[str, int]] = []
        self._plot = None
        self._bars = None
        self._labels: list = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = hint()
        self._layout.addWidget(self.placeholder)
        self.setMinimumHeight(self.fontMetrics().height() * 10)

    def set_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)

    def set_items(self, items: list[tuple[str, int]]) -> None:
        """The aspects to draw, most first; only the top BARS are shown."""
        self.items = list(items[:BARS])
        if not self.items:
            if self._plot is not None:
                self._plot.hide()
            self.placeholder.show()
            return
        self._ensure_plot()
        self.placeholder.hide()
        self._plot.show()
        self._draw()

    def bar_position(self, name: str):
        """The middle of the bar of `name`, in the plot's viewport coordinates (where a click lands)."""
        index = [n for n, _ in self.items].index(name)
        scene = self._plot.getViewBox().mapViewToScene(QPointF(self.items[index][1] / 2, len(self.items) - 1 - index))
        return self._plot.mapFromScene(scene)

    def viewport(self):
        return self._plot.viewport()

    def _ensure_plot(self) -> None:
        if self._plot is not None:
            return
        import pyqtgraph as pg

        self._plot = pg.PlotWidget()
        self._plot.setObjectName("aspectPlot")
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.hideButtons()
        self._plot.setMenuEnabled(False)
        self._plot.showGrid(x=True, y=False, alpha=0.2)
        self._plot.scene().sigMouseClicked.connect(self._on_click)
        self._layout.addWidget(self._plot)
        self._apply_palette()

    def _draw(self) -> None:
        import pyqtgraph as pg

        plot, n = self._plot, len(self.items)
        if self._bars is not None:
            plot.removeItem(self._bars)
        for label in self._labels:
            plot.removeItem(label)
        counts = [count for _, count in self.items]
        ys = [n - 1 - i for i in range(n)]  # the first item at the top
        self._bars = pg.BarGraphItem(x0=[0] * n, y=ys, height=0.6, width=counts, brush=self.colour, pen=None)
        plot.addItem(self._bars)
        text = self.palette().color(QPalette.ColorRole.Text)
        self._labels = []
        for y, count in zip(ys, counts):
            label = pg.TextItem(str(count), color=text, anchor=(0, 0.5))
            label.setPos(count, y)
            plot.addItem(label)
            self._labels.append(label)
        top = max(counts)
        plot.setXRange(0, top * 1.15 + 1, padding=0)
        step = max(1, math.ceil(top / 5))  # counts are whole numbers: no 0.5 ticks
        plot.getAxis("bottom").setTickSpacing(step, step)
        plot.setYRange(-0.6, n - 0.4, padding=0)
        plot.getAxis("left").setTicks([[(y, name) for y, (name, _) in zip(ys, self.items)]])

    def _on_click(self, event) -> None:
        if not self.items:
            return
        point = self._plot.getViewBox().mapSceneToView(event.scenePos())
        index = len(self.items) - 1 - round(point.y())
        if 0 <= index < len(self.items) and point.x() >= 0 and abs(point.y() - round(point.y())) <= 0.4:
            self.clicked.emit(self.items[index][0])

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
        if self.items:
            self._draw()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)
