"""Line icons drawn in the palette's text colour, so they read in light and dark themes."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from engine.common.paths import resources_dir


@lru_cache(maxsize=None)
def _svg(name: str) -> str:
    return (resources_dir() / "icons" / f"{name}.svg").read_text(encoding="utf-8")


def _render(svg: str, size: int, ratio: float) -> QPixmap:
    image = QImage(int(size * ratio), int(size * ratio), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)  # sharp on high-DPI screens
    return pixmap


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """A themed icon from resources/icons/<name>.svg ("currentColor" becomes the text colour)."""
    palette = palette or QApplication.palette()
    screen = QApplication.primaryScreen()
    ratio = max(1.0, screen.devicePixelRatio() if screen else 1.0)
    colours = (palette.color(QPalette.ColorRole.WindowText).name(),
               palette.color(QPalette.ColorRole.HighlightedText).name(),
               palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name())
    return _themed(name, colours, ratio)


@lru_cache(maxsize=64)
def _themed(name: str, colours: tuple[str, str, str], ratio: float) -> QIcon:
    """Rendering SVGs costs the GUI thread ~1 ms each: every card of every generation reuses these."""
    normal, selected, disabled = colours
    result = QIcon()
    for colour, mode in ((normal, QIcon.Mode.Normal), (selected, QIcon.Mode.Selected)):
        svg = _svg(name).replace("currentColor", colour)
        for size in (16, 24, 32):
            result.addPixmap(_render(svg, size, ratio), mode)
    result.addPixmap(_render(_svg(name).replace("currentColor", disabled), 24, ratio), QIcon.Mode.Disabled)
    return result


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "app.svg"))
