"""The Write page: scenario forms, keyboard shortcuts, cancel, and plain-text models."""
from __future__ import annotations

from PySide6.QtCore import Qt

from ui.pages.write_form import PromptForm

LONG = 120_000


def test_scenario_fields_build_an_editable_prompt(qtbot):
    form = PromptForm()
    qtbot.addWidget(form)
    form.show()
    form.lang_combo.setCurrentIndex(form.lang_combo.findData("zh"))
    form.set_scenario("review_reply")
    assert form.field_widgets["review"].isVisible() and not form.field_widgets["audience"].isVisible()
    assert "never writes reviews" in form.scenario_hint.text()  # the shop's reply, never a review
    form.set_field("product", "竹纤维毛巾")
    form.set_field("review", "毛巾很软，就是有点掉毛")
    assert form.prompt() == "场景：评价回复\n产品：竹纤维毛巾\n顾客评价：毛巾很软，就是有点掉毛"

    form.prompt_edit.setPlainText(form.prompt() + "\n语气：真诚")  # the user edits the prompt by hand
    form.set_field("product", "保温杯")
    assert form.prompt().endswith("语气：真诚") and "竹纤维毛巾" in form.prompt()
    form.reset_button.click()
    assert form.prompt().startswith("场景：评价回复\n产品：保温杯")

    form.set_scenario("social")
    assert form.field_widgets["platform"].isVisible() and not form.field_widgets["review"].isVisible()


def test_ctrl_enter_generates_and_escape_stops(qtbot, window, ui_model, engine_gate):
    import ui.pages.write_page

    engine_gate.hold(ui.pages.write_page, "generate", "on_text")  # waits at its first text for Esc
    window.state.models_changed.emit()
    window.show_page("write")
    page = window.write_page
    assert page.model_combo.currentData() == ui_model and not page.welcome.isVisible()
    assert page.form.is_text_mode() and page.form.text_hint.isVisible()
    assert not page.form.scenario_area.isVisible()
    page.form.set_prompt("青禾")
    page.settings.n_spin.setValue(16)
    page.settings.length_spin.setValue(2000)
    window.activateWindow()
    page.form.prompt_edit.setFocus()
    qtbot.waitUntil(page.form.prompt_edit.hasFocus, timeout=LONG)

    qtbot.keyClick(page.form.prompt_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.is_running() and not page.generate_button.isEnabled()
    with qtbot.waitSignal(page.generation_finished, timeout=LONG) as done:
        with qtbot.waitSignal(page.job.text, timeout=LONG):
            pass
        engine_gate.wait(qtbot)
        qtbot.keyClick(page.form.prompt_edit, Qt.Key.Key_Escape)
    result = done.args[0]
    assert result.cancelled and page.status.text().startswith("Stopped.")
    assert len(page.cards) == 16 and all(card.text().startswith("青禾") for card in page.cards)
    assert page.generate_button.isEnabled()

    page.cards[0].favorite_button.click()
    page.settings.n_spin.setValue(2)
    page.settings.length_spin.setValue(8)
    with qtbot.waitSignal(page.generation_finished, timeout=LONG):
        page.generate_button.click()
    assert len(page.cards) == 2 and not page.cards[0].is_favorite()  # the cards are reused, emptied first
    assert all(card.text().startswith("青禾") for card in page.cards)


def test_models_trained_on_pairs_get_the_scenario_form(window, ui_model, ui_pairs_model):
    window.state.models_changed.emit()
    page = window.write_page
    window.show_page("write")
    page.model_combo.setCurrentIndex(page.model_combo.findData(ui_model))
    assert page.form.is_text_mode() and not page.form.scenario_area.isVisible()  # it learnt plain text
    page.model_combo.setCurrentIndex(page.model_combo.findData(ui_pairs_model))
    assert not page.form.is_text_mode() and page.form.scenario_area.isVisible()
    assert "prompt → copy pairs" in page.model_info.text()


def test_first_run_shows_the_welcome_that_leads_to_the_sample(qtbot, window):
    assert window.current_page() == "data" and window.data_page.welcome.isVisible()
    window.show_page("write")
    assert window.write_page.welcome.isVisible() and not window.write_page.generate_button.isEnabled()
    with qtbot.waitSignal(window.data_page.loaded, timeout=LONG):
        window.write_page.sample_button.click()
    assert window.current_page() == "data" and window.state.data.name == "shop_copy.txt"
    assert not window.data_page.welcome.isVisible()
