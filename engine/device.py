"""Choosing the device and precision, and describing them to the user."""
from __future__ import annotations

import contextlib
import gc
import os
import sys
import traceback
from dataclasses import dataclass

from .errors import ConfigError, OutOfMemoryError, WenanError


@dataclass(frozen=True)
class DeviceChoice:
    kind: str              # "cuda" | "mps" | "cpu"
    dtype: str             # precision of the forward pass: "bf16" | "fp16" | "fp32"
    name: str              # what the user sees, e.g. "NVIDIA GeForce RTX 4060 (8.0 GB)" or "CPU (8 threads)"
    memory_bytes: int | None  # total device memory; None when unknown

    @property
    def mixed_precision(self) -> str:
        """The value accelerate's `mixed_precision` takes."""
        return {"bf16": "bf16", "fp16": "fp16"}.get(self.dtype, "no")


def cpu_threads(reserve_for_gui: bool) -> int:
    """Threads for torch on CPU; the desktop app keeps one core free for its event loop."""
    cores = os.cpu_count() or 1
    # Under `accelerate launch` several processes share the cores.
    cores = max(1, cores // max(1, int(os.environ.get("LOCAL_WORLD_SIZE", "1"))))
    return max(1, cores - 1) if reserve_for_gui else cores


def configure_threads(reserve_for_gui: bool = False, threads: int | None = None) -> int:
    import torch

    n = threads or cpu_threads(reserve_for_gui)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def choose_device(requested: str = "auto", *, reserve_for_gui: bool = False) -> DeviceChoice:
    """Resolve `auto|cuda|mps|cpu` to what this machine has; never silently substitutes."""
    import torch

    if requested not in ("auto", "cuda", "mps", "cpu"):
        raise ConfigError("bad_value", option="--device", value=requested, hint="Use auto, cuda, mps or cpu.")
    has_cuda = torch.cuda.is_available()
    has_mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if requested == "cuda" and not has_cuda or requested == "mps" and not has_mps:
        raise WenanError("device_unavailable", device=requested)

    if requested == "cuda" or requested == "auto" and has_cuda:
        props = torch.cuda.get_device_properties(0)
        dtype = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        name = f"{props.name} ({props.total_memory / 2**30:.1f} GB)"
        return DeviceChoice("cuda", dtype, name, props.total_memory)
    if requested == "mps" or requested == "auto" and has_mps:
        return DeviceChoice("mps", "fp32", "Apple GPU (MPS)", None)
    threads = configure_threads(reserve_for_gui)
    return DeviceChoice("cpu", "fp32", cpu_name(threads), physical_memory())


def cpu_name(threads: int) -> str:
    """What the user sees for the CPU, e.g. "CPU (7 threads)"."""
    return f"CPU ({threads} thread{'' if threads == 1 else 's'})"


def physical_memory() -> int | None:
    """Installed RAM in bytes; None when the system doesn't say."""
    if sys.platform == "win32":
        status = _windows_memory_status()
        return status[0] if status else None
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _windows_memory_status() -> tuple[int, int] | None:
    """(installed, available) RAM in bytes from GlobalMemoryStatusEx; Windows has no sysconf."""
    import ctypes

    class MemoryStatusEx(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

    status = MemoryStatusEx()
    status.dwLength = ctypes.sizeof(MemoryStatusEx)
    try:
        if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return None
    except (AttributeError, OSError):
        return None
    return status.ullTotalPhys, status.ullAvailPhys


def available_memory(device: DeviceChoice) -> int | None:
    """Free memory on the device now, for choosing full fine-tune or LoRA."""
    if device.kind == "cuda":
        import torch
        free, _total = torch.cuda.mem_get_info()
        return free
    if sys.platform == "win32":
        status = _windows_memory_status()
        return status[1] if status else device.memory_bytes
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # macOS has no SC_AVPHYS_PAGES
        return device.memory_bytes


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
