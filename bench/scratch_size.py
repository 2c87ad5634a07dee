"""Scratch model size: which ScratchSize gives the lowest validation loss for a fixed training time.

engine/models.py picks the size of a from-scratch GPT-2 by the number of
training tokens (SCRATCH_TIERS / scratch_size). This trains each candidate size
with the engine's own train(base="scratch") — its tokenizer, split, optimizer,
schedule, dropout and evaluation — on several amounts of real copy, each for the
same wall-clock budget, and reports the engine's best validation loss.

The budget is turned into a step count by a short probe run of each size (so the
cosine schedule ends when the time is up), then the real run trains that many
steps; the table shows the time it actually took. The size is forced by
replacing engine.models.scratch.scratch_size inside this script.

Data (all real, nothing repeated):
  quarter  the first quarter of resources/samples/shop_copy.txt
  sample   the whole of shop_copy.txt
  combined shop_copy.txt plus the copy column of resources/samples/shop_pairs.csv

  --data-file PATH[,PATH...]  extra data points: each a .txt file, one sample per line,
                              named after the file's stem (--data "" skips the built-in ones)

Run: .venv/bin/python bench/scratch_size.py [--budget 60] [--data quarter,sample,combined]
     [--data-file more.txt] [--json]
"""
from __future__ import annotations

import argparse
import json
import time

import workspace

SIZES = {"4x128": (4, 4, 128), "6x256": (6, 4, 256), "8x384": (8, 6, 384)}  # the tiers' ScratchSize values


def write_corpora(names: list[str]) -> dict:
    """Each data point as a one-sample-per-line .txt file the engine reads like a seller's file."""
    from engine.data import CleanOptions, load_data

    sample, _train, _val = workspace.load_sample()
    copy = [s.text for s in sample.samples]
    pairs = load_data(workspace.PAIRS, text_column="copy", prompt_column="", clean=CleanOptions(mask_pii=True))
    texts = {"quarter": copy[: len(copy) // 4], "sample": copy, "combined": copy + [s.text for s in pairs.samples]}
    folder = workspace.scratch_dir("corpora")
    paths = {}
    for name in names:
        paths[name] = folder / f"{name}.txt"
        paths[name].write_text("\n".join(t.replace("\n", " ") for t in texts[name]) + "\n", encoding="utf-8")
    return paths


def train_size(data_path, size: tuple[int, int, int], steps: int, name: str, eval_every: int | None = None) -> dict:
    import engine.models.scratch
    from engine.models import ScratchSize
    from engine.models.card import read_card
    from engine.training import TrainConfig, train

    original = engine.models.scratch.scratch_size
    engine.models.scratch.scratch_size = lambda train_tokens: ScratchSize(*size)
    try:
        t0 = time.perf_counter()
        result = train(TrainConfig(data=str(data_path), name=name, base="scratch", max_steps=steps,
                                   eval_every=eval_every, seed=workspace.SEED))
        wall = time.perf_counter() - t0
    finally:
        engine.models.scratch.scratch_size = original
    card = read_card(result.path)
    return {"steps": result.step, "val_loss": result.val_loss, "train_loss": result.train_loss,
            "best_step": card.metrics.best_step, "params": card.base.n_params,
            "train_tokens": card.data.train_tokens, "loop_s": card.training.duration_s,
            "tokens_per_s": result.tokens_per_s, "call_s": wall}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget", type=float, default=60.0, help="training seconds per size (default 60)")
    parser.add_argument("--data", default="quarter,sample,combined", help="data points, comma-separated")
    parser.add_argument("--data-file", default="",
                        help="extra data points: .txt files (one sample per line), comma-separated; "
                             "each is named after its file stem")
    parser.add_argument("--sizes", default=",".join(SIZES), help=f"sizes, comma-separated, of {', '.join(SIZES)}")
    parser.add_argument("--probe-steps", type=int, default=6, help="steps of the speed probe per size (default 6)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    parser.add_argument("--json", action="store_true", help="print one JSON line of results")
    args = parser.parse_args()

    from pathlib import Path

    import engine.models.scratch

    names = [n for n in args.data.split(",") if n]
    unknown = [n for n in names if n not in ("quarter", "sample", "combined")]
    if unknown:
        parser.error(f"unknown --data {', '.join(unknown)} (use quarter, sample, combined)")
    files = [Path(f).expanduser() for f in args.data_file.split(",") if f]
    for f in files:
        if not f.is_file():
            parser.error(f"--data-file {f}: no such file")
        if f.stem in names:
            parser.error(f"--data-file {f}: its name {f.stem!r} is already a data point")
    if not names and not files:
        parser.error("no data: give --data and/or --data-file")

    threads = workspace.use_threads(args.threads)
    corpora = write_corpora(names) if names else {}
    for f in files:
        corpora[f.stem] = f.resolve()
    rows = []
    for data_name, path in corpora.items():
        for size_name in args.sizes.split(","):
            size = SIZES[size_name]
            # The engine evaluates about 10 times a run (every total_steps // 10 steps), so a short probe
            # evaluates after every step. Two probes, one evaluating every step and one only at its end,
            # separate the cost of a step from that of an evaluation; the run gets the steps that fit
            # the budget next to its ~11 evaluations.
            p = args.probe_steps
            every = train_size(path, size, p, f"probe-{data_name}-{size_name}")
            once = train_size(path, size, p, f"probe1-{data_name}-{size_name}", eval_every=p)
            s_eval = max(0.0, (every["loop_s"] - once["loop_s"]) / max(1, p - 1))
            s_per_step = max(1e-3, (once["loop_s"] - s_eval) / once["steps"])
            steps = max(p, int((args.budget - 11 * s_eval) / s_per_step))
            if not args.json:
                print(f"{data_name} {size_name}: {s_per_step:.2f} s/step, {s_eval:.2f} s/evaluation in the probes "
                      f"→ {steps} steps", flush=True)
            with workspace.CpuWatch() as watch:
                row = train_size(path, size, steps, f"{data_name}-{size_name}")
            rows.append(dict(row, data=data_name, size=size_name, others_cpu=watch.others))
    workspace.cleanup()

    tiers = [(limit, (s.n_layer, s.n_head, s.n_embd)) for limit, s in engine.models.scratch.SCRATCH_TIERS]
    best = {d: min((r for r in rows if r["data"] == d), key=lambda r: r["val_loss"])["size"] for d in corpora}
    results = {"bench": "scratch_size", "budget_s": args.budget, "threads": threads, "rows": rows, "best": best,
               "tiers": tiers}
    if args.json:
        print(json.dumps(results))
        return 0

    print(f"\nEach size trained for a ~{args.budget:.0f} s budget (loop s: what it took) on {threads} torch "
          f"thread(s); val loss is the engine's best validation loss.\n")
    header = (f"{'data':10}{'train tokens':>13}{'size (L×d)':>12}{'params':>12}{'steps':>7}{'loop s':>8}"
              f"{'train loss':>11}{'val loss':>10}{'others CPU':>12}")
    print(header)
    print("-" * len(header))
    for r in rows:
        L, H, d = SIZES[r["size"]]
        mark = " ← best" if best[r["data"]] == r["size"] else ""
        print(f"{r['data']:10}{r['train_tokens']:>13,}{f'{L}×{d} ({H}h)':>12}{r['params']:>12,}{r['steps']:>7}"
              f"{r['loop_s']:>8.0f}{r['train_loss']:>11.3f}{r['val_loss']:>10.3f}{r['others_cpu']:>12.0%}{mark}")
    print("\nThe rule (engine/models.py SCRATCH_TIERS): "
          + "; ".join(f"< {limit:,} tokens → {L}×{d}" for limit, (L, _H, d) in tiers[:-1]))
    for d, size in best.items():
        tokens = next(r["train_tokens"] for r in rows if r["data"] == d)
        L, H, dim = SIZES[size]
        chosen = engine.models.scratch.scratch_size(tokens)
        agrees = (chosen.n_layer, chosen.n_head, chosen.n_embd) == (L, H, dim)
        print(f"{d}: best {L}×{dim}; the rule picks {chosen.n_layer}×{chosen.n_embd} — "
              f"{'agrees' if agrees else 'disagrees'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
