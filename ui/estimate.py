"""Training presets and an honest duration estimate (no Qt, no torch).

The step count follows the engine's plan (engine.training.schedule): blocks of `block_size` tokens, `batch_size`
blocks a step, and its default epochs for the Standard preset. Speed is the
tokens/s the last training of the same kind reached on this computer, or else an
assumption from the model size; the UI says which.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from engine.models import scratch_size, scratch_vocab_size
from engine.training import PRETRAINED_BLOCK, SCRATCH_BLOCK
from engine.training.schedule import default_epochs

# Multipliers of the engine's default number of epochs.
PRESETS: dict[str, float] = {"quick": 0.25, "standard": 1.0, "thorough": 2.0}
VAL_OVERHEAD = 1.12          # ~10 evaluations and checkpoints add roughly this much
# Assumed sustained training throughput (FLOP/s) when nothing was measured yet.
ASSUMED_FLOPS = {"cpu": 2.0e10, "cuda": 2.0e13, "mps": 2.0e12}


@dataclass(frozen=True)
class Estimate:
    tokens: int               # estimated training tokens in the data
    steps: int
    tokens_per_s: float
    seconds: float
    measured: bool            # speed from a real run on this computer, not an assumption


def estimate_tokens(chars: int, cjk_share: float, scratch: bool = True) -> int:
    """Characters per token, measured on the bundled samples.

    A scratch tokenizer trained on a small file has a small vocabulary: ~1.4 characters
    a token for Chinese and ~1.8 for Latin text (the samples come out at 1.5-1.6 overall).
    Pretrained tokenizers (GPT-2, Qwen) pack English far better (~4) and Chinese at ~1.3.
    """
    latin = 1 - cjk_share
    per_token = 1.4 * cjk_share + 1.8 * latin if scratch else 1.3 * cjk_share + 4.0 * latin
    return max(1, round(chars / per_token))


def preset_epochs(preset: str, scratch: bool, train_tokens: int) -> float | None:
    """Epochs to pass to TrainConfig; None lets the engine use its own default."""
    if preset == "standard":
        return None
    return max(1.0, round(default_epochs(scratch, train_tokens) * PRESETS[preset], 1))


def scratch_params(chars: int, tokens: int, block: int) -> int:
    size = scratch_size(tokens)
    vocab = scratch_vocab_size(chars)
    return 12 * size.n_layer * size.n_embd ** 2 + (vocab + block) * size.n_embd


def assumed_tokens_per_s(device_kind: str, threads: int, params: int, lora: bool) -> float:
    flops = ASSUMED_FLOPS.get(device_kind, ASSUMED_FLOPS["cpu"]) * (max(1, threads) if device_kind == "cpu" else 1)
    per_token = (4 if lora else 6) * max(params, 1)  # forward + backward; LoRA skips weight gradients
    return flops / per_token


def estimate(*, tokens: int, scratch: bool, epochs: float | None, max_steps: int | None, batch_size: int,
             block_size: int | None, val_fraction: float, tokens_per_s: float, measured: bool) -> Estimate:
    block = block_size or (SCRATCH_BLOCK if scratch else PRETRAINED_BLOCK)
    train_tokens = max(1, round(tokens * (1 - val_fraction)))
    blocks = max(1, train_tokens // block)
    steps_per_epoch = max(1, math.ceil(blocks / batch_size))
    steps = max_steps or max(1, math.ceil((epochs or default_epochs(scratch, train_tokens)) * steps_per_epoch))
    seconds = steps * batch_size * block / max(tokens_per_s, 1e-9) * VAL_OVERHEAD
    return Estimate(train_tokens, steps, tokens_per_s, seconds, measured)

