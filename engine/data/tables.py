"""Reading tables (.csv, .tsv, .xlsx) and telling which columns hold the copy and the prompt.

A table is a header row of unique, non-empty names and data rows of plain strings,
all as wide as the header. Nothing here knows about samples: `engine.data.source` turns
the chosen columns into them.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from pathlib import Path

from ..common.errors import DataFileError

GUESS_ROWS = 500  # rows that column guessing looks at, so inspect_file and load_data agree

TEXT_NAMES = ("text", "copy", "content", "文案", "内容", "描述", "正文", "description",
              "completion", "output", "文本", "body")
PROMPT_NAMES = ("prompt", "instruction", "input", "标题", "title", "提示", "要求", "指令", "输入")


# ---- csv and tsv ----

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


# ---- xlsx ----

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

    import openpyxl  # imported here: loading it costs a noticeable start-up time
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


# ---- one shape for every table ----

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


def read_table(path: Path, fmt: str, raw: bytes, text: str, limit: int | None = None
               ) -> tuple[list[str], list[list[str]]]:
    """(column names, data rows) of a "csv", "tsv" or "xlsx" file.

    `raw` is read for xlsx, the decoded `text` for csv/tsv; `limit` caps the rows read,
    header included. Raises `DataFileError` for a broken or blank table.
    """
    if fmt == "xlsx":
        rows, delimiter = _xlsx_rows(path, raw, limit), None
    else:
        delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(text)
        rows = _csv_rows(path, text, delimiter, limit)
    return _table(path, rows, delimiter)


# ---- choosing columns ----

_NUMBER = re.compile(r"[-+]?[\d,.:/ %¥$€-]+")


def guess_columns(columns: list[str], rows: list[list[str]], exclude: str | None = None
                  ) -> tuple[str | None, str | None]:
    """(text column, prompt column): a known name first, else the longest text on average.

    Only the first GUESS_ROWS rows are looked at; `exclude` is never guessed as the text.
    """
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


def choose_columns(path: Path, columns: list[str], rows: list[list[str]], text_column: str | None,
                   prompt_column: str | None) -> tuple[str, str | None]:
    """The (text, prompt) columns to read, checked against the table.

    The rule for prompts: guessed only when neither column is given; "" means none.
    Raises `DataFileError` for a named column that is missing, no text column,
    or a text column that is blank in every row.
    """
    for wanted in (text_column, prompt_column):
        if wanted and wanted not in columns:
            raise DataFileError("column_missing", path=str(path), column=wanted, available=", ".join(columns))
    if text_column is None and prompt_column is None:
        text_column, prompt_column = guess_columns(columns, rows)
    elif not text_column:
        text_column = guess_columns(columns, rows, exclude=prompt_column)[0]
    if not text_column:
        raise DataFileError("no_text_column", path=str(path), available=", ".join(columns))
    t = columns.index(text_column)
    if not any(r[t] for r in rows):
        raise DataFileError("column_blank", path=str(path), column=text_column)
    return text_column, prompt_column or None
