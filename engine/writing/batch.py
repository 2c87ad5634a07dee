"""Batch drafting: a product sheet in, a copy sheet out, one row per product.

Each row becomes a scenario prompt, N variants from `engine.writing.generation`, quality checks
(`engine.quality.checks`; every cell of the row counts as the seller's facts for the claims
check, mapped or not: a 价格 or 材质 column backs the price or material a draft states) and a ranking; the output sheet holds the input columns, then
variant_1, flags_1, … variant_N, flags_N (cleanest first) and an AI-generated label.

Runs survive cancel, crash and kill -9: every finished row is appended to a journal
beside the output (`<out>.wenan-batch.jsonl`) and fsynced before the next row starts.
A rerun skips the rows in the journal, and the sheet is always written, atomically,
from the journal; the journal is deleted only once the full sheet is on disk.
"""
from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..common.atomic import atomic_file
from ..common.errors import ConfigError, DataFileError, WenanError, current_language
from ..common.options import one_of, within
from ..common.sheets import write_csv_table, write_xlsx_table
from ..data.source import open_data
from ..quality.checklists import is_cjk_text
from ..quality.checks import (CheckContext, check_variants, flags_from_dicts, flags_summary, rank_variants, score,
                              split_keywords)
from .scenarios import FIELDS, SCENARIOS, build_prompt

LABEL_COLUMN = "标注 / Label"
LABEL_VALUE = "AI生成 / AI-generated"
JOURNAL_SUFFIX = ".wenan-batch.jsonl"
JOURNAL_VERSION = 1
OUT_FORMATS = (".csv", ".xlsx")

# Header names recognised for each field, besides its key and its labels in FIELDS.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "product": ("产品名称", "商品", "商品名称", "品名", "product name", "name",
                # review exports: Taobao/Tmall, JD, Pinduoduo, Amazon
                "宝贝名称", "宝贝标题", "商品标题", "货品名称", "宝贝", "product title", "product_title", "item name"),
    "selling_points": ("卖点", "selling point", "features"),
    "audience": ("目标人群", "人群", "target audience"),
    "tone": ("风格",),
    "platform": ("渠道", "channel"),
    "keywords": ("关键词", "keyword", "keywords", "must include"),
    "facts": ("可核实的事实", "fact", "verified facts", "product facts", "参数", "规格参数", "specs", "specifications"),
    "review": ("评价", "买家评价", "review", "customer review",
               # review exports: Taobao/Tmall, JD, Pinduoduo, Amazon
               "评价内容", "评论内容", "初评内容", "评价文字", "文字评价", "用户评价", "评论", "review text", "review body",
               "review_body", "reviewtext", "review content", "comment", "body"),
}
# Fields a row must fill. A reply needs the customer's review; a review export of one
# product often has no product column, so the product may come from `fixed` or be left out.
REQUIRED: dict[str, tuple[str, ...]] = {"review_reply": ("review",)}
REQUIRED_DEFAULT = ("product",)


@dataclass(frozen=True)
class BatchEvent:
    """Progress, sent before each row and once at the end."""
    done_rows: int            # rows finished, including those an earlier run finished
    total_rows: int
    elapsed_s: float          # in this run
    eta_s: float | None       # from this run's pace; None until a row has finished
    product: str              # the product being drafted now; "" once all are done


@dataclass(frozen=True)
class BatchResult:
    out_path: Path
    total_rows: int
    done_rows: int            # rows in the sheet written
    resumed_rows: int         # rows an earlier, interrupted run had already finished
    skipped_rows: int         # rows with a required cell empty: written without variants
    cancelled: bool
    elapsed_s: float
    variants: int = 0         # drafts in the sheet written
    flagged: int = 0          # of which at least one quality check flagged


@dataclass(frozen=True)
class ProductSheet:
    path: Path
    columns: list[str]
    rows: list[list[str]]     # each as wide as `columns`
    sha256: str               # of the file's bytes, so a resume can tell it is the same sheet


def read_products(path: str | Path) -> ProductSheet:
    """Read a .csv/.tsv/.xlsx product sheet with the same checks and encoding detection as
    training data. Raises `DataFileError`."""
    source = open_data(path)
    if source.info.format not in ("csv", "tsv", "xlsx"):
        raise DataFileError("file_format", path=str(source.info.path), suffix=source.info.path.suffix)
    return ProductSheet(source.info.path, source.info.columns, list(source.rows), source.sha256)


def _header_form(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").lower().split())


def default_mapping(columns: list[str], scenario: str) -> dict[str, str]:
    """{field key: column} for the scenario's fields (and platform), matched by header name:
    the key, the English or Chinese label, or a common alias, ignoring case, "_" and "-"."""
    wanted = list(SCENARIOS[scenario].fields) + (["platform"] if "platform" not in SCENARIOS[scenario].fields else [])
    by_form = {_header_form(c): c for c in reversed(columns)}  # the first of equal names wins
    mapping = {}
    for key in wanted:
        names = (key, FIELDS[key][1], FIELDS[key][0], *FIELD_ALIASES.get(key, ()))
        found = next((by_form[_header_form(n)] for n in names if _header_form(n) in by_form), None)
        if found:
            mapping[key] = found
    return mapping


def resolve_mapping(sheet: ProductSheet, scenario: str, mapping: dict[str, str] | None = None,
                    fixed: dict[str, str] | None = None) -> dict[str, str]:
    """The default mapping with `mapping` laid over it ("" unmaps a field), checked.

    Raises `ConfigError` for an unknown field, `DataFileError` for a column that is not in
    the sheet and `batch_column_missing` for a required field left without a column.
    """
    resolved = default_mapping(sheet.columns, scenario)
    for key, column in (mapping or {}).items():
        if key not in FIELDS:
            raise ConfigError("bad_value", option="mapping", value=key, hint="Fields: " + ", ".join(FIELDS))
        if not column:
            resolved.pop(key, None)
        elif column not in sheet.columns:
            raise DataFileError("column_missing", path=str(sheet.path), column=column,
                                available=", ".join(sheet.columns))
        else:
            resolved[key] = column
    for key in REQUIRED.get(scenario, REQUIRED_DEFAULT):
        if key not in resolved and not (fixed or {}).get(key, "").strip():
            names = " / ".join(dict.fromkeys((key, FIELDS[key][0], FIELDS[key][1])))
            raise WenanError("batch_column_missing", path=str(sheet.path), field=f"{FIELDS[key][1]} ({FIELDS[key][0]})",
                             names=names, available=", ".join(sheet.columns))
    return resolved


def journal_path(out_path: str | Path) -> Path:
    """Where the batch writing `out_path` keeps its progress."""
    out_path = Path(out_path)
    return out_path.with_name(out_path.name + JOURNAL_SUFFIX)


def rows_done(out_path: str | Path) -> int:
    """Products an interrupted batch writing `out_path` has finished (0 without a journal);
    the next run_batch with resume skips them."""
    _, rows, _ = _read_journal(journal_path(out_path))
    return len(rows)


# ---- the journal ----

def _read_journal(path: Path) -> tuple[dict | None, dict[int, dict], bool]:
    """(header, {row: entry}, damaged). A line cut short by a kill, or any unreadable
    line, is dropped and reported as damage so the caller rewrites the file clean."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, {}, False
    header, rows, damaged = None, {}, not raw.endswith(b"\n")
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            if header is None and entry.get("kind") == "header":
                header = entry
            elif (header is not None and entry.get("kind") == "row" and isinstance(entry.get("row"), int)
                  and isinstance(entry.get("variants"), list) and isinstance(entry.get("flags"), list)):
                rows[entry["row"]] = entry
            else:
                damaged = True
        except (ValueError, AttributeError):
            damaged = True
    return header, rows, damaged


def _write_journal(path: Path, header: dict, rows: dict[int, dict]) -> None:
    with atomic_file(path, "w", encoding="utf-8", newline="\n") as fh:
        for entry in [header, *(rows[i] for i in sorted(rows))]:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _mismatch(old: dict, new: dict) -> list[str]:
    labels = {"input_sha256": "product sheet (商品表)", "model": "model (模型)", "model_id": "model (模型)",
              "scenario": "scenario (场景)", "n": "number of variants (条数)", "mapping": "column mapping (列对应)",
              "gen": "generation settings (生成参数)", "fixed": "product (产品)"}
    return list(dict.fromkeys(label for key, label in labels.items() if old.get(key) != new.get(key)))


# ---- the output sheet ----

def _sheet_rows(sheet: ProductSheet, rows: dict[int, dict], n: int) -> tuple[list[str], list[list[str]]]:
    lang = current_language()
    header = list(sheet.columns)
    for i in range(1, n + 1):
        header += [f"variant_{i}", f"flags_{i}"]
    header.append(LABEL_COLUMN)
    body = []
    for index in sorted(rows):
        entry, cells = rows[index], list(sheet.rows[index])
        for i in range(n):
            if i < len(entry["variants"]):
                cells += [entry["variants"][i], flags_summary(flags_from_dicts(entry["flags"][i]), lang)]
            else:
                cells += ["", ""]
        cells.append(LABEL_VALUE if entry["variants"] else "")
        body.append(cells)
    return header, body


def _write_sheet(out_path: Path, header: list[str], body: list[list[str]]) -> None:
    if out_path.suffix.lower() == ".csv":
        with atomic_file(out_path, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
            write_csv_table(fh, header, body)
        return
    with atomic_file(out_path, "wb") as fh:
        write_xlsx_table(fh, "文案 Copy", header, body)


# ---- running ----

def _check_options(products: Path, scenario: str, out_path: Path, n: int, gen: dict) -> None:
    from .generation import GENERATE_FIELDS, MAX_VARIANTS

    one_of("--scenario", scenario, SCENARIOS)
    if out_path.suffix.lower() not in OUT_FORMATS:
        raise ConfigError("bad_value", option="--out", value=str(out_path), hint="Use a .csv or .xlsx file.")
    if out_path.resolve() == products.resolve():
        raise ConfigError("bad_value", option="--out", value=str(out_path),
                          hint="Choose a file other than the product sheet.")
    if not out_path.parent.is_dir():
        raise WenanError("not_writable", path=str(out_path))
    within("-n", n, 1, MAX_VARIANTS)
    settable = [f for f in GENERATE_FIELDS if f not in ("prompt", "n", "scenario", "platform")]  # from the sheet
    for key in gen:
        one_of("gen_overrides", key, settable)


def run_batch(model: str, products_path: str | Path, scenario: str, out_path: str | Path, n: int = 3,
              mapping: dict[str, str] | None = None, gen_overrides: dict | None = None, *,
              on_event: Callable[[BatchEvent], None] = lambda e: None, cancel: threading.Event | None = None,
              resume: bool = True, device: str = "auto", fixed: dict[str, str] | None = None) -> BatchResult:
    """Draft `n` variants for every product in the sheet and write them to `out_path`.

    `mapping` is {field key: column} over the header-name defaults; `fixed` gives a field
    one value for every row whose sheet has no column for it (a review export of one
    product: {"product": "保温杯"}); `gen_overrides` are
    `GenerateConfig` fields (temperature, max_new_tokens, seed…). With `resume`, rows
    finished by an earlier run of the same batch are kept and skipped; a journal from a
    different sheet, model, scenario, n, mapping or settings is refused. Without it, any
    earlier progress is discarded.
    """
    from ..quality.memorisation import memo_for_model
    from .generation import load_model

    started = time.monotonic()
    cancel = cancel or threading.Event()
    products_path, out_path, gen = Path(products_path), Path(out_path), dict(gen_overrides or {})
    _check_options(products_path, scenario, out_path, n, gen)
    sheet = read_products(products_path)
    fixed = {k: " ".join(v.split()) for k, v in (fixed or {}).items() if v and v.strip()}
    for key in fixed:
        one_of("fixed", key, FIELDS)
    fields_of = resolve_mapping(sheet, scenario, mapping, fixed)
    fixed = {k: v for k, v in fixed.items() if k not in fields_of}  # a column wins over the fixed value
    loaded = load_model(model, device)  # a missing or broken model fails here, before any file is touched
    drafter = _RowDrafter(model, scenario, n, gen, memo_for_model(model), loaded.text_format, cancel, device)
    header = {"kind": "header", "version": JOURNAL_VERSION, "input_sha256": sheet.sha256, "model": model,
              "model_id": loaded.identity, "scenario": scenario, "n": n, "mapping": fields_of, "gen": gen}
    if fixed:  # only then, so a journal written before fixed values existed still resumes
        header["fixed"] = fixed
    journal = journal_path(out_path)
    rows = _resumable_rows(journal, header, out_path, resume, len(sheet.rows))
    resumed, total, done_here = len(rows), len(sheet.rows), 0
    column = {key: sheet.columns.index(col) for key, col in fields_of.items()}

    def event(product: str) -> BatchEvent:
        elapsed = time.monotonic() - started
        eta = elapsed / done_here * (total - len(rows)) if done_here else None
        return BatchEvent(len(rows), total, elapsed, eta, product)

    with _JournalAppender(journal, header) as appender:
        for index, cells in enumerate(sheet.rows):
            if index in rows:
                continue
            if cancel.is_set():
                break
            values = {**fixed, **{key: cells[i] for key, i in column.items()}}
            on_event(event(values.get("product", "")))
            entry = drafter.draft(index, values, [*fixed.values(), *cells])
            if entry is None:
                break  # cancelled: half a row is never written, it is drafted again on resume
            appender.append(entry)
            rows[index] = entry
            done_here += 1

    finished = len(rows) == total
    if rows and (finished or cancel.is_set()):
        _write_sheet(out_path, *_sheet_rows(sheet, rows, n))
    if finished:
        journal.unlink(missing_ok=True)
        on_event(event(""))
    skipped = sum(bool(e.get("skipped")) for e in rows.values())
    variants = sum(len(e["variants"]) for e in rows.values())
    flagged = sum(bool(f) for e in rows.values() for f in e["flags"])
    return BatchResult(out_path, total, len(rows), resumed, skipped, not finished, time.monotonic() - started,
                       variants, flagged)


def _resumable_rows(journal: Path, header: dict, out_path: Path, resume: bool, n_rows: int) -> dict[int, dict]:
    """The rows an earlier run of the same batch finished; a journal of another batch is refused."""
    old_header, rows, damaged = _read_journal(journal) if resume else (None, {}, False)
    if old_header is not None and rows and _mismatch(old_header, header):
        raise WenanError("batch_resume_mismatch", out=str(out_path), journal=str(journal),
                         what=", ".join(_mismatch(old_header, header)))
    if not rows:  # nothing worth keeping: start clean
        journal.unlink(missing_ok=True)
    elif damaged:
        _write_journal(journal, old_header, rows)
    return {i: e for i, e in rows.items() if 0 <= i < n_rows}


class _JournalAppender:
    """Appends finished rows to the journal, each fsynced before the next row starts."""

    def __init__(self, path: Path, header: dict):
        self.path, self.header, self.file = path, header, None

    def __enter__(self) -> _JournalAppender:
        return self

    def append(self, entry: dict) -> None:
        if self.file is None:
            if not self.path.exists():
                _write_journal(self.path, self.header, {})
            self.file = open(self.path, "a", encoding="utf-8", newline="\n")
        self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())  # the row is safe on disk before the next one starts

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            self.file.close()


def row_check_context(scenario: str, values: dict[str, str], facts: list[str], memo=None) -> CheckContext:
    """How the drafts of one row are checked: the mapped fields give the platform, keywords and
    product; `facts` (every cell of the row, mapped or not, and its prompt) back their claims."""
    return CheckContext(scenario, values.get("platform"), split_keywords(values.get("keywords", "")), memo,
                        product=values.get("product"), facts=facts)


def _opening(values: dict[str, str], lang: str) -> str:
    """What a model trained on plain text continues: the product's name, or for a reply to a
    review with no product the shop's own first words (never the customer's)."""
    return values.get("product") or ("感谢您的评价，" if lang == "zh" else "Thank you for your review.")


@dataclass(frozen=True)
class _RowDrafter:
    """Drafts, checks and ranks the variants of one product row."""
    model: str
    scenario: str
    n: int
    gen: dict
    memo: object
    text_model: bool              # trained on plain text: it continues an opening (the product's name)
    cancel: threading.Event
    device: str

    def draft(self, index: int, values: dict[str, str], facts: list[str]) -> dict | None:
        """The journal entry of row `index`; None when a cancel stopped it. `facts` are the row's
        cells (and the fixed values): what the claims check lets the drafts state."""
        from .generation import GenerateConfig, generate

        required = REQUIRED.get(self.scenario, REQUIRED_DEFAULT)
        entry = {"kind": "row", "row": index, "variants": [], "flags": [], "scores": [], "seed": None,
                 "skipped": not all(values.get(key, "").strip() for key in required)}
        if entry["skipped"]:
            return entry
        lang = "zh" if is_cjk_text(" ".join(values.values())) else "en"
        prompt = _opening(values, lang) if self.text_model else build_prompt(self.scenario, values, lang)
        cfg = GenerateConfig(prompt=prompt, n=self.n, scenario=None if self.text_model else self.scenario,
                             platform=values.get("platform") or None, **self.gen)
        result = generate(self.model, cfg, cancel=self.cancel, device=self.device)
        if result.cancelled:
            return None
        support = [*facts, prompt, *result.examples_used]  # the examples shown are the seller's own words too
        flags = check_variants(result.variants, row_check_context(self.scenario, values, support, self.memo))
        order = rank_variants(result.variants, flags)
        entry.update(variants=[result.variants[i] for i in order],
                     flags=[[f.to_dict() for f in flags[i]] for i in order],
                     scores=[score(flags[i]) for i in order], seed=result.seed)
        return entry
