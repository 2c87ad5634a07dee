"""Held-out bits per character: a scratch model trained by the engine against a character n-gram
(interpolated Kneser–Ney, `engine.models.ngram`) on the same held-out lines.

A data file (one sample per line, e.g. from bench/real_corpora.py) is split once: a fixed-seed
share of its lines is held out and never written to the training file the engine reads. Bits per
character, not loss per token, because the tokenizers differ: each line is scored from its start
and its end of line counts as one character, for both models. Held-out lines that also appear in
the training file are reported apart: they flatter any model.

Run: .venv/bin/python bench/heldout_bits.py DATA.txt [--minutes 5] [--max-steps N] [--orders 3,4,5]
     [--heldout 0.05] [--threads 2] [--json]
"""
from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import workspace

SPLIT_SEED = 7


def split_lines(lines: list[str], share: float, seed: int = SPLIT_SEED) -> tuple[list[str], list[str], list[str]]:
    """(training lines, held-out lines not in training, held-out lines that also appear in training)."""
    lines = [line for line in lines if line.strip()]
    picked = set(random.Random(seed).sample(range(len(lines)), max(1, int(len(lines) * share))))
    train = [line for i, line in enumerate(lines) if i not in picked]
    held = [line for i, line in enumerate(lines) if i in picked]
    in_train = set(train)
    return train, [h for h in held if h not in in_train], [h for h in held if h in in_train]


def ngram_rows(train: list[str], unseen: list[str], seen: list[str], orders: list[int]) -> list[dict]:
    from engine.models.ngram import CharKneserNey, bits_per_char

    rows = []
    for order in orders:
        t0 = time.process_time()
        model = CharKneserNey(train, order)
        cpu = time.process_time() - t0
        rows.append({"model": f"Kneser–Ney, characters, order {order}", "order": order, "cpu_s": round(cpu, 1),
                     "bpc": bits_per_char(model, unseen), "bpc_seen": bits_per_char(model, seen) if seen else None})
    return rows


def neural_line_bits(model, tokenizer, lines: list[str], batch: int = 16) -> tuple[float, int]:
    """(bits, characters) of `lines` under a causal LM: EOS, the line's tokens, EOS; long lines in windows."""
    import torch

    eos = tokenizer.eos_token_id
    window = model.config.n_positions
    bits, chars = 0.0, 0
    model.eval()
    seqs = [[eos] + tokenizer(line, add_special_tokens=False)["input_ids"] + [eos] for line in lines]
    chars = sum(len(line) + 1 for line in lines)
    pieces = []  # (ids, how many of the last targets are new)
    for ids in seqs:
        start = 0
        while True:
            end = min(len(ids), start + window)
            scored_from = 1 if start == 0 else window // 2
            pieces.append((ids[start:end], end - start - scored_from))
            if end == len(ids):
                break
            start = end - window // 2
    with torch.no_grad():
        for i in range(0, len(pieces), batch):
            part = pieces[i:i + batch]
            width = max(len(p) for p, _ in part)
            x = torch.full((len(part), width), eos, dtype=torch.long)
            for row, (p, _) in enumerate(part):
                x[row, :len(p)] = torch.tensor(p)
            logp = torch.log_softmax(model(x).logits[:, :-1].float(), dim=-1)
            nll = -logp.gather(-1, x[:, 1:, None])[..., 0]
            for row, (p, new) in enumerate(part):
                bits += float(nll[row, len(p) - 1 - new:len(p) - 1].sum()) / math.log(2)
    return bits, chars


def train_neural(train_path: Path, name: str, **options) -> dict:
    from engine.models.card import read_card
    from engine.training import TrainConfig, train

    t0, c0 = time.perf_counter(), time.process_time()
    result = train(TrainConfig(data=str(train_path), name=name, base="scratch", seed=workspace.SEED, **options))
    card = read_card(result.path)
    return {"path": result.path, "steps": result.step, "val_loss": result.val_loss, "params": card.base.n_params,
            "wall_s": round(time.perf_counter() - t0, 1), "cpu_s": round(time.process_time() - c0, 1),
            "loop_s": card.training.duration_s, "tokens_per_s": result.tokens_per_s}


def neural_row(run: dict, unseen: list[str], seen: list[str]) -> dict:
    from engine.models import load_causal_lm, load_tokenizer

    model, tokenizer = load_causal_lm(run["path"]), load_tokenizer(run["path"])
    b, c = neural_line_bits(model, tokenizer, unseen)
    row = {k: v for k, v in run.items() if k != "path"}
    row.update(model="scratch model (engine defaults)", bpc=b / c, bpc_seen=None)
    if seen:
        b2, c2 = neural_line_bits(model, tokenizer, seen)
        row["bpc_seen"] = b2 / c2
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path, help=".txt, one sample per line")
    ap.add_argument("--heldout", type=float, default=0.05, help="share of lines held out (default 0.05)")
    ap.add_argument("--orders", default="3,4,5,6", help="n-gram orders (default 3,4,5,6)")
    ap.add_argument("--minutes", type=float, help="the scratch model's training budget")
    ap.add_argument("--max-steps", type=int, help="train this many steps instead of a budget")
    ap.add_argument("--no-neural", action="store_true", help="the n-gram only")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores, as the CLI)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    lines = args.data.read_text(encoding="utf-8").splitlines()
    train, unseen, seen = split_lines(lines, args.heldout)
    train_path = workspace.scratch_dir("data") / f"{args.data.stem}-train.txt"
    train_path.write_text("\n".join(train) + "\n", encoding="utf-8")
    rows = ngram_rows(train, unseen, seen, [int(o) for o in args.orders.split(",")])
    if not args.no_neural:
        threads = workspace.use_threads(args.threads)
        options = {"max_steps": args.max_steps} if args.max_steps else {}
        if args.minutes:
            options["minutes"] = args.minutes
        with workspace.CpuWatch() as watch:
            run = train_neural(train_path, "heldout", **options)
        rows.append(dict(neural_row(run, unseen, seen), threads=threads, others_cpu=round(watch.others, 3)))
    best = min((r for r in rows if "order" in r), key=lambda r: r["bpc"])
    out = {"bench": "heldout_bits", "data": args.data.name, "train_lines": len(train), "heldout_lines": len(unseen),
           "heldout_seen_lines": len(seen), "rows": rows, "best_ngram_order": best["order"]}
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"{args.data.name}: {len(train):,} training lines; held out {len(unseen):,} lines not in the training "
          f"file (+{len(seen)} that are in it, reported apart)\n")
    print(f"{'model':44}{'bits/char':>10}{'seen lines':>12}{'CPU s':>8}")
    for r in rows:
        seen_bpc = f"{r['bpc_seen']:.3f}" if r.get("bpc_seen") is not None else "-"
        print(f"{r['model']:44}{r['bpc']:>10.3f}{seen_bpc:>12}{r['cpu_s']:>8}")
        if "steps" in r:
            print(f"  {r['steps']} steps, {r['params']:,} parameters, loop {r['loop_s']} s, wall {r['wall_s']} s, "
                  f"{r['tokens_per_s']:,.0f} tokens/s, {r['threads']} threads, others' CPU {r['others_cpu']:.0%}; "
                  f"{r['bpc'] / best['bpc'] - 1:+.1%} against order {best['order']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
