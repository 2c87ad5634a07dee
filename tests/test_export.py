"""Exports as a user opens them: real files read back with csv, openpyxl and a Markdown parser."""
from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from markdown_it import MarkdownIt

from engine.common import ExportError
from engine.history import History
from engine.history import export as export_module
from engine.history.export import AI_LABEL, COLUMNS, export, rows_for_scope
from engine.quality import flags_summary as flag_summary

FLAGS = [{"check": "absolute_terms", "terms": ["最好"]}, {"check": "missing_keywords", "terms": ["包邮"]}]
TRICKY = [
    "竹纤维毛巾，柔软吸水，不掉毛",
    'He said "最好的"毛巾, really',
    "第一行\n第二行，带逗号,\n\n第四行 \"引号\"",
    "＝全角等号开头不是公式",
    "a=1 在中间的等号不是公式",
]
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1"]


@pytest.fixture
def history() -> History:
    with History() as h:
        h.add_run("shop-m1", "场景：广告语\n产品：竹纤维毛巾", {"n": 5}, 11,
                  [{"text": t, "flags": FLAGS if i == 0 else []} for i, t in enumerate(TRICKY)],
                  scenario="slogan", fields={"product": "竹纤维毛巾"})
        h.add_run("=evil-model", "-prompt that starts with a minus", {"n": 7}, 12, HOSTILE)
        yield h


@pytest.fixture
def rows(history):
    return history.search(limit=None)


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def by_text(table: list[list[str]]) -> dict[str, dict[str, str]]:
    return {r[COLUMNS.index("text")]: dict(zip(COLUMNS, r)) for r in table[1:]}


# ---- CSV ----

def test_csv_opens_in_excel_and_round_trips_exactly(rows, tmp_path):
    out = export(rows, tmp_path / "导出.csv")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    assert data.split(b"\r\n", 1)[0] == b"\xef\xbb\xbf" + ",".join(COLUMNS).encode()
    table = read_csv(out)
    assert table[0] == list(COLUMNS) and len(table) == 1 + len(rows) == 13
    cells = by_text(table)
    for text in TRICKY:  # Chinese, commas, quotes and line breaks inside cells survive exactly
        assert cells[text]["characters"] == str(len(text))
        assert cells[text]["ai_label"] == AI_LABEL == "AI生成 / AI-generated"
        assert cells[text]["prompt"] == "场景：广告语\n产品：竹纤维毛巾"
        assert (cells[text]["model"], cells[text]["scenario"]) == ("shop-m1", "slogan")
    assert cells[TRICKY[0]]["flags"] == "absolute_terms: 最好; missing_keywords: 包邮"
    assert cells[TRICKY[1]]["flags"] == ""
    assert [cells[t]["variant"] for t in TRICKY] == ["1", "2", "3", "4", "5"]


def test_csv_cells_that_could_run_as_formulas_are_defused(rows, tmp_path):
    table = read_csv(export(rows, tmp_path / "out.csv"))
    texts = [r[COLUMNS.index("text")] for r in table[1:]]
    for hostile in HOSTILE:
        assert "'" + hostile in texts
    for row in table[1:]:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), value
    evil = [dict(zip(COLUMNS, r)) for r in table[1:] if r[COLUMNS.index("model")] != "shop-m1"]
    assert evil and all(r["model"] == "'=evil-model" for r in evil)
    assert all(r["prompt"] == "'-prompt that starts with a minus" for r in evil)
    # Ordinary text, including a leading full-width "＝", is left exactly as written.
    assert TRICKY[3] in texts and TRICKY[4] in texts


def test_edited_text_is_what_gets_exported(history, tmp_path):
    variant = history.search("竹纤维毛巾，柔软")[0]
    history.edit_variant(variant.id, "用户改过的文案")
    cells = by_text(read_csv(export(history.search(limit=None), tmp_path / "out.csv")))
    assert "用户改过的文案" in cells and TRICKY[0] not in cells
    assert cells["用户改过的文案"]["characters"] == "7"


# ---- Excel ----

def test_xlsx_round_trips_every_cell_as_text(rows, tmp_path):
    out = export(rows, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == list(COLUMNS) and all(c.font.bold for c in ws[1])
    values = {ws.cell(r, COLUMNS.index("text") + 1).value: r for r in range(2, ws.max_row + 1)}
    assert ws.max_row == 1 + len(rows)
    for text in TRICKY + ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"]:
        assert text in values, text  # no apostrophe needed: the cells are typed as text
    blank_ok = {COLUMNS.index("scenario"), COLUMNS.index("flags"), COLUMNS.index("facts")}  # free prompts, no flags
    for row in ws.iter_rows(min_row=2):
        for i, cell in enumerate(row):
            if cell.value is None and i in blank_ok:
                continue
            assert cell.data_type == "s" and isinstance(cell.value, str), (cell.coordinate, cell.value)
    r = values[TRICKY[0]]
    assert ws.cell(r, COLUMNS.index("characters") + 1).value == str(len(TRICKY[0]))
    assert ws.cell(r, COLUMNS.index("flags") + 1).value == "absolute_terms: 最好; missing_keywords: 包邮"
    assert ws.cell(r, COLUMNS.index("ai_label") + 1).value == AI_LABEL
    assert ws.cell(r, COLUMNS.index("text") + 1).alignment.wrap_text
    assert ws.column_dimensions["F"].width >= 40 and ws.column_dimensions["A"].width >= 20
    # Excel keeps a line break in a cell as LF; a CR of "\r=1" becomes one.
    assert "\n=1" in values
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "=HYPERLINK" in sheet


def test_xlsx_carries_the_ai_label_in_its_document_properties(rows, tmp_path):
    wb = openpyxl.load_workbook(export(rows, tmp_path / "out.xlsx"))
    props = wb.properties
    assert props.creator == "Wenan Studio"
    for text in (props.title, props.subject, props.keywords, props.description):
        assert "AI生成" in text and "AI-generated" in text
    aigc = {p.name: p.value for p in wb.custom_doc_props.props}["AIGC"]
    meta = json.loads(aigc)
    assert meta["Label"] == "1" and meta["ContentProducer"] == "Wenan Studio" and meta["ProduceID"]


def test_xlsx_drops_control_characters_xml_cannot_hold(history, tmp_path):
    history.add_run("m", "p", {}, 1, ["响铃\x07字符\x00在这里"])
    ws = openpyxl.load_workbook(export(history.search("响铃"), tmp_path / "out.xlsx")).active
    assert ws.cell(2, COLUMNS.index("text") + 1).value == "响铃字符在这里"


# ---- Markdown and text ----

def test_markdown_and_text_open_with_the_ai_label(rows, tmp_path):
    md = export(rows, tmp_path / "out.md").read_text(encoding="utf-8")
    txt_bytes = export(rows, tmp_path / "out.txt").read_bytes()
    txt = txt_bytes.decode("utf-8-sig").replace("\r\n", "\n")
    assert txt_bytes.startswith(b"\xef\xbb\xbf") and b"\r\n" in txt_bytes
    for first_line in (md.splitlines()[0], txt.splitlines()[0]):
        assert "AI生成内容 / AI-generated content" in first_line and "Wenan Studio" in first_line
    assert md.count(f"**ai_label:** {AI_LABEL}") == len(rows)
    assert txt.count(f"ai_label: {AI_LABEL}\n") == len(rows)
    for text in TRICKY:
        assert f"text:\n{text}\n" in txt  # plain text keeps each draft exactly
    assert "flags: absolute_terms: 最好; missing_keywords: 包邮" in txt


def test_markdown_escapes_what_would_break_the_layout(history, tmp_path):
    hostile = "| a | b |\n|---|---|\n# 不是标题\n- 不是列表\n1. 也不是\n<script>alert(1)</script> *不加粗* [链接](http://x)"
    history.add_run("m|odel", "p", {}, 1, [hostile])
    md = export(history.search("不是标题"), tmp_path / "out.md").read_text(encoding="utf-8")
    assert "\\| a \\| b \\|" in md and "> \\# 不是标题" in md and "> \\- 不是列表" in md
    assert "> 1\\. 也不是" in md and "\\<script\\>" in md and "\\*不加粗\\*" in md
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<table" not in html and "<script>" not in html and "<em>" not in html and "<a " not in html
    assert html.count("<h1>") == 1 and html.count("<h2>") == 1  # only our own headings
    assert "# 不是标题<br />" in html and "*不加粗*" in html and "<blockquote>" in html


# ---- atomic writes and bad paths ----

@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".md", ".txt"])
def test_a_failed_export_leaves_the_old_file_whole(rows, tmp_path, monkeypatch, suffix):
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / f"report{suffix}"
    target.write_bytes(b"the previous export, still wanted")
    real, calls = export_module.row_values, []

    def failing(row):
        calls.append(row)
        if len(calls) > 3:
            raise RuntimeError("disk pulled out mid-write")
        return real(row)

    monkeypatch.setattr(export_module, "row_values", failing)
    with pytest.raises(RuntimeError):
        export(rows, target)
    assert len(calls) == 4
    assert target.read_bytes() == b"the previous export, still wanted"
    assert [p.name for p in folder.iterdir()] == [target.name]  # no temp file left behind
    monkeypatch.undo()
    export(rows, target)
    assert target.read_bytes() != b"the previous export, still wanted"


def test_unwritable_paths_give_a_clear_error(rows, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for path in (tmp_path / "no-such-folder" / "out.csv", blocker / "out.xlsx", tmp_path):
        with pytest.raises(ExportError) as err:
            export(rows, path, "csv" if path == tmp_path else None)
        assert err.value.key == "not_writable" and "Cannot write to" in str(err.value)
        assert "无法写入" in err.value.message("zh")


def test_the_format_comes_from_the_suffix_or_the_argument(rows, tmp_path):
    with pytest.raises(ExportError) as err:
        export(rows, tmp_path / "out.pdf")
    assert err.value.key == "export_format" and ".pdf" in str(err.value)
    assert read_csv(export(rows, tmp_path / "out.dat", fmt="csv"))[0] == list(COLUMNS)
    assert openpyxl.load_workbook(export(rows, tmp_path / "OUT.XLSX")).active["A1"].value == "created_at"
    assert not (tmp_path / "out.pdf").exists()


# ---- scope ----

def test_scope_selects_the_rows_to_export(history):
    for i in range(70):  # more than one page of search results
        history.add_run("bulk", f"批量 {i}", {}, i, [f"批量文案{i}-{j}" for j in range(3)])
    everything = rows_for_scope(history, "all")
    assert len(everything) == 12 + 210 == history.count()
    assert len(rows_for_scope(history, "filter", model="bulk")) == 210
    assert [r.text for r in rows_for_scope(history, "filter", query="批量文案69-")] == [
        "批量文案69-0", "批量文案69-1", "批量文案69-2"]

    picked = [everything[5].id, everything[0].id, everything[100].id]
    gone = history.delete_variants([everything[100].id])
    assert [r.id for r in rows_for_scope(history, "selection", picked)] == [everything[0].id, everything[5].id]
    history.undo(gone)
    assert len(rows_for_scope(history, "selection", picked)) == 3
    assert rows_for_scope(history, "selection", []) == []
    with pytest.raises(ExportError) as err:
        rows_for_scope(history, "everything")
    assert err.value.key == "export_scope"


def test_flag_summary_reads_the_shapes_checks_produce():
    assert flag_summary([]) == ""
    assert flag_summary(FLAGS) == "absolute_terms: 最好; missing_keywords: 包邮"
    assert flag_summary([{"kind": "too_long", "detail": "120 > 100"}, {"code": "emoji"}]) == "too_long: 120 > 100; emoji"
    assert flag_summary([{"score": 0.3}]) == '{"score": 0.3}'
