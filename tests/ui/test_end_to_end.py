"""The whole path a seller takes, on the real engine with a tiny real model: no mocks."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication

from engine.models import library

LONG = 120_000


def test_sample_to_trained_model_to_streamed_variants(qtbot, window, driver):
    # Data: the bundled sample, loaded in a worker, shown with its statistics and preview.
    driver.load()
    page = window.data_page
    assert not page.problem.isVisible()
    assert "shop_copy.txt" in page.file_label.text()
    assert page.model.rowCount() > 0 and "竹纤维" in page.model.index(0, 0).data()

    # Train: a few real steps; the progress bar and chart follow the engine's events.
    driver.start_training(max_steps=6)
    assert window.train_page.is_running() and not window.train_page.start_button.isEnabled()
    result = driver.wait_training()
    assert result is not None and not result.cancelled and result.step == 6
    assert library.exists(result.name)
    assert window.train_page.progress.value() == 6
    assert window.train_page.chart.train_points and window.train_page.chart.val_points
    assert "is ready" in window.train_page.done_panel.text()

    # "Write with this model" opens the Write page with the new model selected.
    window.train_page.write_button.click()
    write = window.write_page
    assert window.current_page() == "write"
    assert result.name in write.model_names() and write.model_combo.currentData() == result.name
    assert write.form.is_text_mode()  # trained on plain lines: opening words, with the hint
    assert write.form.text_hint.isVisible()

    # Write: the variants stream into cards, each labelled as AI-generated.
    write.form.set_prompt("青禾竹纤维毛巾")
    write.settings.n_spin.setValue(2)
    write.settings.length_spin.setValue(24)
    with qtbot.waitSignal(write.generation_finished, timeout=LONG) as done:
        write.generate_button.click()
    generated = done.args[0]
    assert generated is not None and generated.variants
    assert len(write.cards) == 2
    for card in write.cards:
        assert card.text().startswith("青禾竹纤维毛巾")
        assert card.ai_label.text() == "AI-generated / AI生成"
    first = write.cards[0]
    first.copy_button.click()
    assert QApplication.clipboard().text() == first.text()
    first.favorite_button.click()
    assert first.is_favorite()
    first.edit_button.click()
    assert not first.editor.isReadOnly()
    assert "seed" in write.status.text() and generated.device in write.status.text()
    assert write.generate_button.isEnabled()  # ready for the next request
