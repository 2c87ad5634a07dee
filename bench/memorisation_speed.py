"""Memorisation check speed: the per-model window index against a scan of the training text.

Training text: ~10 MB (UTF-8) synthesised from the bundled sample, so it is not one
file repeated: each synthetic sample joins 2-5 clauses cut from random sample lines of
one language (Chinese two times in three), and ~3% of its characters are swapped for
other characters of that language, every digit for a random digit.

Variants: 1,000 fresh recombinations of 3-6 clauses, perturbed at 15% (so mostly
novel); every other one has a verbatim span of a random training sample pasted in:
30 characters of a Chinese sample or 70 of an English one (both over the thresholds).

Measured:
- build: `build_memo_index(samples)` (normalise, hash every 20-character window, sort),
  and the index's size on disk;
- index: `MemoIndex.copied_spans` on all 1,000 variants, per variant;
- naive: for each variant, `window in training_text` for every 20-character window of the
  normalised variant (a scan of the text per window), on the first --naive variants only;
  the two must find the same windows, which the script checks.

Run: .venv/bin/python bench/memorisation_speed.py [--mb 10] [--variants 1000] [--naive 20] [--json]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
from pathlib import Path

import workspace

CLAUSE_END = re.compile(r"(?<=[，。！？；、,.!?;])")


def by_language(lines: list[str]) -> list[tuple[list[str], list[str]]]:
    """(clauses, alphabet) for the Chinese lines and for the others, kept apart so that
    recombined text reads like one language."""
    from engine.quality import is_cjk_text

    groups = []
    for group in ([l for l in lines if is_cjk_text(l)], [l for l in lines if not is_cjk_text(l)]):
        parts = [c for line in group for c in CLAUSE_END.split(line) if c.strip()]
        alphabet = sorted({c for line in group for c in line if not c.isspace() and not c.isdigit()})
        groups.append((parts, alphabet))
    return groups


def perturb(text: str, rate: float, alphabet: list[str], rng: random.Random) -> str:
    out = []
    for ch in text:
        if ch.isdigit():
            out.append(str(rng.randrange(10)))
        elif not ch.isspace() and rng.random() < rate:
            out.append(rng.choice(alphabet))
        else:
            out.append(ch)
    return "".join(out)


def recombine(groups, count: tuple[int, int], rate: float, rng: random.Random) -> tuple[str, bool]:
    """A new sample of `count` clauses from one language (Chinese 2 times in 3); (text, is Chinese)."""
    chinese = rng.random() < 2 / 3
    parts, alphabet = groups[0 if chinese else 1]
    joiner = "" if chinese else " "
    return perturb(joiner.join(rng.choice(parts) for _ in range(rng.randint(*count))), rate, alphabet, rng), chinese


def synthesise(lines: list[str], target_bytes: int, rng: random.Random) -> list[str]:
    groups = by_language(lines)
    samples, size = [], 0
    while size < target_bytes:
        text, _ = recombine(groups, (2, 5), 0.03, rng)
        samples.append(text)
        size += len(text.encode("utf-8")) + 1
    return samples


def make_variants(lines: list[str], samples: list[str], count: int, rng: random.Random) -> list[str]:
    """Even-numbered variants hold a copy: 30 characters of a Chinese sample or 70 of an English one."""
    from engine.quality import is_cjk_text

    groups = by_language(lines)
    variants = []
    for i in range(count):
        body, chinese = recombine(groups, (3, 6), 0.15, rng)
        if i % 2 == 0:
            size = 30 if chinese else 70
            source = next(s for s in iter(lambda: rng.choice(samples), None)
                          if len(s) >= size + 10 and is_cjk_text(s) == chinese)
            start = rng.randrange(len(source) - size)
            cut = rng.randrange(len(body) + 1)
            body = body[:cut] + source[start:start + size] + body[cut:]
        variants.append(body)
    return variants


def naive_found(norm_variant: str, training: str, k: int) -> list[bool]:
    return [norm_variant[i:i + k] in training for i in range(len(norm_variant) - k + 1)]


def naive_runs(found: list[bool], k: int) -> list[int]:
    """Lengths, in normalised characters, of the runs of found windows."""
    runs, length = [], 0
    for hit in found + [False]:
        if hit:
            length += 1
        elif length:
            runs.append(length + k - 1)
            length = 0
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="size of the synthetic training text")
    parser.add_argument("--variants", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=20, help="variants the naive scan checks")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from engine.quality.checks import check_copied
    from engine.quality.memorisation import INDEX_FILE, MemoIndex, build_memo_index, normalise

    rng = random.Random(workspace.SEED)
    lines = [line for line in workspace.SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    samples = synthesise(lines, int(args.mb * 2**20), rng)
    variants = make_variants(lines, samples, args.variants, rng)
    text_bytes = sum(len(s.encode("utf-8")) + 1 for s in samples)
    results: dict = {"training_mb": round(text_bytes / 2**20, 2), "samples": len(samples),
                     "variants": len(variants)}

    with workspace.CpuWatch() as watch:
        t0 = time.perf_counter()
        memo = build_memo_index(samples)
        results["build_s"] = round(time.perf_counter() - t0, 2)
    results["windows"] = len(memo)
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        memo.save(folder)
        results["save_s"] = round(time.perf_counter() - t0, 2)
        results["index_mb"] = round((Path(folder) / INDEX_FILE).stat().st_size / 2**20, 1)
        t0 = time.perf_counter()
        memo = MemoIndex.load(folder)
        results["load_s"] = round(time.perf_counter() - t0, 3)

    t0 = time.perf_counter()
    spans = [memo.copied_spans(v) for v in variants]
    index_s = time.perf_counter() - t0
    flagged = [bool(check_copied(v, memo)) for v in variants]
    results["index_ms_per_variant"] = round(index_s / len(variants) * 1000, 3)
    results["index_total_s"] = round(index_s, 2)
    results["flagged_copies"] = f"{sum(flagged[0::2])}/{len(flagged[0::2])}"
    results["flagged_perturbed"] = f"{sum(flagged[1::2])}/{len(flagged[1::2])}"

    training = "\x00".join(normalise(s) for s in samples)
    subset = variants[:args.naive]
    t0 = time.perf_counter()
    naive = [naive_found(normalise(v), training, memo.k) for v in subset]
    naive_s = time.perf_counter() - t0
    results["naive_ms_per_variant"] = round(naive_s / len(subset) * 1000, 1)
    results["speedup"] = round((naive_s / len(subset)) / (index_s / len(variants)))
    # Agreement: the scan and the index find the same copied spans (as run lengths).
    results["index_matches_naive"] = all(
        naive_runs(found, memo.k) == [span.chars for span in memo.copied_spans(v)] for v, found in zip(subset, naive))
    results["other_cpu_load"] = round(watch.others, 2)

    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:>22}: {value}")
    workspace.cleanup()


if __name__ == "__main__":
    main()
