"""Has the model copied its training data? An index of every k-character window of it.

The index is built once, when training saves the model, and stored beside the weights
(memo_index.npy + memo_index.json). Checking a variant then costs one binary search per
window of the variant, whatever the size of the training file.

Text is compared after `normalise`: full-width folded to half-width, Latin lower-cased
and all whitespace removed, so a copy with different spacing or punctuation width still
counts. A window is `k` such characters; windows never cross from one sample to the next.
Each window is stored as a 64-bit polynomial hash; with ~10 million windows a false hit
has a chance of about 1 in 10^12 per window looked up.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..common.atomic import atomic_file
from .checklists import CJK_CLASS, fold

INDEX_FILE = "memo_index.npy"
META_FILE = "memo_index.json"
VERSION = 1
# 20 normalised characters: a full Chinese clause. Brand names and stock slogans are
# shorter (青禾竹纤维毛巾 is 7), so reusing them is not flagged; 20+ verbatim is copying.
DEFAULT_K = 20

_BASE = 0x9E3779B97F4A7C15  # odd, so multiplying by it loses no bits mod 2^64
_SEPARATOR = "\x00"         # between samples; whitespace removal guarantees none in the text
_SPACE = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S")
_CJK = re.compile(f"[{CJK_CLASS}]")
_LATIN = re.compile(r"[a-z0-9]")


def normalise(text: str) -> str:
    """The text as the index compares it: folded, lower-case, with no whitespace or NULs."""
    return _SPACE.sub("", fold(text)).replace(_SEPARATOR, "")


def _normalise_with_positions(text: str) -> tuple[str, list[int]]:
    """`normalise(text)` and, for each of its characters, its index in `text`."""
    folded = fold(text)
    positions = [m.start() for m in _NON_SPACE.finditer(folded) if folded[m.start()] != _SEPARATOR]
    return "".join(folded[p] for p in positions), positions


def _window_hashes(norm: str, k: int):
    """uint64 hash of each k-character window of `norm`, windows with a separator dropped."""
    import numpy as np

    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    m = len(codes) - k + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint64)
    base = np.uint64(_BASE)
    hashes = np.zeros(m, dtype=np.uint64)
    for j in range(k):  # k vector passes beat a Python loop over millions of windows
        hashes *= base
        hashes += codes[j:j + m]
    seps = np.concatenate(([0], np.cumsum(codes == 0)))
    return hashes[seps[k:k + m] == seps[:m]]  # no separator inside the window


@dataclass(frozen=True)
class CopiedSpan:
    """A span of a variant found verbatim in the training copy."""
    start: int                # in the variant's own characters
    end: int
    chars: int                # normalised characters (no whitespace)
    cjk: bool                 # mostly Chinese: compared with the Chinese threshold


class MemoIndex:
    """Sorted hashes of every `k`-character window of a model's normalised training copy."""

    def __init__(self, hashes, k: int, sha256: str, samples: int):
        self.hashes = hashes      # numpy uint64, sorted, unique
        self.k = k
        self.sha256 = sha256      # of the normalised text, to tell two indexes apart
        self.samples = samples

    def __len__(self) -> int:
        return int(self.hashes.shape[0])

    def save(self, folder: str | Path) -> None:
        """Write the index into a model folder; the .json is written last and marks it complete."""
        import numpy as np

        folder = Path(folder)
        with atomic_file(folder / INDEX_FILE, "wb") as fh:
            np.save(fh, self.hashes, allow_pickle=False)
        meta = {"version": VERSION, "k": self.k, "windows": len(self), "sha256": self.sha256,
                "samples": self.samples, "hash": "poly64", "normalise": "fold-lower-nospace"}
        with atomic_file(folder / META_FILE, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=2)

    @classmethod
    def load(cls, folder: str | Path) -> MemoIndex | None:
        """The index saved in `folder`, or None when there is none or it is damaged or from
        another version (a model trained before the index existed simply has no check)."""
        import numpy as np

        folder = Path(folder)
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            if meta.get("version") != VERSION:
                return None
            # Read fully rather than memory-map: an open map would stop Windows renaming the folder.
            hashes = np.load(folder / INDEX_FILE, allow_pickle=False)
        except (OSError, ValueError):
            return None
        if hashes.dtype != np.uint64 or hashes.ndim != 1 or hashes.shape[0] != meta.get("windows"):
            return None
        return cls(hashes, int(meta["k"]), str(meta.get("sha256", "")), int(meta.get("samples", 0)))

    def copied_spans(self, text: str) -> list[CopiedSpan]:
        """Maximal spans of `text` whose every k-window occurs in the training copy, in order.

        Neighbouring windows overlap by k-1 characters, so a span is very nearly always one
        verbatim passage of the training text (two passages would have to share k-1 characters).
        """
        import numpy as np

        norm, positions = _normalise_with_positions(text)
        hashes = _window_hashes(norm, self.k)
        if hashes.shape[0] == 0 or len(self) == 0:
            return []
        at = np.searchsorted(self.hashes, hashes)
        found = self.hashes[np.minimum(at, len(self) - 1)] == hashes
        spans, i, m = [], 0, len(found)
        while i < m:
            if not found[i]:
                i += 1
                continue
            j = i
            while j + 1 < m and found[j + 1]:
                j += 1
            first, last = i, j + self.k - 1       # normalised characters covered
            piece = norm[first:last + 1]
            cjk = len(_CJK.findall(piece)) >= len(_LATIN.findall(piece))
            spans.append(CopiedSpan(positions[first], positions[last] + 1, last - first + 1, cjk))
            i = j + 1
        return spans

    def longest_copied_span(self, text: str) -> tuple[int, int] | None:
        """(start, end) of the longest span of `text` copied from the training copy, or None."""
        spans = self.copied_spans(text)
        if not spans:
            return None
        best = max(spans, key=lambda s: s.chars)
        return best.start, best.end


def build_memo_index(texts: Iterable[str], k: int = DEFAULT_K) -> MemoIndex:
    """Index every k-character window of `texts` (the cleaned training samples)."""
    import numpy as np

    if k < 4:
        raise ValueError("k must be at least 4")
    parts = [normalise(t) for t in texts]
    joined = _SEPARATOR.join(parts)
    hashes = _window_hashes(joined, k)
    hashes.sort()  # sort + neighbour compare: ~15x faster than np.unique on millions of uint64
    hashes = hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))] if len(hashes) else hashes
    return MemoIndex(hashes, k, hashlib.sha256(joined.encode("utf-8")).hexdigest(), len(parts))


# ---- one index per model, loaded when first needed ----

_cache: dict[tuple[str, int], MemoIndex | None] = {}
_cache_lock = threading.Lock()


def memo_for_model(name_or_path: str | Path) -> MemoIndex | None:
    """The memo index of a library model (by name) or a model folder, cached; None if it has none."""
    from ..models import library

    folder = library.get_model(str(name_or_path)).path if library.exists(str(name_or_path)) else Path(name_or_path)
    meta = folder / META_FILE
    try:
        key = (str(folder.resolve()), meta.stat().st_mtime_ns)
    except OSError:
        return None
    with _cache_lock:
        if key not in _cache:
            _cache.clear()  # one model at a time, as engine.writing.generation keeps it
            _cache[key] = MemoIndex.load(folder)
        return _cache[key]


def save_training_index(folder: str | Path, texts: Iterable[str]) -> None:
    """Build the index of a finished model's training copy and save it in its folder."""
    build_memo_index(texts).save(folder)
