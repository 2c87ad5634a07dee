"""Exporting history rows as CSV, Excel, Markdown or plain text, the AI label kept.

China's Measures for Labelling AI-Generated Synthetic Content (in force
2025-09-01) require that exported AI text keeps a visible label and, where the
format has metadata, an implicit one: every format here carries a visible label
(a column or a top line); the workbook also carries it in its document
properties, with an "AIGC" custom property using the GB 45438-2025 field names.

Every file is written through atomic_file: an existing file is replaced whole
or not at all.
"""
from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..common.atomic import atomic_file
from ..common.errors import ExportError, WenanError
from ..common.sheets import write_csv_table, xlsx_text
from ..quality.checks import flags_summary
from .query import VariantRow

if TYPE_CHECKING:
    from .store import History

PRODUCER = "Wenan Studio"
AI_LABEL = "AI生成 / AI-generated"
AI_NOTICE = "AI生成内容 / AI-generated content"
# facts: what the seller vouched for with the request, which the claims check let the draft state
COLUMNS = ("created_at", "model", "scenario", "prompt", "variant", "text", "characters", "flags", "facts", "ai_label")
FORMATS = ("csv", "xlsx", "md", "txt")
SCOPES = ("selection", "filter", "all")


# ---- what a row exports as ----

def row_values(row: VariantRow) -> list[str]:
    """The exported cells of one row, in COLUMNS order. `variant` counts from 1, as users do."""
    text = row.text
    return [row.created_at, row.model, row.scenario or "", row.prompt, str(row.index + 1), text,
            str(len(text)), flags_summary(row.flags), row.facts, AI_LABEL]


def label_line(when: datetime | None = None) -> str:
    """The visible AI label that opens the Markdown and text exports."""
    stamp = (when or datetime.now()).astimezone().isoformat(timespec="seconds")
    return f"{AI_NOTICE} — 文案工坊 {PRODUCER} · 导出时间 / exported {stamp}"


# ---- CSV ----

def _write_csv(fh: IO[str], rows: Iterable[VariantRow]) -> None:
    write_csv_table(fh, COLUMNS, (row_values(row) for row in rows))


# ---- Excel ----

_WIDTHS = {"created_at": 27, "model": 16, "scenario": 12, "prompt": 36, "variant": 8, "text": 60,
           "characters": 11, "flags": 30, "facts": 30, "ai_label": 22}
_WRAPPED = {"prompt", "text", "flags", "facts"}
def _write_xlsx(fh: IO[bytes], rows: Iterable[VariantRow], label: str) -> None:
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Wenan Studio"
    bold, wrap, top = Font(bold=True), Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for col, name in enumerate(COLUMNS, 1):
        ws.cell(1, col, name).font = bold
        ws.column_dimensions[ws.cell(1, col).column_letter].width = _WIDTHS[name]
    for r, row in enumerate(rows, 2):
        for col, (name, value) in enumerate(zip(COLUMNS, row_values(row)), 1):
            cell = ws.cell(r, col)
            if value:  # an empty string would read back as None anyway: leave the cell blank
                cell.value = xlsx_text(value)
                # openpyxl types "=1+1" as a formula; force text so nothing in a draft can run.
                cell.data_type = "s"
            cell.number_format = "@"
            cell.alignment = wrap if name in _WRAPPED else top
    ws.freeze_panes = "A2"
    ws.oddHeader.center.text = AI_NOTICE  # printed pages carry the label too

    props = wb.properties
    props.creator = PRODUCER
    props.title = f"{PRODUCER} export — {AI_LABEL}"
    props.subject = AI_NOTICE
    props.keywords = f"{AI_LABEL}; AIGC; {PRODUCER}"
    props.description = label
    aigc = {"Label": "1", "ContentProducer": PRODUCER, "ProduceID": uuid.uuid4().hex, "ReservedCode1": "",
            "ContentPropagator": "", "PropagateID": "", "ReservedCode2": ""}
    wb.custom_doc_props.append(StringProperty(name="AIGC", value=json.dumps(aigc, ensure_ascii=False)))
    wb.save(fh)


# ---- Markdown and plain text ----

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&#])")
_MD_LIST_START = re.compile(r"^([-+=]|\d+[.)])")


def md_escape_line(line: str) -> str:
    """Escape one line so Markdown shows it as written: no emphasis, links, HTML,
    tables, headings, lists or code blocks can come out of a draft."""
    line = _MD_INLINE.sub(r"\\\1", line)
    line = _MD_LIST_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)
    stripped = line.lstrip(" ")
    return "&#32;" * (len(line) - len(stripped)) + stripped  # leading spaces would make a code block


def _md_lines(text: str, prefix: str) -> list[str]:
    """`text` as Markdown lines under `prefix`, its line breaks kept as hard breaks."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        escaped = md_escape_line(line.rstrip("\r"))
        if escaped and i + 1 < len(lines) and lines[i + 1].strip():
            escaped += "\\"  # a backslash at the end of a line is a hard line break
        out.append((prefix + escaped).rstrip() if escaped or prefix.strip() else "")
    return out


def _write_md(fh: IO[str], rows: Iterable[VariantRow], label: str) -> None:
    fh.write(f"> **{md_escape_line(label)}**\n\n# 文案工坊导出 / {PRODUCER} export\n")
    for n, row in enumerate(rows, 1):
        values = dict(zip(COLUMNS, row_values(row)))
        fh.write(f"\n## {n}. {md_escape_line(row.model)} · #{values['variant']}\n\n")
        for name in COLUMNS:
            if name == "text":
                continue
            first, *rest = _md_lines(values[name], "  ") or [""]
            fh.write("\n".join([f"- **{name}:** {first.strip()}".rstrip(), *rest]) + "\n")
        fh.write("\n" + "\n".join(_md_lines(values["text"], "> ")) + "\n")


def _write_txt(fh: IO[str], rows: Iterable[VariantRow], label: str) -> None:
    fh.write(label + "\n")
    for n, row in enumerate(rows, 1):
        # newline="\r\n" turns every \n into CR LF, so a CR LF already in a draft stays one break.
        values = {k: v.replace("\r\n", "\n") for k, v in zip(COLUMNS, row_values(row))}
        fh.write(f"\n======== {n} ========\n")
        for name in COLUMNS:
            if name == "prompt" or (name == "facts" and values[name]):  # multi-line: indented
                fh.write(f"{name}:\n" + "".join(f"    {line}\n" for line in values[name].split("\n")))
            elif name != "text":
                fh.write(f"{name}: {values[name]}".rstrip(" ") + "\n")
        fh.write(f"text:\n{values['text']}\n")


# ---- entry points ----

def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format: `fmt` when given, else from the file suffix."""
    name = (fmt or Path(path).suffix).lower().lstrip(".")
    name = {"markdown": "md", "text": "txt"}.get(name, name)
    if name not in FORMATS:
        raise ExportError("export_format", fmt=fmt or Path(path).suffix or Path(path).name)
    return name


def export(rows: Sequence[VariantRow], path: str | Path, fmt: str | None = None) -> Path:
    """Write `rows` to `path` as csv, xlsx, md or txt (default: from the suffix); returns the path.

    CSV is UTF-8 with a BOM so that Excel reads Chinese; TXT has a BOM for old
    Notepad. Raises ExportError when the format is unknown or the path cannot be written.
    """
    path = Path(path)
    kind = format_for(path, fmt)
    if path.is_dir():
        raise ExportError("not_writable", path=str(path))
    label = label_line()
    try:
        if kind == "csv":
            # newline="" hands line endings to the csv module (\r\n, and \n kept inside cells).
            with atomic_file(path, "w", encoding="utf-8-sig", newline="") as fh:
                _write_csv(fh, rows)
        elif kind == "xlsx":
            with atomic_file(path, "wb") as fh:
                _write_xlsx(fh, rows, label)
        elif kind == "md":
            with atomic_file(path, "w", encoding="utf-8", newline="\n") as fh:
                _write_md(fh, rows, label)
        else:
            with atomic_file(path, "w", encoding="utf-8-sig", newline="\r\n") as fh:
                _write_txt(fh, rows, label)
    except ExportError:
        raise
    except WenanError as err:  # not_writable / no_space from atomic_file, as the export's own type
        raise ExportError(err.key, **err.params) from err
    return path


def rows_for_scope(history: History, scope: str, selected_ids: Iterable[int] | None = None, *,
                   query: str = "", model: str | None = None, scenario: str | None = None,
                   favorites_only: bool = False, since: datetime | None = None,
                   until: datetime | None = None) -> list[VariantRow]:
    """The rows to export: the selected variant ids, everything the current filter
    shows (no page limit), or the whole history; newest first."""
    if scope == "selection":
        return history.get_variants(selected_ids or ())
    if scope == "filter":
        return history.search(query, model=model, scenario=scenario, favorites_only=favorites_only,
                              since=since, until=until, limit=None)
    if scope == "all":
        return history.search(limit=None)
    raise ExportError("export_scope", scope=scope)
