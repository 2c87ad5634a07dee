"""A loaded, cleaned data file and what is shown about it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import ConfigError
from .cleaning import CleanReport
from .samples import Sample


@dataclass(frozen=True)
class TableInfo:
    """What the column-mapping step needs to know about a file."""
    path: Path
    format: str               # "txt" | "csv" | "tsv" | "xlsx" | "jsonl"
    encoding: str | None      # None for xlsx
    columns: list[str]        # header names for csv/tsv/xlsx, [] otherwise
    text_column: str | None   # best guess at the copy column
    prompt_column: str | None # best guess at a prompt column, or None


@dataclass(frozen=True)
class DataStats:
    """Size of a data set. Prompt and copy both count, as the model reads both."""
    samples: int
    chars: int
    tokens: int | None
    mean_chars: float
    max_chars: int


@dataclass(frozen=True)
class DataSet:
    """A loaded, cleaned data file."""
    path: Path
    format: str               # "txt-lines" | "txt-blocks" | "csv" | "tsv" | "xlsx" | "jsonl"
    encoding: str | None
    text_column: str | None
    prompt_column: str | None
    samples: tuple[Sample, ...]
    report: CleanReport
    sha256: str               # of the raw file bytes, so a resumed training can check its data

    @property
    def is_pairs(self) -> bool:
        """True when any sample has a prompt."""
        return any(s.prompt for s in self.samples)

    def stats(self, tokenizer=None) -> DataStats:
        """Counts for display; tokens only when a `tokenizer` is given (see `count_tokens`).

        Counting tokens costs one tokenizer pass, about 1 s per MB of file on one slow core.
        """
        texts = [f"{s.prompt}\n{s.text}" if s.prompt else s.text for s in self.samples]
        lengths = [len(t) for t in texts]
        tokens = None if tokenizer is None else count_tokens(tokenizer, texts)
        chars = sum(lengths)
        return DataStats(samples=len(texts), chars=chars, tokens=tokens,
                         mean_chars=chars / len(texts) if texts else 0.0, max_chars=max(lengths, default=0))

    def preview(self, n: int = 20) -> list[Sample]:
        """The first `n` cleaned samples."""
        return list(self.samples[:n])

    def split(self, val_fraction: float = 0.05, seed: int = 0) -> tuple[list[Sample], list[Sample]]:
        """Split into (train, validation), both in file order.

        Samples are ranked by sha1(seed, prompt, text) and the lowest round(n * fraction)
        go to validation (at least 1 when n >= 2, at most n - 1). So the split depends only
        on the data and the seed, and adding samples later moves few old ones across.
        """
        if not 0.0 <= val_fraction < 1.0:
            raise ConfigError("bad_value", option="val_fraction", value=val_fraction, hint="0 <= x < 1")
        n = len(self.samples)
        if n < 2:
            return list(self.samples), []
        n_val = min(n - 1, max(1, round(n * val_fraction)))

        def rank(i: int) -> tuple[bytes, int]:
            s = self.samples[i]
            key = f"{seed}\x00{s.prompt or ''}\x00{s.text}".encode("utf-8")
            return hashlib.sha1(key).digest(), i

        val_idx = set(sorted(range(n), key=rank)[:n_val])
        train = [s for i, s in enumerate(self.samples) if i not in val_idx]
        val = [s for i, s in enumerate(self.samples) if i in val_idx]
        return train, val


def count_tokens(tokenizer, texts: list[str]) -> int:
    """Tokens in `texts` as `tokenizer(texts)` would make them, special tokens included.

    `tokenizer` is any callable that batch-encodes a list of strings into
    {"input_ids": [[...], ...]}, such as a Hugging Face tokenizer. Texts go in batches
    of 1000, so memory stays flat however large the data.
    """
    tokens = 0
    for start in range(0, len(texts), 1000):
        tokens += sum(map(len, tokenizer(texts[start:start + 1000])["input_ids"]))
    return tokens
