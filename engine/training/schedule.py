"""The plan of a run, derived once before the first step: how many steps, how often to
evaluate, the peak learning rate and the warm-up, and the learning-rate curve itself."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from .config import TrainConfig

# Peak learning rates by what is trained: a model learning from nothing takes big steps; a
# pretrained model's weights move little, and a LoRA adapter (starting at zero) in between.
LR_SCRATCH, LR_LORA, LR_FULL = 1e-3, 2e-4, 5e-5
EVALUATIONS_PER_RUN = 10


@dataclass(frozen=True)
class Plan:
    """What the run will do, fixed before it starts (and recorded in its checkpoints)."""
    total_steps: int          # optimizer steps
    steps_per_epoch: int      # one pass over the training blocks
    blocks_per_step: int      # batch size x accumulation x processes
    eval_every: int           # steps between validation losses
    lr: float                 # the peak learning rate
    warmup_steps: int
    min_lr_frac: float        # the cosine ends at this share of the peak

    def epoch(self, step: int) -> float:
        return step / self.steps_per_epoch

    def evaluates_at(self, step: int) -> bool:
        return step % self.eval_every == 0 or step == self.total_steps

    def lr_lambda(self) -> Callable[[int], float]:
        """Linear warm-up, then a cosine down to `min_lr_frac`; a factor of the peak for LambdaLR."""
        warmup, total, floor = self.warmup_steps, self.total_steps, self.min_lr_frac

        def factor(step: int) -> float:
            if step < warmup:
                return (step + 1) / warmup
            progress = (step - warmup) / max(1, total - warmup)
            return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
        return factor


def default_epochs(scratch: bool, train_tokens: int) -> float:
    """What `epochs=None` means: 3 passes over a pretrained model's data; more for scratch."""
    if not scratch:
        return 3.0
    # A model learning from nothing needs a few hundred thousand tokens of updates.
    return float(min(40, max(3, round(400_000 / max(train_tokens, 1)))))


def default_lr(scratch: bool, method: str) -> float:
    return LR_SCRATCH if scratch else LR_LORA if method == "lora" else LR_FULL


def make_plan(cfg: TrainConfig, *, n_blocks: int, train_tokens: int, world: int, scratch: bool,
              method: str) -> Plan:
    """The plan for `cfg` on `n_blocks` training blocks shared by `world` processes."""
    per_step = cfg.batch_size * cfg.grad_accum * world
    steps_per_epoch = max(1, math.ceil(n_blocks / per_step))
    epochs = default_epochs(scratch, train_tokens) if cfg.epochs is None else cfg.epochs
    total = max(1, math.ceil(epochs * steps_per_epoch)) if cfg.max_steps is None else cfg.max_steps
    eval_every = max(1, total // EVALUATIONS_PER_RUN) if cfg.eval_every is None else cfg.eval_every
    return Plan(total_steps=total, steps_per_epoch=steps_per_epoch, blocks_per_step=per_step,
                eval_every=eval_every, lr=cfg.lr if cfg.lr is not None else default_lr(scratch, method),
                warmup_steps=max(1, int(cfg.warmup_frac * total)), min_lr_frac=cfg.min_lr_frac)
