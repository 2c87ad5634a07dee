"""The calls the window sends to the engine process (`ui.engine_process`): each runs there, never here.

Qt-free, like `ui.engine_host`: the worker process imports this module and the engine, and
nothing of PySide6. Each function takes the call's context first (`ctx.cancel`, `ctx.on_event`,
`ctx.on_text`) and returns something the window can unpickle without torch: the engine's own
result types, plain values, and `CheckedDrafts`.
"""
from __future__ import annotations

import contextlib
import gc
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.history import RerunRequest
    from engine.quality import CheckContext, Flag
    from engine.writing import GenerateResult

_import_lock = threading.Lock()
_imported = False


def import_heavy() -> None:
    """torch, accelerate and transformers, once per process (idempotent; the first call takes seconds).

    transformers' lazy module is not safe to import from two threads at once (one of them can see
    "cannot import name 'AutoTokenizer'"), so every call that uses the engine comes through here.
    """
    global _imported
    if _imported:
        return
    with _import_lock:
        if _imported:
            return
        import torch  # noqa: F401
        from accelerate import Accelerator  # noqa: F401
        from transformers import (AutoConfig, AutoModelForCausalLM, AutoTokenizer, DynamicCache,  # noqa: F401
                                  GPT2LMHeadModel, PreTrainedTokenizerFast)

        import engine.history.store  # noqa: F401
        import engine.quality.checks  # noqa: F401  -- every generation is checked and saved
        # After these imports the heap holds millions of objects; a full cyclic collection would
        # hold the GIL for ~0.4 s in the middle of a generation's streaming. Frozen objects are
        # still freed by reference counting.
        gc.freeze()
        _imported = True


def _threads(threads: int | None) -> None:
    if threads:
        from engine.models import configure_threads
        configure_threads(threads=threads)


def warm_up(ctx, device: str):
    """Right after the window shows: the imports, the check lists, then the device for the Train page."""
    import_heavy()
    load_check_lists()
    from engine.models import choose_device
    return choose_device(device, reserve_for_gui=True)


def load_check_lists() -> None:
    """Compile the quality checks' lists now (~0.1 s), not when the first drafts are ready."""
    from engine.common import WenanError
    from engine.quality import absolute_terms, length_rules

    with contextlib.suppress(WenanError):  # a bad line in the user's list is reported by the checks
        absolute_terms()
        length_rules()


def create_history_file() -> None:
    """Create a missing history file here, not on the GUI thread at the first save.

    A new SQLite file, its WAL switch and its migrations cost 5-35 ms of disk syncs, more on a busy
    or slow disk. An existing file is left to the pages, which report damage. Called only where
    the window cannot be opening the history at the same time: before a generation, whose drafts
    the window saves when they arrive.
    """
    from engine.common import HistoryError
    from engine.history import History, default_path

    if not default_path().exists():
        with contextlib.suppress(HistoryError):  # the page that opens it says why it cannot be used
            History().close()


def train(ctx, cfg, resume: bool, threads: int | None):
    """One training, in a trainer process of its own (see `EngineManager.trainer`)."""
    from engine.training import train as run

    import_heavy()
    applied = False

    def on_event(event):
        nonlocal applied
        # The engine sets torch's thread count when it picks the device; a count chosen in
        # Settings is applied right after that, before the first step.
        if threads and event.device and not applied:
            _threads(threads)
            applied = True
        ctx.on_event(event)
    return run(cfg, on_event=on_event, cancel=ctx.cancel, resume=resume)


train.saves_on_cancel = True  # the engine process waits for its checkpoint before it exits


@dataclass(frozen=True)
class CheckedDrafts:
    """A generation's result, each variant's flags, and the cleanest-first order."""

    result: GenerateResult
    flags: list[list[Flag]]  # one list per result.variants
    order: list[int]         # indices of result.variants, cleanest first
    context: CheckContext    # to check the user's edits the same way


def check_drafts(request: RerunRequest, result: GenerateResult) -> CheckedDrafts:
    """The quality checks of one generation, as the CLI runs them (it loads the memo index).

    The prompt, every field (the facts box among them) and the seller's examples the model was
    shown are what the drafts may claim."""
    from engine.quality import CheckContext, check_variants, memo_for_model, rank_variants, split_keywords

    fields = request.fields or {}
    context = CheckContext(request.scenario, fields.get("platform") or None,
                           split_keywords(fields.get("keywords", "")), memo_for_model(request.model),
                           product=fields.get("product") or None,
                           facts=[request.config.prompt, *(str(v) for v in fields.values()), *result.examples_used])
    flags = check_variants(result.variants, context)
    return CheckedDrafts(result, flags, rank_variants(result.variants, flags), context)


def generate(ctx, request: RerunRequest, device: str, threads: int | None) -> CheckedDrafts:
    """The Write page's drafts, streamed as they are written, then checked."""
    from engine.writing import generate as write

    create_history_file()  # before the first save reaches the window
    import_heavy()
    _threads(threads)
    result = write(request.model, request.config, on_text=ctx.on_text, cancel=ctx.cancel, device=device,
                   reserve_for_gui=True)
    return check_drafts(request, result)


def preload(ctx, name: str, device: str, threads: int | None, start: tuple | None = None) -> str:
    """Load a model before the user asks for drafts; it stays loaded in the engine process. `start`:
    (GenerateConfig, language) of the request the form is set for, whose system message a chat model
    then reads ahead, so the first draft's text comes sooner."""
    from engine.quality import memo_for_model
    from engine.writing import load_model, read_ahead

    import_heavy()
    _threads(threads)
    load_model(name, device, reserve_for_gui=True)
    memo_for_model(name)  # the copy check's index, read once per model
    if start is not None:
        read_ahead(name, *start, device, reserve_for_gui=True)
    return name


def find_bases(ctx, device=None) -> list:
    """The pretrained bases on this computer, judged for `device` (a profile) or this one's."""
    from engine.models import device_profile, find_bases as scan

    return scan(device=device or device_profile("auto"))


def count_parameters(ctx, folder) -> int:
    """A model folder's parameter count, from its safetensors headers."""
    from engine.models import count_parameters as count

    import_heavy()
    return int(count(folder))


def run_batch(ctx, model: str, products, scenario: str, out, n: int, mapping: dict, gen: dict, resume: bool,
              device: str, threads: int | None):
    """File → Batch drafting: every product of a sheet, resumable."""
    from engine.writing import load_model, run_batch as run

    import_heavy()
    # Loaded here keeping a core for the window; run_batch then finds it in the cache.
    load_model(model, device, reserve_for_gui=True)
    _threads(threads)
    return run(model, products, scenario, out, n, mapping, gen, on_event=ctx.on_event, cancel=ctx.cancel,
               resume=resume, device=device)


run_batch.saves_on_cancel = True  # its journal


def clear_models(ctx) -> None:
    """Forget the loaded models (the self-test, and a model deleted from the library)."""
    from engine.writing import clear_cache

    clear_cache()


def collect_garbage(ctx, trim: bool = True) -> None:
    """Python's collection, then the C allocator's free pages handed back (glibc): what a process
    can give back of a finished training (bench/worker_memory.py)."""
    import ctypes
    import sys

    gc.collect()
    if trim and sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass


def ping(ctx, value):
    """The self-test's and the tests' check that the process answers."""
    import os
    import sys

    return {"value": value, "pid": os.getpid(), "frozen": bool(getattr(sys, "frozen", False)),
            "executable": sys.executable,
            "qt": sorted(name for name in sys.modules if name.startswith("PySide6."))}
