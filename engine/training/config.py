"""What a training run is asked to do (`TrainConfig`), what it gives back (`TrainResult`),
and the checks that refuse impossible options before anything is read, written or deleted."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..common.options import at_least, positive, within

SCRATCH_BLOCK = 128    # scratch models are small and trained on short copy
PRETRAINED_BLOCK = 256
MIN_BLOCK = 8          # shorter blocks hold too little copy to learn from

# Settings that must match for --resume to continue the same run.
RESUME_KEYS = ("base", "text_column", "prompt_column", "val_fraction", "epochs", "max_steps", "minutes", "patience",
                "batch_size", "grad_accum", "block_size", "lr", "method", "seed", "mask_pii", "attention_dropout")


@dataclass(frozen=True)
class TrainConfig:
    """What to train and how; `check_options` refuses values that cannot work."""
    data: str                         # the seller's file
    name: str                         # the library name of the result
    base: str = "scratch"             # "scratch", a local Hugging Face folder, or a library model
    text_column: str | None = None    # csv/xlsx: the copy; guessed when None
    prompt_column: str | None = None  # csv/xlsx: optional prompt, which makes prompt->copy pairs
    val_fraction: float = 0.05        # held out for validation loss
    mask_pii: bool = True             # mask phone numbers, e-mails and ID numbers before training
    epochs: float | None = None       # None: 3 for pretrained bases, more for scratch (see _default_epochs)
    max_steps: int | None = None      # overrides epochs
    minutes: float | None = None      # a time budget: the schedule is planned to end then; overrides both
    patience: int | None = None       # evaluations without a new best before stopping; None: 3 with a budget
    batch_size: int = 8               # blocks per optimizer step and process, before accumulation
    grad_accum: int = 1               # micro-batches per optimizer step
    block_size: int | None = None     # tokens per block; None: 128 scratch, 256 pretrained
    lr: float | None = None           # None: 1e-3 scratch, 5e-5 full fine-tune, 2e-4 LoRA
    weight_decay: float | None = None  # None: 0.1, rising with a scratch model's passes (training.schedule)
    warmup_frac: float = 0.05         # share of steps spent warming up the learning rate
    min_lr_frac: float = 0.1          # cosine decays to this share of the peak
    grad_clip: float = 1.0            # 0: no clipping
    method: str = "auto"              # "auto" | "full" | "lora"
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    attention_dropout: float | None = 0.0  # off: faster and no worse (PERFORMANCE.md); None keeps the model's
    device: str = "auto"              # "auto" | "cuda" | "mps" | "cpu"
    seed: int = 1337
    eval_every: int | None = None     # None: about 10 evaluations, spaced to take at most ~10 % of the time
    eval_max_batches: int = 50        # caps the cost of one evaluation (fewer when that would cost more)
    checkpoint_every_s: float = 60.0  # a resumable checkpoint at least this often; more often when saving is cheap
    checkpoint_every_steps: int | None = None
    reserve_gui_core: bool = False    # leave one CPU core to the desktop app's event loop
    mixture: bool = True              # scratch: keep an n-gram of the training tokens to mix with when writing


@dataclass(frozen=True)
class TrainResult:
    name: str
    path: Path | None                 # the library folder; None when cancelled
    cancelled: bool
    step: int
    total_steps: int
    train_loss: float | None
    val_loss: float | None
    tokens_per_s: float
    device: str
    method: str
    primary: bool = True              # False in the helper processes of a multi-process run, which report nothing
    resumable: bool = False           # cancelled with a checkpoint that --resume continues


def check_options(cfg) -> None:
    """Refuse impossible numbers in a TrainConfig before anything is loaded, written or deleted."""
    at_least("--batch-size", cfg.batch_size, 1)
    at_least("--grad-accum", cfg.grad_accum, 1)
    at_least("eval_max_batches", cfg.eval_max_batches, 1)
    at_least("lora_r", cfg.lora_r, 1)
    at_least("lora_alpha", cfg.lora_alpha, 1)
    at_least("grad_clip", cfg.grad_clip, 0)  # 0 turns clipping off
    at_least("checkpoint_every_s", cfg.checkpoint_every_s, 0)
    within("--val-fraction", cfg.val_fraction, 0, 0.5)  # at least half of the copy is for learning
    within("warmup_frac", cfg.warmup_frac, 0, 1)
    within("min_lr_frac", cfg.min_lr_frac, 0, 1)
    within("lora_dropout", cfg.lora_dropout, 0, 1)
    within("--seed", cfg.seed, 0, 2**32 - 1)
    # None means "choose for me"; a given value is never silently replaced by the default
    optional = {"--max-steps": (cfg.max_steps, 1), "--block-size": (cfg.block_size, MIN_BLOCK),
                "eval_every": (cfg.eval_every, 1), "--checkpoint-every": (cfg.checkpoint_every_steps, 1)}
    for option, (value, minimum) in optional.items():
        if value is not None:
            at_least(option, value, minimum)
    positive("--epochs", cfg.epochs)
    positive("--minutes", cfg.minutes)
    if cfg.patience is not None:
        at_least("patience", cfg.patience, 1)
    positive("--lr", cfg.lr)
    if cfg.weight_decay is not None:
        at_least("weight_decay", cfg.weight_decay, 0)
    if cfg.attention_dropout is not None:
        within("attention_dropout", cfg.attention_dropout, 0, 1)
