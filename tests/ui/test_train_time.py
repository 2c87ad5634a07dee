"""The Train page's training-time choice: minutes become a budget in the config, the preset
steps aside, and Advanced's epochs or steps still win."""
from __future__ import annotations

from engine.training import UNTIL_PLATEAU_MINUTES
from ui.pages.train_time import TIME_CHOICES


def test_the_time_choice_becomes_the_runs_budget(driver, window):
    driver.load()
    page = window.train_page
    window.show_page("train")
    form = page.form
    assert form.time.combo.currentData() == 15.0 and page.build_config().minutes == 15.0
    assert not form.preset_radios["standard"].isEnabled() and not page.estimate.isVisibleTo(page)
    assert "15 min" in form.time.hint.text()

    form.time.combo.setCurrentIndex(TIME_CHOICES.index(5.0))
    assert page.build_config().minutes == 5.0
    form.time.combo.setCurrentIndex(TIME_CHOICES.index(UNTIL_PLATEAU_MINUTES))
    assert page.build_config().minutes == UNTIL_PLATEAU_MINUTES and "stops getting better" in form.time.hint.text()

    form.time.combo.setCurrentIndex(TIME_CHOICES.index(0.0))  # by the preset: epochs, as before
    cfg = page.build_config()
    assert cfg.minutes is None and cfg.max_steps is None and form.preset_radios["standard"].isEnabled()
    assert page.estimate.isVisibleTo(page)

    form.time.combo.setCurrentIndex(TIME_CHOICES.index(5.0))
    form.advanced_toggle.setChecked(True)
    form.set_max_steps(30)  # Advanced's steps override the budget
    cfg = page.build_config()
    assert cfg.minutes is None and cfg.max_steps == 30
    assert "passes over your data" in form.time.hint.text()
