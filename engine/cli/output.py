"""What every command shares: exit codes, JSON lines, Ctrl+C as a cancel, and words for people."""
from __future__ import annotations

import json
import re
import signal
import threading
import unicodedata
from contextlib import contextmanager

from ..common.errors import message

EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 2, 130


def json_line(obj: dict) -> None:
    """One JSON object on its own line: the --json contract."""
    print(json.dumps(obj, ensure_ascii=False), flush=True)


@contextmanager
def ctrl_c_cancels(cancel: threading.Event):
    """Ctrl+C asks the engine to stop at the next step, so it can save a checkpoint."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def device_name(name: str) -> str:
    """The engine's device name for people: only the CPU's ("CPU (N threads)") has words in it."""
    cpu = re.fullmatch(r"CPU \((\d+) threads?\)", name or "")
    return message("cli_cpu", n=cpu.group(1)) if cpu else name


def method_name(method: str | None) -> str:
    return message(f"cli_method_{method}") if method in ("full", "lora") else str(method)


def pad(text: str, width: int) -> str:
    """Left-aligned in `width` terminal columns: a Chinese character takes two."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)
