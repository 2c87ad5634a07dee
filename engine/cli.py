"""The headless command line: human output with tqdm, or one JSON object per line.

What it prints for people is in the user's language (`message` keys, WENAN_LANG or the
locale); the --json output is a machine contract and stays as it is in every language.
"""
from __future__ import annotations

import json
import signal
import sys
import threading
import time
from argparse import Namespace
from contextlib import contextmanager
from pathlib import Path

from .common.errors import WenanError, message
from .common.messages import MESSAGES

EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 2, 130


def run(args: Namespace) -> int:
    handler = {"train": cmd_train, "generate": cmd_generate, "models": cmd_models, "bases": cmd_bases,
               "history": cmd_history, "export": cmd_export, "batch": cmd_batch, "doctor": cmd_doctor,
               "demo": cmd_demo, "insights": cmd_insights}[args.command]
    try:
        return handler(args)
    except WenanError as err:
        print(message("cli_error", message=err), file=sys.stderr)
        return err.exit_code


def _json(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


@contextmanager
def _ctrl_c_cancels(cancel: threading.Event):
    """Ctrl+C asks the engine to stop at the next step, so it can save a checkpoint."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _device(name: str) -> str:
    """The engine's device name for people: only the CPU's ("CPU (N threads)") has words in it."""
    import re

    cpu = re.fullmatch(r"CPU \((\d+) threads?\)", name or "")
    return message("cli_cpu", n=cpu.group(1)) if cpu else name


def _method(method: str | None) -> str:
    return message(f"cli_method_{method}") if method in ("full", "lora") else str(method)


def _pad(text: str, width: int) -> str:
    """Left-aligned in `width` terminal columns: a Chinese character takes two."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


# ---- train ----

def cmd_train(args: Namespace) -> int:
    from .training.config import TrainConfig

    cfg = TrainConfig(
        data=args.data, name=args.name, base=args.base, text_column=args.text_column,
        prompt_column=args.prompt_column, val_fraction=args.val_fraction, mask_pii=not args.no_mask_pii,
        epochs=args.epochs, max_steps=args.max_steps, batch_size=args.batch_size, grad_accum=args.grad_accum,
        block_size=args.block_size, lr=args.lr, method=args.method, device=args.device, seed=args.seed,
        checkpoint_every_steps=args.checkpoint_every,
    )
    _convert_base(args.base, args.device, "lora", args.json)
    expect = None if args.resume else "cli_expect_" + ("scratch" if _from_scratch(args.base) else "base")
    return _run_training(cfg, resume=args.resume, as_json=args.json, expect=expect)


def _from_scratch(base: str | None) -> bool:
    """Whether training starts from scratch: no base, or a library model that was itself learnt from scratch."""
    from .models import library

    if base in (None, "", "scratch"):
        return True
    try:
        return library.exists(base) and library.get_model(base).card.base.kind == "scratch"
    except WenanError:
        return False


def _run_training(cfg, resume: bool, as_json: bool, expect: str | None = None) -> int:
    """`expect`: a message key saying what this start will give, said once the options have passed."""
    from .training.loop import train

    cancel = threading.Event()
    bar = None

    def on_event(e) -> None:
        nonlocal bar
        if e.data is not None:
            _report_data(e.data, as_json)
        if as_json:
            if e.phase != "done":
                _json({"event": "progress", "phase": e.phase, "step": e.step, "total_steps": e.total_steps,
                       "epoch": _r(e.epoch, 3), "loss": _r(e.loss), "val_loss": _r(e.val_loss),
                       "tokens_per_s": _r(e.tokens_per_s, 1), "eta_s": _r(e.eta_s, 1),
                       "device": e.device, "method": e.method})
            return
        if e.phase == "preparing" and e.device:
            if expect:
                print(message("cli_note", message=message(expect)), file=sys.stderr)
            print(message("cli_device", device=_device(e.device), method=_method(e.method)), file=sys.stderr)
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

    with _ctrl_c_cancels(cancel):
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
            _json({"event": "cancelled", "model": cfg.name, "step": result.step, "total_steps": result.total_steps,
                   "resumable": result.resumable})
        print(msg, file=sys.stderr)
        return EXIT_INTERRUPTED
    if as_json:
        _json({"event": "done", "model": result.name, "path": str(result.path), "val_loss": _r(result.val_loss),
               "train_loss": _r(result.train_loss), "tokens_per_s": _r(result.tokens_per_s, 1),
               "steps": result.step, "device": result.device, "method": result.method})
    else:
        print(message("cli_saved", name=result.name, path=result.path))
        print(message("cli_trained", val=f"{result.val_loss:.3f}", speed=f"{result.tokens_per_s:,.0f}",
                      device=_device(result.device)))
    return EXIT_OK


def _report_data(d, as_json: bool) -> None:
    import dataclasses
    cleaning = dataclasses.asdict(d.cleaning)
    if as_json:
        _json({"event": "data", "file": d.file, "format": d.format, "encoding": d.encoding, "samples": d.samples,
               "train_samples": d.train_samples, "val_samples": d.val_samples, "chars": d.chars,
               "tokens": d.tokens, "cleaning": cleaning})
        return
    steps = ", ".join(message(f"cli_clean_{k}", n=v) if f"cli_clean_{k}" in MESSAGES else f"{k.replace('_', ' ')} {v}"
                      for k, v in cleaning.items() if v and k not in ("input_samples", "kept"))
    print(message("cli_data", file=d.file, format=d.format, encoding=d.encoding or "-", samples=d.samples,
                  train=d.train_samples, val=d.val_samples, chars=f"{d.chars:,}", tokens=f"{d.tokens:,}")
          + (message("cli_data_cleaning", steps=steps) if steps else ""), file=sys.stderr)


# ---- generate ----

def cmd_generate(args: Namespace) -> int:
    from dataclasses import replace

    from .writing.generation import GenerateConfig, generate, with_preset

    cfg = GenerateConfig(prompt=args.prompt, n=args.n, scenario=args.scenario, platform=args.platform,
                         examples=args.examples, n_examples=args.n_examples)
    if args.preset:
        cfg = with_preset(cfg, args.preset)
    overrides = {k: getattr(args, k) for k in ("max_new_tokens", "temperature", "top_p", "top_k",
                                                 "repetition_penalty", "seed") if getattr(args, k) is not None}
    cfg = replace(cfg, **overrides)
    cancel = threading.Event()
    live = not args.json and cfg.n == 1

    def on_text(e) -> None:
        if live:
            print(e.delta, end="", flush=True)

    _convert_base(args.name, args.device, "write", args.json)
    with _ctrl_c_cancels(cancel):
        result = generate(args.name, cfg, on_text=on_text, cancel=cancel, device=args.device)
    facts = (args.facts or "").strip()
    # what the claims check lets the variants state: the request, the facts box, the examples shown
    flags, order = _check(args.name, result.variants, [cfg.prompt, facts, *result.examples_used], cfg)
    if result.variants:
        with _open_history() as history:
            history.add_run(args.name, cfg.prompt, cfg, result.seed,
                            [{"text": result.variants[i], "flags": [f.to_dict() for f in flags[i]]} for i in order],
                            scenario=cfg.scenario, fields={"facts": facts} if facts else None)
    if args.json:
        for i in order:  # cleanest first
            _json({"event": "variant", "index": result.indices[i], "text": result.variants[i],
                   "flags": [f.to_dict() for f in flags[i]]})
        _json({"event": "done", "elapsed_s": _r(result.elapsed_s, 3), "first_text_s": _r(result.first_text_s, 3),
               "seed": result.seed, "cancelled": result.cancelled, "device": result.device,
               "max_new_tokens_used": result.max_new_tokens_used, "max_new_tokens_capped": result.capped,
               "prompt_cut": result.prompt_cut, "drafted_by": result.drafted_by, "chat": result.chat,
               "examples": list(result.examples_used), "examples_source": result.examples_source})
        return EXIT_INTERRUPTED if result.cancelled else EXIT_OK
    if live:
        print()
    else:
        from .quality.checks import flags_summary
        for number, i in enumerate(order, 1):
            print(f"[{number}] {result.variants[i]}")
            if flags[i]:
                print(f"    ⚠ {flags_summary(flags[i])}")
            print()
    if result.prompt_cut:
        print(message("cli_note", message=message("cli_prompt_cut")), file=sys.stderr)
    if result.capped:
        print(message("cli_note", message=message("cli_tokens_capped", n=result.max_new_tokens_used,
                                                  asked=cfg.max_new_tokens)), file=sys.stderr)
    print(message("cli_note", message=message(f"cli_drafted_{result.drafted_by}")), file=sys.stderr)
    if result.examples_used:
        print(message("cli_note", message=message("cli_drafted_examples", n=len(result.examples_used),
                                                  file=result.examples_source)), file=sys.stderr)
    print(message("cli_generated", seed=result.seed, seconds=f"{result.elapsed_s:.1f}", device=_device(result.device)),
          file=sys.stderr)
    return EXIT_INTERRUPTED if result.cancelled else EXIT_OK


def _check(model: str, variants: list[str], facts: list[str], cfg=None):
    """Quality flags for each variant, and the order that puts the cleanest first.
    `facts` (the prompt, --facts, the examples shown) are what the claims check lets the variants state."""
    from .quality.checks import CheckContext, check_variants, rank_variants
    from .quality.memorisation import memo_for_model

    context = CheckContext(scenario=cfg and cfg.scenario, platform=cfg and cfg.platform, memo=memo_for_model(model),
                           facts=facts)
    flags = check_variants(variants, context)
    return flags, rank_variants(variants, flags)


# ---- models ----

def cmd_models(args: Namespace) -> int:
    from .models import library

    action = getattr(args, "action", None)
    if action == "rename":
        info = library.rename_model(args.old, args.new)
        print(message("cli_renamed", name=info.name))
    elif action == "delete":
        library.delete_model(args.model)
        print(message("cli_deleted", name=args.model))
    elif action == "export":
        print(library.export_model(args.model, args.out))
    elif action == "import":
        print(message("cli_imported", name=library.import_model(args.zip, args.name).name))
    elif args.json:
        for m in library.list_models():
            card = m.card.to_dict()
            _json({"name": m.name, "path": str(m.path), **{k: card[k] for k in (
                "created_at", "method", "format", "base", "metrics", "training", "data")}})
    else:
        models = library.list_models()
        if not models:
            print(message("cli_no_models"))
        for m in models:
            card = m.card
            val = card.metrics.val_loss
            print(message("cli_model_row", name=_pad(m.name, 24), method=_pad(_method(card.method or "?"), 8),
                          base=card.base.name or card.base.path or card.base.kind,
                          val="-" if val is None else f"{val:.3f}", created=card.created_at))
    return EXIT_OK


# ---- bases ----

def cmd_bases(args: Namespace) -> int:
    from .models import added_bases, discovery

    for path in args.add:
        print(f"Remembered {added_bases.add_path(path)}", file=sys.stderr)
    for path in args.forget:
        if not added_bases.remove_path(path):
            print(f"note: {path} was not among the added bases", file=sys.stderr)
    device = discovery.device_profile("auto")
    entries = discovery.find_bases(args.scan, device=device)
    if args.json:
        for entry in entries:
            _json(entry.to_dict())
        return EXIT_OK
    memory = f"{device.memory_bytes / 2**30:.1f} GB" if device.memory_bytes else "unknown memory"
    print(f"Bases on this computer, for {device.name} ({memory}):")
    headings = {"good": "Fits this computer", "tight": "Fits, with little memory to spare",
                "too_large": "Too large for this computer", "unusable": "Can't be used"}
    group = None
    for entry in entries:
        if entry.group != group:
            group = entry.group
            print(f"\n{headings[group]}:")
        print(_base_line(entry))
    if not entries:
        print("  none found. Add one with: bases --add PATH (see docs/MODELS.md)")
    return EXIT_OK


def _base_line(e) -> str:
    f = e.facts
    size = "" if not f.parameters else (f"{f.parameters / 1e9:.2f} B" if f.parameters >= 1e8 else
                                        f"{f.parameters / 1e6:.1f} M")
    fmt = "GGUF " + (f.quantization or "") if f.format == "gguf" else "safetensors"
    parts = [fmt, f.architecture or "?", size, f"context {f.context_length}" if f.context_length else "",
             "chat" if f.chat else "", f.license or ""]
    if e.usable and e.needs.lora:
        parts.append(f"LoRA {e.needs.lora / 2**30:.1f} GB · write {e.needs.write / 2**30:.1f} GB")
    line = f"  {e.name}  [{e.source}]  " + " · ".join(p for p in parts if p)
    return line + (f"\n      {e.reason()}" if not e.usable else "")


def _convert_base(name: str, device: str, purpose: str, as_json: bool) -> None:
    """A GGUF base not converted yet is converted now, with a progress bar, before anything loads."""
    from .models import discovery, library

    if name == "scratch" or (library.exists(name) and not Path(name).expanduser().exists()):
        return
    choice = discovery.device_profile(device)
    entry = discovery.lookup(name, device=choice)
    if entry is None or entry.kind != "gguf" or not entry.usable:
        return  # the command itself says what is wrong
    from .models import gguf_convert

    if gguf_convert.find_converted(entry.path, gguf_convert.storage_dtype(choice)) is not None:
        return
    discovery.check_fits(entry, purpose, device=choice)
    if entry.facts.bits and entry.facts.bits < 8:
        print("note: " + WenanError("gguf_below_8bit", name=entry.name, quantization=entry.facts.quantization,
                                    bits=entry.facts.bits).message(), file=sys.stderr)
    print(f"Converting {entry.name} into a base in the data folder (once)...", file=sys.stderr)
    bar, cancel = None, threading.Event()

    def on_event(e) -> None:
        nonlocal bar
        if as_json:
            _json({"event": "converting", "phase": e.phase, "done": e.done, "total": e.total, "name": e.name})
            return
        if e.phase == "weights" and bar is None:
            from tqdm import tqdm
            bar = tqdm(total=e.total, unit="tensor", dynamic_ncols=True, file=sys.stderr)
        if bar is not None:
            bar.update(e.done - bar.n)

    with _ctrl_c_cancels(cancel):
        try:
            folder = discovery.base_folder(name, purpose=purpose, device=choice, on_event=on_event, cancel=cancel)
        finally:
            if bar is not None:
                bar.close()
    if folder is None:
        print("Stopped; nothing was converted.", file=sys.stderr)
        raise SystemExit(EXIT_INTERRUPTED)


# ---- history and export ----

def _open_history():
    from .history.store import History

    history = History()
    if history.recovered_from is not None:
        print(message("cli_warning", message=history.recovery_notice()), file=sys.stderr)
    return history


def cmd_history(args: Namespace) -> int:
    with _open_history() as history:
        rows = history.search(args.search, model=args.model, favorites_only=args.favorites, limit=args.limit)
    for row in rows:
        if args.json:
            _json({"id": row.id, "run_id": row.run_id, "created_at": row.created_at, "model": row.model,
                   "scenario": row.scenario, "prompt": row.prompt, "variant": row.index + 1, "text": row.text,
                   "edited": row.edited_text is not None, "favorite": row.favorite, "flags": list(row.flags),
                   "facts": row.facts, "ai_generated": True})
        else:
            star = "★" if row.favorite else " "
            print(f"{star} #{row.id:<5} {row.created_at[:16]}  {row.model}  {_scenario(row.scenario)}\n  {row.text}\n")
    if not args.json:
        print(message("cli_drafts", n=len(rows)), file=sys.stderr)
    return EXIT_OK


def _scenario(key: str | None) -> str:
    from .common.errors import current_language
    from .writing.scenarios import SCENARIOS

    spec = SCENARIOS.get(key) if key else None
    if spec is None:
        return key or message("cli_free_prompt")
    return spec.zh if current_language() == "zh" else spec.en


def cmd_export(args: Namespace) -> int:
    from .history.export import export, rows_for_scope

    with _open_history() as history:
        rows = rows_for_scope(history, "filter", query=args.search, model=args.model,
                              favorites_only=args.favorites)
    path = export(rows, args.out, args.format)
    print(message("cli_exported", n=len(rows), path=path))
    return EXIT_OK


def cmd_batch(args: Namespace) -> int:
    from .writing.batch import run_batch

    cancel = threading.Event()
    bar = None

    def on_event(e) -> None:
        nonlocal bar
        if args.json:
            _json({"event": "progress", "done_rows": e.done_rows, "total_rows": e.total_rows,
                   "eta_s": _r(e.eta_s, 1), "product": e.product})
            return
        if bar is None:
            from tqdm import tqdm
            bar = tqdm(total=e.total_rows, initial=e.done_rows, unit=message("cli_unit_product"), dynamic_ncols=True,
                       file=sys.stderr)
        bar.update(e.done_rows - bar.n)
        bar.set_postfix_str(e.product[:30])

    with _ctrl_c_cancels(cancel):
        try:
            result = run_batch(args.name, args.products, args.scenario, args.out, n=args.n,
                               on_event=on_event, cancel=cancel,
                               fixed={"product": args.product} if args.product else None,
                               gen_overrides={"examples": args.examples} if args.examples else None)
        finally:
            if bar is not None:
                bar.close()
    if args.json:
        _json({"event": "cancelled" if result.cancelled else "done", "out": str(result.out_path),
               "done_rows": result.done_rows, "total_rows": result.total_rows,
               "resumed_rows": result.resumed_rows, "skipped_rows": result.skipped_rows,
               "elapsed_s": _r(result.elapsed_s, 2)})
    else:
        print(message("cli_batch_done", done=result.done_rows, total=result.total_rows, out=result.out_path))
    if result.cancelled:
        print(message("cli_batch_stopped"), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


# ---- insights ----

def _date_option(option: str, value: str | None):
    from .common.errors import ConfigError
    from .insight import parse_date

    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise ConfigError("bad_value", option=option, value=value, hint="Use a date such as 2024-05-01.")
    return day


def cmd_insights(args: Namespace) -> int:
    from .common.errors import ConfigError, ExportError, current_language
    from .common.options import at_least
    from .insight import INSIGHT_FORMATS, analyze, export_insight, filter_reviews, read_reviews, refine_insight
    from .insight.report import report_lines, report_text

    at_least("--top", args.top, 1)
    since, until = _date_option("--since", args.since), _date_option("--until", args.until)
    if args.out and not args.out.lower().endswith(INSIGHT_FORMATS):
        raise ExportError("insight_out_format", path=args.out)
    reviews = read_reviews(args.file, args.text_column, args.rating_column, args.product_column, args.date_column)
    if args.product and not reviews.chosen.product:
        raise ConfigError("bad_value", option="--product", value=args.product,
                          hint="The file has no product column; name it with --product-column.")
    if (since or until) and not reviews.chosen.date:
        raise ConfigError("bad_value", option="--since/--until", value=args.since or args.until,
                          hint="The file has no date column; name it with --date-column.")
    subset = filter_reviews(reviews.reviews, args.product, since, until)
    cancel = threading.Event()
    bar = None

    def on_event(e) -> None:
        nonlocal bar
        if args.json or not e.total or e.phase == "done":
            return
        if bar is None or bar.desc != e.phase:
            if bar is not None:
                bar.close()
            from tqdm import tqdm
            bar = tqdm(total=e.total, desc=e.phase, unit="review", dynamic_ncols=True, file=sys.stderr, leave=False)
        bar.update(e.done - bar.n)

    with _ctrl_c_cancels(cancel):
        try:
            insight = analyze(subset, on_event=on_event, cancel=cancel)
            if args.model and not insight.cancelled:
                insight = refine_insight(insight, args.model, lang=current_language(), on_event=on_event, cancel=cancel)
        finally:
            if bar is not None:
                bar.close()
    if insight.cancelled:
        print("Stopped; nothing was written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.out:
        export_insight(insight, args.out)
    if args.json:
        for obj in report_lines(insight, reviews, args.top, args.out):
            _json(obj)
    else:
        print(report_text(insight, reviews, args.top, args.out))
    return EXIT_OK


# ---- doctor ----

def cmd_doctor(args: Namespace) -> int:
    import platform

    import torch
    import transformers

    from . import __version__
    from .common import paths
    from .models.device import choose_device

    choice = choose_device("auto")
    rows = [
        ("Wenan Studio", __version__),
        ("Python", platform.python_version()),
        (message("cli_doctor_os"), platform.platform()),
        ("torch", torch.__version__),
        ("transformers", transformers.__version__),
        (message("cli_doctor_device"), f"{choice.kind} ({choice.dtype})"),
        (message("cli_doctor_gpu"), choice.name if choice.kind != "cpu" else message("cli_doctor_none")),
        (message("cli_doctor_data"), str(paths.data_dir())),
        (message("cli_doctor_offline"), "HF_HUB_OFFLINE=" + __import__("os").environ.get("HF_HUB_OFFLINE", "")),
    ]
    for pkg in ("peft", "accelerate", "tokenizers", "safetensors"):
        rows.insert(5, (pkg, __import__(pkg).__version__))
    for key, value in rows:
        print(f"{_pad(key, 14)} {value}")
    return EXIT_OK


# ---- demo ----

def cmd_demo(args: Namespace) -> int:
    from .common import paths
    from .models import library
    from .training.config import TrainConfig
    from .writing.generation import GenerateConfig, generate

    name = "sample-demo"
    if library.exists(name):
        library.delete_model(name)
    cfg = TrainConfig(data=str(paths.sample_file()), name=name, max_steps=args.max_steps)
    print(message("cli_demo_training", name=name, file=paths.sample_file().name, steps=args.max_steps), file=sys.stderr)
    code = _run_training(cfg, resume=False, as_json=False)
    if code != EXIT_OK:
        return code
    for opening in ("这款保温杯", "青禾小铺", "Our bamboo towel"):
        started = time.perf_counter()
        result = generate(name, GenerateConfig(prompt=opening, n=3, max_new_tokens=80, seed=7))
        print("\n" + message("cli_demo_heading", opening=opening, seconds=f"{time.perf_counter() - started:.1f}"))
        for number, text in enumerate(result.variants, 1):
            print(f"[{number}] {text}")
    return EXIT_OK
