"""Choosing the device and precision, and describing them to the user."""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..common import memory
from ..common.errors import ConfigError, WenanError


@dataclass(frozen=True)
class DeviceChoice:
    kind: str              # "cuda" | "mps" | "cpu"
    dtype: str             # precision of the forward pass: "bf16" | "fp16" | "fp32"
    name: str              # what the user sees, e.g. "NVIDIA GeForce RTX 4060 (8.0 GB)" or "CPU (8 threads)"
    memory_bytes: int | None  # total device memory; None when unknown

    @property
    def mixed_precision(self) -> str:
        """The value accelerate's `mixed_precision` takes. "no" on a CPU: accelerate's state is
        process-wide and can't change between runs, and a scratch model there trains in fp32, so
        the loop autocasts a pretrained base itself (`cpu_autocast`)."""
        if self.kind == "cpu":
            return "no"
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
    dtype = "bf16" if cpu_has_bf16() else "fp32"
    return DeviceChoice("cpu", dtype, cpu_name(threads), memory.physical_memory())


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bf16 natively (x86 AVX512-BF16 or AMX): there a pretrained base
    trains and writes about twice as fast in bf16 (PERFORMANCE.md). Elsewhere bf16 is emulated,
    slower than fp32, so the CPU stays in fp32. WENAN_CPU_BF16=0/1 overrides the detection."""
    forced = os.environ.get("WENAN_CPU_BF16")
    if forced in ("0", "1"):
        return forced == "1"
    import torch

    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    try:
        return any(getattr(torch.cpu, name, lambda: False)() for name in probes)
    except RuntimeError:
        return False


def cpu_name(threads: int) -> str:
    """What the user sees for the CPU, e.g. "CPU (7 threads)"."""
    return f"CPU ({threads} thread{'' if threads == 1 else 's'})"


def available_memory(device: DeviceChoice) -> int | None:
    """Free memory on the device now, for choosing full fine-tune or LoRA."""
    if device.kind == "cuda":
        import torch
        free, _total = torch.cuda.mem_get_info()
        return free
    free = memory.available_ram()
    return device.memory_bytes if free is None else free


def load_dtype(device: DeviceChoice, purpose: str):
    """The torch dtype to load a pretrained model's weights in, for "write", "full" (fine-tune) or "lora".

    Writing uses the device's precision. A full fine-tune keeps fp32 master weights (autocast
    does the rest); LoRA keeps its frozen base in the device's half precision (its adapters stay
    fp32): on a GPU that saves memory, on a CPU with native bf16 it is also ~1.8× faster.
    """
    import torch

    half = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(device.dtype)
    if half is None or purpose == "full":
        return torch.float32
    return half


def cpu_autocast(device: DeviceChoice, scratch: bool) -> bool:
    """Whether a run autocasts to bf16 on the CPU: on a CPU with native bf16, pretrained bases and
    scratch models alike (a scratch model's held-out loss at equal steps is the fp32 one within
    0.1 %, and its steps are ~1.2x faster: docs/PERFORMANCE.md). `scratch` is kept for callers."""
    return device.kind == "cpu" and device.dtype == "bf16"
