"""train: learn from a seller's file, with a progress bar or JSON lines."""
from __future__ import annotations

import sys
import threading
from argparse import Namespace

from ..common.errors import WenanError, message
from ..common.messages import MESSAGES
from . import bases
from .output import EXIT_INTERRUPTED, EXIT_OK, ctrl_c_cancels, device_name, json_line, method_name, rounded

def cmd_train(args: Namespace) -> int:
    from ..training.config import TrainConfig

    cfg = TrainConfig(
        data=args.data, name=args.name, base=args.base, text_column=args.text_column,
        prompt_column=args.prompt_column, val_fraction=args.val_fraction, mask_pii=not args.no_mask_pii,
        epochs=args.epochs, max_steps=args.max_steps, minutes=args.minutes, batch_size=args.batch_size, grad_accum=args.grad_accum,
        block_size=args.block_size, lr=args.lr, method=args.method, device=args.device, seed=args.seed,
        checkpoint_every_steps=args.checkpoint_every,
    )
    bases.convert_base(args.base, args.device, "lora", args.json)
    expect = None if args.resume else "cli_expect_" + ("scratch" if _from_scratch(args.base) else "base")
    return run_training(cfg, resume=args.resume, as_json=args.json, expect=expect)


def _from_scratch(base: str | None) -> bool:
    """Whether training starts from scratch: no base, or a library model that was itself learnt from scratch."""
    from ..models import library

    if base in (None, "", "scratch"):
        return True
    try:
        return library.exists(base) and library.get_model(base).card.base.kind == "scratch"
    except WenanError:
        return False


def run_training(cfg, resume: bool, as_json: bool, expect: str | None = None) -> int:
    """`expect`: a message key saying what this start will give, said once the options have passed."""
    from ..training.loop import train

    cancel = threading.Event()
    bar = None

    def on_event(e) -> None:
        nonlocal bar
        if e.data is not None:
            _report_data(e.data, as_json)
        if as_json:
            if e.phase != "done":
                json_line({"event": "progress", "phase": e.phase, "step": e.step, "total_steps": e.total_steps,
                       "epoch": rounded(e.epoch, 3), "loss": rounded(e.loss), "val_loss": rounded(e.val_loss),
                       "tokens_per_s": rounded(e.tokens_per_s, 1), "eta_s": rounded(e.eta_s, 1),
                       "device": e.device, "method": e.method})
            return
        if e.phase == "preparing" and e.device:
            if expect:
                print(message("cli_note", message=message(expect)), file=sys.stderr)
            print(message("cli_device", device=device_name(e.device), method=method_name(e.method)), file=sys.stderr)
        if e.total_steps and bar is None:
            from tqdm import tqdm
            bar = tqdm(total=e.total_steps, initial=e.step, unit=message("cli_unit_step"), dynamic_ncols=True,
                       file=sys.stderr)
        if bar is not None:
            bar.update(e.step - bar.n)
            phase = f"cli_phase_{e.phase}"
            bar.set_postfix_str(" ".join(filter(None, [
                "" if e.phase == "training" else message(phase) if phase in MESSAGES else e.phase,
                message("cli_bar_loss", value=f"{e.loss:.3f}") if e.loss is not None else "",
                message("cli_bar_val", value=f"{e.val_loss:.3f}") if e.val_loss is not None else "",
                message("cli_bar_speed", value=f"{e.tokens_per_s:,.0f}") if e.tokens_per_s else ""])))

    with ctrl_c_cancels(cancel):
        try:
            result = train(cfg, on_event=on_event, cancel=cancel, resume=resume)
        finally:
            if bar is not None:
                bar.close()
    if not result.primary:
        return EXIT_OK
    if result.cancelled:
        msg = (message("cli_stopped_resumable", step=result.step, total=result.total_steps, name=cfg.name)
               if result.resumable else message("cli_stopped_nothing_saved"))
        if as_json:
            json_line({"event": "cancelled", "model": cfg.name, "step": result.step, "total_steps": result.total_steps,
                   "resumable": result.resumable})
        print(msg, file=sys.stderr)
        return EXIT_INTERRUPTED
    if as_json:
        json_line({"event": "done", "model": result.name, "path": str(result.path), "val_loss": rounded(result.val_loss),
               "train_loss": rounded(result.train_loss), "tokens_per_s": rounded(result.tokens_per_s, 1),
               "steps": result.step, "device": result.device, "method": result.method})
    else:
        print(message("cli_saved", name=result.name, path=result.path))
        print(message("cli_trained", val=f"{result.val_loss:.3f}", speed=f"{result.tokens_per_s:,.0f}",
                      device=device_name(result.device)))
    return EXIT_OK


def _report_data(d, as_json: bool) -> None:
    import dataclasses
    cleaning = dataclasses.asdict(d.cleaning)
    if as_json:
        json_line({"event": "data", "file": d.file, "format": d.format, "encoding": d.encoding, "samples": d.samples,
               "train_samples": d.train_samples, "val_samples": d.val_samples, "chars": d.chars,
               "tokens": d.tokens, "cleaning": cleaning})
        return
    steps = ", ".join(message(f"cli_clean_{k}", n=v) if f"cli_clean_{k}" in MESSAGES else f"{k.replace('_', ' ')} {v}"
                      for k, v in cleaning.items() if v and k not in ("input_samples", "kept"))
    print(message("cli_data", file=d.file, format=d.format, encoding=d.encoding or "-", samples=d.samples,
                  train=d.train_samples, val=d.val_samples, chars=f"{d.chars:,}", tokens=f"{d.tokens:,}")
          + (message("cli_data_cleaning", steps=steps) if steps else ""), file=sys.stderr)
