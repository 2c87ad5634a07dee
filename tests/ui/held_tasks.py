"""Task functions for `EngineGate`: the app's own (`ui.tasks`), held at an event until cancelled.

Runs in the engine process, so the hold and its signals are files in a folder both processes see:
`reached` is written when the task is held, `released` ends the hold from the test.
"""
from __future__ import annotations

import time
from pathlib import Path

from ui import tasks

HOLD_S = 120.0  # at most; the test cancels or releases long before


def matches(when: tuple, event) -> bool:
    """`when` is picklable, unlike a lambda: ("any",), ("step", n) or ("rows", n)."""
    kind = when[0]
    if kind == "step":
        return event.phase == "training" and event.step >= when[1]
    if kind == "rows":
        return event.done_rows >= when[1]
    return True


class HeldContext:
    """The call's context, with `callback` wrapped to stop at the first event that matches."""

    def __init__(self, ctx, gate: Path, callback: str, when: tuple):
        self._ctx, self._gate, self._when = ctx, gate, when
        self.cancel = ctx.cancel
        self.on_event, self.on_text = ctx.on_event, ctx.on_text
        inner = getattr(ctx, callback)

        def held(event) -> None:
            inner(event)
            if not (gate / "reached").exists() and matches(when, event):
                ctx.flush()  # what came before the hold reaches the window now
                (gate / "reached").touch()
                deadline = time.monotonic() + HOLD_S
                while not (self.cancel.is_set() or (gate / "released").exists()) and time.monotonic() < deadline:
                    time.sleep(0.01)
        setattr(self, callback, held)

    def flush(self, *args) -> None:
        self._ctx.flush(*args)


def held(gate: str, task: str, callback: str, when: tuple, ctx, *args):
    return getattr(tasks, task)(HeldContext(ctx, Path(gate), callback, when), *args)


def count_until_cancelled(ctx):
    """Reports a count until the window cancels it: (count, this process's id)."""
    import os

    count = 0
    while not ctx.cancel.is_set():
        count += 1
        ctx.on_event(count)
        ctx.flush()
        time.sleep(0.01)
    return count, os.getpid()


def in_bundle(bundle: str, task: str, ctx, *args):
    """`task` as it runs in an installed bundle unpacked at `bundle` (sys._MEIPASS), then as before:
    the engine process is shared by the tests."""
    import sys

    had = getattr(sys, "_MEIPASS", None)
    sys._MEIPASS = bundle
    try:
        return getattr(tasks, task)(ctx, *args)
    finally:
        if had is None:
            del sys._MEIPASS
        else:
            sys._MEIPASS = had


def load(ctx, name: str, device: str) -> None:
    from engine.writing import load_model

    load_model(name, device)


def loaded(ctx, name: str, device: str) -> bool:
    from engine.writing import is_loaded

    return is_loaded(name, device)


def fail_with(ctx, kind: str):
    """Errors as the engine raises them: torch's out-of-memory error, or one of the engine's own."""
    if kind == "oom":
        import torch

        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    from engine.common import DataFileError

    raise DataFileError("file_missing", path="/nowhere/copy.txt")


def environment(ctx, key: str):
    import os

    return os.environ.get(key)


def result_only_the_engine_can_read(ctx, folder: str):
    """An object of a class from a module the window's process can't import."""
    import sys
    from pathlib import Path

    (Path(folder) / "engine_only_module.py").write_text("class Thing:\n    pass\n")
    sys.path.insert(0, folder)
    try:
        import engine_only_module
    finally:
        sys.path.remove(folder)
    return engine_only_module.Thing()
