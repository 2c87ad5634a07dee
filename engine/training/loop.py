"""Fine-tuning: one readable loop, resumable at any step.

`train()` reads top to bottom: the run's context, the checks and the data, the base model,
a plan (fitted to the measured speed after the first steps), the optimizer and state, then the
loop (evaluate / forward-backward-update / timing and logging / checkpoint), then the cancel path
or the finished model. Evaluation, reporting, fitting the plan and saving are methods of `Run`
(`engine.training.run`).

The caller passes an event callback and a cancel flag; nothing here knows about threads, Qt
or the terminal. Multi-device runs work unchanged under `accelerate launch`: each process
takes its own slice of every batch.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import __version__
from ..common.errors import TrainingError
from ..common.events import DataSummary, TrainEvent
from ..common.memory import memory_advice
from ..data.cleaning import CleanOptions
from ..data.dataset import DataSet
from ..data.source import load_data
from ..models import library
from ..models.device import choose_device, cpu_autocast
from . import checkpoint
from .bases import Base, prepare_base, save_run_tokenizer
from .blocks import BlockSampler, encode_blocks
from .loss import causal_lm_loss, selective_loss_model
from .config import RESUME_KEYS, TrainConfig, TrainResult, check_options
from .output import save_finished
from .pace import Throttle
from .run import Context, Run, RunState, StoppedPreparing
from .schedule import Schedule, make_plan
from .tuning import tune_for_training


def train(cfg: TrainConfig, *, on_event: Callable[[TrainEvent], None] = lambda e: None,
          cancel: threading.Event | None = None, resume: bool = False) -> TrainResult:
    """Train `cfg.name` from `cfg.data`; returns when done or cancelled, raises a WenanError on bad input.

    A cancel before the first step writes nothing; a later one keeps a checkpoint to resume from.
    """
    ctx = _context(cfg, on_event, cancel or threading.Event(), resume)
    try:
        prepared = _prepare(cfg, ctx, resume)
        run = _start(cfg, ctx, prepared)
    except StoppedPreparing as stop:
        return ctx.stopped_result(stop.method)
    _loop(run, cfg, prepared)
    run.end_training()
    if run.state.step < run.plan.total_steps or run.state.eval_due:  # cancelled: keep a checkpoint
        run.save_checkpoint()
        return run.result(None, cancelled=True)

    run.report("saving", force=True)
    path = None
    if ctx.is_main:
        blocks = (prepared.train_blocks[0], prepared.val_blocks[0]) if prepared.base.scratch and cfg.mixture else None
        path = save_finished(run, cfg, prepared.data, prepared.base, prepared.split, prepared.train_tokens, blocks)
    ctx.accelerator.wait_for_everyone()
    result = run.result(path, cancelled=False)
    run.report("done", force=True)
    return result


@dataclass
class Prepared:
    """The data and the base, checked and ready: what the run trains on."""
    data: DataSet
    base: Base
    train_blocks: tuple           # (ids, labels), (n_blocks, block_size) each
    val_blocks: tuple
    split: tuple[int, int]        # training and validation samples

    @property
    def train_tokens(self) -> int:
        return int(self.train_blocks[0].numel())


def _context(cfg: TrainConfig, on_event, cancel: threading.Event, resume: bool) -> Context:
    """Options checked, the device chosen, the accelerator started; nothing read or written yet."""
    from accelerate import Accelerator

    name = library.check_name(cfg.name)
    check_options(cfg)
    device = choose_device(cfg.device, reserve_for_gui=cfg.reserve_gui_core)
    accelerator = Accelerator(cpu=device.kind == "cpu", mixed_precision=device.mixed_precision)
    emit = Throttle(on_event if accelerator.is_main_process else lambda e: None)
    emit(TrainEvent("preparing"))
    previous = checkpoint.read_state(name) if resume else None
    if resume and previous is None:
        raise TrainingError("no_checkpoint", name=name)
    if library.exists(name):
        raise TrainingError("model_exists", name=name)
    return Context(name, accelerator, device, emit, cancel, previous, cfg.checkpoint_every_s)


def _prepare(cfg: TrainConfig, ctx: Context, resume: bool) -> Prepared:
    """The data read and checked against an interrupted run, the base loaded, the blocks encoded."""
    data = load_data(cfg.data, text_column=cfg.text_column, prompt_column=cfg.prompt_column,
                     clean=CleanOptions(mask_pii=cfg.mask_pii), min_samples=2)
    if ctx.previous:
        old = ctx.previous["meta"]
        changed = [k for k in RESUME_KEYS if old["config"].get(k) != getattr(cfg, k)]
        if old["data_sha256"] != data.sha256:
            changed.insert(0, "data file")
        if changed:
            raise TrainingError("resume_mismatch", name=ctx.name, what=", ".join(changed))
    ctx.check_stop(cfg.method)

    train_samples, val_samples = data.split(cfg.val_fraction, seed=cfg.seed)
    device = ctx.device
    with memory_advice(device.kind, "out_of_memory_loading", device=device.name):
        base = prepare_base(cfg, data, train_samples, checkpoint.run_dir(ctx.name) if ctx.previous else None,
                            device)
    tune_for_training(base.model, cfg.attention_dropout, device.kind)
    ctx.emit(TrainEvent("preparing", device=ctx.device_label, method=base.method), force=True)
    ctx.check_stop(base.method)

    train_blocks = encode_blocks(base.tokenizer, base.style, train_samples, base.block_size)
    val_blocks = encode_blocks(base.tokenizer, base.style, val_samples, base.block_size)
    summary = DataSummary(Path(cfg.data).name, data.format, data.encoding, len(data.samples),
                          len(train_samples), len(val_samples), data.report,
                          chars=sum(len(s.text) + len(s.prompt or "") for s in data.samples),
                          tokens=int(train_blocks[0].numel() + val_blocks[0].numel()))
    ctx.emit(TrainEvent("preparing", device=ctx.device_label, method=base.method, data=summary), force=True)
    ctx.check_stop(base.method)
    # Only now that the options, the data and the base are known to be good does a fresh start
    # replace an interrupted run of the same name: a bad start loses nothing.
    if ctx.is_main:
        if not resume:
            checkpoint.discard_run(ctx.name)
        save_run_tokenizer(ctx.name, base)
    ctx.accelerator.wait_for_everyone()
    return Prepared(data, base, train_blocks, val_blocks, (len(train_samples), len(val_samples)))


def _start(cfg: TrainConfig, ctx: Context, prepared: Prepared) -> Run:
    """The plan, the optimizer and schedule on the device, and the state: fresh, or the checkpoint's."""
    import torch

    base, acc = prepared.base, ctx.accelerator
    n_blocks = prepared.train_blocks[0].shape[0]
    plan = make_plan(cfg, n_blocks=n_blocks, train_tokens=prepared.train_tokens, world=ctx.world,
                     scratch=base.scratch, method=base.method)
    # weight decay on matrices only, as in nanoGPT
    params = [p for p in base.model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": plan.weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    # fused: one kernel for all parameters rather than a loop over them (CUDA and CPU)
    optimizer = torch.optim.AdamW(groups, lr=plan.lr, betas=(0.9, 0.95),
                                  fused=ctx.device.kind in ("cuda", "cpu") or None)
    schedule = Schedule(plan)  # the plan in force: fitted to the measured speed once the first steps are timed
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule.lr_lambda())
    with memory_advice(ctx.device.kind, "out_of_memory_loading", device=ctx.device.name):  # moves to the device
        model, optimizer = acc.prepare(base.model, optimizer)
        torch.manual_seed(cfg.seed + acc.process_index)
        state = RunState()
        if ctx.previous:
            state = RunState.from_dict(checkpoint.load_checkpoint(ctx.name, acc.unwrap_model(model), optimizer,
                                                                  scheduler, rank=acc.process_index))
    ctx.check_stop(base.method)
    meta = {"config": dataclasses.asdict(cfg), "data_sha256": prepared.data.sha256, "method": base.method,
            "base": base.record.to_dict(), "style": base.style.kind, "block_size": base.block_size,
            "lr": plan.lr, "total_steps": plan.total_steps, "app_version": __version__}
    sampler = BlockSampler(n_blocks, cfg.batch_size, ctx.world, acc.process_index, cfg.seed)
    # A pretrained base's loss over the labelled positions only (training.loss); not through a
    # multi-process wrapper, whose forward must run for the gradients to be shared.
    selective = None if base.scratch or acc.unwrap_model(model) is not model else selective_loss_model(model)
    if cpu_autocast(ctx.device, base.scratch):  # bf16 matmuls on a CPU that has them; fp32 adapters
        autocast = functools.partial(torch.autocast, "cpu", dtype=torch.bfloat16)
    else:
        autocast = acc.autocast
    run = Run(ctx, schedule, base.method, model, optimizer, scheduler, sampler, prepared.val_blocks, meta, state,
              cfg.batch_size, selective, autocast, warmup_frac=cfg.warmup_frac,
              fixed_eval_every=cfg.eval_every is not None)
    run.mixture_tokens = prepared.train_tokens if base.scratch and cfg.mixture else 0
    return run


def _loop(run: Run, cfg: TrainConfig, prepared: Prepared) -> None:
    """Step until the plan's last step or a cancel; evaluate, log and checkpoint on the way."""
    import torch

    ctx, state, acc, model = run.ctx, run.state, run.ctx.accelerator, run.model
    ids, labels = prepared.train_blocks
    loss_sum, loss_count = torch.zeros((), device=acc.device), 0
    model.train()
    with memory_advice(ctx.device.kind, "out_of_memory", device=ctx.device.name, batch_size=cfg.batch_size,
                       block_size=prepared.base.block_size):
        if state.eval_due and not run.evaluate_and_keep_best():  # an evaluation a cancel cut short
            return
        while state.step < run.plan.total_steps:
            if ctx.stop_requested():  # several processes: one all-reduce a step, so all stop at the same step
                return

            # forward / backward / update, with gradient accumulation
            for micro in range(cfg.grad_accum):
                idx = run.sampler.indices(state.step * cfg.grad_accum + micro)
                x, y = ids[idx].to(acc.device), labels[idx].to(acc.device)
                with acc.no_sync(model) if micro < cfg.grad_accum - 1 else contextlib.nullcontext():
                    with run.autocast():
                        loss = causal_lm_loss(model, x, y, run.selective) / cfg.grad_accum
                    acc.backward(loss)
                loss_sum += loss.detach()
                run.pace.add_tokens(x.numel() * ctx.world)
            if cfg.grad_clip:
                acc.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            run.optimizer.step()
            run.scheduler.step()
            run.optimizer.zero_grad(set_to_none=True)
            state.step += 1
            loss_count += 1
            # timing; fits the plan once the first steps are timed; ends a spent budget; when to log and save
            log_due = run.step_done(ctx.emit.due(), cfg.checkpoint_every_steps)

            # logging; .item() is a device sync, so the loss is read only when reported
            evaluate = run.plan.evaluates_at(state.step)
            if log_due or evaluate:
                run.log_train_loss(acc.reduce(loss_sum / loss_count, reduction="mean").item())
                loss_sum.zero_()
                loss_count = 0

            # evaluate, and keep the best weights
            if evaluate and not run.evaluate_and_keep_best():
                return

            # periodic checkpoint
            if run.checkpoint_due():
                run.save_checkpoint()
