"""Reading a seller's copy file into cleaned samples.

Formats: .txt (one sample per line, or per blank-line-separated block), .csv/.tsv
and .xlsx (a header row, a text column and an optional prompt column), and .jsonl
({"text"}, {"prompt", "completion"} or {"instruction", "input", "output"}).
Text files may be UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, Big5 or
Windows Western cp1252 (see `engine.charsets`); tables are read by `engine.tables`.

Every problem a user can cause raises `DataFileError` with a readable message;
nothing here writes anything.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .cleaning import CleanOptions, CleanReport, clean_samples
from .charsets import UTF16_BOMS, decode_text, detect_encoding
from .errors import ConfigError, DataFileError
from .tables import GUESS_ROWS, PROMPT_NAMES, TEXT_NAMES, choose_columns, guess_columns, read_table

# The public API. detect_encoding and the column names live in encodings.py and
# tables.py, and stay importable from here for the code that always has.
__all__ = ["SUFFIX_FORMATS", "GUESS_ROWS", "TEXT_NAMES", "PROMPT_NAMES", "Sample", "TableInfo", "DataStats",
           "DataSet", "count_tokens", "max_data_bytes", "detect_encoding", "inspect_file", "load_data",
           "read_checked", "decode_file"]

SUFFIX_FORMATS = {".txt": "txt", ".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx", ".jsonl": "jsonl"}


@dataclass(frozen=True)
class Sample:
    """One training example: the copy, and for pairs the prompt that asks for it."""
    text: str
    prompt: str | None = None


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


# ---- size and file checks ----

# Training holds the whole file as text, samples and tokens, then indexes it for the copy
# check. On 50 MB of Chinese copy that peaked at about 30 bytes of memory per byte of file,
# so a file may take RAM / 64, leaving over half the memory to the model and the system.
RAM_PER_DATA_BYTE = 64


def max_data_bytes() -> int:
    """WENAN_MAX_DATA_MB if set, else min(2 GB, RAM / RAM_PER_DATA_BYTE)."""
    env = os.environ.get("WENAN_MAX_DATA_MB")
    if env:
        mb = float(env) if re.fullmatch(r"\s*\d+(\.\d*)?\s*", env) else 0.0
        if mb <= 0:
            raise ConfigError("bad_value", option="WENAN_MAX_DATA_MB", value=env, hint="MB > 0")
        return int(mb * 2**20)
    from .device import physical_memory

    limit = 2048 * 2**20
    ram = physical_memory()
    if not ram:  # the system doesn't say: assume a modest 8 GB machine rather than allow 2 GB
        ram = 8 * 2**30
    return min(limit, ram // RAM_PER_DATA_BYTE)


_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"PK\x05\x06",
          b"\x7fELF", b"GIF87a", b"GIF89a")


def read_checked(path: str | Path) -> tuple[Path, str, bytes]:
    """Checks in the documented order, then the file's bytes, read once."""
    p = Path(path).expanduser()
    if not p.exists():
        raise DataFileError("file_missing", path=str(p))
    if p.is_dir():
        raise DataFileError("file_is_dir", path=str(p))
    fmt = SUFFIX_FORMATS.get(p.suffix.lower())
    if fmt is None:
        key = "xls_old" if p.suffix.lower() == ".xls" else "file_format"
        raise DataFileError(key, path=str(p), suffix=p.suffix or "(none)")
    try:
        size = p.stat().st_size
        if size == 0:
            raise DataFileError("file_empty", path=str(p))
        limit = max_data_bytes()
        if size > limit:
            raise DataFileError("file_too_large", path=str(p), size_mb=size / 2**20, limit_mb=limit / 2**20)
        raw = p.read_bytes()
    except OSError as err:  # no permission, or locked by Excel on Windows
        raise DataFileError("file_unreadable", path=str(p), reason=err.strerror or str(err)) from None
    # An .xlsx is a zip by design; openpyxl tells a broken one apart.
    if fmt != "xlsx" and (raw.startswith(_MAGIC)
                          or (not raw.startswith(UTF16_BOMS) and b"\x00" in raw[:8192])):
        raise DataFileError("file_binary", path=str(p))
    return p, fmt, raw


def decode_file(path: Path, raw: bytes) -> tuple[str, str]:
    encoding, text = decode_text(path, raw)
    if not text or text.isspace():
        raise DataFileError("file_blank", path=str(path))
    # One newline convention for every parser below (csv included).
    return encoding, text.replace("\r\n", "\n").replace("\r", "\n")


# ---- plain text and jsonl ----

def _txt_samples(text: str) -> tuple[str, list[Sample]]:
    """Lines, unless most non-empty lines sit in multi-line blocks between blank lines."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    lines = sum(len(b) for b in blocks)
    multi = [b for b in blocks if len(b) >= 2]
    if len(multi) >= 2 and sum(len(b) for b in multi) * 2 > lines:
        return "txt-blocks", [Sample("\n".join(b)) for b in blocks]
    return "txt-lines", [Sample(line) for b in blocks for line in b]


def _json_str(obj: dict, key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError(key)
    return str(value)


def _jsonl_samples(path: Path, text: str) -> list[Sample]:
    samples = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
            if "completion" in obj:
                samples.append(Sample(_json_str(obj, "completion"), _json_str(obj, "prompt") or None))
            elif "output" in obj:
                parts = [_json_str(obj, "instruction"), _json_str(obj, "input")]
                samples.append(Sample(_json_str(obj, "output"), "\n".join(p for p in parts if p) or None))
            elif "text" in obj:
                samples.append(Sample(_json_str(obj, "text"), _json_str(obj, "prompt") or None))
            else:
                raise ValueError("no known field")
        except ValueError:  # json.JSONDecodeError is a ValueError
            raise DataFileError("jsonl_bad_line", path=str(path), line=number) from None
    return samples


# ---- tables (read by engine.tables) ----

def _table_samples(path: Path, columns: list[str], rows: list[list[str]], text_column: str | None,
                   prompt_column: str | None) -> tuple[str, str | None, list[Sample]]:
    text_column, prompt_column = choose_columns(path, columns, rows, text_column, prompt_column)
    t = columns.index(text_column)
    if not prompt_column:
        return text_column, None, [Sample(r[t]) for r in rows]
    p = columns.index(prompt_column)
    return text_column, prompt_column, [Sample(r[t], r[p] or None) for r in rows]


def _check_no_columns(path: Path, fmt: str, text_column: str | None, prompt_column: str | None) -> None:
    """A column named for a file that has none is a mistake to report, not to ignore.
    None and "" are what the CLI and the app pass when no column was chosen."""
    for wanted in (text_column, prompt_column):
        if wanted:
            raise DataFileError(f"{fmt}_has_no_columns", path=str(path), column=wanted)


# ---- public entry points ----

def inspect_file(path: str | Path) -> TableInfo:
    """Run the file checks and guess the columns from the first GUESS_ROWS rows."""
    p, fmt, raw = read_checked(path)
    encoding, text = (None, "") if fmt == "xlsx" else decode_file(p, raw)
    if fmt in ("txt", "jsonl"):
        return TableInfo(p, fmt, encoding, [], None, None)
    columns, data = read_table(p, fmt, raw, text, limit=GUESS_ROWS + 1)
    text_column, prompt_column = guess_columns(columns, data)
    return TableInfo(p, fmt, encoding, columns, text_column, prompt_column)


def load_data(path: str | Path, *, text_column: str | None = None, prompt_column: str | None = None,
              clean: CleanOptions = CleanOptions(), min_samples: int = 1) -> DataSet:
    """Read, check and clean a data file.

    For tables, a column left as None is guessed; the prompt column is guessed only
    when neither is given, and "" means "no prompt column". A .txt or .jsonl has no
    columns, so naming one there is an error. Raises `DataFileError`.
    """
    p, fmt, raw = read_checked(path)
    if fmt in ("txt", "jsonl"):
        _check_no_columns(p, fmt, text_column, prompt_column)
    encoding, text = (None, "") if fmt == "xlsx" else decode_file(p, raw)
    text_col = prompt_col = None
    if fmt == "jsonl":
        samples = _jsonl_samples(p, text)
    elif fmt == "txt":
        fmt, samples = _txt_samples(text)
    else:
        columns, data = read_table(p, fmt, raw, text)
        text_col, prompt_col, samples = _table_samples(p, columns, data, text_column, prompt_column)
    if not any(s.text.strip() for s in samples):
        raise DataFileError("file_blank", path=str(p))
    kept, report = clean_samples(samples, clean)
    if len(kept) < min_samples:
        raise DataFileError("too_few_samples", path=str(p), count=len(kept), minimum=min_samples)
    return DataSet(path=p, format=fmt, encoding=encoding, text_column=text_col, prompt_column=prompt_col,
                   samples=tuple(kept), report=report, sha256=hashlib.sha256(raw).hexdigest())
