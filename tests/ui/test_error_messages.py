"""Problems reach the user in plain words (in the UI language), never as a traceback."""
from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from engine.common import DataFileError, ModelLoadError

LONG = 120_000


@pytest.mark.parametrize("name, content, key", [
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "file_binary"),
    ("empty.csv", b"", "file_empty"),
    ("old.xls", b"not really excel", "xls_old"),
])
def test_a_bad_data_file_is_explained_inline(window, driver, tmp_path, name, content, key):
    path = tmp_path / name
    path.write_bytes(content)
    driver.load(str(path))
    page = window.data_page
    expected = DataFileError(key, path=str(path), suffix=path.suffix).message("en")
    assert page.problem.isVisible() and page.problem.text() == expected
    assert "Traceback" not in page.problem.text()
    assert window.state.data is None and not page.next_button.isEnabled()

    driver.load()  # a good file clears the problem
    assert not page.problem.isVisible() and window.state.data is not None


def test_a_bad_model_folder_is_explained_at_once(window, driver, dialogs, tmp_path):
    driver.load()
    window.show_page("train")
    form = window.train_page.form
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    dialogs.folders.append(str(empty))
    form.browse_button.click()

    assert form.folder_radio.isChecked() and form.folder_edit.text() == str(empty)
    expected = ModelLoadError("model_no_config", path=str(empty)).message("en")
    assert form.folder_message.isVisible() and form.folder_message.text() == expected
    assert not window.train_page.start_button.isEnabled()

    (empty / "config.json").write_text("{}")
    (empty / "pytorch_model.bin").write_bytes(b"pickle")
    form.validate_folder()
    assert form.folder_message.text() == ModelLoadError("model_pickle_only", path=str(empty)).message("en")


def test_an_engine_error_during_training_opens_a_dialog_with_details(qtbot, window, driver, dialogs, tmp_path):
    import numpy as np
    from safetensors.numpy import save_file

    broken = tmp_path / "broken-model"  # weights and config, but no tokenizer: fails when loaded
    broken.mkdir()
    (broken / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    save_file({"wte.weight": np.zeros((4, 4), dtype=np.float32)}, str(broken / "model.safetensors"))
    driver.load()
    window.show_page("train")
    form = window.train_page.form
    dialogs.folders.append(str(broken))
    form.browse_button.click()
    assert not form.folder_message.isVisible()  # passes the quick check; fails when loaded

    driver.start_training(max_steps=2)
    assert driver.wait_training() is None
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1
    box = boxes[0]
    assert box.text().startswith(f"The model in {broken} could not be loaded")
    assert "Traceback" not in box.text()
    assert "Traceback" in box.detailedText() and "ModelLoadError" in box.detailedText()
    box.accept()
    assert window.train_page.start_button.isEnabled()  # the app stays usable
    assert "problem" in window.train_page.status.text()
