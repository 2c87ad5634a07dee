"""Reading a seller's copy file into cleaned samples.

Formats: .txt (one sample per line, or per blank-line-separated block), .csv/.tsv
and .xlsx (a header row, a text column and an optional prompt column), and .jsonl
({"text"}, {"prompt", "completion"} or {"instruction", "input", "output"}).
Text files may be UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK or Big5.

Every problem a user can cause raises `DataFileError` with a readable message;
nothing here writes anything.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .cleaning import CleanOptions, CleanReport, clean_samples
from .errors import ConfigError, DataFileError

SUFFIX_FORMATS = {".txt": "txt", ".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx", ".jsonl": "jsonl"}
GUESS_ROWS = 500  # rows that column guessing looks at, so inspect_file and load_data agree

TEXT_NAMES = ("text", "copy", "content", "文案", "内容", "描述", "正文", "description",
              "completion", "output", "文本", "body")
PROMPT_NAMES = ("prompt", "instruction", "input", "标题", "title", "提示", "要求", "指令", "输入")


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
        """Counts for display. `tokenizer` is any callable that batch-encodes a list of
        strings into {"input_ids": [[...], ...]}, such as a Hugging Face tokenizer."""
        texts = [f"{s.prompt}\n{s.text}" if s.prompt else s.text for s in self.samples]
        lengths = [len(t) for t in texts]
        tokens = None
        if tokenizer is not None:
            tokens = 0
            for start in range(0, len(texts), 1000):  # bounded batches keep memory flat
                tokens += sum(len(ids) for ids in tokenizer(texts[start:start + 1000])["input_ids"])
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


# ---- size and file checks ----

def max_data_bytes() -> int:
    """WENAN_MAX_DATA_MB if set, else min(2 GB, RAM / 8): the whole file is held in memory."""
    env = os.environ.get("WENAN_MAX_DATA_MB")
    if env:
        mb = float(env) if re.fullmatch(r"\s*\d+(\.\d*)?\s*", env) else 0.0
        if mb <= 0:
            raise ConfigError("bad_value", option="WENAN_MAX_DATA_MB", value=env, hint="MB > 0")
        return int(mb * 2**20)
    limit = 2048 * 2**20
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # Windows, or a value the OS does not report
        return limit
    return min(limit, ram // 8) if ram > 0 else limit


_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"PK\x05\x06",
          b"\x7fELF", b"GIF87a", b"GIF89a")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _read_checked(path: str | Path) -> tuple[Path, str, bytes]:
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
                          or (not raw.startswith(_UTF16_BOMS) and b"\x00" in raw[:8192])):
        raise DataFileError("file_binary", path=str(p))
    return p, fmt, raw


# ---- encodings ----

@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 level 1 plus Big5 level 1: the ~7000 characters most Chinese text is made of."""
    chars = set()
    for enc, leads, trails in (("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
                               ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])):
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(enc))
                except UnicodeDecodeError:
                    pass
    chars.update("，。！？：；、“”‘’（）《》【】〔〕—…·「」『』〈〉～％＋－／＝×")
    return frozenset(chars)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _plausibility(text: str) -> float:
    """From -1 to 1: how much of the non-ASCII text is common Chinese.

    A wrong CJK decode yields kana, box drawing, private-use and rare characters.
    """
    common = _common_hanzi()
    good = total = 0
    for run in _NON_ASCII.finditer(text):
        good += sum(ch in common for ch in run.group())
        total += len(run.group())
        if total >= 20000:  # plenty to judge by, and cheap on a 10 MB file
            break
    return (2 * good - total) / total if total else 0.0


def detect_encoding(raw: bytes) -> str:
    """Name of the encoding `raw` is in, usable with `bytes.decode`.

    BOMs first, then strict UTF-8, then GB18030 vs Big5 (cp950 as Big5's fallback),
    keeping the strict decode whose text looks most like common Chinese (GB18030 on a tie).
    Raises `UnicodeDecodeError` when nothing decodes strictly; its `start` is the
    offset in `raw` of the first bad byte under UTF-8 (or under the BOM's encoding).
    """
    return _detect(raw)[0]


def _detect(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return "utf-8-sig", raw[3:].decode("utf-8")
        except UnicodeDecodeError as err:  # re-anchor the offset past the BOM
            raise UnicodeDecodeError("utf-8-sig", raw, err.start + 3, err.end + 3, err.reason) from None
    if raw.startswith(_UTF16_BOMS):
        return "utf-16", raw.decode("utf-16")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError as err:
        utf8_error = err
    decoded: dict[str, str] = {}
    for name in ("gb18030", "big5", "cp950"):
        if name == "cp950" and "big5" in decoded:
            continue
        try:
            decoded[name] = raw.decode(name)
        except UnicodeDecodeError:
            pass
    if not decoded:
        raise utf8_error
    best = max(decoded, key=lambda name: (_plausibility(decoded[name]), name == "gb18030"))
    return best, decoded[best]


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    try:
        encoding, text = _detect(raw)
    except UnicodeDecodeError as err:
        before = raw[:err.start].decode("utf-16" if raw.startswith(_UTF16_BOMS) else "utf-8", "replace")
        raise DataFileError("file_undecodable", path=str(path), line=before.count("\n") + 1,
                            offset=err.start) from None
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


# ---- tables: csv, tsv, xlsx ----

def _csv_rows(path: Path, text: str, delimiter: str, limit: int | None) -> list[list[str]]:
    # Copy cells can be long; the default 128 KB limit would reject a whole product page.
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 2**20))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return list(itertools.islice(reader, limit))
    except csv.Error as err:
        raise DataFileError("csv_unreadable", path=str(path), line=reader.line_num, reason=str(err)) from None


def _sniff_delimiter(text: str) -> str:
    """The one of , ; tab that splits the first rows into the most consistent columns."""
    best, best_score = ",", (0.0, 0)
    head = text[:65536]
    for delimiter in (",", ";", "\t"):
        rows = []
        try:
            for row in csv.reader(io.StringIO(head), delimiter=delimiter):
                if row:
                    rows.append(row)
                if len(rows) > 50:
                    break
        except csv.Error:
            continue
        if len(head) < len(text) and len(rows) > 2:
            rows.pop()  # it may be cut off mid-cell
        width = len(rows[0]) if rows else 0
        if width < 2:
            continue
        score = (sum(len(r) == width for r in rows) / len(rows), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _cell(value) -> str:
    """An xlsx cell as the text a user sees in Excel."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path, raw: bytes, limit: int | None = None) -> list[list[str]]:
    import warnings
    import openpyxl
    rows: list[list[str]] = []
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles and extensions it skips
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            for values in book.worksheets[0].iter_rows(values_only=True):
                rows.append([_cell(v) for v in values])
                if limit is not None and len(rows) >= limit:
                    break
        finally:
            book.close()
    except MemoryError:
        raise
    except Exception:  # a broken workbook fails in many ways (zip, XML, KeyError, IndexError)
        raise DataFileError("xlsx_unreadable", path=str(path)) from None
    return rows


def _table(path: Path, rows: list[list[str]], delimiter: str | None) -> tuple[list[str], list[list[str]]]:
    """Header names (unique, non-empty) and the non-empty data rows, all as wide as the header.

    A CSV row wider than its header is usually copy with an unquoted comma in the
    last column, so the overflow is joined back into that cell; xlsx overflow is dropped.
    """
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise DataFileError("file_blank", path=str(path))
    width = len(rows[0])
    names: list[str] = []
    for i, name in enumerate(c.strip() for c in rows[0]):
        name = name or f"#{i + 1}"
        names.append(f"{name} #{i + 1}" if name in names else name)
    table = []
    for row in rows[1:]:
        if len(row) > width and delimiter is not None:
            row = row[:width - 1] + [delimiter.join(row[width - 1:])]
        table.append([c.strip() for c in (row + [""] * width)[:width]])
    return names, table


_NUMBER = re.compile(r"[-+]?[\d,.:/ %¥$€-]+")


def _guess_columns(columns: list[str], rows: list[list[str]], exclude: str | None = None
                   ) -> tuple[str | None, str | None]:
    """(text column, prompt column): a known name first, else the longest text on average."""
    rows = rows[:GUESS_ROWS]
    textual = []
    for i, name in enumerate(columns):
        if name == exclude:
            continue
        cells = [r[i] for r in rows if r[i]]
        numeric = sum(bool(_NUMBER.fullmatch(c)) for c in cells)
        if cells and numeric * 2 < len(cells):  # prices, ids and dates are not copy
            textual.append((name, sum(map(len, cells)) / len(cells)))

    def by_name(names: tuple[str, ...], skip: str | None) -> str | None:
        candidates = [c for c, _ in textual if c != skip]
        for match in (lambda c, n: c.lower() == n, lambda c, n: n in c.lower()):
            for wanted in names:
                for c in candidates:
                    if match(c, wanted):
                        return c
        return None

    text = by_name(TEXT_NAMES, None)
    if text is None:
        prompt_like = by_name(PROMPT_NAMES, None)
        others = [t for t in textual if t[0] != prompt_like] or textual
        text = max(others, key=lambda t: t[1])[0] if others else None
    return text, (by_name(PROMPT_NAMES, text) if text else None)


def _table_samples(path: Path, columns: list[str], rows: list[list[str]], text_column: str | None,
                   prompt_column: str | None) -> tuple[str, str | None, list[Sample]]:
    """The rule for prompts: guessed only when neither column is given; "" means none."""
    for wanted in (text_column, prompt_column):
        if wanted and wanted not in columns:
            raise DataFileError("column_missing", path=str(path), column=wanted, available=", ".join(columns))
    if text_column is None and prompt_column is None:
        text_column, prompt_column = _guess_columns(columns, rows)
    elif not text_column:
        text_column = _guess_columns(columns, rows, exclude=prompt_column)[0]
    if not text_column:
        raise DataFileError("no_text_column", path=str(path), available=", ".join(columns))
    t = columns.index(text_column)
    if not any(r[t] for r in rows):
        raise DataFileError("column_blank", path=str(path), column=text_column)
    if not prompt_column:
        return text_column, None, [Sample(r[t]) for r in rows]
    p = columns.index(prompt_column)
    return text_column, prompt_column, [Sample(r[t], r[p] or None) for r in rows]


def _read_table(path: Path, fmt: str, raw: bytes, text: str, limit: int | None = None
                ) -> tuple[list[str], list[list[str]]]:
    if fmt == "xlsx":
        rows, delimiter = _xlsx_rows(path, raw, limit), None
    else:
        delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(text)
        rows = _csv_rows(path, text, delimiter, limit)
    return _table(path, rows, delimiter)


# ---- public entry points ----

def inspect_file(path: str | Path) -> TableInfo:
    """Run the file checks and guess the columns from the first GUESS_ROWS rows."""
    p, fmt, raw = _read_checked(path)
    encoding, text = (None, "") if fmt == "xlsx" else _decode(p, raw)
    if fmt in ("txt", "jsonl"):
        return TableInfo(p, fmt, encoding, [], None, None)
    columns, data = _read_table(p, fmt, raw, text, limit=GUESS_ROWS + 1)
    text_column, prompt_column = _guess_columns(columns, data)
    return TableInfo(p, fmt, encoding, columns, text_column, prompt_column)


def load_data(path: str | Path, *, text_column: str | None = None, prompt_column: str | None = None,
              clean: CleanOptions = CleanOptions(), min_samples: int = 1) -> DataSet:
    """Read, check and clean a data file.

    For tables, a column left as None is guessed; the prompt column is guessed only
    when neither is given, and "" means "no prompt column". Raises `DataFileError`.
    """
    p, fmt, raw = _read_checked(path)
    encoding, text = (None, "") if fmt == "xlsx" else _decode(p, raw)
    text_col = prompt_col = None
    if fmt == "jsonl":
        samples = _jsonl_samples(p, text)
    elif fmt == "txt":
        fmt, samples = _txt_samples(text)
    else:
        columns, data = _read_table(p, fmt, raw, text)
        text_col, prompt_col, samples = _table_samples(p, columns, data, text_column, prompt_column)
    if not any(s.text.strip() for s in samples):
        raise DataFileError("file_blank", path=str(p))
    kept, report = clean_samples(samples, clean)
    if len(kept) < min_samples:
        raise DataFileError("too_few_samples", path=str(p), count=len(kept), minimum=min_samples)
    return DataSet(path=p, format=fmt, encoding=encoding, text_column=text_col, prompt_column=prompt_col,
                   samples=tuple(kept), report=report, sha256=hashlib.sha256(raw).hexdigest())
