"""File → Batch: a real product sheet drafted by the real tiny model, cancel and resume,
a missing required column and an unreadable file, all through the dialog's widgets."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.writing.batch import LABEL_COLUMN, LABEL_VALUE, journal_path
from ui.dialogs.batch import BatchDialog
from ui.session import AppState
from ui.settings import AppSettings
from ui.worker import running_jobs

LONG = 120_000
PRODUCTS = [("竹纤维毛巾", "柔软 吸水快", "新手爸妈"),
            ("316不锈钢保温杯", "保温12小时", "上班族"),
            ("青禾手工皂", "温和 不刺激", "敏感肌")]


def _sheet(folder: Path, header=("产品", "卖点", "受众"), rows=PRODUCTS) -> Path:
    path = folder / "products.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    return table[0], [dict(zip(table[0], row)) for row in table[1:]]


@pytest.fixture
def open_dialog(qtbot, dialogs):
    """A dialog on its own AppState, shown; qtbot closes it at the end, once no job runs."""
    opened = []

    def make() -> BatchDialog:
        dialog = BatchDialog(AppState(AppSettings()))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog, timeout=LONG)
        opened.append(dialog)
        return dialog
    yield make
    for dialog in opened:
        if dialog.is_running():
            with qtbot.waitSignal(dialog.batch_finished, timeout=LONG):
                dialog.cancel()


def _load(qtbot, dialog: BatchDialog, path: Path) -> None:
    panel = dialog.sheet_panel
    with qtbot.waitSignal(panel.sheet_read, timeout=LONG):
        panel.sheet_edit.setText(str(path))
        panel.sheet_edit.editingFinished.emit()


def _prepare(qtbot, dialog: BatchDialog, sheet: Path, out: Path, n: int) -> None:
    _load(qtbot, dialog, sheet)
    dialog.out_edit.setText(str(out))
    dialog.n_spin.setValue(n)


def test_batch_writes_a_copy_sheet(qtbot, open_dialog, ui_model, tmp_path):
    dialog = open_dialog()
    panel = dialog.sheet_panel
    assert dialog.model_combo.currentData() == ui_model
    _load(qtbot, dialog, _sheet(tmp_path))
    assert not panel.sheet_message.isVisible()
    assert panel.preview.rowCount() == 3 and panel.preview.item(0, 0).text() == "竹纤维毛巾"
    assert "3 products" in panel.sheet_info.text()
    assert panel.mapping_combos["product"].currentData() == "产品"  # the default mapping, pre-filled
    assert panel.mapping_combos["selling_points"].currentData() == "卖点"
    assert panel.mapping_combos["tone"].currentData() == ""          # "(none)"
    assert dialog.out_path() == tmp_path / "products-copy.xlsx"      # next to the sheet by default

    out = tmp_path / "copy.csv"
    dialog.out_edit.setText(str(out))
    dialog.n_spin.setValue(2)
    assert dialog.start_button.isEnabled()
    with qtbot.waitSignal(dialog.batch_finished, timeout=LONG) as done:
        dialog.start_button.click()
        assert dialog.is_running() and not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
    result = done.args[0]
    assert result is not None and not result.cancelled and result.done_rows == 3

    header, rows = _read_csv(out)
    assert header == ["产品", "卖点", "受众", "variant_1", "flags_1", "variant_2", "flags_2", LABEL_COLUMN]
    assert [r["产品"] for r in rows] == [p[0] for p in PRODUCTS]
    assert all(r["variant_1"].strip() and r[LABEL_COLUMN] == LABEL_VALUE for r in rows)
    variants = sum(bool(r[f"variant_{i}"].strip()) for r in rows for i in (1, 2))
    flagged = sum(bool(r[f"variant_{i}"].strip() and r[f"flags_{i}"].strip()) for r in rows for i in (1, 2))
    summary = dialog.summary.text()
    assert dialog.summary.isVisible() and dialog.open_file_button.isVisible() and dialog.open_folder_button.isVisible()
    assert f"3 products, {variants} variants, {flagged} of them flagged" in summary and "copy.csv" in summary
    assert dialog.progress.value() == 3 and dialog.start_button.isEnabled() and not dialog.message.isVisible()


def test_cancel_then_start_continues_where_it_stopped(qtbot, open_dialog, ui_model, tmp_path, engine_gate):
    import ui.dialogs.batch

    dialog = open_dialog()
    out = tmp_path / "copy.csv"
    _prepare(qtbot, dialog, _sheet(tmp_path), out, 2)
    # Stop while the second product is being drafted: the first one is on disk by then. The
    # batch waits there for the click, however fast the machine.
    engine_gate.hold(ui.dialogs.batch, "run_batch", "on_event", ("rows", 1))

    with qtbot.waitSignal(dialog.batch_finished, timeout=LONG) as stopped:
        dialog.start_button.click()
        engine_gate.wait(qtbot)
        qtbot.waitUntil(lambda: dialog.last_event is not None and dialog.last_event.done_rows >= 1, timeout=LONG)
        dialog.cancel_button.click()
        assert not dialog.cancel_button.isEnabled() and "Stopping" in dialog.status.text()
    first = stopped.args[0]
    assert first.cancelled and first.done_rows == 1
    assert journal_path(out).is_file()
    assert dialog.resume_note.isVisible()
    assert f"{first.done_rows} of 3 products are already done — Start continues from there" in \
        dialog.resume_note.text()
    assert f"{first.done_rows} of 3 products are done" in dialog.status.text()

    with qtbot.waitSignal(dialog.batch_finished, timeout=LONG) as finished:
        dialog.start_button.click()
    second = finished.args[0]
    assert not second.cancelled and second.resumed_rows == first.done_rows and second.done_rows == 3
    _, rows = _read_csv(out)
    assert [r["产品"] for r in rows] == [p[0] for p in PRODUCTS]  # every product exactly once, in order
    assert all(r["variant_1"].strip() for r in rows)
    assert not journal_path(out).exists() and not dialog.resume_note.isVisible()


def test_missing_required_column_keeps_start_disabled(qtbot, open_dialog, ui_model, tmp_path):
    dialog = open_dialog()
    panel = dialog.sheet_panel
    _load(qtbot, dialog, _sheet(tmp_path, header=("名字", "卖点", "受众")))
    assert panel.mapping_combos["product"].currentData() == ""
    assert panel.mapping_message.isVisible()
    assert 'no column for "Product (产品)"' in panel.mapping_message.text()
    assert "名字" in panel.mapping_message.text()  # it lists the columns there are
    assert not dialog.start_button.isEnabled()

    panel.mapping_combos["product"].setCurrentIndex(panel.mapping_combos["product"].findData("名字"))
    assert not panel.mapping_message.isVisible() and dialog.start_button.isEnabled()

    review = dialog.scenario_combo.findData("review_reply")  # a reply needs the customer's review too
    dialog.scenario_combo.setCurrentIndex(review)
    assert "review" in panel.mapping_combos and not dialog.start_button.isEnabled()
    assert "Customer review" in panel.mapping_message.text()
    assert "never writes reviews" in dialog.scenario_hint.text()


def test_unreadable_sheet_shows_the_problem_inline(qtbot, open_dialog, ui_model, tmp_path):
    dialog = open_dialog()
    panel = dialog.sheet_panel
    bad = tmp_path / "products.csv"
    bad.write_bytes(b"PK\x03\x04\x00\x00binary\x00\x01\x02" * 50)
    _load(qtbot, dialog, bad)
    assert panel.sheet_message.isVisible() and "looks like a binary file" in panel.sheet_message.text()
    assert panel.preview.rowCount() == 0 and not dialog.start_button.isEnabled()

    good = tmp_path / "good"
    good.mkdir()
    _load(qtbot, dialog, _sheet(good, rows=PRODUCTS[:1]))  # a good sheet clears the problem
    assert not panel.sheet_message.isVisible() and dialog.start_button.isEnabled()


def test_engine_error_is_shown_inline_and_the_dialog_stays_usable(qtbot, open_dialog, ui_model, tmp_path):
    dialog = open_dialog()
    _prepare(qtbot, dialog, _sheet(tmp_path), tmp_path / "no-such-folder" / "copy.csv", 1)
    with qtbot.waitSignal(dialog.batch_finished, timeout=LONG) as done:
        dialog.start_button.click()
    assert done.args[0] is None
    assert dialog.message.isVisible() and "no-such-folder" in dialog.message.text()
    assert "fix it and press Start" in dialog.status.text()
    assert dialog.start_button.isEnabled() and dialog.settings_box.isEnabled()

    out = tmp_path / "copy.csv"
    dialog.out_edit.setText(str(out))
    with qtbot.waitSignal(dialog.batch_finished, timeout=LONG) as done:
        dialog.start_button.click()
    assert done.args[0].done_rows == 3 and out.is_file() and not dialog.message.isVisible()


def test_closing_while_running_asks_then_stops_the_job(qtbot, open_dialog, ui_model, tmp_path, dialogs):
    dialog = open_dialog()
    _prepare(qtbot, dialog, _sheet(tmp_path), tmp_path / "copy.csv", 3)
    with qtbot.waitSignal(dialog.finished, timeout=LONG):  # QDialog.finished: it closed itself
        dialog.start_button.click()
        dialog.reject()  # Esc or Close: asks first, and the answer is Yes
        assert dialog.isVisible() and "Stop the batch and close?" in dialogs.asked[-1]
        assert dialog.job.cancel_event.is_set() and not dialog.start_button.isEnabled()
    assert not dialog.isVisible() and not dialog.is_running() and not running_jobs()
