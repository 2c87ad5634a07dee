"""Events the engine sends to its caller: small, frozen, safe to pass between threads."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataSummary:
    """What was read from the data file: sent once, with the first "preparing" event that has it."""
    file: str
    format: str                # e.g. "txt-lines", "csv"
    encoding: str | None       # the detected encoding
    samples: int               # after cleaning
    train_samples: int
    val_samples: int
    cleaning: object           # engine.data.cleaning.CleanReport: the count of each cleaning step
    chars: int = 0             # characters of copy and prompts, after cleaning
    tokens: int = 0            # tokens in the packed training and validation blocks


@dataclass(frozen=True)
class TrainEvent:
    phase: str                 # "preparing" | "training" | "evaluating" | "saving" | "done"
    step: int = 0              # optimizer steps done
    total_steps: int = 0
    epoch: float = 0.0         # fractional epochs done
    loss: float | None = None  # recent mean training loss
    val_loss: float | None = None  # latest validation loss
    tokens_per_s: float | None = None
    elapsed_s: float = 0.0
    eta_s: float | None = None
    device: str = ""           # the device actually used, as the user sees it
    method: str = ""           # "full" | "lora"
    data: DataSummary | None = None


@dataclass(frozen=True)
class TextEvent:
    """New text for one generated variant; `delta` is never half a character."""
    index: int
    delta: str


@dataclass(frozen=True)
class ConvertEvent:
    """Progress of turning a GGUF file into a base in the data folder (done of total tensors)."""
    phase: str                 # "checking" | "tokenizer" | "weights" | "saving" | "done"
    name: str = ""             # the base, as the user knows it
    done: int = 0
    total: int = 0
    below_8bit: bool = False   # the source's rounding is part of the base
    quantization: str = ""     # e.g. "Q4_K_M"
