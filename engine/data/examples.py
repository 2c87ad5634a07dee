"""The seller's own copy as few-shot examples: the k samples of a file most like a request.

A pretrained model writes fluent copy but not in the shop's voice; showing it a few of the
shop's own pieces that are about the same thing fixes much of that before any training.

The index is BM25 (k1 = 1.2, b = 0.75) over terms that suit both scripts: Chinese as
overlapping character bigrams (no segmenter needed, and robust to the new product words a
dictionary lacks), other text as lower-cased words. It is built once per file and kept in
memory for as long as the file is unchanged (path, size and modification time); building
one over 10,000 samples takes a fraction of a second (bench/fewshot_speed.py).

Where examples come from: for a base model, a file the seller picks on the Write page (or
`generate --examples FILE`); for a model trained here, the samples it learnt from, which
training saves beside the weights (`examples.jsonl`, see `save_examples`).
"""
from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..common.atomic import write_text
from ..common.script import CJK_CLASS
from .samples import Sample
from .source import load_data

EXAMPLES_FILE = "examples.jsonl"   # in a trained model's folder
SAVED_LIMIT_CHARS = 4_000_000      # of copy kept with a model: ample for choosing 3, small on disk
EXAMPLE_MAX_CHARS = 400            # one example shown to the model; longer ones are cut at a sentence end
K1, B = 1.2, 0.75
CACHED_INDEXES = 4                 # files kept indexed in memory: a model's own, and the ones picked lately
NEAR_DUPLICATE = 0.8               # bigram overlap above which a second example adds nothing

_TERM = re.compile(f"[{CJK_CLASS}]+|[A-Za-z0-9][A-Za-z0-9'\\-]*")
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_SENTENCE_END = re.compile(r"[。！？!?；;…]|\.(\s|$)")


def terms(text: str) -> list[str]:
    """Index terms: Chinese character bigrams (a lone character stands alone), lower-cased words."""
    out = []
    for match in _TERM.finditer(text):
        run = match.group(0)
        if not _CJK_RUN.fullmatch(run):
            out.append(run.lower())
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


@dataclass(frozen=True)
class Example:
    """One piece of the seller's copy, and for pairs the request that asked for it."""
    text: str
    prompt: str | None = None

    def shortened(self, limit: int = EXAMPLE_MAX_CHARS) -> "Example":
        """At most `limit` characters of copy, cut after the last sentence end that fits."""
        if len(self.text) <= limit:
            return self
        head = self.text[:limit]
        ends = [m.end() for m in _SENTENCE_END.finditer(head)]
        cut = ends[-1] if ends and ends[-1] >= limit // 2 else limit
        return Example(head[:cut].rstrip(), self.prompt)


class ExampleIndex:
    """BM25 over a seller's samples; `select` gives the k most like a request, no two alike."""

    def __init__(self, samples: Iterable[Example], source: str = ""):
        self.examples: list[Example] = []
        self.source = source
        postings: dict[str, list[tuple[int, int]]] = {}
        lengths = []
        for example in samples:
            doc = len(self.examples)
            counts = Counter(terms(f"{example.prompt}\n{example.text}" if example.prompt else example.text))
            if not counts:
                continue
            self.examples.append(example)
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                postings.setdefault(term, []).append((doc, tf))
        self._postings = postings
        self._lengths = lengths
        self._avg = sum(lengths) / len(lengths) if lengths else 0.0

    def __len__(self) -> int:
        return len(self.examples)

    def scores(self, query: str) -> dict[int, float]:
        """BM25 score of every sample that shares a term with `query`."""
        n = len(self.examples)
        scores: dict[int, float] = {}
        for term, q_tf in Counter(terms(query)).items():
            hits = self._postings.get(term)
            if not hits:
                continue
            idf = math.log(1 + (n - len(hits) + 0.5) / (len(hits) + 0.5))
            for doc, tf in hits:
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * self._lengths[doc] / self._avg))
                scores[doc] = scores.get(doc, 0.0) + q_tf * idf * norm
        return scores

    def select(self, query: str, k: int = 3) -> list[Example]:
        """The `k` samples most like `query`, best first, skipping near-copies of one already chosen.

        When fewer than `k` share a word with the request, samples spread evenly over the file
        fill the rest: they still show the shop's voice."""
        if k <= 0 or not self.examples:
            return []
        scores = self.scores(query)
        ranked = sorted(scores, key=lambda doc: (-scores[doc], doc))
        step = max(1, len(self.examples) // k)
        chosen: list[int] = []
        seen: list[set[str]] = []
        for doc in ranked + list(range(0, len(self.examples), step)) + list(range(len(self.examples))):
            if len(chosen) == k:
                break
            if doc in chosen:
                continue
            grams = set(terms(self.examples[doc].text))
            if any(_overlap(grams, other) > NEAR_DUPLICATE for other in seen):
                continue
            chosen.append(doc)
            seen.append(grams)
        return [self.examples[doc].shortened() for doc in chosen]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


# ---- where the samples come from ----

_cache: dict[str, tuple[tuple, ExampleIndex]] = {}
_cache_lock = threading.Lock()


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def _cached(path: Path, build: Callable[[], ExampleIndex]) -> ExampleIndex:
    """The index of `path` as long as the file is unchanged (size, modification time); else `build` it.
    The few used last are kept: a model's own samples, and the files picked lately."""
    key = str(path.resolve())
    with _cache_lock:
        cached = _cache.pop(key, None)
        if cached is None or cached[0] != _stamp(path):
            cached = (_stamp(path), build())
        while len(_cache) >= CACHED_INDEXES:
            _cache.pop(next(iter(_cache)))  # the one used longest ago
        _cache[key] = cached  # now the most recently used
        return cached[1]


def index_for_file(path: str | Path) -> ExampleIndex:
    """The index of a seller's data file (any format the Data page reads), built once per version
    of the file. Raises DataFileError for a file that can't be used, as the Data page would."""
    p = Path(path).expanduser()

    def build() -> ExampleIndex:
        data = load_data(p)  # the same reading, decoding and cleaning as training
        return ExampleIndex((Example(s.text, s.prompt) for s in data.samples), source=p.name)

    if not p.is_file():
        return build()  # load_data says what is wrong with the path
    return _cached(p, build)


def index_for_model(folder: str | Path, source: str = "") -> ExampleIndex | None:
    """The samples a trained model learnt from, or None (a base, or a model trained before they were kept).
    `source` names the file they came from."""
    path = Path(folder) / EXAMPLES_FILE
    if not path.is_file():
        return None

    def build() -> ExampleIndex:
        examples = []
        with path.open(encoding="utf-8") as f:
            for line in f:
                try:
                    row = json.loads(line)
                    examples.append(Example(str(row["text"]), row.get("prompt")))
                except (ValueError, KeyError, TypeError):
                    continue  # a damaged line costs one example, not the model
        return ExampleIndex(examples, source=source or EXAMPLES_FILE)

    return _cached(path, build)


def save_examples(folder: str | Path, samples: Sequence[Sample]) -> None:
    """Keep the samples a model learnt from beside it (up to SAVED_LIMIT_CHARS, spread over the file),
    so its drafts can be shown the closest of them, even once the file has moved."""
    total = sum(len(s.text) + len(s.prompt or "") for s in samples)
    step = max(1, math.ceil(total / SAVED_LIMIT_CHARS))
    lines = [json.dumps({"text": s.text, **({"prompt": s.prompt} if s.prompt else {})}, ensure_ascii=False)
             for s in samples[::step]]
    write_text(Path(folder) / EXAMPLES_FILE, "\n".join(lines) + "\n")
