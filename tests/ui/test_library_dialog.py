"""The model library dialog: details, rename, export, delete and import, through engine.models.library."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from engine.models import library

LONG = 120_000


def test_rename_export_delete_and_import(qtbot, window, dialogs, ui_model, tmp_path):
    window.state.models_changed.emit()
    dialog = window.open_library()
    assert dialog.current_name() == ui_model
    details = dialog.details.toPlainText()
    assert "learned from scratch" in details and "shop_copy.txt" in details and "validation" in details
    assert "Kind\nlearnt from scratch: rough drafts" in details
    assert dialog.list.item(0).text() == f"{ui_model}  (learnt from scratch: rough drafts)"

    dialogs.texts.append("店铺文案")
    dialog.rename_button.click()
    assert library.exists("店铺文案") and not library.exists(ui_model)
    assert dialog.current_name() == "店铺文案"
    assert window.write_page.model_names() == ["店铺文案"]  # every page hears about it

    dialogs.texts.append("bad/name")
    dialog.rename_button.click()
    assert dialog.message.isVisible() and "cannot be used as a model name" in dialog.message.text()

    archive = tmp_path / "backup.zip"
    dialogs.files.append(str(archive))
    with qtbot.waitSignal(window.state.models_changed, timeout=LONG):
        dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and dialog.delete_button.isEnabled(), timeout=LONG)
    assert archive.is_file()

    dialogs.answer = QMessageBox.StandardButton.No
    dialog.delete_button.click()
    assert library.exists("店铺文案")
    dialogs.answer = QMessageBox.StandardButton.Yes
    dialog.delete_button.click()
    assert not library.exists("店铺文案") and dialog.list.count() == 0 and dialog.empty.isVisible()
    assert not window.write_page.welcome.isHidden()  # the page shows it when opened

    dialogs.files.append(str(archive))
    with qtbot.waitSignal(window.state.models_changed, timeout=LONG):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=LONG)
    assert library.exists("店铺文案") and dialog.current_name() == "店铺文案"
    dialog.reject()


def test_a_model_trained_on_a_found_base_says_so(qtbot, window, ui_model, wenan_home):
    from dataclasses import replace

    from engine.models.card import BaseRecord, read_card, write_card

    folder = wenan_home / "models" / ui_model
    card = read_card(folder)
    write_card(folder, replace(card, method="lora", base=BaseRecord(
        kind="found", path=str(wenan_home / "bases" / "converted" / "q"), name="qwen2.5:0.5b",
        model_type="qwen2", source="ollama")))
    window.state.models_changed.emit()
    dialog = window.open_library()
    details = dialog.details.toPlainText()
    assert "Kind\na pretrained model trained on your copy" in details
    assert "qwen2.5:0.5b, found in Ollama (qwen2)" in details
    assert dialog.list.item(0).text() == f"{ui_model}  (a pretrained model trained on your copy)"
