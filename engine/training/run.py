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

from ..common.events import TrainEvent
from ..models.device import DeviceChoice
from . import budget, checkpoint
from .blocks import BlockSampler
from .config import TrainResult
from .loss import causal_lm_loss
from .pace import Pace, Throttle
from .schedule import Plan, Schedule
from .tuning import set_dropout

SAVE_SHARE = 0.03        # checkpoints take at most this share of the run's time...
MIN_CHECKPOINT_S = 10.0  # ...and come no closer than this, however cheap they are


def checkpoint_interval(save_s: float, longest: float = 60.0) -> float:
    """Seconds between checkpoints when one takes `save_s`: as often as keeps saving within
    SAVE_SHARE of the time, but never further apart than `longest` (then saving may cost more)."""
    return min(longest, max(MIN_CHECKPOINT_S, save_s * (1 - SAVE_SHARE) / SAVE_SHARE))


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
    checkpoint_every_s: float = 60.0  # the longest time between checkpoints
    started: float = field(default_factory=time.monotonic)  # when train() was called

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

    def agree_max(self, values: list[float]) -> list[float]:
        """The largest of each value over all processes (a collective call when there are several)."""
        if self.world == 1:
            return values
        import torch

        local = torch.tensor(values, dtype=torch.float64, device=self.accelerator.device)
        return self.accelerator.gather(local[None]).max(dim=0).values.tolist()

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
    plan: dict | None = None          # the plan as fitted to the measured speed (budget, evaluation)
    since_best: int = 0               # evaluations since the best one
    stopped_early: bool = False       # the validation loss stopped improving before the plan's end

    @classmethod
    def from_dict(cls, saved: dict) -> RunState:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in saved.items() if k in names})

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class Run:
    """The model, optimizer and state of a run, and what the loop asks of them besides a step."""

    def __init__(self, ctx: Context, schedule: Schedule, method: str, model, optimizer, scheduler,
                 sampler: BlockSampler, val_blocks: tuple, meta: dict, state: RunState, batch_size: int,
                 selective=None, autocast=None, warmup_frac: float = 0.05, fixed_eval_every: bool = False):
        self.ctx, self.schedule, self.method = ctx, schedule, method
        self.model, self.optimizer, self.scheduler = model, optimizer, scheduler
        self.raw_model = ctx.accelerator.unwrap_model(model)
        self.sampler, self.val_ids, self.val_labels = sampler, *val_blocks
        self.meta, self.state = meta, state
        self.batch_size = batch_size
        self.selective = selective    # the causal LM whose loss training.loss computes selectively, or None
        self.autocast = autocast or ctx.accelerator.autocast  # the forward pass's precision context
        self.warmup_frac, self.fixed_eval_every = warmup_frac, fixed_eval_every
        if state.plan:  # resumed: the plan as it was fitted (the setter sets its regularisation)
            self.plan = Plan(**state.plan)
        elif self.plan.dropout is not None:  # a scratch model's, for the passes the plan makes
            set_dropout(self.raw_model, self.plan.dropout)
        self.pace = Pace(state.step)
        self.last_save = time.monotonic()
        self.save_s: float | None = None  # what the last checkpoint took; sets the next interval
        self.eval_batch_s: float | None = None  # measured per validation batch
        self.session_steps = 0
        self.save_due = False         # a checkpoint after this step, as all processes agreed
        self.mixture_tokens = 0       # training tokens a scratch model's n-gram is counted from at the end
        self.trained_params = sum(p.numel() for p in self.raw_model.parameters() if p.requires_grad)
        # a budget counts from the start of train() (preparing included), less what earlier sessions used
        budget_s = self.plan.budget_s
        self.ends_at = None if budget_s is None else ctx.started + budget_s - state.elapsed_s
        self.average_tps = 0.0        # over the whole session, fixed when the loop ends

    @property
    def plan(self) -> Plan:
        return self.schedule.plan

    @plan.setter
    def plan(self, plan: Plan) -> None:
        if plan.dropout is not None:
            set_dropout(self.raw_model, plan.dropout)
        self.optimizer.param_groups[0]["weight_decay"] = plan.weight_decay  # the matrices' group (training.loop)
        self.schedule.plan = plan
        self.state.plan = dataclasses.asdict(plan)
        self.meta["total_steps"] = plan.total_steps

    # ---- reporting ----

    def event(self, phase: str) -> TrainEvent:
        s, plan = self.state, self.plan
        return TrainEvent(phase, s.step, plan.total_steps, plan.epoch(s.step), s.train_loss, s.val_loss,
                          self.pace.tokens_per_s, s.elapsed_s + self.pace.session_s(), self.eta_s(),
                          self.ctx.device_label, self.method)

    def report(self, phase: str = "training", force: bool = False) -> None:
        self.ctx.emit(self.event(phase), force=force)

    def log_train_loss(self, loss: float) -> None:
        self.state.train_loss = loss
        self.state.history.append([self.state.step, round(loss, 5), None])
        self.pace.mark()
        self.report()

    def eta_s(self) -> float | None:
        """Seconds to the end: the budget's end, or the steps and evaluations left at the measured speed."""
        if self.ends_at is not None:
            return max(0.0, self.ends_at - time.monotonic())
        step_s = self.pace.step_s()
        if step_s is None:
            return None
        left = self.plan.total_steps - self.state.step
        evaluations = left // self.plan.eval_every + 1
        return left * step_s + evaluations * self.plan.eval_batches * (self.eval_batch_s or 0.0)

    # ---- fitting the plan to the measured speed ----

    def step_done(self, log_due: bool, every_steps: int | None) -> bool:
        """After each step: time it; once the first are timed, fit the plan; stop when the budget is spent;
        decide whether to checkpoint. Returns whether to log the loss now.

        What every process does after a step is decided once, by all together (one collective call
        a step): each one's clock differs, and a process that logged, stopped or saved alone would
        wait for ever in a collective call the others never make.
        """
        self.pace.step_done()
        self.session_steps += 1
        if self.session_steps == budget.PROBE_STEPS + 1 and self.state.plan is None:
            self.fit_plan()
        spent = self.ends_at is not None and self.time_left() <= 0
        step = self.state.step
        save = (every_steps is not None and step % every_steps == 0) or \
            time.monotonic() - self.last_save >= self.checkpoint_interval()
        spent, log_due, save = self.ctx.agree_max([float(spent), float(log_due), float(save)])
        if spent:
            self.stop_at_this_step()
        self.save_due = bool(save)
        return bool(log_due)

    def costs(self) -> budget.Costs:
        if self.eval_batch_s is None:
            self.eval_batch_s = self.time_eval_batch()
        save_share = 0.0 if self.save_s is None else self.save_s / (self.checkpoint_interval() + self.save_s)
        # every process must fit the same plan, or they would evaluate at different steps
        step_s, eval_batch_s, save_share = self.ctx.agree_max([self.pace.step_s() or 1e-3, self.eval_batch_s,
                                                               save_share])
        return budget.Costs(step_s, eval_batch_s, save_share)

    def time_left(self) -> float:
        """Seconds left for steps and evaluations: the budget less what saving the model will take."""
        return self.ends_at - time.monotonic() - self.finish_s()

    def agreed_time_left(self) -> float:
        """The least time left on any process, so all fit the same plan (a collective call)."""
        return -self.ctx.agree_max([-self.time_left()])[0]

    def finish_s(self) -> float:
        """What finishing will take: saving (a checkpoint's time, or its bytes at a slow disk's speed) and
        fitting a scratch model's n-gram (a pass over the validation blocks, counting the training tokens)."""
        # unmeasured: the weights and two Adam moments, fp32, at a slow disk's 200 MB/s
        saving = 2 * self.save_s if self.save_s is not None else 2 * self.trained_params * 16 / 200e6
        mixture = 0.0
        if self.mixture_tokens:
            val_batches = -(-self.val_ids.shape[0] // self.batch_size)
            mixture = val_batches * (self.eval_batch_s or 0.0) + 5e-6 * self.mixture_tokens
        return 0.5 + saving + mixture

    def fit_plan(self) -> None:
        """Evaluation sized and spaced to its share of the run; with a budget, the steps that fill it."""
        costs, val_batches = self.costs(), -(-self.val_ids.shape[0] // self.batch_size)
        if self.ends_at is not None:
            self.plan = budget.plan_budget(self.plan, costs, self.state.step, self.agreed_time_left(), val_batches,
                                           self.warmup_frac).with_regularisation()
        else:
            run_s = self.plan.total_steps * costs.step_s
            self.plan = budget.fit_evaluation(self.plan, costs, run_s, budget.EVALUATIONS_PER_RUN, val_batches,
                                              fixed_every=self.fixed_eval_every)

    def revise_plan(self) -> None:
        if self.ends_at is not None and self.state.plan is not None and self.state.step < self.plan.total_steps:
            self.plan = budget.revise(self.plan, self.costs(), self.state.step, self.agreed_time_left())

    def stop_at_this_step(self) -> None:
        """End the run after this step (its final evaluation still runs)."""
        self.plan = self.plan.with_steps(self.state.step)

    # ---- evaluation ----

    def time_eval_batch(self) -> float:
        """Seconds one validation batch takes (measured once, on the first batch)."""
        import torch

        t0 = time.perf_counter()
        with self.pace.paused(), torch.no_grad(), self.autocast():
            self.model.eval()
            x = self.val_ids[:self.batch_size].to(self.ctx.accelerator.device)
            y = self.val_labels[:self.batch_size].to(self.ctx.accelerator.device)
            causal_lm_loss(self.model, x, y, self.selective).item()  # .item(): waits for the device
            self.model.train()
        return time.perf_counter() - t0

    def evaluate(self) -> float | None:
        """Mean validation loss over the plan's `eval_batches`; None when a cancel stopped it."""
        import torch

        acc = self.ctx.accelerator
        self.model.eval()
        losses = []
        try:
            with torch.no_grad():
                for start in range(0, self.val_ids.shape[0], self.batch_size)[: self.plan.eval_batches]:
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
        with self.pace.paused():
            val_loss = self.evaluate()
            if val_loss is None:
                state.eval_due = True  # so --resume evaluates this step before going on
                return False
            state.eval_due = False
            state.val_loss = val_loss
            state.history.append([state.step, None, round(val_loss, 5)])
            if state.best_val is None or val_loss < state.best_val:
                state.best_val, state.best_step, state.since_best = val_loss, state.step, 0
                if self.ctx.is_main:
                    checkpoint.save_best(self.ctx.name, self.raw_model, state.step, self.meta)
            else:
                state.since_best += 1
        if self.plan.patience is not None and state.since_best >= self.plan.patience:
            state.stopped_early = True  # stopped improving: the best weights are what is saved
            self.stop_at_this_step()
        else:
            self.revise_plan()
        self.report("training", force=True)
        return True

    # ---- checkpoints ----

    def checkpoint_interval(self) -> float:
        return self.ctx.checkpoint_every_s if self.save_s is None else \
            checkpoint_interval(self.save_s, self.ctx.checkpoint_every_s)

    def checkpoint_due(self) -> bool:
        """Whether to checkpoint now, as all processes agreed after the step (`step_done`)."""
        # the finished model is saved instead at the plan's end, which an evaluation may have moved here
        return self.save_due and self.state.step != self.plan.total_steps

    def save_checkpoint(self) -> None:
        """A resumable checkpoint; the time it takes is not counted as training time."""
        from accelerate.utils import gather_object

        ctx = self.ctx
        self.close_session()
        started = time.monotonic()
        with self.pace.paused():
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
