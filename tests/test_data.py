"""Data import: every format, encoding and bad input a seller may hand us, on real files."""
from __future__ import annotations

import csv
import ctypes
import datetime
import hashlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, subprocess_env

from engine.common import ConfigError, DataFileError
from engine.common.memory import MemoryStatusEx, windows_memory_status
from engine.data import (CleanOptions, CleanReport, DataSet, Sample, clean_samples, clean_text, detect_encoding,
                         inspect_file, load_data, open_data)

SIMPLIFIED = ["夏季新款纯棉T恤，透气舒适", "宝宝专用，温和无刺激", "买一送一，限时抢购", "感谢亲的支持"]
TRADITIONAL = ["夏季新款純棉T恤，透氣舒適", "寶寶專用，溫和無刺激", "買一送一，限時搶購", "感謝親的支持"]


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Messages below are asserted in English whatever the machine's locale."""
    monkeypatch.setenv("WENAN_LANG", "en")


def write(folder: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def texts(data: DataSet) -> list[str]:
    return [s.text for s in data.samples]


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# ---- plain text and encodings ----

def test_txt_lines_utf8(tmp_path):
    raw = "第一条文案，柔软亲肤\n\n第二条文案，吸水性强\r\n第三条文案，不掉毛\n".encode("utf-8")
    path = write(tmp_path, "copy.txt", raw)
    data = load_data(path)
    assert (data.format, data.encoding, data.is_pairs) == ("txt-lines", "utf-8", False)
    assert texts(data) == ["第一条文案，柔软亲肤", "第二条文案，吸水性强", "第三条文案，不掉毛"]
    assert data.sha256 == hashlib.sha256(raw).hexdigest()
    assert data.path == path and data.text_column is None


def test_txt_blocks(tmp_path):
    path = write(tmp_path, "blocks.txt",
                 "竹纤维毛巾\n柔软亲肤，吸水快\n\n\n保温杯\n12小时长效保温\n不锈钢内胆\n\n单行也算一块文案\n")
    data = load_data(path)
    assert data.format == "txt-blocks"
    assert texts(data) == ["竹纤维毛巾\n柔软亲肤，吸水快", "保温杯\n12小时长效保温\n不锈钢内胆", "单行也算一块文案"]


def test_single_lines_with_one_paragraph_stay_lines(tmp_path):
    path = write(tmp_path, "lines.txt", "第一句文案在这里\n第二句文案在这里\n\n第三句文案在这里\n\n第四句文案在这里\n")
    assert load_data(path).format == "txt-lines"
    assert len(load_data(path).samples) == 4


@pytest.mark.parametrize("encoding, detected, lines", [
    ("utf-8-sig", "utf-8-sig", SIMPLIFIED),
    ("gbk", "gb18030", SIMPLIFIED),
    ("gb18030", "gb18030", TRADITIONAL),  # traditional text saved as GBK bytes is still GBK
    ("big5", "big5", TRADITIONAL),
    ("utf-16", "utf-16", SIMPLIFIED),
    ("utf-16-be", "utf-16", TRADITIONAL),
])
def test_encodings_detected(tmp_path, encoding, detected, lines):
    body = "\n".join(lines)
    raw = (b"\xfe\xff" + body.encode(encoding)) if encoding == "utf-16-be" else body.encode(encoding)
    path = write(tmp_path, "copy.txt", raw)
    data = load_data(path)
    assert data.encoding == detected
    assert texts(data) == lines
    assert inspect_file(path).encoding == detected


@pytest.mark.parametrize("phrase, codec, expected", [
    ("新品上市", "gbk", "gb18030"), ("正品保证", "gbk", "gb18030"), ("高端大气上档次", "gbk", "gb18030"),
    ("新品上市", "big5", "big5"), ("價格實惠", "big5", "big5"), ("廠家直銷", "big5", "big5"),
])
def test_short_cjk_phrases_pick_the_right_codec(phrase, codec, expected):
    # Both codecs decode all of these strictly; only the plausibility score tells them apart.
    raw = phrase.encode(codec)
    assert {"gb18030", "big5"} <= {c for c in ("gb18030", "big5") if _decodes(raw, c)}
    assert detect_encoding(raw) == expected


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


WESTERN_ROWS = [["product", "description"],
                 ["Café au lait mug", "“Naïve” design — only £5"],
                 ["Crème brûlée set", "Don’t miss it – 20% off… naïve price"]]


def test_cp1252_csv_from_excel(tmp_path):
    # What Excel on a Western Windows writes for "Save as CSV": cp1252, CRLF, no BOM.
    body = "\r\n".join(",".join(f'"{cell}"' if "," in cell else cell for cell in row) for row in WESTERN_ROWS)
    path = write(tmp_path, "products.csv", body.encode("cp1252"))
    info = inspect_file(path)
    assert (info.encoding, info.columns, info.text_column) == ("cp1252", WESTERN_ROWS[0], "description")
    data = load_data(path)
    assert data.encoding == "cp1252"
    assert texts(data) == [WESTERN_ROWS[1][1], WESTERN_ROWS[2][1]]


UNICODE_ROWS = [["标题", "文案", "价格"],
                ["竹纤维毛巾", "柔软亲肤，吸水快\n两条装", "19.9"],
                ["保温杯", "12小时长效保温, 不锈钢内胆", "59"]]


@pytest.mark.parametrize("name, codec, delimiter", [
    ("products.tsv", "utf-16-le", "\t"),   # Excel's "Unicode text": UTF-16 LE with a BOM, tabs, CRLF
    ("products.csv", "utf-16-le", ","),
    ("products.csv", "utf-16-be", ";"),
])
def test_utf16_tables_are_read_as_tables(tmp_path, name, codec, delimiter):
    def cell(value: str) -> str:
        return f'"{value}"' if any(c in value for c in (delimiter, "\n", ",")) else value
    body = "\r\n".join(delimiter.join(cell(c) for c in row) for row in UNICODE_ROWS) + "\r\n"
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    path = write(tmp_path, name, bom + body.encode(codec))
    info = inspect_file(path)
    assert (info.encoding, info.columns, info.text_column, info.prompt_column) == ("utf-16", UNICODE_ROWS[0], "文案", "标题")
    data = load_data(path, clean=CleanOptions(normalize_whitespace=False))
    assert [(s.prompt, s.text) for s in data.samples] == [(r[0], r[1]) for r in UNICODE_ROWS[1:]]


@pytest.mark.parametrize("text", [
    "naïve Müller über Straße",            # every accent is followed by a letter: gb18030 decodes it too
    "Über Ärger Öl",                       # and so does Big5, into common characters
    "Ação rápida, coração, informação",
    "keep below 25°C",                     # ° + C is a common Big5 character
    "Preis: 5 €",
])
def test_western_text_is_cp1252(text):
    raw = text.encode("cp1252")
    assert detect_encoding(raw) == "cp1252"
    assert raw.decode(detect_encoding(raw)) == text


@pytest.mark.parametrize("lines, codec, expected", [
    (["新品上市", "正品保证", "限时抢购五折", "买一送一", "好评如潮包邮到家", "亲肤柔软不起球"], "gbk", "gb18030"),
    (["新品上市", "價格實惠", "廠家直銷", "買一送一", "好評如潮包郵到家"], "big5", "big5"),
    (["这款iPhone手机壳很好用", "支持Apple Pay和NFC功能", "V领T恤 A款 B款 5折", "Nike运动鞋 Adidas外套 OK"],
     "gbk", "gb18030"),
    (["這款iPhone手機殼很好用", "支援Apple Pay和NFC", "Nike運動鞋 Adidas外套 OK"], "big5", "big5"),
])
def test_short_and_mixed_chinese_is_not_cp1252(tmp_path, lines, codec, expected):
    # Short lines and ASCII words break up the Chinese, which is where cp1252 could creep in.
    raw = "\n".join(lines).encode(codec)
    raw.decode("cp1252")  # the bytes are valid cp1252 too, so the scores must decide
    data = load_data(write(tmp_path, "copy.txt", raw))
    assert (data.encoding, texts(data)) == (expected, lines)


def test_detect_encoding_raises_at_first_bad_byte():
    with pytest.raises(UnicodeDecodeError) as info:
        detect_encoding(b"ok\n\xff\xfe\xfa")
    assert info.value.start == 3


# ---- tables ----

def test_csv_with_bom_and_multiline_cells(tmp_path):
    path = tmp_path / "shop.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "copy", "price"])
        writer.writerow(["毛巾", "柔软亲肤，\n一擦就干，\"好用\"", "19.9"])
        writer.writerow(["杯子", "保温12小时, 不烫手", "39"])
    info = inspect_file(path)
    assert (info.format, info.encoding, info.columns) == ("csv", "utf-8-sig", ["title", "copy", "price"])
    assert (info.text_column, info.prompt_column) == ("copy", "title")
    data = load_data(path)
    assert data.is_pairs and (data.text_column, data.prompt_column) == ("copy", "title")
    assert data.samples == (Sample("柔软亲肤，\n一擦就干，\"好用\"", "毛巾"), Sample("保温12小时, 不烫手", "杯子"))


def test_tsv(tmp_path):
    path = write(tmp_path, "shop.tsv", "编号\t文案\t备注\n1\t纯棉T恤，透气舒适\t热卖\n2\t保温杯，长效保温\t\n")
    info = inspect_file(path)
    assert (info.format, info.columns, info.text_column, info.prompt_column) == (
        "tsv", ["编号", "文案", "备注"], "文案", None)
    data = load_data(path)
    assert data.format == "tsv" and texts(data) == ["纯棉T恤，透气舒适", "保温杯，长效保温"]


def test_semicolon_csv_with_unquoted_commas(tmp_path):
    path = write(tmp_path, "export.CSV", "produit;description\nA;Doux, chaud et léger\nB;Tasse en céramique, 350 ml\n")
    data = load_data(path)
    assert data.format == "csv" and data.text_column == "description"
    assert texts(data) == ["Doux, chaud et léger", "Tasse en céramique, 350 ml"]


def test_unquoted_commas_in_the_last_column_are_kept(tmp_path):
    path = write(tmp_path, "hand-made.csv", "title,copy\nTowel,Soft, warm and light\nCup,Keeps tea hot\n")
    assert load_data(path).samples == (Sample("Soft, warm and light", "Towel"), Sample("Keeps tea hot", "Cup"))


def test_gbk_csv_guesses_longest_text_column(tmp_path):
    path = write(tmp_path, "导出.csv", "a,b,c\n短,这是一段比较长的商品文案,12\n短,另一段比较长的商品文案,15\n", "gbk")
    info = inspect_file(path)
    assert (info.encoding, info.text_column, info.prompt_column) == ("gb18030", "b", None)
    assert texts(load_data(path)) == ["这是一段比较长的商品文案", "另一段比较长的商品文案"]


def test_a_file_is_read_and_decoded_once_for_its_columns_and_every_choice_of_them(tmp_path, monkeypatch):
    path = write(tmp_path, "导出.csv", "标题,文案\n毛巾,柔软亲肤的毛巾\n杯子,保温很久的杯子\n", "gbk")
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    source = open_data(path)
    assert (source.info.columns, source.info.text_column, source.info.prompt_column) == (["标题", "文案"], "文案", "标题")
    pairs = source.load()
    plain = source.load(text_column="文案", prompt_column="")
    path.unlink()  # the choices above and below never go back to the file
    swapped = source.load(text_column="标题", prompt_column="文案", clean=CleanOptions(min_chars=1))
    assert reads == [path]
    assert pairs.samples == (Sample("柔软亲肤的毛巾", "毛巾"), Sample("保温很久的杯子", "杯子"))
    assert plain.samples == (Sample("柔软亲肤的毛巾"), Sample("保温很久的杯子"))
    assert swapped.samples[0] == Sample("毛巾", "柔软亲肤的毛巾")
    assert pairs.sha256 == plain.sha256 == swapped.sha256 and pairs.encoding == "gb18030"


def test_explicit_columns(tmp_path):
    path = write(tmp_path, "shop.csv", "标题,文案\n毛巾,柔软亲肤的毛巾\n杯子,保温很久的杯子\n")
    assert load_data(path).is_pairs  # both guessed
    plain = load_data(path, text_column="文案")  # a chosen text column and no prompt: no pairs
    assert not plain.is_pairs and plain.prompt_column is None
    swapped = load_data(path, text_column="标题", prompt_column="文案", clean=CleanOptions(min_chars=1))
    assert swapped.samples[0] == Sample("毛巾", "柔软亲肤的毛巾")
    assert load_data(path, prompt_column="").prompt_column is None


def test_xlsx_first_sheet_numbers_dates_and_empty_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["标题", "文案", "价格", "上架日期"])
    sheet.append(["毛巾", "柔软亲肤的毛巾", 19.9, datetime.date(2024, 1, 5)])
    sheet.append([None, None, None, None])
    sheet.append(["杯子", "保温很久的杯子", 40, datetime.datetime(2024, 2, 1, 9, 30)])
    sheet.append(["编号", 12345, 7, None])
    book.create_sheet("其他").append(["文案"])
    book["其他"].append(["第二张表不应该被读取"])
    path = tmp_path / "shop.xlsx"
    book.save(path)

    info = inspect_file(path)
    assert (info.format, info.encoding, info.columns) == ("xlsx", None, ["标题", "文案", "价格", "上架日期"])
    data = load_data(path)
    assert data.samples == (Sample("柔软亲肤的毛巾", "毛巾"), Sample("保温很久的杯子", "杯子"), Sample("12345", "编号"))
    prices = load_data(path, text_column="价格", clean=CleanOptions(min_chars=1))
    assert texts(prices) == ["19.9", "40", "7"]
    dates = load_data(path, text_column="上架日期", clean=CleanOptions(min_chars=1))
    assert texts(dates) == ["2024-01-05", "2024-02-01 09:30:00"]


def test_jsonl_three_shapes(tmp_path):
    lines = [
        {"text": "第一条文案内容"},
        {"prompt": "写个标题", "completion": "夏日清凉毛巾"},
        {"instruction": "写广告语", "input": "竹纤维毛巾", "output": "柔软亲肤，一擦就干"},
        {"instruction": "写广告语", "input": "", "output": "好用不贵的杯子"},
    ]
    body = "\n".join(json.dumps(obj, ensure_ascii=False) for obj in lines[:2]) + "\n\n  \n"
    body += "\n".join(json.dumps(obj, ensure_ascii=False) for obj in lines[2:]) + "\n"
    path = write(tmp_path, "pairs.JSONL", body)
    data = load_data(path)
    assert data.format == "jsonl" and data.is_pairs
    assert data.samples == (Sample("第一条文案内容"), Sample("夏日清凉毛巾", "写个标题"),
                            Sample("柔软亲肤，一擦就干", "写广告语\n竹纤维毛巾"), Sample("好用不贵的杯子", "写广告语"))
    assert inspect_file(path).columns == []


# ---- bad input ----

def _raises(path: Path, key: str, **kwargs) -> DataFileError:
    """load_data fails with `key`, names the file, and writes nothing."""
    folder = next(p for p in path.parents if p.exists())
    before = listing(folder)
    with pytest.raises(DataFileError) as info:
        load_data(path, **kwargs)
    assert info.value.key == key
    assert str(path) in str(info.value)
    assert listing(folder) == before
    return info.value


def test_missing_and_directory(tmp_path):
    err = _raises(tmp_path / "nope" / "copy.docx", "file_missing")
    assert "does not exist" in str(err)
    (tmp_path / "folder.txt").mkdir()
    assert "is a folder" in str(_raises(tmp_path / "folder.txt", "file_is_dir"))


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.csv", "文案\n被 Excel 锁住的文件\n")

    def locked(self):  # what Windows does while Excel has the file open; chmod can't fake it for root
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(Path, "read_bytes", locked)
    err = _raises(path, "file_unreadable")
    assert "(Permission denied)" in str(err) and "Excel" in str(err)


def test_empty_file(tmp_path):
    assert "is empty" in str(_raises(write(tmp_path, "empty.xlsx", b""), "file_empty"))


@pytest.mark.parametrize("name, raw", [
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200))),
    ("random.csv", bytes(random.Random(0).randrange(256) for _ in range(3000)) + b"\x00\x00"),
    ("archive.jsonl", b"PK\x03\x04" + b"\x14" * 40),
    ("utf16-no-bom.txt", "Soft towel 毛巾, no BOM".encode("utf-16-le")),
])
def test_binary_files(tmp_path, name, raw):
    err = _raises(write(tmp_path, name, raw), "file_binary")
    assert "binary" in str(err)


@pytest.mark.parametrize("name, body", [
    ("blank.txt", "\n   \n\u3000\u3000\n\t\r\n"),
    ("header-only.csv", "标题,文案\n\n,\n"),
    ("blank.jsonl", "\n\n  \n"),
    ("empty-texts.jsonl", '{"text": ""}\n{"text": null}\n'),
])
def test_blank_files(tmp_path, name, body):
    assert "only blank lines" in str(_raises(write(tmp_path, name, body), "file_blank"))


def test_named_column_missing_lists_columns(tmp_path):
    path = write(tmp_path, "shop.csv", "标题,文案\n毛巾,柔软亲肤的毛巾\n")
    err = _raises(path, "column_missing", text_column="正文")
    assert '"正文"' in str(err) and "Available columns: 标题, 文案" in str(err)
    _raises(path, "column_missing", prompt_column="提示")


@pytest.mark.parametrize("option", ["text_column", "prompt_column"])
def test_a_column_named_for_txt_or_jsonl_is_refused(tmp_path, option):
    txt = write(tmp_path, "copy.txt", "柔软亲肤的毛巾\n吸水快的毛巾\n")
    err = _raises(txt, "txt_has_no_columns", **{option: "文案"})
    assert "plain text file" in str(err) and '"文案"' in str(err)
    assert "纯文本" in err.message("zh") and str(txt) in err.message("zh")
    jsonl = write(tmp_path, "copy.jsonl", '{"prompt": "写毛巾", "completion": "柔软亲肤的毛巾"}\n')
    err = _raises(jsonl, "jsonl_has_no_columns", **{option: "copy"})
    assert '"copy"' in str(err) and all(f'"{f}"' in str(err) for f in ("text", "completion", "output", "prompt"))
    assert "JSON Lines" in err.message("zh")


def test_no_column_chosen_is_fine_for_txt_and_jsonl(tmp_path):
    # What the CLI (None) and the Data page ("" for "no prompt column") pass when nothing was chosen.
    txt = write(tmp_path, "copy.txt", "柔软亲肤的毛巾\n吸水快的毛巾\n")
    jsonl = write(tmp_path, "copy.jsonl", '{"prompt": "写毛巾", "completion": "柔软亲肤的毛巾"}\n')
    for text_column, prompt_column in [(None, None), (None, ""), ("", "")]:
        assert texts(load_data(txt, text_column=text_column, prompt_column=prompt_column)) == [
            "柔软亲肤的毛巾", "吸水快的毛巾"]
        assert load_data(jsonl, text_column=text_column, prompt_column=prompt_column).samples == (
            Sample("柔软亲肤的毛巾", "写毛巾"),)


def test_cli_refuses_a_column_for_txt_in_one_line(tmp_path, wenan_home):
    txt = write(tmp_path, "copy.txt", "柔软亲肤的毛巾\n吸水快的毛巾\n")
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", str(txt), "--name", "x",
                           "--text-column", "文案"], capture_output=True, text=True, timeout=300,
                          env=subprocess_env(wenan_home), cwd=ROOT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "plain text file" in proc.stderr


def test_no_text_column_and_blank_column(tmp_path):
    err = _raises(write(tmp_path, "numbers.csv", "id,price\n1,19.9\n2,39\n"), "no_text_column")
    assert "Columns: id, price" in str(err)
    path = write(tmp_path, "gaps.csv", "文案,备注\n,有备注的一行\n")
    assert "备注" in texts(load_data(path))[0]  # the empty named column is not guessed
    assert '"文案"' in str(_raises(path, "column_blank", text_column="文案"))


def test_undecodable_reports_line_and_offset(tmp_path):
    # \xff\xfe\xfa is valid cp1252 ("ÿþú"), but three in a row reads as no Western language.
    raw = b"ok line\nsecond line\nthird \xff\xfe\xfa bad\n"
    err = _raises(write(tmp_path, "mixed.txt", raw), "file_undecodable")
    assert "line 3, byte offset 26" in str(err)
    assert "第 3 行" in err.message("zh") and str(tmp_path / "mixed.txt") in err.message("zh")


@pytest.mark.parametrize("raw, where", [
    (b"\xef\xbb\xbf" + "第一行\n第二行".encode() + b"\xff\n", "line 2, byte offset 22"),
    ("第一行\n第二行\n".encode("utf-16") + b"\x00", "line 3, byte offset 18"),  # half a character
])
def test_undecodable_with_a_bom(tmp_path, raw, where):
    assert where in str(_raises(write(tmp_path, "bom.txt", raw), "file_undecodable"))


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setenv("WENAN_MAX_DATA_MB", "1")
    path = write(tmp_path, "huge.txt", b"a" * (3 * 2**20 + 10))
    err = _raises(path, "file_too_large")
    assert "3 MB" in str(err) and "1 MB" in str(err)
    monkeypatch.setenv("WENAN_MAX_DATA_MB", "lots")
    with pytest.raises(ConfigError, match="WENAN_MAX_DATA_MB"):
        load_data(path)


def test_default_size_limit_leaves_room_to_train(monkeypatch):
    import os

    import engine.common.memory
    from engine.data import max_data_bytes
    monkeypatch.delenv("WENAN_MAX_DATA_MB", raising=False)
    ram = windows_memory_status()[0] if sys.platform == "win32" else os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    # Preparing a file for training peaks at about 30 bytes of memory per byte of file
    # (measured on 50 MB of copy), so the limit must keep that under half the memory.
    assert 0 < max_data_bytes() * 30 <= ram / 2
    # a system that doesn't report its memory (this was every Windows machine) is not allowed 2 GB
    monkeypatch.setattr(engine.common.memory, "physical_memory", lambda: None)
    assert 0 < max_data_bytes() * 30 <= 8 * 2**30 / 2


def test_windows_memory_comes_from_the_system(monkeypatch):
    import engine.common.memory
    import engine.models.device
    monkeypatch.setattr(engine.common.memory.sys, "platform", "win32")
    monkeypatch.setattr(engine.common.memory, "windows_memory_status", lambda: (16 * 2**30, 5 * 2**30))
    assert engine.common.memory.physical_memory() == 16 * 2**30
    choice = engine.models.device.DeviceChoice("cpu", "fp32", "CPU (7 threads)", 16 * 2**30)
    assert engine.models.device.available_memory(choice) == 5 * 2**30
    monkeypatch.setattr(engine.common.memory, "windows_memory_status", lambda: None)
    assert engine.common.memory.physical_memory() is None and engine.models.device.available_memory(choice) == 16 * 2**30


def test_the_windows_memory_structure_has_the_documented_layout():
    # MEMORYSTATUSEX is 64 bytes on 32- and 64-bit Windows; a wrong field type shifts every figure after it
    assert ctypes.sizeof(MemoryStatusEx) == 64
    assert (MemoryStatusEx.ullTotalPhys.offset, MemoryStatusEx.ullAvailPhys.offset,
            MemoryStatusEx.ullAvailExtendedVirtual.offset) == (8, 16, 56)


@pytest.mark.skipif(sys.platform != "win32", reason="Windows only: the Windows job of .github/workflows/package.yml runs it")
def test_windows_memory_from_the_real_system_call():
    from engine.common.memory import available_ram, physical_memory
    total, free = windows_memory_status()
    # The same figure through another door: WMI's TotalPhysicalMemory
    proc = subprocess.run(["powershell", "-NoProfile", "-Command",
                           "(Get-CimInstance Win32_ComputerSystem).TotalPhysicalMemory"],
                          capture_output=True, text=True, timeout=120)
    wmi = int(proc.stdout.strip())
    assert abs(total - wmi) <= wmi * 0.02, (total, wmi)
    assert 0 < free <= total and physical_memory() == total and 0 < available_ram() <= total


@pytest.mark.parametrize("bad_line", ['{"text": "没有结尾"', '{"title": "未知字段"}', '["列表"]', '{"text": ["x"]}'])
def test_bad_jsonl_line(tmp_path, bad_line):
    body = '{"text": "第一行没问题"}\n\n' + bad_line + '\n{"text": "第四行"}\n'
    err = _raises(write(tmp_path, "bad.jsonl", body), "jsonl_bad_line")
    assert str(err).startswith("Line 3 of ")


@pytest.mark.parametrize("raw", [b"PK\x03\x04" + b"\x00" * 100, "标题,文案\n毛巾,好用\n".encode("utf-8")])
def test_corrupt_xlsx(tmp_path, raw):
    err = _raises(write(tmp_path, "broken.xlsx", raw), "xlsx_unreadable")
    assert "Excel workbook" in str(err)


def test_unsupported_formats(tmp_path):
    assert "(.docx)" in str(_raises(write(tmp_path, "copy.docx", "文案"), "file_format"))
    assert "old Excel file" in str(_raises(write(tmp_path, "copy.XLS", "文案"), "xls_old"))


def test_too_few_samples(tmp_path):
    path = write(tmp_path, "few.txt", "唯一一条文案\n短\n唯一一条文案\n")
    err = _raises(path, "too_few_samples", min_samples=2)
    assert "Only 1 usable samples" in str(err) and "at least 2" in str(err)


# ---- cleaning ----

def test_clean_report_counts(tmp_path):
    samples = [
        Sample("  新款\u3000\u3000毛巾\t柔软\u00a0 "),                          # whitespace
        Sample("<p>纯棉&amp;亲肤</p><br/>&#x4e2d;国制造 &lt;b&gt;"),          # html + whitespace
        Sample("客服电话 13812345678 或 0571-88881234，邮箱 shop@example.com"),  # 2 phones, 1 email
        Sample("身份证 11010519491231002X 请保密"),                           # 1 id
        Sample("call (555) 123-4567 or +86 139 1234 5678"),                  # 2 phones
        Sample("新款 毛巾 柔软"),                                              # duplicate of the first
        Sample("短"),                                                        # too short
        Sample("<br>"),                                                      # html, then empty
        Sample("\u3000 "),                                                   # whitespace, then empty
    ]
    kept, report = clean_samples(samples)
    assert [s.text for s in kept] == [
        "新款 毛巾 柔软", "纯棉&亲肤\n中国制造 <b>", "客服电话 [PHONE] 或 [PHONE]，邮箱 [EMAIL]",
        "身份证 [ID] 请保密", "call [PHONE] or [PHONE]"]
    assert report == CleanReport(input_samples=9, html_stripped=2, whitespace_normalized=4, phones_masked=4,
                                 emails_masked=1, ids_masked=1, empty_dropped=2, short_dropped=1,
                                 duplicates_dropped=1, kept=5)


def test_clean_pairs():
    samples = [Sample("柔软亲肤的毛巾", "<b>毛巾</b>"), Sample("柔软亲肤的毛巾", "毛巾"),
               Sample("柔软亲肤的毛巾", "浴巾"), Sample("短", "很长很长的提示也救不了太短的文案"),
               Sample("保温很久的杯子", "杯"), Sample("没有提示的文案", "  ")]
    kept, report = clean_samples(samples)
    assert kept == [Sample("柔软亲肤的毛巾", "毛巾"), Sample("柔软亲肤的毛巾", "浴巾"),
                    Sample("保温很久的杯子", "杯"), Sample("没有提示的文案", None)]
    assert (report.duplicates_dropped, report.short_dropped, report.html_stripped) == (1, 1, 1)


def test_clean_options_can_be_turned_off():
    raw = "<b>电话</b>  13812345678"
    assert clean_text(raw) == "电话 [PHONE]"
    assert clean_text(raw, CleanOptions(mask_pii=False)) == "电话 13812345678"
    assert clean_text(raw, CleanOptions(strip_html=False, normalize_whitespace=False)) == "<b>电话</b>  [PHONE]"
    kept, report = clean_samples([Sample("同一句话"), Sample("同一句话"), Sample("短")],
                                 CleanOptions(dedupe=False, min_chars=1))
    assert len(kept) == 3 and report.duplicates_dropped == 0


def test_clean_leaves_ordinary_text_alone():
    text = "买2送1 <赠品> 价格 a < b，订单号 202312150000123456、9110105194912310021，AT&T 与 R&D，2024-01-05"
    assert clean_text(text) == text


def test_load_data_applies_cleaning(tmp_path):
    path = write(tmp_path, "dirty.txt", "<p>联系 a@b.cn 下单</p>\n<p>联系 a@b.cn 下单</p>\n好的\n")
    data = load_data(path)
    assert texts(data) == ["联系 [EMAIL] 下单"]
    assert (data.report.input_samples, data.report.duplicates_dropped, data.report.short_dropped) == (3, 1, 1)
    raw = load_data(path, clean=CleanOptions(strip_html=False, mask_pii=False, dedupe=False, min_chars=0))
    assert texts(raw)[0] == "<p>联系 a@b.cn 下单</p>" and len(raw.samples) == 3


def test_ten_megabytes_load_in_reasonable_time(tmp_path):
    base = "这款竹纤维毛巾柔软亲肤，吸水性强不掉毛。全家适用，清洗方便！夏季新款纯棉，透气舒适。" * 40
    lines = [f"第{i}条<b>{base[i % 997:i % 997 + 20 + i % 101]}</b> 电话13812345678" for i in range(45000)]
    path = write(tmp_path, "big.txt", "\n".join(lines))
    assert path.stat().st_size > 10 * 10**6
    start = time.perf_counter()
    data = load_data(path)
    # A ceiling for a busy 2-core CI machine, far above the target (< 5 s) that bench/data_load_speed.py checks:
    # it catches work that grows with the square of the file, not a slow machine.
    assert time.perf_counter() - start < 60.0
    assert data.report.phones_masked == data.report.html_stripped == len(data.samples) == len(lines)


# ---- split, stats, preview ----

def _dataset(tmp_path, n: int, name: str = "many.txt") -> DataSet:
    return load_data(write(tmp_path, name, "\n".join(f"第{i}条不同的文案" for i in range(n))))


def test_split_is_deterministic(tmp_path):
    data = _dataset(tmp_path, 200)
    train, val = data.split(0.1, seed=3)
    assert (train, val) == data.split(0.1, seed=3)
    assert len(val) == 20 and len(train) == 180
    assert set(s.text for s in train).isdisjoint(s.text for s in val)
    assert data.split(0.1, seed=4)[1] != val
    # the same samples in another order get the same validation set
    shuffled = list(reversed(texts(data)))
    other = load_data(write(tmp_path, "reversed.txt", "\n".join(shuffled)))
    assert {s.text for s in other.split(0.1, seed=3)[1]} == {s.text for s in val}


def test_split_small_sets(tmp_path):
    two = _dataset(tmp_path, 2, "two.txt")
    train, val = two.split(0.05)
    assert len(train) == 1 and len(val) == 1
    assert len(_dataset(tmp_path, 30, "thirty.txt").split(0.0)[1]) == 1
    one = _dataset(tmp_path, 1, "one.txt")
    assert one.split(0.5) == ([one.samples[0]], [])
    with pytest.raises(ConfigError):
        two.split(1.5)


def test_stats_with_a_real_tokenizer(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    path = write(tmp_path, "pairs.jsonl", "\n".join([
        json.dumps({"text": "竹纤维毛巾，柔软亲肤"}, ensure_ascii=False),
        json.dumps({"prompt": "写广告语", "completion": "一擦就干，全家都爱用"}, ensure_ascii=False)]))
    data = load_data(path)
    raw_tok = Tokenizer(models.BPE())
    raw_tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=300, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    raw_tok.train_from_iterator(["竹纤维毛巾，柔软亲肤", "写广告语", "一擦就干，全家都爱用"], trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw_tok)

    read = ["竹纤维毛巾，柔软亲肤", "写广告语\n一擦就干，全家都爱用"]
    stats = data.stats(tokenizer)
    assert stats.samples == 2 and stats.chars == sum(map(len, read)) and stats.max_chars == len(read[1])
    assert stats.mean_chars == pytest.approx(sum(map(len, read)) / 2)
    assert stats.tokens == sum(len(raw_tok.encode(t).ids) for t in read) > 0
    assert data.stats().tokens is None


def test_count_tokens_in_batches(trained_tokenizer):
    from engine.data import count_tokens
    calls = []

    def tokenizer(batch):  # the real tokenizer, watched to see how it is called
        calls.append(len(batch))
        return trained_tokenizer(batch)

    texts = [f"青禾竹纤维毛巾第{i}号" for i in range(2500)]
    assert count_tokens(tokenizer, texts) == sum(len(trained_tokenizer(t)["input_ids"]) for t in texts)
    assert calls == [1000, 1000, 500]
    assert count_tokens(tokenizer, []) == 0


def test_preview(tmp_path):
    data = _dataset(tmp_path, 30)
    assert data.preview(3) == list(data.samples[:3])
    assert data.preview(3)[0].text == "第0条不同的文案"
    assert len(data.preview()) == 20 and len(data.preview(100)) == 30
