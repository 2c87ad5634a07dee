"""One training run's moving parts, and what it does besides stepping: evaluate, report, save.

`Context` is what every stage of a run shares (the accelerator, the device, the event
callback, the cancel flag); `RunState` is what the run has done, saved in every checkpoint;
`Run` owns the model, optimizer and state and evaluates, reports and saves for the loop.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from ..common.events import TrainEvent
from ..models.device import DeviceChoice
from . import checkpoint
from .blocks import BlockSampler
from .config import TrainResult
from .loss import causal_lm_loss
from .schedule import Plan

SAVE_SHARE = 0.03        # checkpoints take at most this share of the run's time...
MIN_CHECKPOINT_S = 10.0  # ...and come no closer than this, however cheap they are


def checkpoint_interval(save_s: float, longest: float = 60.0) -> float:
    """Seconds between checkpoints when one takes `save_s`: as often as keeps saving within
    SAVE_SHARE of the time, but never further apart than `longest` (then saving may cost more)."""
    return min(longest, max(MIN_CHECKPOINT_S, save_s * (1 - SAVE_SHARE) / SAVE_SHARE))


class Throttle:
    """Passes on at most ~10 progress events a second; phase changes always go through."""

    def __init__(self, on_event: Callable[[TrainEvent], None], interval: float = 0.1):
        self.on_event, self.interval, self.last, self.phase = on_event, interval, 0.0, None

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.interval

    def __call__(self, event: TrainEvent, force: bool = False) -> None:
        now = time.monotonic()
        if force or event.phase != self.phase or now - self.last >= self.interval:
            self.last, self.phase = now, event.phase
            self.on_event(event)


class StoppedPreparing(Exception):
    """A cancel before the first step: nothing was written, and an interrupted run is as it was."""

    def __init__(self, method: str):
        super().__init__(method)
        self.method = method


@dataclass
class Context:
    """What every stage of one run shares."""
    name: str
    accelerator: object
    device: DeviceChoice
    emit: Throttle
    cancel: threading.Event
    previous: dict | None         # the interrupted run's state.json that --resume continues

    @property
    def is_main(self) -> bool:
        """Only the main process writes files and reports."""
        return self.accelerator.is_main_process

    @property
    def world(self) -> int:
        return self.accelerator.num_processes

    @property
    def device_label(self) -> str:
        return self.device.name if self.world == 1 else f"{self.device.name} × {self.world}"

    def stop_requested(self) -> bool:
        """Whether any process was cancelled; all call it at the same points, so none waits alone."""
        if self.world == 1:
            return self.cancel.is_set()
        import torch

        flag = torch.tensor(float(self.cancel.is_set()), device=self.accelerator.device)
        return self.accelerator.reduce(flag, reduction="sum").item() > 0

    def check_stop(self, method: str) -> None:
        if self.stop_requested():
            raise StoppedPreparing(method)

    def stopped_result(self, method: str) -> TrainResult:
        previous = self.previous
        step = checkpoint.saved_step(previous) if previous else 0
        total = previous["meta"].get("total_steps", 0) if previous else 0
        return TrainResult(self.name, None, True, step, total, None, None, 0.0, self.device_label, method,
                           self.is_main, resumable=previous is not None)


@dataclass
class RunState:
    """What the run has done so far; saved in every checkpoint as trainer_state.json."""
    step: int = 0                     # optimizer steps done
    train_loss: float | None = None   # mean over the steps since the last report
    val_loss: float | None = None     # the latest validation loss
    best_val: float | None = None
    best_step: int | None = None
    elapsed_s: float = 0.0            # training time of the sessions before this one (resumes, saves)
    history: list = field(default_factory=list)  # [step, train loss or None, validation loss or None]
    eval_due: bool = False            # a cancel cut this step's evaluation short: --resume does it first

    @classmethod
    def from_dict(cls, saved: dict) -> RunState:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in saved.items() if k in names})

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class Pace:
    """Time and throughput of this session of the run: the ETA and a tokens/s over the last ~2 s.

    A session starts at the beginning and after every checkpoint (which resets the clock, so
    saving doesn't count as training time).
    """

    def __init__(self, step: int):
        self.run_started = time.monotonic()
        self.run_tokens = 0           # for the average the result reports
        self.tokens_per_s: float | None = None
        self.restart(step)

    def restart(self, step: int) -> None:
        self.started, self.step0, self.tokens = time.monotonic(), step, 0
        self.window = [(self.started, 0)]

    def add_tokens(self, n: int) -> None:
        self.tokens += n
        self.run_tokens += n

    def mark(self) -> None:
        now = time.monotonic()
        self.window.append((now, self.tokens))
        (t0, n0), self.window[:] = self.window[0], self.window[-20:]
        if now > t0:
            self.tokens_per_s = (self.tokens - n0) / (now - t0)

    def session_s(self) -> float:
        return time.monotonic() - self.started

    def eta_s(self, step: int, total: int) -> float | None:
        done = step - self.step0
        return self.session_s() / done * (total - step) if done > 0 else None

    def average_tokens_per_s(self) -> float:
        return self.run_tokens / max(time.monotonic() - self.run_started, 1e-9)


class Run:
    """The model, optimizer and state of a run, and what the loop asks of them besides a step."""

    def __init__(self, ctx: Context, plan: Plan, method: str, model, optimizer, scheduler,
                 sampler: BlockSampler, val_blocks: tuple, meta: dict, state: RunState, batch_size: int,
                 eval_max_batches: int, selective=None, autocast=None):
        self.ctx, self.plan, self.method = ctx, plan, method
        self.model, self.optimizer, self.scheduler = model, optimizer, scheduler
        self.raw_model = ctx.accelerator.unwrap_model(model)
        self.sampler, self.val_ids, self.val_labels = sampler, *val_blocks
        self.meta, self.state = meta, state
        self.batch_size, self.eval_max_batches = batch_size, eval_max_batches
        self.selective = selective    # the causal LM whose loss training.loss computes selectively, or None
        self.autocast = autocast or ctx.accelerator.autocast  # the forward pass's precision context
        self.pace = Pace(state.step)
        self.last_save = time.monotonic()
        self.save_s: float | None = None  # what the last checkpoint took; sets the next interval
        self.average_tps = 0.0        # over the whole session, fixed when the loop ends

    # ---- reporting ----

    def event(self, phase: str) -> TrainEvent:
        s, plan = self.state, self.plan
        return TrainEvent(phase, s.step, plan.total_steps, plan.epoch(s.step), s.train_loss, s.val_loss,
                          self.pace.tokens_per_s, s.elapsed_s + self.pace.session_s(),
                          self.pace.eta_s(s.step, plan.total_steps), self.ctx.device_label, self.method)

    def report(self, phase: str = "training", force: bool = False) -> None:
        self.ctx.emit(self.event(phase), force=force)

    def log_train_loss(self, loss: float) -> None:
        self.state.train_loss = loss
        self.state.history.append([self.state.step, round(loss, 5), None])
        self.pace.mark()
        self.report()

    # ---- evaluation ----

    def evaluate(self) -> float | None:
        """Mean validation loss over at most `eval_max_batches`; None when a cancel stopped it."""
        import torch

        acc = self.ctx.accelerator
        self.model.eval()
        losses = []
        try:
            with torch.no_grad():
                for start in range(0, self.val_ids.shape[0], self.batch_size)[: self.eval_max_batches]:
                    if self.ctx.stop_requested():
                        return None
                    x = self.val_ids[start:start + self.batch_size].to(acc.device)
                    y = self.val_labels[start:start + self.batch_size].to(acc.device)
                    with self.autocast():
                        losses.append(causal_lm_loss(self.model, x, y, self.selective).float())
        finally:
            self.model.train()
        return acc.reduce(torch.stack(losses).mean(), reduction="mean").item()

    def evaluate_and_keep_best(self) -> bool:
        """Validation loss, and the best weights so far; False when a cancel cut it short."""
        state = self.state
        self.report("evaluating", force=True)
        val_loss = self.evaluate()
        if val_loss is None:
            state.eval_due = True  # so --resume evaluates this step before going on
            return False
        state.eval_due = False
        state.val_loss = val_loss
        state.history.append([state.step, None, round(val_loss, 5)])
        if state.best_val is None or val_loss < state.best_val:
            state.best_val, state.best_step = val_loss, state.step
            if self.ctx.is_main:
                checkpoint.save_best(self.ctx.name, self.raw_model, state.step, self.meta)
        self.report("training", force=True)
        return True

    # ---- checkpoints ----

    def checkpoint_due(self, every_steps: int | None, every_s: float) -> bool:
        step = self.state.step
        if step == self.plan.total_steps:
            return False  # the finished model is saved instead
        interval = every_s if self.save_s is None else checkpoint_interval(self.save_s, every_s)
        return (every_steps is not None and step % every_steps == 0) or time.monotonic() - self.last_save >= interval

    def save_checkpoint(self) -> None:
        """A resumable checkpoint; the time it takes is not counted as training time."""
        from accelerate.utils import gather_object

        ctx = self.ctx
        self.close_session()
        started = time.monotonic()
        self.report("saving", force=True)
        # every process's random stream (dropout masks), so each resumes its own; a collective call
        rngs = gather_object([checkpoint.rng_state()]) if ctx.world > 1 else None
        if ctx.is_main:
            checkpoint.save_checkpoint(ctx.name, self.raw_model, self.optimizer, self.scheduler,
                                       self.state.to_dict(), self.meta, rng_by_rank=rngs)
        ctx.accelerator.wait_for_everyone()
        self.last_save = time.monotonic()
        self.save_s = self.last_save - started

    def end_training(self) -> None:
        """The loop is over: fix the average speed and add this session to the training time."""
        self.average_tps = self.pace.average_tokens_per_s()
        self.close_session()

    def close_session(self) -> None:
        """Add this session's training time to the state and start a new session."""
        self.state.elapsed_s += self.pace.session_s()
        self.pace.restart(self.state.step)

    def result(self, path, cancelled: bool) -> TrainResult:
        s = self.state
        return TrainResult(self.ctx.name, path, cancelled, s.step, self.plan.total_steps, s.train_loss,
                           s.val_loss if cancelled else s.best_val, self.average_tps,
                           self.ctx.device_label, self.method, self.ctx.is_main, resumable=cancelled)
