"""The plan of a run: how many steps, how often and how much to evaluate, the peak learning
rate and the warm-up, and the learning-rate curve itself. It is derived before the first step,
and a time-budget run revises it from its measured speed (`engine.training.budget`)."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

from .config import TrainConfig

# Peak learning rates by what is trained: a model learning from nothing takes big steps; a
# pretrained model's weights move little, and a LoRA adapter (starting at zero) in between.
LR_SCRATCH, LR_LORA, LR_FULL = 1e-3, 2e-4, 5e-5
EVALUATIONS_PER_RUN = 10
PATIENCE = 3  # evaluations without a new best before a time-budget run stops early
WEIGHT_DECAY = 0.1  # AdamW's, on matrices: a pretrained base's, and a scratch model's over few passes
FEW_EPOCHS, MANY_EPOCHS = 15, 30  # a scratch model's regularisation rises between these passes
UNTIL_PLATEAU_MINUTES = 120.0  # "until it stops improving": a budget this long, ended by early stopping


@dataclass(frozen=True)
class Plan:
    """What the run will do: derived before it starts, fitted to its measured speed after the first
    steps (engine.training.budget), and recorded in its checkpoints."""
    total_steps: int          # optimizer steps
    steps_per_epoch: int      # one pass over the training blocks
    blocks_per_step: int      # batch size x accumulation x processes
    eval_every: int           # steps between validation losses
    lr: float                 # the peak learning rate
    warmup_steps: int
    min_lr_frac: float        # the cosine ends at this share of the peak
    eval_batches: int = 50    # batches of the validation set each evaluation reads
    budget_s: float | None = None  # a time budget: the steps are revised to end the run then
    patience: int | None = None    # evaluations without a new best before stopping; None: never
    dropout: float | None = None   # a scratch model's dropout, by the passes the plan makes; None: the model's own
    weight_decay: float = WEIGHT_DECAY
    decay_by_passes: bool = False  # a scratch model's weight decay follows the passes (none was chosen)

    def epoch(self, step: int) -> float:
        return step / self.steps_per_epoch

    def evaluates_at(self, step: int) -> bool:
        return step % self.eval_every == 0 or step == self.total_steps

    def lr_factor(self, step: int) -> float:
        """Linear warm-up, then a cosine down to `min_lr_frac`: a factor of the peak."""
        warmup, total, floor = self.warmup_steps, self.total_steps, self.min_lr_frac
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total - warmup)
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    def with_regularisation(self) -> Plan:
        """A scratch model's plan with its dropout and weight decay set for the passes over the data it
        now makes (a weight decay that was chosen is kept)."""
        epochs = self.epoch(self.total_steps)
        plan = self if self.dropout is None else replace(self, dropout=scratch_dropout(epochs))
        return replace(plan, weight_decay=scratch_weight_decay(epochs)) if self.decay_by_passes else plan

    def with_steps(self, total_steps: int, warmup_frac: float | None = None) -> Plan:
        """The same plan ending at `total_steps` (the warm-up re-derived when `warmup_frac` is given)."""
        warmup = self.warmup_steps if warmup_frac is None else max(1, int(warmup_frac * total_steps))
        return replace(self, total_steps=max(1, total_steps), warmup_steps=warmup)


class Schedule:
    """The plan in force, which LambdaLR reads at every step: a budget run revises it as it goes."""

    def __init__(self, plan: Plan):
        self.plan = plan

    def lr_lambda(self) -> Callable[[int], float]:
        # a plain function, so LambdaLR's state_dict (saved as JSON in checkpoints) holds none of it
        return lambda step: self.plan.lr_factor(step)


def default_epochs(scratch: bool, train_tokens: int) -> float:
    """What `epochs=None` means: 3 passes over a pretrained model's data; more for scratch."""
    if not scratch:
        return 3.0
    # A model learning from nothing needs a few hundred thousand tokens of updates.
    return float(min(40, max(3, round(400_000 / max(train_tokens, 1)))))


def scratch_dropout(epochs: float) -> float:
    """Dropout on a scratch model's residual stream and embeddings, for `epochs` passes over its data.

    A run that sees its data a few times needs little; one that sees it many times overfits without
    more. Measured on 3,800 real reviews (docs/PERFORMANCE.md, bench/heldout_bits.py): at 15 passes
    0.1 ends lowest (0.2 and 0.3 higher), at 31 0.3 does (0.1, 0.2 and 0.5 higher).
    """
    return _by_passes(epochs, 0.1, 0.3)


def scratch_weight_decay(epochs: float) -> float:
    """AdamW's weight decay on a scratch model's matrices, for `epochs` passes over its data: measured
    on the same reviews, 0.5 ends level with 0.1 at 15 passes (1.0 higher) and lower at 31 and 44."""
    return _by_passes(epochs, WEIGHT_DECAY, 0.5)


def _by_passes(epochs: float, few: float, many: float) -> float:
    """`few` up to FEW_EPOCHS passes, `many` from MANY_EPOCHS, linear between."""
    share = min(1.0, max(0.0, (epochs - FEW_EPOCHS) / (MANY_EPOCHS - FEW_EPOCHS)))
    return few + (many - few) * share


def default_lr(scratch: bool, method: str) -> float:
    return LR_SCRATCH if scratch else LR_LORA if method == "lora" else LR_FULL


def make_plan(cfg: TrainConfig, *, n_blocks: int, train_tokens: int, world: int, scratch: bool,
              method: str) -> Plan:
    """The plan for `cfg` on `n_blocks` training blocks shared by `world` processes."""
    per_step = cfg.batch_size * cfg.grad_accum * world
    steps_per_epoch = max(1, math.ceil(n_blocks / per_step))
    epochs = default_epochs(scratch, train_tokens) if cfg.epochs is None else cfg.epochs
    total = max(1, math.ceil(epochs * steps_per_epoch)) if cfg.max_steps is None else cfg.max_steps
    budget_s = cfg.minutes * 60 if cfg.minutes else None
    if budget_s is not None:
        total = max(total, 1000)  # provisional: the budget's steps are known once the first are timed
    eval_every = max(1, total // EVALUATIONS_PER_RUN) if cfg.eval_every is None else cfg.eval_every
    patience = cfg.patience if cfg.patience is not None else PATIENCE if budget_s is not None else None
    passes = total / steps_per_epoch  # a budget's are known once its plan is fitted (with_regularisation)
    decay_by_passes = scratch and cfg.weight_decay is None
    weight_decay = scratch_weight_decay(passes) if decay_by_passes else \
        WEIGHT_DECAY if cfg.weight_decay is None else cfg.weight_decay
    return Plan(total_steps=total, steps_per_epoch=steps_per_epoch, blocks_per_step=per_step,
                eval_every=eval_every, lr=cfg.lr if cfg.lr is not None else default_lr(scratch, method),
                warmup_steps=max(1, int(cfg.warmup_frac * total)), min_lr_frac=cfg.min_lr_frac,
                eval_batches=cfg.eval_max_batches, budget_s=budget_s, patience=patience,
                dropout=scratch_dropout(passes) if scratch else None,
                weight_decay=weight_decay, decay_by_passes=decay_by_passes)
