"""Review insight speed: 10,000 reviews from a review export to ranked aspects.

The export is synthetic test data built here from fragments, shaped like a Taobao export
(评价内容, 评分, 商品名称, 评价时间; a mix of Chinese and English, emoji, repeats, very
short and long reviews). It is timed from the file on disk (read, decode, columns) to the
counted aspects, in one process that has not loaded jieba yet and with no jieba cache in
the data folder (the first run on a machine; later runs load the cache, about 1 s faster).

Baseline in the same run: jieba alone segmenting the same review text (HMM off), the floor
any segmenting analysis pays. Prints both and the ratio.

    .venv/bin/python bench/insight_speed.py [--reviews 10000]
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ASPECT_CLAUSES = {
    "zh": ["物流很快", "快递超级快，第二天就到了", "发货太慢了", "快递员态度不好", "包装很严实", "外包装破损了", "做工精细",
           "做工一般，线头有点多", "线头很多", "面料很舒服", "料子有点薄", "尺码偏大", "码数标准", "尺码偏小一码", "颜色很正",
           "有色差", "没有色差", "客服很耐心", "客服不理人", "性价比高", "价格有点贵", "质量很好", "质量太差了", "味道很大",
           "没有异味", "穿着很舒服", "洗了一次就掉色", "不起球", "鞋底很软", "保温效果不错", "杯盖有点漏水", "充电很快",
           "续航一般", "屏幕清晰", "安装很方便", "说明书看不懂"],
    "en": ["shipping was fast", "arrived late", "the packaging was damaged", "great quality", "poor quality",
           "the fabric is soft", "runs small", "true to size", "the color is nice", "customer service was helpful",
           "the seller never replied", "great value for the price", "too expensive", "the battery life is great",
           "the battery died after a week", "the zipper broke", "the lid leaks"],
}
FILLERS = {"zh": ["买给老公的", "第二次购买了", "总体满意", "还会再来", "推荐购买", "一般般吧", "就这样", "😊", "👍👍", "哈哈"],
           "en": ["Bought this for my wife.", "Second time ordering.", "Overall happy.", "Would buy again.", "Meh.",
                  "👍"]}
SHORT = ["好", "很好", "不错", "好评", "满意", "ok", "Good", "👍", "差"]


def make_export(path: Path, n: int, seed: int = 7) -> int:
    """Write n reviews; returns the characters of review text."""
    rng = random.Random(seed)
    products = ["纯棉T恤", "保温杯", "运动鞋", "蓝牙耳机", "Phone case"]
    chars = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["订单编号", "商品名称", "评价内容", "评分", "评价时间", "追评内容"])
        for i in range(n):
            lang = "en" if rng.random() < 0.15 else "zh"
            roll = rng.random()
            if roll < 0.08:
                text = rng.choice(SHORT)
            elif roll < 0.11:
                text = "此用户没有填写评价。"
            else:
                parts = rng.sample(ASPECT_CLAUSES[lang], rng.randint(1, 4)) + rng.sample(FILLERS[lang], rng.randint(0, 2))
                rng.shuffle(parts)
                text = ("，" if lang == "zh" else ", ").join(parts) + ("。" if lang == "zh" else ".")
                if rng.random() < 0.05:
                    text = text * rng.randint(3, 8)  # the long ones
            chars += len(text)
            stars = rng.choice([5, 5, 5, 4, 4, 3, 2, 1])
            w.writerow([f"{4_000_000_000 + i}", rng.choice(products), text, stars,
                        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 12:00:00", ""])
    return chars


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("WENAN_HOME", str(Path(tmp) / "home"))
        path = Path(tmp) / "reviews.csv"
        chars = make_export(path, args.reviews)

        from engine.insight import analyze, read_reviews
        from engine.insight.segment import _jieba

        started = time.perf_counter()
        reviews = read_reviews(path)
        read_s = time.perf_counter() - started
        insight = analyze(reviews.reviews)
        total_s = time.perf_counter() - started

        t0 = time.perf_counter()
        analyze(reviews.reviews)  # again, with jieba and the lexicon loaded: as the app's filters rerun it
        again_s = time.perf_counter() - t0

        tokenizer, _nouns = _jieba()  # loaded by the run above: the baseline times segmenting only
        texts = [r.text for r in reviews.reviews]
        t0 = time.perf_counter()
        for text in texts:
            for _ in tokenizer.tokenize(text, HMM=False):
                pass
        seg_s = time.perf_counter() - t0

    print(f"{args.reviews:,} reviews ({chars:,} characters), {len(insight.aspects)} aspects")
    print(f"insight: {total_s:.2f} s from the file (reading {read_s:.2f} s), jieba loading included")
    print(f"again in the same process (a filter change in the app): {again_s:.2f} s")
    print(f"baseline, jieba segmenting all review text once: {seg_s:.2f} s")
    print(f"ratio insight / segmenting: {total_s / seg_s:.2f}x")
    print("top:", ", ".join(f"{a.name} {a.mentions} (+{a.positive} -{a.negative})" for a in insight.aspects[:8]))


if __name__ == "__main__":
    main()
