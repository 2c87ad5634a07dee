"""Exporting an insight to CSV or XLSX: one row per aspect, its counts, phrases and quotes.

Written through the same formula-safe cells as history export (`engine.common.sheets`) and
atomically: a quote that starts with "=" stays text. Quotes are verbatim, with their row;
a chat model's names and summaries, where there are any, sit in their own columns marked
AI-generated, so the counted name and the real quotes are never replaced.
"""
from __future__ import annotations

from pathlib import Path

from ..common.atomic import atomic_file
from ..common.errors import ExportError, WenanError
from ..common.sheets import write_csv_table, write_xlsx_table
from .analysis import EXAMPLES, Insight

INSIGHT_FORMATS = (".csv", ".xlsx")
AI_LABEL = "AI生成 / AI-generated"


def insight_table(insight: Insight) -> tuple[list[str], list[list[str]]]:
    """The header and rows that `export_insight` writes."""
    selling = {a.name: i for i, a in enumerate(insight.selling_points, 1)}
    pain = {a.name: i for i, a in enumerate(insight.pain_points, 1)}
    header = ["selling_point_rank 卖点排名", "pain_point_rank 痛点排名", "aspect 关注点", "terms 词语",
              "mentions 提及", "positive 好评", "negative 差评", "neutral 中性", "positive_share 好评占比",
              "negative_share 差评占比", "positive_phrases 好评说法", "negative_phrases 差评说法"]
    for i in range(1, EXAMPLES + 1):
        header += [f"quote_{i}_row 原文{i}行号", f"quote_{i}_polarity 原文{i}倾向", f"quote_{i} 原文{i}"]
    refined = bool(insight.refined_by)
    if refined:
        header += [f"ai_name 模型命名 ({AI_LABEL})", f"ai_summary 模型总结 ({AI_LABEL})"]
    rows = []
    for a in insight.aspects:
        cells = [str(selling.get(a.name, "")), str(pain.get(a.name, "")), a.name, " / ".join(a.terms),
                 str(a.mentions), str(a.positive), str(a.negative), str(a.neutral), f"{a.positive_share:.1%}",
                 f"{a.negative_share:.1%}", "; ".join(f"{p.text} ({p.count})" for p in a.positive_phrases),
                 "; ".join(f"{p.text} ({p.count})" for p in a.negative_phrases)]
        for i in range(EXAMPLES):
            if i < len(a.examples):
                ex = a.examples[i]
                cells += [str(ex.row), {1: "+", -1: "-"}.get(ex.polarity, "0"), ex.quote]
            else:
                cells += ["", "", ""]
        if refined:
            cells += [a.label, a.summary]
        rows.append(cells)
    return header, rows


def export_insight(insight: Insight, path: str | Path) -> Path:
    """Write the insight to a .csv (UTF-8 with BOM, for Excel) or .xlsx; returns the path. Raises `ExportError`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in INSIGHT_FORMATS:
        raise ExportError("insight_out_format", path=str(path))
    if path.is_dir():
        raise ExportError("not_writable", path=str(path))
    header, rows = insight_table(insight)
    try:
        if suffix == ".csv":
            with atomic_file(path, "w", encoding="utf-8-sig", newline="") as fh:
                write_csv_table(fh, header, rows)
        else:
            with atomic_file(path, "wb") as fh:
                write_xlsx_table(fh, "口碑 Insight", header, rows)
    except ExportError:
        raise
    except WenanError as err:  # not_writable / no_space from atomic_file
        raise ExportError(err.key, **err.params) from err
    return path
