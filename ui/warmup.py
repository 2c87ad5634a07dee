"""Importing torch, transformers and pyqtgraph once, off the GUI thread (no Qt widgets here).

transformers' lazy module is not safe to import from two threads at once (one
of them can see "cannot import name 'AutoTokenizer'"), so every worker that
calls the engine goes through `import_heavy()`, which serialises the imports.
"""
from __future__ import annotations

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
        from transformers import (AutoConfig, AutoModelForCausalLM, AutoTokenizer,  # noqa: F401
                                  GPT2LMHeadModel, PreTrainedTokenizerFast, StoppingCriteriaList)
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
    """Run right after the window shows: the imports, then the device for the Train page."""
    import_heavy()
    from engine.device import choose_device
    return choose_device(device, reserve_for_gui=True)
