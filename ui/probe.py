"""Measurement hooks: the start-up probe and the event-loop heartbeat (for bench/ and tests)."""
from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget


class StartupProbe(QObject):
    """WENAN_STARTUP_PROBE=1: print one JSON line when the window is first exposed, then quit."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        window.winId()  # creates the native window, so its QWindow exists before show()
        window.windowHandle().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and obj.isExposed():
            obj.removeEventFilter(self)
            stack = getattr(self.window, "stack", None)  # the pages built so far (ui/page_stack.py)
            print(json.dumps({"probe": "exposed", "time": time.time(),
                              "heavy_modules": sorted(m for m in ("torch", "transformers", "pyqtgraph", "numpy")
                                                      if m in sys.modules),
                              "pages": [k for k in getattr(stack, "keys", ()) if stack.built_page(k) is not None]}),
                  flush=True)
            QTimer.singleShot(0, self.window.close)
        return False


class Heartbeat(QObject):
    """A 10 ms timer on the GUI thread; how late each tick fires is how long the loop stalled."""

    def __init__(self, interval_ms: int = 10, parent: QObject | None = None):
        super().__init__(parent)
        self.interval = interval_ms / 1000
        self.lateness_ms: list[float] = []
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0

    def start(self) -> None:
        self.lateness_ms.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> dict:
        self._timer.stop()
        self._tick()  # a stall that lasts until stop() counts too
        return self.summary()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness_ms.append(max(0.0, (now - self._last - self.interval) * 1000))
        self._last = now

    def summary(self) -> dict:
        values = sorted(self.lateness_ms)
        if not values:
            return {"ticks": 0, "max_ms": 0.0, "p99_ms": 0.0, "p50_ms": 0.0}
        pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
        return {"ticks": len(values), "max_ms": round(values[-1], 1), "p99_ms": round(pick(0.99), 1),
                "p50_ms": round(pick(0.5), 1)}
