"""Writing spreadsheets that are safe to open: CSV cells that could run as formulas are
defused, and XLSX cells are always text. History export, batch output and review
insight export all write through these.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_cell(value: str) -> str:
    """Defuse CSV injection (OWASP): a cell that a spreadsheet could read as a
    formula gets a leading apostrophe, so it shows as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_csv_table(fh: IO[str], header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """RFC 4180 rows with every cell defused; `fh` is opened with encoding "utf-8-sig" and newline=""."""
    writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise_cell(value) for value in header])
    for row in rows:
        writer.writerow([neutralise_cell(value) for value in row])


_XLSX_CELL_LIMIT = 32767  # Excel refuses to open a file with a longer cell


def xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    # A line break in an Excel cell is LF (XML would turn CR LF into LF anyway), and
    # XML cannot hold most other control characters: openpyxl would raise on them.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:_XLSX_CELL_LIMIT]


def write_xlsx_table(fh: IO[bytes], sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """One sheet of text cells, never formulas whatever a cell starts with; streamed (write-only)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet_title)
    for row in [header, *rows]:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=xlsx_text(value))
            cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
    book.save(fh)
