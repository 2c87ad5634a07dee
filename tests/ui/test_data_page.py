"""The Data page: column mapping, cleaning options, drag and drop, and what training gets."""
from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from engine.common.paths import resources_dir
from engine.data import CleanOptions
from ui.data_load import load_for_preview, training_source

LONG = 120_000  # ms, as in conftest: a loaded 2-core machine

PAIRS = resources_dir() / "samples" / "shop_pairs.csv"


def test_table_columns_are_guessed_and_can_be_changed(qtbot, window, driver):
    page = window.data_page
    driver.load(str(PAIRS))
    assert page.columns_box.isVisible()
    assert page.text_combo.currentData() == "copy" and page.prompt_combo.currentData() == "prompt"
    assert window.state.data.data.is_pairs
    assert page.model.columnCount() == 2 and page.model.headerData(0, Qt.Orientation.Horizontal) == "Prompt"

    page.prompt_combo.setCurrentIndex(page.prompt_combo.findData(""))  # "(none)"
    with qtbot.waitSignal(page.loaded, timeout=LONG):
        page.reload()
    assert not window.state.data.data.is_pairs and page.model.columnCount() == 1


def test_another_choice_of_columns_uses_the_file_as_it_was_read(qtbot, window, driver, tmp_path):
    copy = tmp_path / "pairs.csv"
    copy.write_bytes(PAIRS.read_bytes())
    page = window.data_page
    driver.load(str(copy))
    copy.unlink()  # a column change reads nothing again, so it works even now
    page.prompt_combo.setCurrentIndex(page.prompt_combo.findData(""))
    with qtbot.waitSignal(page.loaded, timeout=LONG):
        page.reload()
    assert not page.problem.isVisible() and not window.state.data.data.is_pairs


def test_cleaning_options_change_the_statistics(qtbot, window, driver):
    page = window.data_page
    driver.load()
    before = window.state.data.stats.samples
    with qtbot.waitSignal(page.loaded, timeout=LONG):
        page.min_chars.setValue(40)  # reloads after a short pause
    after = window.state.data
    assert after.stats.samples < before and after.data.report.short_dropped > 0
    assert after.clean.min_chars == 40
    labels = [page.stats_form.itemAt(i, page.stats_form.ItemRole.LabelRole).widget().text()
              for i in range(1, page.stats_form.rowCount())]
    assert "Dropped:" in labels


def test_dropping_a_file_on_the_window_loads_it(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(PAIRS))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    window.show_page("history")
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.data_page.loaded, timeout=LONG):
        QApplication.sendEvent(window, drop)
    assert window.current_page() == "data"
    assert window.state.data.name == "shop_pairs.csv"


def test_training_gets_exactly_the_previewed_samples(wenan_home):
    default = load_for_preview(PAIRS)
    assert training_source(default) == (str(PAIRS), "copy", "prompt")  # the engine cleans it the same way

    strict = load_for_preview(PAIRS, clean=CleanOptions(min_chars=120))
    file, text_column, prompt_column = training_source(strict)
    assert (text_column, prompt_column) == (None, None) and file.endswith(".jsonl")
    rows = [json.loads(line) for line in open(file, encoding="utf-8")]
    assert [(r["prompt"], r["text"]) for r in rows] == [(s.prompt, s.text) for s in strict.data.samples]
    assert training_source(strict)[0] == file  # same bytes again, so a resumed run sees the same data
