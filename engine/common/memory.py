"""Memory: how much RAM this machine has, and turning running out of it into advice."""
from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import sys
import traceback

from .errors import OutOfMemoryError


def physical_memory() -> int | None:
    """Installed RAM in bytes; None when the system doesn't say."""
    if sys.platform == "win32":
        status = windows_memory_status()
        return status[0] if status else None
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def available_ram() -> int | None:
    """RAM free now, in bytes; None when the system doesn't say (macOS has no SC_AVPHYS_PAGES)."""
    if sys.platform == "win32":
        status = windows_memory_status()
        return status[1] if status else None
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


class MemoryStatusEx(ctypes.Structure):
    """Windows' MEMORYSTATUSEX: two DWORDs, then seven DWORDLONGs (64 bytes)."""
    _fields_ = [("dwLength", ctypes.c_uint32), ("dwMemoryLoad", ctypes.c_uint32),
                ("ullTotalPhys", ctypes.c_uint64), ("ullAvailPhys", ctypes.c_uint64),
                ("ullTotalPageFile", ctypes.c_uint64), ("ullAvailPageFile", ctypes.c_uint64),
                ("ullTotalVirtual", ctypes.c_uint64), ("ullAvailVirtual", ctypes.c_uint64),
                ("ullAvailExtendedVirtual", ctypes.c_uint64)]


def windows_memory_status() -> tuple[int, int] | None:
    """(installed, available) RAM in bytes from GlobalMemoryStatusEx; Windows has no sysconf."""
    status = MemoryStatusEx()
    status.dwLength = ctypes.sizeof(MemoryStatusEx)
    try:
        if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return None
    except (AttributeError, OSError):
        return None
    return status.ullTotalPhys, status.ullAvailPhys


# How torch's allocators word it: CUDA and MPS say "out of memory"; the CPU allocator says
# "not enough memory" (Windows) or "can't allocate memory" (Linux, macOS); cuBLAS fails to get a workspace.
_OOM_MESSAGES = ("out of memory", "not enough memory", "can't allocate memory", "cublas_status_alloc_failed")


def is_out_of_memory(err: BaseException) -> bool:
    """Whether `err` means the device (GPU or RAM) had no room; never initialises CUDA."""
    if isinstance(err, MemoryError):
        return True
    torch = sys.modules.get("torch")  # a torch error needs torch imported already; no import cost here
    if torch is not None and isinstance(err, torch.cuda.OutOfMemoryError):
        return True
    return isinstance(err, RuntimeError) and any(text in str(err).lower() for text in _OOM_MESSAGES)


@contextlib.contextmanager
def memory_advice(kind: str, key: str, **params):
    """Turns running out of memory on a `kind` device into an OutOfMemoryError with the advice
    of message `key`, after giving back what the failed step held, so the app stays usable."""
    try:
        yield
    except Exception as err:
        if not is_out_of_memory(err):
            raise
        # The traceback's frames still hold the half-loaded model or the batch's activations.
        traceback.clear_frames(err.__traceback__)
        gc.collect()
        if kind == "cuda":
            sys.modules["torch"].cuda.empty_cache()
        raise OutOfMemoryError(key, **params) from err
