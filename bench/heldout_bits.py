"""Held-out bits per character: a scratch model trained by the engine against a character n-gram
(interpolated Kneser–Ney, `engine.models.ngram`) on the same held-out lines.

A data file (one sample per line, e.g. from bench/real_corpora.py) is split once: a fixed-seed
share of its lines is held out and never written to the training file the engine reads. Bits per
character, not loss per token, because the tokenizers differ: each line is scored from its start
and its end of line counts as one character, for both models. Held-out lines that also appear in
the training file are reported apart: they flatter any model.

The scratch model is scored alone and mixed with the token n-gram it keeps (`ngram.npz`, the
mixture its writing samples from), with the weight chosen on its own validation split.

Run: .venv/bin/python bench/heldout_bits.py DATA.txt [--minutes 5] [--max-steps N] [--orders 3,4,5]
     [--heldout 0.05] [--threads 2] [--dropout P] [--weight-decay W] [--keep DIR] [--json]
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
UNICODE_SCALARS = 0x110000 - 0x800  # every character a line could hold (code points less surrogates)


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


def named_unknowns(row: dict, train: list[str], unseen: list[str]) -> dict:
    """`row` (an n-gram's) with each unknown character named: the n-gram predicts one symbol for "some
    character not in training", which a byte-level model must spell out. Naming it, uniformly among the
    characters outside the alphabet, costs log2 of their number in bits; this row adds that cost."""
    alphabet = set("".join(train))
    unknown = sum(1 for line in unseen for c in line if c not in alphabet)
    extra = unknown * math.log2(UNICODE_SCALARS - len(alphabet)) / sum(len(line) + 1 for line in unseen)
    return dict(row, model=row["model"] + ", unknowns named", bpc=row["bpc"] + extra, bpc_seen=None,
                unknown_chars=unknown, named=True)


def neural_token_probs(model, tokenizer, lines: list[str], batch: int = 16) -> list:
    """Per line: (its token ids, the model's probability of each token after the first).

    Each line is EOS, its tokens, EOS (as training packs it); a line longer than the model's
    context is scored in windows, each token once, with half a window of context before it."""
    import numpy as np
    import torch

    eos = tokenizer.eos_token_id
    window = model.config.n_positions
    seqs = [[eos] + tokenizer(line, add_special_tokens=False)["input_ids"] + [eos] for line in lines]
    pieces = []  # (line, ids of the window, how many of its last targets are new)
    for n, ids in enumerate(seqs):
        start = 0
        while True:
            end = min(len(ids), start + window)
            pieces.append((n, ids[start:end], end - start - (1 if start == 0 else window // 2)))
            if end == len(ids):
                break
            start = end - window // 2
    probs = [[] for _ in seqs]
    model.eval()
    with torch.no_grad():
        for i in range(0, len(pieces), batch):
            part = pieces[i:i + batch]
            x = torch.full((len(part), max(len(p) for _, p, _ in part)), eos, dtype=torch.long)
            for row, (_, p, _) in enumerate(part):
                x[row, :len(p)] = torch.tensor(p)
            logp = torch.log_softmax(model(x).logits[:, :-1].float(), dim=-1)
            got = logp.gather(-1, x[:, 1:, None])[..., 0].exp()
            for row, (n, p, new) in enumerate(part):
                probs[n].append(got[row, len(p) - 1 - new:len(p) - 1].numpy())
    return [(np.array(ids), np.concatenate(p)) for ids, p in zip(seqs, probs)]


def line_bits(scored: list, lines: list[str], ngram=None) -> float:
    """Bits per character of `lines` from `neural_token_probs`, mixed with `ngram` when given."""
    import numpy as np

    bits = 0.0
    for ids, p in scored:
        if ngram is not None:
            p_ngram, buckets = ngram.sequence_probs(ids, evidence=True)
            p = ngram.mix(p, p_ngram, buckets)
        bits -= float(np.sum(np.log2(p)))
    return bits / sum(len(line) + 1 for line in lines)


def force_scratch(size: str | None, vocab: int | None, tokenizer: str | None = None,
                  dropout: float | None = None) -> None:
    """Replace the engine's choice of scratch model size, vocabulary and tokenizer (for comparing choices)."""
    import functools

    import engine.models.scratch
    import engine.training.bases
    import engine.training.schedule
    from engine.models import ScratchSize

    if size:
        layers, width = (int(v) for v in size.lower().split("x"))
        forced = ScratchSize(n_layer=layers, n_head=max(1, width // 64), n_embd=width)
        engine.models.scratch.scratch_size = lambda train_tokens: forced
    if vocab:
        engine.training.bases.scratch_vocab_size = lambda chars: vocab
    if dropout is not None:
        engine.training.schedule.scratch_dropout = lambda epochs: dropout
    if tokenizer:
        engine.training.bases.train_tokenizer = functools.partial(engine.models.scratch.train_tokenizer,
                                                                  cjk_whole=tokenizer == "cjk")


def train_neural(train_path: Path, name: str, **options) -> dict:
    from engine.models.card import read_card
    from engine.training import TrainConfig, train

    t0, c0 = time.perf_counter(), time.process_time()
    result = train(TrainConfig(data=str(train_path), name=name, base="scratch", seed=workspace.SEED, **options))
    card = read_card(result.path)
    step_tokens = card.hyperparameters["batch_size"] * card.hyperparameters["grad_accum"] * card.block_size
    steps_s = result.step * step_tokens / max(result.tokens_per_s, 1e-9)  # the steps alone, at their own speed
    return {"not_steps_share": round(1 - steps_s / card.training.duration_s, 3),"path": result.path, "steps": result.step, "val_loss": result.val_loss, "params": card.base.n_params,
            "evaluations": sum(1 for _s, _t, v in card.history if v is not None), "best_step": card.metrics.best_step,
            "stopped_early": card.hyperparameters.get("stopped_early"), "mixture": card.hyperparameters.get("mixture"),
            "wall_s": round(time.perf_counter() - t0, 1), "cpu_s": round(time.process_time() - c0, 1),
            "loop_s": card.training.duration_s, "tokens_per_s": result.tokens_per_s}


def neural_rows(run: dict, unseen: list[str], seen: list[str]) -> list[dict]:
    """The model alone, and mixed with its n-gram (`ngram.npz`) as writing uses it."""
    from engine.models import load_causal_lm, load_tokenizer
    from engine.models.token_ngram import TokenKneserNey

    model, tokenizer = load_causal_lm(run["path"]), load_tokenizer(run["path"])
    ngram = TokenKneserNey.load(run["path"])
    scored = {"unseen": neural_token_probs(model, tokenizer, unseen),
              "seen": neural_token_probs(model, tokenizer, seen) if seen else None}
    base = {k: v for k, v in run.items() if k != "path"}
    rows = []
    for label, mix in (("scratch model alone", None), ("scratch model + its n-gram (as it writes)", ngram)):
        if label.startswith("scratch model +") and ngram is None:
            continue
        row = dict(base, model=label, bpc=line_bits(scored["unseen"], unseen, mix),
                   bpc_seen=line_bits(scored["seen"], seen, mix) if seen else None)
        if mix is not None:
            row.update(ngram_order=mix.order, weight=mix.weight)
        rows.append(row)
    if ngram is not None:  # for comparison: the token n-gram alone
        alone = TokenKneserNey(ngram.orders, ngram.vocab, weight=0.0, weights=[0.0] * ngram.buckets)
        rows.append(dict(base, model=f"its token n-gram alone (order {ngram.order})",
                         bpc=line_bits(scored["unseen"], unseen, alone),
                         bpc_seen=line_bits(scored["seen"], seen, alone) if seen else None))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path, help=".txt, one sample per line")
    ap.add_argument("--heldout", type=float, default=0.05, help="share of lines held out (default 0.05)")
    ap.add_argument("--orders", default="3,4,5,6,8,12,20",
                    help="n-gram orders (default 3,4,5,6,8,12,20: long contexts pay on English prose)")
    ap.add_argument("--minutes", type=float, help="the scratch model's training budget")
    ap.add_argument("--max-steps", type=int, help="train this many steps instead of a budget")
    ap.add_argument("--no-neural", action="store_true", help="the n-gram only")
    ap.add_argument("--size", help="force the scratch model's size, LAYERSxWIDTH (e.g. 3x192; heads = width/64)")
    ap.add_argument("--vocab", type=int, help="force the scratch tokenizer's vocabulary size")
    ap.add_argument("--tokenizer", choices=("bpe", "cjk"), help="force byte-level BPE across characters (bpe) "
                    "or with every CJK character kept whole and never joined (cjk)")
    ap.add_argument("--precision", choices=("fp32", "bf16"), help="force the CPU training precision")
    ap.add_argument("--lr", type=float)
    ap.add_argument("--weight-decay", type=float)
    ap.add_argument("--dropout", type=float, help="force the scratch model's residual and embedding dropout")
    ap.add_argument("--block-size", type=int)
    ap.add_argument("--batch-size", type=int)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores, as the CLI)")
    ap.add_argument("--keep", type=Path, help="copy the trained model folder here (for scoring it again)")
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
        options.update({k: getattr(args, k) for k in ("lr", "block_size", "batch_size", "weight_decay")
                        if getattr(args, k) is not None})
        force_scratch(args.size, args.vocab, args.tokenizer, args.dropout)
        if args.precision:
            import engine.training.loop
            engine.training.loop.cpu_autocast = lambda device, scratch: args.precision == "bf16"
        with workspace.CpuWatch() as watch:
            run = train_neural(train_path, "heldout", **options)
        if args.keep:
            import shutil
            shutil.copytree(run["path"], args.keep, dirs_exist_ok=True)
        for row in neural_rows(run, unseen, seen):
            rows.append(dict(row, threads=threads, others_cpu=round(watch.others, 3)))
    best = min((r for r in rows if "order" in r), key=lambda r: r["bpc"])
    rows.insert(rows.index(best) + 1, named_unknowns(best, train, unseen))
    out = {"bench": "heldout_bits", "data": args.data.name, "train_lines": len(train), "heldout_lines": len(unseen),
           "heldout_seen_lines": len(seen), "rows": rows, "best_ngram_order": best["order"]}
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    named = next(r for r in rows if r.get("named"))
    print(f"{args.data.name}: {len(train):,} training lines; held out {len(unseen):,} lines not in the training "
          f"file (+{len(seen)} that are in it, reported apart); {named['unknown_chars']} held-out characters "
          f"never occur in training\n")
    print(f"{'model':46}{'bits/char':>10}{'seen lines':>12}{'CPU s':>8}")
    for r in rows:
        seen_bpc = f"{r['bpc_seen']:.3f}" if r.get("bpc_seen") is not None else "-"
        print(f"{r['model']:46}{r['bpc']:>10.3f}{seen_bpc:>12}{r['cpu_s']:>8}")
        if "steps" in r:
            print(f"  {r['steps']} steps, {r['params']:,} parameters, loop {r['loop_s']} s, wall {r['wall_s']} s, "
                  f"{r['tokens_per_s']:,.0f} tokens/s, {r['threads']} threads, others' CPU {r['others_cpu']:.0%}; "
                  f"{r['bpc'] / best['bpc'] - 1:+.1%} against order {best['order']}, "
                  f"{r['bpc'] / named['bpc'] - 1:+.1%} against it with unknowns named")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
