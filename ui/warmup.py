"""Slow first-time work done on workers, off the GUI thread (no Qt widgets here): importing torch,
transformers and pyqtgraph once, compiling the check lists, creating the history file.

transformers' lazy module is not safe to import from two threads at once (one
of them can see "cannot import name 'AutoTokenizer'"), so every worker that
calls the engine goes through `import_heavy()`, which serialises the imports.
"""
from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_done = False


def import_heavy() -> None:
    """Idempotent; the first call takes seconds, later calls return at once."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        import pyqtgraph  # noqa: F401  -- the loss chart
        import torch  # noqa: F401
        from accelerate import Accelerator  # noqa: F401
        from transformers import (AutoConfig, AutoModelForCausalLM, AutoTokenizer, GPT2LMHeadModel,  # noqa: F401
                                  PreTrainedTokenizerFast, StoppingCriteriaList)

        import engine.history.store  # noqa: F401
        import engine.quality.checks  # noqa: F401  -- the Write page checks and saves every generation
        freeze_gc()
        _done = True


def freeze_gc() -> None:
    """Move every object alive now out of the cyclic GC's reach.

    After torch and transformers are imported the heap holds millions of objects,
    and a full collection, triggered by whichever thread allocates, holds the GIL
    for ~0.4 s on a slow CPU: a visible freeze. Frozen objects are still freed
    by reference counting; only cycles among them are left alone.
    """
    gc.freeze()


def warm_up(device: str):
    """Run right after the window shows: the imports, the check lists, then the device for the Train page."""
    import_heavy()
    load_check_lists()
    from engine.models import choose_device
    return choose_device(device, reserve_for_gui=True)


def create_history_file() -> None:
    """Create a missing history file on a worker, not on the GUI thread at the first save.

    A new SQLite file, its WAL switch and its migrations cost 5-35 ms of disk syncs, more on
    a busy or slow disk. An existing file is left to the pages, which report damage. Call it
    only where the GUI cannot be opening the history at the same time (two first opens race
    on the migrations): the Write page does, in its generation worker, before its first save.
    """
    from engine.common import HistoryError
    from engine.history import History, default_path

    if not default_path().exists():
        with contextlib.suppress(HistoryError):  # the page that opens it says why it cannot be used
            History().close()


def load_check_lists() -> None:
    """Compile the quality checks' lists now (~0.1 s), not when the first drafts are ready."""
    from engine.common import WenanError
    from engine.quality import absolute_terms, length_rules

    with contextlib.suppress(WenanError):  # a bad line in the user's list is reported by the checks
        absolute_terms()
        length_rules()
