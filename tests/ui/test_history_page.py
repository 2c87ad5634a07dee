"""The History page on a real history file: search, filters, the detail, favorites, delete and
undo, clear all, export, re-run, a damaged file, and keeping up with the Write page."""
from __future__ import annotations

import csv
import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from engine.history import AI_LABEL, COLUMNS
from engine.history.schema import APPLICATION_ID
from engine.quality import CheckContext, check_variant
from engine.writing import GenerateConfig

LONG = 120_000
MASK = "面膜"


def add(history, texts, *, model="shop-m1", scenario="detail", prompt="场景：商品详情\n产品：补水面膜",
        fields=None, seed=7, days_ago=0, flags=None) -> int:
    """One run as the Write page saves it; `flags` go on the first variant."""
    variants = [{"text": text, "flags": flags if i == 0 and flags else []} for i, text in enumerate(texts)]
    cfg = GenerateConfig(prompt=prompt, n=len(texts), max_new_tokens=96, temperature=0.6, top_k=0)
    return history.add_run(model, prompt, cfg, seed, variants, scenario=scenario, fields=fields,
                           created_at=datetime.now(timezone.utc) - timedelta(days=days_ago))


def seed_shop(history) -> dict[str, int]:
    """Five drafts: two about 面膜 (one old), a towel, and two English ones from another model."""
    return {
        "mask": add(history, ["补水面膜，一片喝饱水", "熬夜急救面膜"]),
        "old_mask": add(history, ["去年的面膜文案"], days_ago=40),
        "towel": add(history, ["竹纤维毛巾，吸水快"], scenario="slogan", prompt="场景：广告语\n产品：竹纤维毛巾"),
        "candle": add(history, ["Soy wax candle, white tea", "A calm evening in a jar"], model="shop-en",
                      scenario="social", prompt="Scenario: Social post\nProduct: candle"),
    }


def texts(page) -> list[str]:
    return [page.model.row(r).text for r in range(page.model.rowCount())]


def open_history(qtbot, window):
    page = window.history_page
    window.show_page("history")
    qtbot.waitUntil(lambda: not page._stale, timeout=LONG)
    return page


def reload(qtbot, page, action) -> None:
    with qtbot.waitSignal(page.refreshed, timeout=LONG):
        action()


def select(page, rows: list[int]) -> None:
    selection = page.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Rows
    selection.setCurrentIndex(page.model.index(rows[0], 1), flags | QItemSelectionModel.SelectionFlag.ClearAndSelect)
    for r in rows[1:]:
        selection.select(page.model.index(r, 1), flags | QItemSelectionModel.SelectionFlag.Select)


# ---- finding drafts ----

@pytest.fixture
def long_search_pause(monkeypatch):
    """A typing pause longer than any test waits, so no search starts on its own while a test types.

    Request it before `window`: the page reads the delay when it is built.
    """
    from ui.pages import history_filter

    monkeypatch.setattr(history_filter, "SEARCH_DELAY_MS", 10 * LONG)


def search_now(qtbot, page, text: str) -> None:
    """Type `text` and press Enter, which searches without waiting for the pause."""
    page.filters.search.setText(text)
    qtbot.keyClick(page.filters.search, Qt.Key.Key_Return)


def test_typing_searches_once_after_the_pause(qtbot):
    from ui.pages.history_filter import HistoryFilterBar

    bar = HistoryFilterBar()
    qtbot.addWidget(bar)
    changes = []
    bar.changed.connect(lambda: changes.append(bar.search.text()))
    with qtbot.waitSignal(bar.changed, timeout=LONG):
        bar.search.insert(MASK[0])  # two keys before the event loop runs: inside any pause
        bar.search.insert(MASK[1])
        assert changes == []  # still typing: nothing searched yet
    qtbot.wait(10)
    assert changes == [MASK[:2]]  # then one search, for the whole text


def test_chinese_search_finds_the_right_rows(qtbot, long_search_pause, window):
    page = open_history(qtbot, window)
    assert page.empty_text.isVisible() and "No drafts yet" in page.empty_text.text()
    page.empty_button.click()  # the empty history leads to where drafts come from
    assert window.current_page() == "write"

    seed_shop(window.state.history())
    window.state.history_changed.emit()  # as the Write page does after saving
    page = open_history(qtbot, window)
    assert page.table.isVisible() and page.count_label.text() == "Drafts: 6"
    assert texts(page)[0] == "Soy wax candle, white tea"  # newest first

    reloads = []
    page.refreshed.connect(lambda: reloads.append(1))
    window.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=LONG)
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filters.search.hasFocus()
    page.filters.search.insert(MASK[0])  # typed a character at a time (QTest cannot type Chinese keys)
    qtbot.wait(50)
    page.filters.search.insert(MASK[1])
    qtbot.wait(50)
    assert reloads == []  # still typing: nothing searched yet
    with qtbot.waitSignal(page.refreshed, timeout=LONG):
        qtbot.keyClick(page.filters.search, Qt.Key.Key_Return)  # Enter searches without waiting for the pause
    qtbot.wait(50)
    assert len(reloads) == 1  # once
    assert sorted(texts(page)) == sorted(["补水面膜，一片喝饱水", "熬夜急救面膜", "去年的面膜文案"])
    assert page.count_label.text() == "Matching: 3 of 6"

    reload(qtbot, page, lambda: search_now(qtbot, page, "毛巾 吸水"))  # every word must occur
    assert texts(page) == ["竹纤维毛巾，吸水快"]
    reload(qtbot, page, lambda: search_now(qtbot, page, "口红"))
    assert page.empty_text.isVisible() and "No drafts match" in page.empty_text.text()
    assert page.count_label.text() == "Matching: 0 of 6"
    reload(qtbot, page, page.empty_button.click)  # "Show all drafts"
    assert page.filters.search.text() == "" and page.model.total == 6


def test_model_scenario_favorite_and_date_filters(qtbot, window):
    history = window.state.history()
    runs = seed_shop(history)
    favorite = history.get_run(runs["towel"]).variants[0].id
    history.set_favorite(favorite)
    page = open_history(qtbot, window)
    filters = page.filters
    models = [filters.model_combo.itemData(i) for i in range(filters.model_combo.count())]
    assert models == [None, "shop-en", "shop-m1"]

    reload(qtbot, page, lambda: filters.model_combo.setCurrentIndex(filters.model_combo.findData("shop-en")))
    assert texts(page) == ["Soy wax candle, white tea", "A calm evening in a jar"]
    reload(qtbot, page, lambda: filters.model_combo.setCurrentIndex(0))
    reload(qtbot, page, lambda: filters.scenario_combo.setCurrentIndex(filters.scenario_combo.findData("slogan")))
    assert texts(page) == ["竹纤维毛巾，吸水快"]
    reload(qtbot, page, lambda: filters.scenario_combo.setCurrentIndex(0))
    reload(qtbot, page, lambda: filters.favorites_check.setChecked(True))
    assert texts(page) == ["竹纤维毛巾，吸水快"] and page.model.data(page.model.index(0, 0)) == "★"
    reload(qtbot, page, lambda: filters.favorites_check.setChecked(False))

    reload(qtbot, page, lambda: filters.date_combo.setCurrentIndex(filters.date_combo.findData("30d")))
    assert "去年的面膜文案" not in texts(page) and page.model.total == 5
    assert not filters.from_edit.isVisible()
    reload(qtbot, page, lambda: filters.date_combo.setCurrentIndex(filters.date_combo.findData("custom")))
    assert filters.from_edit.isVisible() and filters.to_edit.isVisible()
    day = datetime.now().date() - timedelta(days=40)
    filters.to_edit.setDate(day)
    reload(qtbot, page, lambda: filters.from_edit.setDate(day - timedelta(days=1)))
    assert texts(page) == ["去年的面膜文案"]

    window.set_language("zh")  # the list follows the language: scenario names come from the engine
    assert page.model.data(page.model.index(0, 3)) == "商品详情"
    window.set_language("en")
    assert page.model.data(page.model.index(0, 3)) == "Product detail"


def test_a_long_history_loads_a_page_at_a_time(qtbot, window):
    history = window.state.history()
    for batch in range(5):
        add(history, [f"面膜草稿 {batch}-{i}" for i in range(100)])
    page = open_history(qtbot, window)
    assert page.model.total == 500 and page.count_label.text() == "Drafts: 500"
    assert page.model.rowCount() == 200  # the rest waits until the list scrolls there
    bar = page.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: page.model.rowCount() == 400, timeout=LONG)
    select(page, [399])
    assert page.detail.text_view.toPlainText() == page.model.row(399).text


# ---- the detail ----

def test_the_detail_shows_the_request_settings_seed_and_checks(qtbot, window):
    history = window.state.history()
    flags = [f.to_dict() for f in check_variant("全网最好的补水面膜", CheckContext(scenario="detail"))]
    assert flags and flags[0]["suggestion"]
    run = add(history, ["全网最好的补水面膜", "温和补水的面膜"], fields={"product": "补水面膜", "tone": "亲切"},
              seed=4242, flags=flags)
    page = open_history(qtbot, window)
    detail = page.detail
    select(page, [0])
    assert detail.text_view.toPlainText() == "全网最好的补水面膜"
    info = detail.info.toPlainText()
    for expected in ("场景：商品详情", "产品：补水面膜", "Product: 补水面膜", "Tone: 亲切", "shop-m1", "Product detail",
                     "4242", "temperature 0.60", "top-k off", "length (tokens) 96", "AI-generated"):
        assert expected in info, expected
    shown = detail.flags_label.text()
    assert "最好" in shown and flags[0]["suggestion"] in shown  # the softer wording, said once
    assert shown.count(flags[0]["suggestion"]) == 1
    assert "⚠" in page.model.data(page.model.index(0, 6))

    select(page, [1])
    assert "found nothing" in detail.flags_label.text() and not detail.original_toggle.isVisible()

    variant = history.get_run(run).variants[1].id
    history.edit_variant(variant, "我改过的面膜文案")
    reload(qtbot, page, window.state.history_changed.emit)
    assert detail.text_view.toPlainText() == "我改过的面膜文案" and detail.original_toggle.isVisible()
    detail.original_toggle.click()
    assert detail.text_view.toPlainText() == "温和补水的面膜"
    detail.copy_button.click()
    assert QGuiApplication.clipboard().text() == "温和补水的面膜"

    window.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=LONG)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert detail.text_view.hasFocus()


def test_favorites_persist_and_tell_the_other_pages(qtbot, window):
    history = window.state.history()
    run = add(history, ["补水面膜", "熬夜面膜"])
    page = open_history(qtbot, window)
    select(page, [0])
    with qtbot.waitSignal(window.state.history_changed, timeout=LONG):
        page.detail.favorite_button.click()
    first, second = history.get_run(run).variants
    assert first.favorite and not second.favorite
    assert page.model.data(page.model.index(0, 0)) == "★"

    star = page.table.visualRect(page.model.index(1, 0)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=star)  # the star column toggles
    assert history.get_run(run).variants[1].favorite and page.detail.favorite_button.isChecked()
    page.detail.favorite_button.click()
    assert [v.favorite for v in history.get_run(run).variants] == [True, False]


def test_copying_selected_rows_with_ctrl_c(qtbot, window):
    add(window.state.history(), ["第一条", "第二条", "第三条"])
    page = open_history(qtbot, window)
    select(page, [0, 2])
    window.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=LONG)
    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "第一条\n\n第三条"


# ---- deleting ----

def test_delete_key_removes_the_selection_and_undo_brings_it_back(qtbot, window):
    history = window.state.history()
    seed_shop(history)
    page = open_history(qtbot, window)
    select(page, [1, 2])
    doomed = [page.model.row(1).text, page.model.row(2).text]
    window.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=LONG)
    with qtbot.waitSignal(window.state.history_changed, timeout=LONG):
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.count_label.text() == "Drafts: 4" and not set(doomed) & set(texts(page))
    assert history.count() == 4
    assert page.undo_bar.isVisible() and page.undo_bar.text() == "Deleted 2 drafts."
    assert page.table.selected_rows() == [1]  # the next draft takes the deleted ones' place

    page.undo_bar.undo_button.click()
    assert not page.undo_bar.isVisible() and history.count() == 6 and page.model.total == 6
    assert [page.model.row(r).text for r in page.table.selected_rows()] == doomed

    select(page, [0])
    page.detail.delete_button.click()
    assert page.undo_bar.text() == "Deleted 1 draft." and history.count() == 5


def test_clear_all_asks_first_and_says_how_many(qtbot, window, dialogs):
    history = window.state.history()
    seed_shop(history)
    page = open_history(qtbot, window)
    dialogs.answer = QMessageBox.StandardButton.No
    page.clear_button.click()
    assert "all 6 drafts" in dialogs.asked[-1] and "cannot be undone" in dialogs.asked[-1]
    assert history.count() == 6 and page.model.total == 6

    dialogs.answer = QMessageBox.StandardButton.Yes
    page.clear_button.click()
    assert history.count() == 0 and page.model.rowCount() == 0
    assert page.empty_text.isVisible() and "No drafts yet" in page.empty_text.text()
    assert not page.clear_button.isEnabled() and not page.export_button.isEnabled()


# ---- export ----

def read_csv(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read Chinese
    with open(path, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == list(COLUMNS)
    return [dict(zip(COLUMNS, row)) for row in table[1:]]


def export(qtbot, page, dialogs, scope: str, path: Path):
    dialogs.files.append(str(path))
    with qtbot.waitSignal(page.exporter.finished, timeout=LONG) as done:
        page.export_actions[scope].trigger()
    return done.args[0]


def test_export_of_the_selection_the_filter_and_everything(qtbot, window, dialogs, tmp_path):
    seed_shop(window.state.history())
    page = open_history(qtbot, window)
    select(page, [0, 3])
    chosen = [page.model.row(0).text, page.model.row(3).text]
    written = export(qtbot, page, dialogs, "selection", tmp_path / "selected")  # no suffix: CSV
    assert written == tmp_path / "selected.csv"
    rows = read_csv(written)
    assert [r["text"] for r in rows] == chosen and all(r["ai_label"] == AI_LABEL for r in rows)
    assert page.exporter.message.isVisible() and str(written) in page.exporter.message.text()
    assert "Exported 2 drafts" in page.exporter.message.text() and page.exporter.open_button.isVisible()

    reload(qtbot, page, lambda: page.filters.search.setText(MASK))
    written = export(qtbot, page, dialogs, "filter", tmp_path / "masks.xlsx")
    sheet = openpyxl.load_workbook(written).active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == list(COLUMNS)
    assert sorted(r[COLUMNS.index("text")] for r in table[1:]) == sorted(
        ["补水面膜，一片喝饱水", "熬夜急救面膜", "去年的面膜文案"])
    assert {r[COLUMNS.index("ai_label")] for r in table[1:]} == {AI_LABEL}

    written = export(qtbot, page, dialogs, "all", tmp_path / "all.csv")
    assert len(read_csv(written)) == 6


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder no export can write into: read-only, or (for root, whom chmod cannot stop) a plain file."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        folder.chmod(0o755)
        folder.rmdir()
        folder.write_text("a file where the folder should be")
    return folder


def test_an_export_that_cannot_be_written_says_so_and_leaves_nothing(qtbot, window, dialogs, tmp_path):
    seed_shop(window.state.history())
    page = open_history(qtbot, window)
    folder = unwritable_folder(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    written = export(qtbot, page, dialogs, "all", folder / "drafts.xlsx")
    assert written is None
    message = page.exporter.message.text()
    assert message.startswith("Could not export: Cannot write to") and "drafts.xlsx" in message
    assert not page.exporter.open_button.isVisible()
    assert sorted(tmp_path.rglob("*")) == before  # no partial or temporary file
    folder.chmod(0o755)


# ---- re-run ----

def test_rerun_sends_the_same_request_to_the_write_page(qtbot, window):
    history = window.state.history()
    run = add(history, ["补水面膜"], fields={"product": "补水面膜"}, seed=99)
    page = open_history(qtbot, window)
    select(page, [0])
    with qtbot.waitSignal(window.state.rerun, timeout=LONG) as sent:
        page.detail.rerun_button.click()
    request = sent.args[0]
    assert request == history.rerun_request(run)
    assert (request.model, request.config.seed, request.config.temperature, request.fields) == (
        "shop-m1", 99, 0.6, {"product": "补水面膜"})
    assert window.current_page() == "write"


# ---- the file itself ----

@pytest.fixture
def damaged_history(wenan_home) -> Path:
    path = wenan_home / "history.sqlite3"
    path.write_bytes(b"\x00garbage, not a database\xff" * 200)
    return path


def test_a_damaged_history_is_set_aside_with_a_notice_and_the_page_works(qtbot, damaged_history, window):
    page = open_history(qtbot, window)
    assert page.notice.isVisible() and "was damaged" in page.notice.text()
    assert not page.problem.isVisible() and page.model.total == 0
    assert list(damaged_history.parent.glob("history.sqlite3.corrupt-*"))

    add(window.state.history(), ["新的面膜文案"])
    reload(qtbot, page, window.state.history_changed.emit)
    assert texts(page) == ["新的面膜文案"]


@pytest.fixture
def newer_history(wenan_home) -> Path:
    path = wenan_home / "history.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 99; CREATE TABLE t (x);")
    db.close()
    return path


def test_a_history_that_cannot_be_opened_is_explained_inline(qtbot, newer_history, window):
    page = open_history(qtbot, window)
    assert page.problem.isVisible() and page.retry_button.isVisible()
    assert "newer version of Wenan Studio" in page.problem.text()
    assert page.model.rowCount() == 0 and not page.clear_button.isEnabled()
    window.set_language("zh")  # the message is drawn again, in Chinese, from the error it keeps
    assert "更新版本的文案工坊" in page.problem.text(), page.problem.text()
    window.set_language("en")
    assert "newer version of Wenan Studio" in page.problem.text()


def test_saved_drafts_appear_when_the_page_is_shown(qtbot, window):
    history = window.state.history()
    page = open_history(qtbot, window)
    add(history, ["刚写好的面膜文案"])
    reload(qtbot, page, window.state.history_changed.emit)  # shown: follows at once
    assert texts(page) == ["刚写好的面膜文案"]

    window.show_page("write")
    reloads = []
    page.refreshed.connect(lambda: reloads.append(1))
    add(history, ["又一条"])
    window.state.history_changed.emit()
    window.state.history_changed.emit()
    qtbot.wait(50)
    assert reloads == [] and page._stale  # hidden: nothing is read until it is shown
    window.show_page("history")
    assert reloads == [1] and texts(page)[0] == "又一条"
