"""Samples: what a data file holds once read, one training example each.

A .txt gives one sample per line, or per blank-line-separated block; a .jsonl one per
line ({"text"}, {"prompt", "completion"} or {"instruction", "input", "output"}); a
table one per row, from its text column and optional prompt column.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import DataFileError
from .tables import choose_columns


@dataclass(frozen=True)
class Sample:
    """One training example: the copy, and for pairs the prompt that asks for it."""
    text: str
    prompt: str | None = None


def txt_samples(text: str) -> tuple[str, list[Sample]]:
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


def jsonl_samples(path: Path, text: str) -> list[Sample]:
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


# ---- tables (read by engine.data.tables) ----

def table_samples(path: Path, columns: list[str], rows: list[list[str]], text_column: str | None,
                   prompt_column: str | None) -> tuple[str, str | None, list[Sample]]:
    text_column, prompt_column = choose_columns(path, columns, rows, text_column, prompt_column)
    t = columns.index(text_column)
    if not prompt_column:
        return text_column, None, [Sample(r[t]) for r in rows]
    p = columns.index(prompt_column)
    return text_column, prompt_column, [Sample(r[t], r[p] or None) for r in rows]


def check_no_columns(path: Path, fmt: str, text_column: str | None, prompt_column: str | None) -> None:
    """A column named for a file that has none is a mistake to report, not to ignore.
    None and "" are what the CLI and the app pass when no column was chosen."""
    for wanted in (text_column, prompt_column):
        if wanted:
            raise DataFileError(f"{fmt}_has_no_columns", path=str(path), column=wanted)
