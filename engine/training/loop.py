"""Fine-tuning: one readable loop, resumable at any step.

The caller passes an event callback and a cancel flag; nothing here knows about
threads, Qt or the terminal. Multi-device runs work unchanged under
`accelerate launch`: each process takes its own slice of every batch.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .. import __version__
from ..common.atomic import atomic_dir
from ..common.errors import TrainingError
from ..common.events import DataSummary, TrainEvent
from ..common.memory import memory_advice
from ..data.cleaning import CleanOptions
from ..data.source import load_data
from ..models import library
from ..models.device import available_memory, choose_device
from . import checkpoint
from .bases import prepare_base, save_run_tokenizer
from .blocks import encode_blocks
from .config import RESUME_KEYS, TrainConfig, TrainResult, check_options
from .tuning import tune_for_training


def _default_epochs(scratch: bool, train_tokens: int) -> float:
    if not scratch:
        return 3.0
    # A model learning from nothing needs a few hundred thousand tokens of updates.
    return float(min(40, max(3, round(400_000 / max(train_tokens, 1)))))


def _lr_lambda(warmup: int, total: int, min_frac: float) -> Callable[[int], float]:
    def f(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total - warmup)
        return min_frac + (1 - min_frac) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return f


class _Throttle:
    """Passes on at most ~10 progress events a second; phase changes always go through."""

    def __init__(self, on_event: Callable[[TrainEvent], None], interval: float = 0.1):
        self.on_event, self.interval, self.last, self.phase = on_event, interval, 0.0, None

    def __call__(self, event: TrainEvent, force: bool = False) -> None:
        now = time.monotonic()
        if force or event.phase != self.phase or now - self.last >= self.interval:
            self.last, self.phase = now, event.phase
            self.on_event(event)


def train(cfg: TrainConfig, *, on_event: Callable[[TrainEvent], None] = lambda e: None,
          cancel: threading.Event | None = None, resume: bool = False) -> TrainResult:
    """Train `cfg.name` from `cfg.data`; returns when done or cancelled, raises a WenanError on bad input.

    A cancel before the first step writes nothing; a later one keeps a checkpoint to resume from.
    """
    import torch
    from accelerate import Accelerator
    from accelerate.utils import gather_object

    cancel = cancel or threading.Event()
    emit = _Throttle(on_event)
    name = library.check_name(cfg.name)
    check_options(cfg)
    device = choose_device(cfg.device, reserve_for_gui=cfg.reserve_gui_core)
    accelerator = Accelerator(cpu=device.kind == "cpu", mixed_precision=device.mixed_precision)
    is_main = accelerator.is_main_process  # only the main process writes files and reports
    if not is_main:
        emit.on_event = lambda e: None
    device_label = device.name if accelerator.num_processes == 1 else f"{device.name} × {accelerator.num_processes}"
    emit(TrainEvent("preparing"))
    previous = checkpoint.read_state(name) if resume else None  # the interrupted run --resume continues

    def stop_requested() -> bool:
        """Whether any process was cancelled; all call it at the same points, so none waits alone."""
        if accelerator.num_processes == 1:
            return cancel.is_set()
        flag = torch.tensor(float(cancel.is_set()), device=accelerator.device)
        return accelerator.reduce(flag, reduction="sum").item() > 0

    def stopped_while_preparing(method: str) -> TrainResult:
        """Cancelled before the first step: nothing was written, and an interrupted run is as it was."""
        step = checkpoint.saved_step(previous) if previous else 0
        total = previous["meta"].get("total_steps", 0) if previous else 0
        return TrainResult(name, None, True, step, total, None, None, 0.0, device_label, method, is_main,
                           resumable=previous is not None)

    # ---- checks that nothing conflicts ----
    if resume and previous is None:
        raise TrainingError("no_checkpoint", name=name)
    if library.exists(name):
        raise TrainingError("model_exists", name=name)
    data = load_data(cfg.data, text_column=cfg.text_column, prompt_column=cfg.prompt_column,
                     clean=CleanOptions(mask_pii=cfg.mask_pii), min_samples=2)
    if previous:
        old = previous["meta"]
        changed = [k for k in RESUME_KEYS if old["config"].get(k) != getattr(cfg, k)]
        if old["data_sha256"] != data.sha256:
            changed.insert(0, "data file")
        if changed:
            raise TrainingError("resume_mismatch", name=name, what=", ".join(changed))
    if stop_requested():
        return stopped_while_preparing(cfg.method)

    # ---- base model and method ----
    train_samples, val_samples = data.split(cfg.val_fraction, seed=cfg.seed)
    with memory_advice(device.kind, "out_of_memory_loading", device=device.name):
        base = prepare_base(cfg, data, train_samples, resume_dir=checkpoint.run_dir(name) if previous else None,
                            free_memory=available_memory(device), device_kind=device.kind, device_dtype=device.dtype)
    model, tokenizer, method = base.model, base.tokenizer, base.method
    tune_for_training(model, cfg.attention_dropout, device.kind)
    block = base.block_size
    emit(TrainEvent("preparing", device=device_label, method=method), force=True)
    if stop_requested():
        return stopped_while_preparing(method)

    train_ids, train_labels = encode_blocks(tokenizer, base.style, train_samples, block)
    val_ids, val_labels = encode_blocks(tokenizer, base.style, val_samples, block)
    summary = DataSummary(Path(cfg.data).name, data.format, data.encoding, len(data.samples),
                          len(train_samples), len(val_samples), data.report,
                          chars=sum(len(s.text) + len(s.prompt or "") for s in data.samples),
                          tokens=int(train_ids.numel() + val_ids.numel()))
    emit(TrainEvent("preparing", device=device_label, method=method, data=summary), force=True)
    if stop_requested():
        return stopped_while_preparing(method)
    n_blocks = train_ids.shape[0]
    world, rank = accelerator.num_processes, accelerator.process_index
    per_step = cfg.batch_size * cfg.grad_accum * world
    steps_per_epoch = max(1, math.ceil(n_blocks / per_step))
    epochs = _default_epochs(base.scratch, train_ids.numel()) if cfg.epochs is None else cfg.epochs
    total_steps = max(1, math.ceil(epochs * steps_per_epoch)) if cfg.max_steps is None else cfg.max_steps
    eval_every = max(1, total_steps // 10) if cfg.eval_every is None else cfg.eval_every
    lr = cfg.lr if cfg.lr is not None else 1e-3 if base.scratch else 2e-4 if method == "lora" else 5e-5

    # Only now that the options, the data and the base are known to be good does a fresh start
    # replace an interrupted run of the same name: a bad start loses nothing.
    if is_main:
        if not resume:
            checkpoint.discard_run(name)
        save_run_tokenizer(name, base)
    accelerator.wait_for_everyone()

    # ---- optimizer: weight decay on matrices only, as in nanoGPT ----
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    # fused: one kernel for all parameters rather than a loop over them (CUDA and CPU)
    optimizer = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95), fused=device.kind in ("cuda", "cpu") or None)
    warmup = max(1, int(cfg.warmup_frac * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _lr_lambda(warmup, total_steps, cfg.min_lr_frac))
    with memory_advice(device.kind, "out_of_memory_loading", device=device.name):  # the model moves to the device here
        model, optimizer = accelerator.prepare(model, optimizer)
        raw_model = accelerator.unwrap_model(model)

        state = {"step": 0, "best_val": None, "best_step": None, "train_loss": None, "val_loss": None,
                 "elapsed_s": 0.0, "history": []}
        torch.manual_seed(cfg.seed + rank)
        if previous:
            state = checkpoint.load_checkpoint(name, raw_model, optimizer, scheduler, rank=rank)
    if stop_requested():
        return stopped_while_preparing(method)
    meta = {"config": dataclasses.asdict(cfg), "data_sha256": data.sha256, "method": method,
            "base": base.record, "style": base.style.kind, "block_size": block, "lr": lr,
            "total_steps": total_steps, "app_version": __version__}

    # ---- data position: a fixed permutation per epoch, so step k always sees the same batch ----
    perms: dict[int, torch.Tensor] = {}

    def batch(micro_index: int, ids: torch.Tensor, labels: torch.Tensor):
        start = micro_index * cfg.batch_size * world + rank * cfg.batch_size
        picks = []
        for pos in range(start, start + cfg.batch_size):
            epoch, i = divmod(pos, n_blocks)
            if epoch not in perms:
                perms[epoch] = torch.randperm(n_blocks, generator=torch.Generator().manual_seed(cfg.seed + epoch))
            picks.append(perms[epoch][i])
        idx = torch.stack(picks)
        return ids[idx].to(accelerator.device), labels[idx].to(accelerator.device)

    @torch.no_grad()
    def evaluate() -> float | None:
        """Mean validation loss; None when a cancel stopped it part way."""
        model.eval()
        losses = []
        try:
            for start in range(0, val_ids.shape[0], cfg.batch_size)[: cfg.eval_max_batches]:
                if stop_requested():
                    return None
                x = val_ids[start:start + cfg.batch_size].to(accelerator.device)
                y = val_labels[start:start + cfg.batch_size].to(accelerator.device)
                with accelerator.autocast():
                    losses.append(model(input_ids=x, labels=y).loss.float())
        finally:
            model.train()
        mean = torch.stack(losses).mean()
        return accelerator.reduce(mean, reduction="mean").item()

    def progress(phase: str, tokens_per_s: float | None, session_start: float, session_step0: int) -> TrainEvent:
        done = state["step"] - session_step0
        elapsed_session = time.monotonic() - session_start
        eta = elapsed_session / done * (total_steps - state["step"]) if done > 0 else None
        return TrainEvent(phase, state["step"], total_steps, state["step"] / steps_per_epoch,
                          state["train_loss"], state["val_loss"], tokens_per_s,
                          state["elapsed_s"] + elapsed_session, eta, device_label, method)

    def evaluate_and_keep_best() -> bool:
        """Validation loss, and the best weights so far; False when a cancel cut it short."""
        emit(progress("evaluating", tokens_per_s, session_start, session_step0), force=True)
        val_loss = evaluate()
        if val_loss is None:
            state["eval_due"] = True  # so --resume evaluates this step before going on
            return False
        state.pop("eval_due", None)
        state["val_loss"] = val_loss
        state["history"].append([state["step"], None, round(val_loss, 5)])
        if state["best_val"] is None or val_loss < state["best_val"]:
            state["best_val"], state["best_step"] = val_loss, state["step"]
            if is_main:
                checkpoint.save_best(name, raw_model, state["step"], meta)
        emit(progress("training", tokens_per_s, session_start, session_step0), force=True)
        return True

    def save(phase_event: TrainEvent) -> None:
        emit(dataclasses.replace(phase_event, phase="saving"), force=True)
        # every process's random stream (dropout masks), so each resumes its own; a collective call
        rngs = gather_object([checkpoint.rng_state()]) if world > 1 else None
        if is_main:
            checkpoint.save_checkpoint(name, raw_model, optimizer, scheduler, state, meta, rng_by_rank=rngs)
        accelerator.wait_for_everyone()

    # ---- the loop ----
    model.train()
    session_start, session_step0 = time.monotonic(), state["step"]
    last_save, tokens_done, tokens_per_s = time.monotonic(), 0, None
    window: list[tuple[float, int]] = [(session_start, 0)]
    run_tokens, run_started = 0, time.monotonic()  # for the average the result reports
    loss_sum, loss_count = torch.zeros((), device=accelerator.device), 0
    with memory_advice(device.kind, "out_of_memory", device=device.name, batch_size=cfg.batch_size, block_size=block):
        stopped = state.get("eval_due") and not evaluate_and_keep_best()  # one a cancel cut short
        while not stopped and state["step"] < total_steps:
            if stop_requested():  # several processes: one all-reduce a step, so all stop at the same step
                break
            # forward/backward/update, with gradient accumulation
            for micro in range(cfg.grad_accum):
                x, y = batch(state["step"] * cfg.grad_accum + micro, train_ids, train_labels)
                with accelerator.no_sync(model) if micro < cfg.grad_accum - 1 else contextlib.nullcontext():
                    with accelerator.autocast():
                        loss = model(input_ids=x, labels=y).loss / cfg.grad_accum
                    accelerator.backward(loss)
                loss_sum += loss.detach()
                tokens_done += x.numel() * world
                run_tokens += x.numel() * world
            if cfg.grad_clip:
                accelerator.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            state["step"] += 1
            loss_count += 1

            # timing and logging; .item() is a device sync, so only read the loss when reporting
            now = time.monotonic()
            final = state["step"] == total_steps
            if now - emit.last >= emit.interval or final or state["step"] % eval_every == 0:
                state["train_loss"] = accelerator.reduce(loss_sum / loss_count, reduction="mean").item()
                loss_sum.zero_(); loss_count = 0
                window.append((now, tokens_done))
                (t0, n0), window[:] = window[0], window[-20:]  # rate over the last ~2 s, not since the start
                tokens_per_s = (tokens_done - n0) / (now - t0) if now > t0 else tokens_per_s
                state["history"].append([state["step"], round(state["train_loss"], 5), None])
                emit(progress("training", tokens_per_s, session_start, session_step0))

            # evaluate, and keep the best weights
            if (state["step"] % eval_every == 0 or final) and not evaluate_and_keep_best():
                break

            # periodic checkpoint
            due_steps = cfg.checkpoint_every_steps is not None and state["step"] % cfg.checkpoint_every_steps == 0
            if not final and (due_steps or time.monotonic() - last_save >= cfg.checkpoint_every_s):
                state["elapsed_s"] += time.monotonic() - session_start
                session_start, session_step0, tokens_done = time.monotonic(), state["step"], 0
                window[:] = [(session_start, 0)]
                save(progress("saving", tokens_per_s, session_start, session_step0))
                last_save = time.monotonic()

    state["elapsed_s"] += time.monotonic() - session_start
    average_tps = run_tokens / max(time.monotonic() - run_started, 1e-9)
    if state["step"] < total_steps or state.get("eval_due"):  # cancelled: keep a checkpoint to resume from
        save(progress("saving", tokens_per_s, time.monotonic(), state["step"]))
        return TrainResult(name, None, True, state["step"], total_steps, state["train_loss"],
                           state["val_loss"], average_tps, device_label, method, is_main, resumable=True)

    # ---- the finished model goes into the library in one rename ----
    emit(progress("saving", tokens_per_s, time.monotonic(), state["step"]), force=True)
    path = None
    if is_main:
        best = checkpoint.best_folder(name)
        if best is not None:
            checkpoint.load_weights(raw_model, best)
        wenan = {
            "name": name, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "app_version": __version__, "base": base.record, "method": method, "style": base.style.kind,
            "format": "pairs" if data.is_pairs else "text", "block_size": block,
            "data": {"file": Path(cfg.data).name, "sha256": data.sha256, "samples": len(data.samples),
                     "train_samples": len(train_samples), "val_samples": len(val_samples),
                     "train_tokens": int(train_ids.numel()), "encoding": data.encoding},
            "hyperparameters": dict(meta["config"], lr=lr, block_size=block, total_steps=total_steps),
            "metrics": {"train_loss": state["train_loss"], "val_loss": state["best_val"],
                        "perplexity": math.exp(min(state["best_val"], 50)) if state["best_val"] is not None else None,
                        "best_step": state["best_step"]},
            "training": {"finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                         "duration_s": round(state["elapsed_s"], 1), "device": device_label,
                         "steps": state["step"], "tokens_per_s": round(average_tps, 1)},
            "history": _thin(state["history"], 600),
        }
        path = library.model_path(name)
        with atomic_dir(path) as tmp:
            raw_model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            from ..quality.memorisation import save_training_index  # so generated copy can be checked for copying
            save_training_index(tmp, (s.text for s in data.samples))
            (tmp / library.META_FILE).write_text(json.dumps(wenan, ensure_ascii=False, indent=2), encoding="utf-8")
        checkpoint.discard_run(name)
    accelerator.wait_for_everyone()
    result = TrainResult(name, path, False, state["step"], total_steps, state["train_loss"],
                         state["best_val"], average_tps, device_label, method, is_main)
    emit(progress("done", tokens_per_s, time.monotonic(), state["step"]), force=True)
    return result


def _thin(points: list, limit: int) -> list:
    """Keep the loss history small enough for wenan.json; validation points are all kept."""
    train = [p for p in points if p[1] is not None]
    step = max(1, math.ceil(len(train) / limit))
    keep = {id(p) for p in train[::step]} | {id(train[-1])} if train else set()
    return [p for p in points if p[1] is None or id(p) in keep]
