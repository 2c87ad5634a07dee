"""A guard against a PySide6 6.12.0 bug on Python 3.11: calls drop references to None and True.

Every call of a method that returns nothing (QLabel.setText, QPainter.drawLine, …)
lowers None's reference count by one, and every Signal.emit() lowers True's. On
Python ≥ 3.12 these objects are immortal and nothing happens; on 3.11 a count reaches
zero after enough calls and the interpreter aborts ("Fatal Python error: none_dealloc"
or "bool_dealloc"). The loss chart alone makes ~100 such calls a second, so a long
training would crash the app. PySide6 6.11.3 does not have the bug, and pyproject.toml
now keeps 6.12 out (it also crashes when a signal's payload crosses threads), so on a
supported install the guard finds no leak and does nothing; it stays for whoever lifts the pin.

The guard measures the leak once at start-up and, only if there is one, raises the
counts back above a floor every second. None, True and False are never freed, so a
higher count costs nothing. Remove this module once PySide6 is fixed (or the project
requires Python ≥ 3.12).
"""
from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)
FLOOR = 1_000_000       # keep at least this many references to each singleton
CHECK_MS = 1000
SINGLETONS = (None, True, False)

_guard: "RefcountGuard | None" = None


class _Probe(QObject):
    ping = Signal()


def leaky_singletons() -> list[object]:
    """The singletons this PySide6 build drops references to (always none from Python 3.12)."""
    if sys.version_info >= (3, 12):
        return []
    probe = _Probe()
    probe.ping.connect(probe.deleteLater)  # any receiver; deleteLater only runs in an event loop
    before = {id(obj): sys.getrefcount(obj) for obj in SINGLETONS}
    for _ in range(200):
        probe.setObjectName("probe")  # a void method
        probe.ping.emit()
    probe.ping.disconnect()
    return [obj for obj in SINGLETONS if sys.getrefcount(obj) < before[id(obj)] - 100]


class RefcountGuard(QObject):
    """Tops the leaking singletons' reference counts up before they can reach zero."""

    def __init__(self, leaky: list[object], parent: QObject | None = None):
        super().__init__(parent)
        self.leaky = leaky
        self.added = 0
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.top_up)
        self.top_up()
        self._timer.start()

    def top_up(self) -> None:
        for obj in self.leaky:
            missing = FLOOR - sys.getrefcount(obj)
            if missing > 0:
                # ob_refcnt is the first field of every CPython object (Python < 3.12 here).
                ctypes.c_ssize_t.from_address(id(obj)).value += missing
                self.added += missing


def install(app: QObject) -> RefcountGuard | None:
    """Start the guard once per process, if this PySide6 needs it."""
    global _guard
    if _guard is None:
        leaky = leaky_singletons()
        if leaky:
            _guard = RefcountGuard(leaky, app)
            log.warning("PySide6 drops references to %s on this Python; guarding against the crash", leaky)
    return _guard
