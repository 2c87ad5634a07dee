"""Batch drafting with the real tiny model and real files: sheets in and out, column
mapping errors, and resuming after cancel, after kill -9 and after a torn journal line."""
from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, subprocess_env

from engine.common import ConfigError, DataFileError, WenanError
from engine.quality import CheckContext, check_variant, flags_summary, memo_for_model, penalty, split_keywords
from engine.writing.batch import (LABEL_COLUMN, LABEL_VALUE, default_mapping, journal_path, read_products,
                                  resolve_mapping, rows_done, run_batch)

PRODUCTS = ROOT / "resources" / "samples" / "products.csv"
GEN = {"max_new_tokens": 16, "seed": 7}
INPUT_COLUMNS = ["product", "selling_points", "audience", "keywords"]


def _sheet(tmp_path: Path, rows: list[int], name: str = "products.csv") -> Path:
    """A copy of the sample product sheet holding only `rows` (0-based data rows)."""
    with PRODUCTS.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([table[0]] + [table[1 + i] for i in rows])
    return path


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))  # quoted cells may hold line breaks
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def _journal_rows(path: Path) -> list[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["row"] for line in lines[1:]]


def test_products_become_a_copy_sheet(tiny_model, tmp_path):
    products = _sheet(tmp_path, [0, 1, 10])  # two Chinese products and an English one
    out = tmp_path / "copy.csv"
    events = []
    result = run_batch(tiny_model, products, "detail", out, n=2, gen_overrides=GEN, on_event=events.append)

    assert not result.cancelled and result.done_rows == result.total_rows == 3 and result.resumed_rows == 0
    header, rows = _read_csv(out)
    assert header == INPUT_COLUMNS + ["variant_1", "flags_1", "variant_2", "flags_2", LABEL_COLUMN]
    assert [r["product"] for r in rows] == ["竹纤维毛巾", "316不锈钢保温杯", "Soy wax scented candle (white tea)"]
    for row in rows:
        assert row["variant_1"].strip() and row[LABEL_COLUMN] == LABEL_VALUE
    # The text-format tiny model continues the prompt, so each variant opens with its scenario line.
    # the tiny model learnt plain text, so each product's name is the opening its copy continues
    assert all(r["variant_1"].startswith(r["product"]) for r in rows)
    memo = memo_for_model(tiny_model)
    for row in rows:  # the flags shown are the checks' own, and the cleaner variant comes first
        ctx = CheckContext("detail", None, split_keywords(row["keywords"]), memo, product=row["product"],
                           facts=[row[c] for c in INPUT_COLUMNS])  # every cell of the row backs claims
        flags = [check_variant(row[f"variant_{i}"], ctx) for i in (1, 2)]
        assert [row["flags_1"], row["flags_2"]] == [flags_summary(f) for f in flags]
        assert penalty(flags[0]) <= penalty(flags[1])
    written = [row[f"variant_{i}"] for row in rows for i in (1, 2) if row[f"variant_{i}"]]
    assert result.variants == len(written) == 6
    assert result.flagged == sum(bool(row[f"flags_{i}"]) for row in rows for i in (1, 2))
    assert not journal_path(out).exists()
    assert [e.done_rows for e in events] == [0, 1, 2, 3] and events[-1].product == ""
    assert [e.product for e in events[:3]] == [r["product"] for r in rows]
    assert events[0].eta_s is None and events[1].eta_s is not None


def test_xlsx_out_keeps_text_as_text(tiny_model, tmp_path):
    products = tmp_path / "products.csv"
    products.write_text("产品,卖点\n=1+2 毛巾,-吸水快\n@竹纤维浴巾,柔软\n", encoding="utf-8")
    out = tmp_path / "copy.xlsx"
    run_batch(tiny_model, products, "slogan", out, n=2, gen_overrides=GEN)
    book = openpyxl.load_workbook(out)
    values = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    types = [c.data_type for c in next(book.worksheets[0].iter_rows(min_row=2, max_row=2))]
    assert values[0] == ["产品", "卖点", "variant_1", "flags_1", "variant_2", "flags_2", LABEL_COLUMN]
    assert values[1][:2] == ["=1+2 毛巾", "-吸水快"] and values[2][0] == "@竹纤维浴巾"
    assert "f" not in types  # a cell that starts with "=" is a string, never a formula
    assert values[1][-1] == LABEL_VALUE

    csv_out = tmp_path / "copy.csv"
    run_batch(tiny_model, products, "slogan", csv_out, n=1, gen_overrides=GEN)
    _header, rows = _read_csv(csv_out)
    assert [(r["产品"], r["卖点"]) for r in rows] == [("'=1+2 毛巾", "'-吸水快"), ("'@竹纤维浴巾", "柔软")]


# Header cells a shop's sheet may hold, or a hostile one may: formulas, DDE, quotes, line breaks
# and a control character XML cannot hold.
HOSTILE_HEADER = ["产品", '=HYPERLINK("http://evil.example","点我")', "+卖点", "@SUM(A1)", "-受众", "\r备注",
                  'say "hi", then\nleave', "价格\x07", "=1+1"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_hostile_header_cells_come_out_as_plain_text(tiny_model, tmp_path, suffix):
    products = tmp_path / "products.csv"
    with products.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HOSTILE_HEADER, ["竹纤维毛巾", *(f"c{i}" for i in range(1, len(HOSTILE_HEADER)))]])
    out = tmp_path / f"copy{suffix}"
    run_batch(tiny_model, products, "slogan", out, n=1, gen_overrides=GEN)
    added = ["variant_1", "flags_1", LABEL_COLUMN]
    if suffix == ".csv":
        header, _rows = _read_csv(out)
        assert header == ["产品", '\'=HYPERLINK("http://evil.example","点我")', "'+卖点", "'@SUM(A1)", "'-受众",
                          "备注", 'say "hi", then\nleave', "价格\x07", "'=1+1", *added]
        return
    sheet = openpyxl.load_workbook(out).worksheets[0]
    first = next(sheet.iter_rows(max_row=1))
    assert [c.value for c in first] == [*HOSTILE_HEADER[:5], "备注", HOSTILE_HEADER[6], "价格", "=1+1",
                                        *added]  # names are read trimmed; XML cannot hold \x07
    assert {c.data_type for c in first} == {"s"}  # text, never a formula


def test_columns_are_mapped_by_name_or_refused_clearly(tmp_path):
    assert default_mapping(["产品", "卖点", "必含关键词", "平台", "备注"], "title") == {
        "product": "产品", "selling_points": "卖点", "keywords": "必含关键词", "platform": "平台"}
    assert default_mapping(["Product Name", "Selling_Points"], "detail") == {
        "product": "Product Name", "selling_points": "Selling_Points"}

    sheet_path = tmp_path / "goods.csv"
    sheet_path.write_text("名称,卖点\n竹纤维毛巾,吸水快\n", encoding="utf-8")
    sheet = read_products(sheet_path)
    with pytest.raises(WenanError) as err:
        resolve_mapping(sheet, "detail")
    assert err.value.key == "batch_column_missing"
    assert "Product (产品)" in str(err.value) and "Available columns: 名称, 卖点" in str(err.value)
    assert resolve_mapping(sheet, "detail", {"product": "名称"}) == {"product": "名称", "selling_points": "卖点"}
    with pytest.raises(WenanError) as err:
        resolve_mapping(sheet, "review_reply", {"product": "名称"})  # a reply needs the customer's review
    assert "Customer review (顾客评价)" in str(err.value)
    with pytest.raises(DataFileError) as err:
        resolve_mapping(sheet, "detail", {"product": "品名"})
    assert err.value.key == "column_missing"
    with pytest.raises(ConfigError):
        resolve_mapping(sheet, "detail", {"price": "名称"})


def test_bad_options_fail_before_any_file_is_written(tiny_model, tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    products = _sheet(folder, [0])
    for kwargs in ({"scenario": "poem"}, {"out_path": folder / "copy.txt"}, {"out_path": products},
                   {"n": 0}, {"gen_overrides": {"temprature": 1.0}}):
        args = dict(model=tiny_model, products_path=products, scenario="detail", out_path=folder / "c.csv")
        with pytest.raises(ConfigError):
            run_batch(**(args | kwargs))
    with pytest.raises(WenanError) as err:
        run_batch("no-such-model", products, "detail", folder / "c.csv")
    assert err.value.key == "base_unknown"  # neither a library model nor a base found here
    assert sorted(p.name for p in folder.iterdir()) == ["products.csv"]


def _cancel_after_first_row(tiny_model, products: Path, out: Path, n: int = 2):
    cancel = threading.Event()

    def on_event(e) -> None:
        if e.done_rows >= 1:
            cancel.set()

    return run_batch(tiny_model, products, "detail", out, n=n, gen_overrides=GEN, on_event=on_event, cancel=cancel)


def test_cancel_then_resume_does_each_product_once(tiny_model, tmp_path):
    products = _sheet(tmp_path, [0, 1, 2])
    out = tmp_path / "copy.csv"
    first = _cancel_after_first_row(tiny_model, products, out)
    assert first.cancelled and first.done_rows == 1
    _header, partial = _read_csv(out)  # a partial sheet exists after cancel
    assert [r["product"] for r in partial] == ["竹纤维毛巾"]
    assert _journal_rows(journal_path(out)) == [0] and rows_done(out) == 1

    with pytest.raises(WenanError) as err:  # other settings may not continue this batch
        run_batch(tiny_model, products, "detail", out, n=3, gen_overrides=GEN)
    assert err.value.key == "batch_resume_mismatch" and "number of variants" in str(err.value)

    second = run_batch(tiny_model, products, "detail", out, n=2, gen_overrides=GEN)
    assert not second.cancelled and second.resumed_rows == 1 and second.done_rows == 3
    _header, rows = _read_csv(out)
    assert [r["product"] for r in rows] == ["竹纤维毛巾", "316不锈钢保温杯", "粗陶茶具套装"]
    assert rows[0]["variant_1"] == partial[0]["variant_1"]  # kept from the first run, not redone
    assert not journal_path(out).exists() and rows_done(out) == 0


def test_a_torn_last_journal_line_is_ignored(tiny_model, tmp_path):
    products = _sheet(tmp_path, [0, 1])
    out = tmp_path / "copy.csv"
    _cancel_after_first_row(tiny_model, products, out)
    journal = journal_path(out)
    with journal.open("a", encoding="utf-8") as fh:
        fh.write('{"kind": "row", "row": 1, "variants": ["半')  # what a kill mid-write leaves
    result = run_batch(tiny_model, products, "detail", out, n=2, gen_overrides=GEN)
    assert result.resumed_rows == 1 and result.done_rows == 2
    _header, rows = _read_csv(out)
    assert [r["product"] for r in rows] == ["竹纤维毛巾", "316不锈钢保温杯"] and "半" not in rows[1]["variant_1"]


def test_resume_false_starts_over(tiny_model, tmp_path):
    products = _sheet(tmp_path, [0, 1])
    out = tmp_path / "copy.csv"
    _cancel_after_first_row(tiny_model, products, out, n=1)
    result = run_batch(tiny_model, products, "detail", out, n=2, gen_overrides=GEN, resume=False)
    assert result.resumed_rows == 0 and result.done_rows == 2 and not journal_path(out).exists()


KILLED_SCRIPT = """
import sys, time
from engine.writing import run_batch
# The pause between rows gives the test time to kill the process with rows still to do.
run_batch("tiny", sys.argv[1], "detail", sys.argv[2], n=2, gen_overrides={"max_new_tokens": 16, "seed": 7},
          on_event=lambda e: time.sleep(0.3))
"""


@pytest.mark.slow
def test_kill_9_mid_batch_loses_and_repeats_nothing(tiny_model, tmp_path, wenan_home):
    products = _sheet(tmp_path, list(range(6)))
    out = tmp_path / "copy.csv"
    journal = journal_path(out)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SCRIPT, str(products), str(out)], cwd=ROOT,
                            env=subprocess_env(wenan_home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.exists() and len(journal.read_bytes().splitlines()) >= 2:  # header + a row
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    done_before = _journal_rows(journal)
    assert 1 <= len(done_before) < 6 and not out.exists()
    kept = {json.loads(line)["row"]: json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()[1:]}

    result = run_batch(tiny_model, products, "detail", out, n=2, gen_overrides=GEN)
    assert result.resumed_rows == len(done_before) and result.done_rows == 6
    _header, rows = _read_csv(out)
    expected = [r["product"] for r in csv.DictReader(products.read_text(encoding="utf-8").splitlines())]
    assert [r["product"] for r in rows] == expected  # every product once, in input order
    for index, entry in kept.items():
        assert rows[index]["variant_1"] == entry["variants"][0]
