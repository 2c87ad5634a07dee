"""generate and batch: drafts from a model, checked, ranked and kept in the history."""
from __future__ import annotations

import sys
import threading
from argparse import Namespace

from ..common.errors import message
from . import bases
from .history import open_history
from .output import EXIT_INTERRUPTED, EXIT_OK, ctrl_c_cancels, device_name, json_line, rounded

def cmd_generate(args: Namespace) -> int:
    from dataclasses import replace

    from ..writing.generation import GenerateConfig, generate, with_preset

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

    bases.convert_base(args.name, args.device, "write", args.json)
    with ctrl_c_cancels(cancel):
        result = generate(args.name, cfg, on_text=on_text, cancel=cancel, device=args.device)
    facts = (args.facts or "").strip()
    # what the claims check lets the variants state: the request, the facts box, the examples shown
    flags, order = check_drafts(args.name, result.variants, [cfg.prompt, facts, *result.examples_used], cfg)
    if result.variants:
        with open_history() as history:
            history.add_run(args.name, cfg.prompt, cfg, result.seed,
                            [{"text": result.variants[i], "flags": [f.to_dict() for f in flags[i]]} for i in order],
                            scenario=cfg.scenario, fields={"facts": facts} if facts else None)
    if args.json:
        for i in order:  # cleanest first
            json_line({"event": "variant", "index": result.indices[i], "text": result.variants[i],
                   "flags": [f.to_dict() for f in flags[i]]})
        json_line({"event": "done", "elapsed_s": rounded(result.elapsed_s, 3), "first_text_s": rounded(result.first_text_s, 3),
               "seed": result.seed, "cancelled": result.cancelled, "device": result.device,
               "max_new_tokens_used": result.max_new_tokens_used, "max_new_tokens_capped": result.capped,
               "prompt_cut": result.prompt_cut, "drafted_by": result.drafted_by, "chat": result.chat,
               "examples": list(result.examples_used), "examples_source": result.examples_source})
        return EXIT_INTERRUPTED if result.cancelled else EXIT_OK
    if live:
        print()
    else:
        from ..quality.checks import flags_summary
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
    print(message("cli_generated", seed=result.seed, seconds=f"{result.elapsed_s:.1f}", device=device_name(result.device)),
          file=sys.stderr)
    return EXIT_INTERRUPTED if result.cancelled else EXIT_OK


def check_drafts(model: str, variants: list[str], facts: list[str], cfg=None):
    """Quality flags for each variant, and the order that puts the cleanest first.
    `facts` (the prompt, --facts, the examples shown) are what the claims check lets the variants state."""
    from ..quality.checks import CheckContext, check_variants, rank_variants
    from ..quality.memorisation import memo_for_model

    context = CheckContext(scenario=cfg and cfg.scenario, platform=cfg and cfg.platform, memo=memo_for_model(model),
                           facts=facts)
    flags = check_variants(variants, context)
    return flags, rank_variants(variants, flags)


def cmd_batch(args: Namespace) -> int:
    from ..writing.batch import run_batch

    cancel = threading.Event()
    bar = None

    def on_event(e) -> None:
        nonlocal bar
        if args.json:
            json_line({"event": "progress", "done_rows": e.done_rows, "total_rows": e.total_rows,
                   "eta_s": rounded(e.eta_s, 1), "product": e.product})
            return
        if bar is None:
            from tqdm import tqdm
            bar = tqdm(total=e.total_rows, initial=e.done_rows, unit=message("cli_unit_product"), dynamic_ncols=True,
                       file=sys.stderr)
        bar.update(e.done_rows - bar.n)
        bar.set_postfix_str(e.product[:30])

    with ctrl_c_cancels(cancel):
        try:
            result = run_batch(args.name, args.products, args.scenario, args.out, n=args.n,
                               on_event=on_event, cancel=cancel,
                               fixed={"product": args.product} if args.product else None,
                               gen_overrides={"examples": args.examples} if args.examples else None)
        finally:
            if bar is not None:
                bar.close()
    if args.json:
        json_line({"event": "cancelled" if result.cancelled else "done", "out": str(result.out_path),
               "done_rows": result.done_rows, "total_rows": result.total_rows,
               "resumed_rows": result.resumed_rows, "skipped_rows": result.skipped_rows,
               "elapsed_s": rounded(result.elapsed_s, 2)})
    else:
        print(message("cli_batch_done", done=result.done_rows, total=result.total_rows, out=result.out_path))
    if result.cancelled:
        print(message("cli_batch_stopped"), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK
