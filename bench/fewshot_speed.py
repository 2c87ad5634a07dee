"""Few-shot selection speed: building the index of a seller's file, and choosing 3 examples per request.

The file is synthetic copy built here from fragments (product, selling points, tone; Chinese
with some English), written as a .txt of one sample per line, 10,000 lines by default. It is
timed from the file on disk (read, decode, clean: what the Data page does) to the index, then
for 200 requests, each choosing the 3 closest samples.

Baseline in the same run: the same 200 requests scored by a plain scan, which counts for every
sample the request's bigrams it shares (what an index-free "most similar" would do). Prints
both and the ratio, and for each how many of the chosen examples are about the requested
product (the scan weighs every shared bigram alike, so common words can outvote the product).

    .venv/bin/python bench/fewshot_speed.py [--samples 10000] [--requests 200]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import workspace  # noqa: F401  (sets the environment first)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PRODUCTS = ["竹纤维毛巾", "保温杯", "纯棉T恤", "运动鞋", "蓝牙耳机", "真丝枕套", "砂锅", "儿童雨靴", "Phone case", "Yoga mat"]
POINTS = ["吸水快", "不掉毛", "一整天都热", "透气不闷", "轻便耐磨", "降噪清晰", "顺滑亲肤", "受热均匀", "防滑", "好清洗",
          "fast drying", "keeps coffee hot", "non-slip"]
TONES = ["亲切地说", "简单直接：", "给年轻家庭：", "送礼首选，", "夏天必备，", "For busy mornings,"]


def make_file(path: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        product = rng.choice(PRODUCTS)
        points = "，".join(rng.sample(POINTS, rng.randint(1, 3)))
        lines.append(f"{rng.choice(TONES)}{product}{points}，第{i}款。")
    path.write_text("\n".join(lines), encoding="utf-8")
    return sum(len(line) for line in lines)


def scan_select(examples, query: str, k: int, terms) -> list[int]:
    wanted = set(terms(query))
    shared = [(len(wanted & set(terms(e.text))), -i) for i, e in enumerate(examples)]
    return [-i for _, i in sorted(shared, reverse=True)[:k]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    from engine.data.examples import index_for_file, terms

    path = workspace.HOME / "copy.txt"
    chars = make_file(path, args.samples)
    started = time.perf_counter()
    index = index_for_file(path)
    build_s = time.perf_counter() - started

    rng = random.Random(3)
    requests = [f"产品：{rng.choice(PRODUCTS)}\n卖点：{rng.choice(POINTS)}" for _ in range(args.requests)]
    engine_times, scan_times, on_topic = [], [], [0, 0]
    for query in requests:
        product = query.split("\n")[0].removeprefix("产品：")
        t0 = time.perf_counter()
        chosen = index.select(query, 3)
        t1 = time.perf_counter()
        scanned = scan_select(index.examples, query, 3, terms)
        t2 = time.perf_counter()
        engine_times.append(t1 - t0)
        scan_times.append(t2 - t1)
        on_topic[0] += sum(product in e.text for e in chosen)
        on_topic[1] += sum(product in index.examples[i].text for i in scanned)
    load = os.getloadavg()[0]
    engine_ms, scan_ms = statistics.median(engine_times) * 1e3, statistics.median(scan_times) * 1e3
    print(f"file: {args.samples:,} samples, {chars:,} characters; load average {load:.2f}")
    print(f"index built from the file (read, decode, clean, index): {build_s:.2f} s")
    print(f"choosing 3 for a request, median over {args.requests}: BM25 index {engine_ms:.2f} ms, "
          f"plain scan {scan_ms:.1f} ms, ratio {scan_ms / engine_ms:.0f}x faster")
    total = 3 * args.requests
    print(f"chosen examples about the requested product: BM25 {on_topic[0]} of {total}, scan {on_topic[1]} of {total}")


if __name__ == "__main__":
    main()
