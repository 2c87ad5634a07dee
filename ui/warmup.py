"""The window's own slow first-time work, done on a thread after it shows: importing pyqtgraph
(the loss chart) once. The engine's imports (torch, transformers) happen in the engine process
(`ui.tasks.warm_up`), never here.
"""
from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_done = False


def import_gui() -> None:
    """Idempotent; the first call takes a fraction of a second, later calls return at once."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        import pyqtgraph  # noqa: F401  -- the loss chart
        freeze_gc()
        _done = True


def freeze_gc() -> None:
    """Move every object alive now out of the cyclic GC's reach.

    A full collection of a large heap, triggered by whichever thread allocates, holds the GIL
    long enough to be seen as a freeze. Frozen objects are still freed by reference counting;
    only cycles among them are left alone.
    """
    gc.freeze()
