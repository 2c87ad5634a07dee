"""Live language switching, engine messages in the UI language, and stored settings."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from engine.common import DataFileError
from ui.settings import AppSettings


def test_switching_language_retranslates_live(window, driver, tmp_path):
    assert window.sidebar.item(0).text() == "Data"
    assert window.data_page.title.text() == "Your copy"
    assert window.write_page.generate_button.text() == "Ge&nerate"

    window.set_language("zh")
    assert window.sidebar.item(0).text() == "数据"
    assert window.data_page.title.text() == "你的文案"
    assert window.write_page.generate_button.text() == "生成(&N)"
    assert window.file_menu.title() == "文件(&F)"
    scenario = window.write_page.form.scenario_combo
    assert [scenario.itemText(i) for i in range(scenario.count())][:2] == ["商品详情", "广告语"]

    bad = tmp_path / "bad.xls"  # an engine error is shown in the UI language too
    bad.write_bytes(b"old")
    driver.load(str(bad))
    assert window.data_page.problem.text() == DataFileError("xls_old", path=str(bad)).message("zh")

    window.set_language("en")
    assert window.sidebar.item(0).text() == "Data"
    assert window.data_page.title.text() == "Your copy"
    assert window.write_page.generate_button.text() == "Ge&nerate"
    assert AppSettings().language == "en"


def test_settings_dialog_stores_and_applies(qtbot, window, isolated_settings):
    dialog = window.open_settings()
    dialog.language.setCurrentIndex(dialog.language.findData("zh"))
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.threads.setValue(1)
    dialog.preset.setCurrentIndex(dialog.preset.findData("creative"))
    dialog.accept()

    assert window.sidebar.item(2).text() == "写文案"  # the language applied at once
    stored = AppSettings(QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                   "WenanStudio", "WenanStudio"))
    assert (stored.language, stored.device, stored.cpu_threads, stored.generation_preset) == \
        ("zh", "cpu", 1, "creative")
    assert window.write_page.settings.preset_combo.currentData() == "creative"
    window.set_language("en")


def test_window_geometry_is_restored(qtbot, window):
    from ui.app import create_window

    window.resize(700, 500)  # inside the offscreen screen (800×600)
    window.close()
    again = create_window()
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 500)
