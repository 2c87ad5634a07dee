"""A data file in one pass: read once, decode once, table once; then samples, cleaned.

`open_data` does the reading (`engine.data.reading`), the decoding (`charsets`) and the
table (`tables`) and keeps the result, so the Data page can show the columns and then
load samples for any choice of columns without touching the file again. `load` turns
the kept text or rows into samples (`samples`) and cleans them (`cleaning`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import DataFileError
from .cleaning import CleanOptions, clean_samples
from .dataset import DataSet, TableInfo
from .reading import decode_file, read_checked
from .samples import check_no_columns, jsonl_samples, table_samples, txt_samples
from .tables import guess_columns, read_table


@dataclass(frozen=True, eq=False)
class DataSource:
    """A checked, decoded data file. `info` is what the column step needs; `load` makes a DataSet."""
    info: TableInfo
    sha256: str                      # of the raw file bytes, so a resumed training can check its data
    text: str = ""                   # .txt/.jsonl: the decoded text, one newline convention
    rows: tuple[list[str], ...] = () # .csv/.tsv/.xlsx: the data rows, each as wide as info.columns

    def load(self, *, text_column: str | None = None, prompt_column: str | None = None,
             clean: CleanOptions = CleanOptions(), min_samples: int = 1) -> DataSet:
        """Samples from the chosen columns, cleaned.

        For tables, a column left as None is guessed; the prompt column is guessed only
        when neither is given, and "" means "no prompt column". A .txt or .jsonl has no
        columns, so naming one there is an error. Raises `DataFileError`.
        """
        info, path = self.info, self.info.path
        fmt, text_col, prompt_col = info.format, None, None
        if fmt == "jsonl":
            check_no_columns(path, fmt, text_column, prompt_column)
            samples = jsonl_samples(path, self.text)
        elif fmt == "txt":
            check_no_columns(path, fmt, text_column, prompt_column)
            fmt, samples = txt_samples(self.text)
        else:
            text_col, prompt_col, samples = table_samples(path, info.columns, list(self.rows),
                                                          text_column, prompt_column)
        if not any(s.text.strip() for s in samples):
            raise DataFileError("file_blank", path=str(path))
        kept, report = clean_samples(samples, clean)
        if len(kept) < min_samples:
            raise DataFileError("too_few_samples", path=str(path), count=len(kept), minimum=min_samples)
        return DataSet(path=path, format=fmt, encoding=info.encoding, text_column=text_col,
                       prompt_column=prompt_col, samples=tuple(kept), report=report, sha256=self.sha256)


def open_data(path: str | Path) -> DataSource:
    """Check, read and decode a data file, and split a table into rows. Raises `DataFileError`."""
    p, fmt, raw = read_checked(path)
    sha256 = hashlib.sha256(raw).hexdigest()
    encoding, text = (None, "") if fmt == "xlsx" else decode_file(p, raw)
    if fmt in ("txt", "jsonl"):
        return DataSource(TableInfo(p, fmt, encoding, [], None, None), sha256, text=text)
    columns, rows = read_table(p, fmt, raw, text)
    del raw, text  # the rows hold the copy now; a 10 MB file is not kept three times
    text_column, prompt_column = guess_columns(columns, rows)
    return DataSource(TableInfo(p, fmt, encoding, columns, text_column, prompt_column), sha256, rows=tuple(rows))


def inspect_file(path: str | Path) -> TableInfo:
    """The file checks, and the columns with a guess at the copy and prompt columns."""
    return open_data(path).info


def load_data(path: str | Path, *, text_column: str | None = None, prompt_column: str | None = None,
              clean: CleanOptions = CleanOptions(), min_samples: int = 1) -> DataSet:
    """Read, check and clean a data file (`open_data(path).load(...)`)."""
    return open_data(path).load(text_column=text_column, prompt_column=prompt_column, clean=clean,
                                min_samples=min_samples)
