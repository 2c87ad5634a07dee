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
