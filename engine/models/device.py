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
    return DeviceChoice("cpu", "fp32", cpu_name(threads), memory.physical_memory())


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
    """The torch dtype to load weights in, for "write", "full" (fine-tune) or "lora".

    Writing uses the device's precision. A full fine-tune keeps fp32 master weights (autocast
    does the rest); LoRA keeps its frozen base in half precision on a GPU, where memory is short.
    """
    import torch

    half = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(device.dtype)
    if half is None or purpose == "full" or purpose == "lora" and device.kind != "cuda":
        return torch.float32
    return half
