"""The window's pages in a QStackedWidget, each one built the first time it is needed.

At start-up only the page on screen is built (and its modules imported); the others follow
one per event-loop turn once the window has been drawn (`build_rest_later`), so that the
window appears sooner and stays responsive while they are made. Asking for a page that is
not built yet builds it at once, so callers never see a placeholder.
"""
from __future__ import annotations

import importlib

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget


class PageStack(QStackedWidget):
    """Pages by key, in a fixed order; `classes` maps each key to "module:Class" (built with `state`)."""

    built = Signal(str, QWidget)  # key, page: emitted once per page, right after it is made

    def __init__(self, classes: dict[str, str], state, parent: QWidget | None = None):
        super().__init__(parent)
        self.classes = classes
        self.keys = tuple(classes)
        self.state = state
        self._pages: dict[str, QWidget] = {}
        for _ in self.keys:
            self.addWidget(QWidget())  # a placeholder, replaced by the page when it is built
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self._build_next)

    def page(self, key: str) -> QWidget:
        """The page, built now if it was not yet."""
        page = self._pages.get(key)
        return page if page is not None else self._build(key)

    def built_page(self, key: str) -> QWidget | None:
        """The page if it has been built, without building it."""
        return self._pages.get(key)

    def all_built(self) -> bool:
        return len(self._pages) == len(self.keys)

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802 -- Qt's name; the sidebar calls it
        if 0 <= index < len(self.keys):
            self.page(self.keys[index])
        super().setCurrentIndex(index)

    def build_rest_later(self) -> None:
        """Build the remaining pages one per event-loop turn, starting after pending events."""
        if len(self._pages) < len(self.keys):
            self._later.start()

    def stop_building(self) -> None:
        self._later.stop()

    def _build_next(self) -> None:
        missing = [key for key in self.keys if key not in self._pages]
        if missing:
            self._build(missing[0])
            if len(missing) > 1:
                self._later.start()

    def _build(self, key: str) -> QWidget:
        module_name, class_name = self.classes[key].split(":")
        page = getattr(importlib.import_module(module_name), class_name)(self.state)
        self._pages[key] = page
        index = self.keys.index(key)
        current = self.currentIndex()
        placeholder = self.widget(index)
        self.insertWidget(index, page)
        self.removeWidget(placeholder)
        placeholder.deleteLater()
        if current >= 0:
            super().setCurrentIndex(current)  # inserting and removing moved the current index
        self.built.emit(key, page)
        return page
