"""Dropout for CPU training where PyTorch draws its mask one element at a time.

`torch.nn.Dropout` on a CPU draws its mask with `bernoulli_`, which uses MKL's vectorised
generator only on Intel processors; on AMD and ARM it falls back to one double-precision
draw per element under a lock, about 6 ns each (aten/src/ATen/native/cpu/DistributionKernels.cpp).
For a small GPT-2 that was 7 % of a training step on one thread and 10 % on two
(docs/PERFORMANCE.md). `CpuDropout` computes the same thing from a quarter of the random
words: each 64-bit draw gives four 16-bit uniform numbers, one per element.
"""
from __future__ import annotations

import functools
import platform
import sys
from pathlib import Path

import torch

CPUINFO = Path("/proc/cpuinfo")


class CpuDropout(torch.nn.Module):
    """Inverted dropout with the mask drawn four elements per 64-bit random word.

    Each element is kept when its 16-bit number is at or above p·65536, so the drop
    probability is p to within 1/65536. The draws come from torch's default generator,
    so a checkpoint's saved RNG state makes a resumed run draw the same masks.
    """

    def __init__(self, p: float):
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = p  # GPT-2's attention reads `.p` from its dropout module, so keep the name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        n = x.numel()
        # random_() on int64 fills 63 bits; shifting left by one moves them to the top, so each of
        # the four 16-bit lanes of a word is uniform (the lowest only over even numbers).
        words = torch.empty((n + 3) // 4, dtype=torch.int64, device=x.device).random_().bitwise_left_shift_(1)
        lanes = words.view(torch.int16)[:n].view(x.shape)
        scale = lanes >= round(self.p * 65536) - 32768
        # one float mask that already holds 1/(1-p): autograd saves it and backward is a single multiply
        return x * scale.to(x.dtype).mul_(1.0 / (1.0 - self.p))

    def extra_repr(self) -> str:
        return f"p={self.p}"


@functools.cache
def scalar_bernoulli() -> bool:
    """True where torch's CPU `bernoulli_` takes its per-element path: any CPU but Intel's."""
    if sys.platform.startswith("linux"):
        try:
            return "GenuineIntel" not in CPUINFO.read_text(encoding="ascii", errors="replace")
        except OSError:
            return False
    # Windows reports e.g. "Intel64 Family 6 Model 154 Stepping 3, GenuineIntel"; Apple silicon says "arm"
    return "GenuineIntel" not in platform.processor()


def use_cpu_dropout(model: torch.nn.Module) -> int:
    """Swap each `nn.Dropout` in `model` for `CpuDropout` at the same rate; returns how many."""
    swapped = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if type(child) is torch.nn.Dropout and child.p < 1.0:  # p = 1 zeroes everything: leave it to torch
                new = CpuDropout(child.p)
                new.train(child.training)
                setattr(parent, name, new)
                swapped += 1
    return swapped
