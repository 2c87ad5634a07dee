"""The Train page's "Start from": the bases found on this computer, looked for on a worker thread,
grouped by how well they suit it, "Add a model folder or file…", and training from one of them."""
from __future__ import annotations

import json

import pytest
from base_stores import ollama_store, tree
from PySide6.QtCore import Qt

from engine.models import library
from ui.pages.train_form import TrainForm

LONG = 120_000


@pytest.fixture
def ollama(user_home, gguf_dir):
    return ollama_store(user_home / ".ollama" / "models", {"qwen2.5:0.5b": gguf_dir / "qwen2-tiny-Q8_0.gguf",
                                                            "llama-tiny:f16": gguf_dir / "llama-tiny-F16.gguf"})


def _items(combo):
    model = combo.model()
    return [(combo.itemText(i), model.item(i).isEnabled()) for i in range(combo.count())]


def test_found_bases_are_listed_by_fit_and_a_chat_one_is_offered(qtbot, ollama, user_home, gguf_dir):
    form = TrainForm()
    qtbot.addWidget(form)
    assert not form.found.is_scanning()  # nothing is looked for before the page is seen
    form.show()
    assert form.found.is_scanning()  # and then on a worker thread, not on the GUI thread
    with qtbot.waitSignal(form.found.scanned, timeout=LONG):
        pass
    items = _items(form.found.combo)
    assert items[0] == ("— Fits this computer —", False)
    names = [form.found.combo.itemData(i) for i in range(form.found.combo.count())]
    assert names[1:] == ["qwen2.5:0.5b", "llama-tiny:f16"]  # chat first
    assert "Ollama" in items[1][0] and "GGUF Q8_0" in items[1][0] and "chat" in items[1][0]
    assert form.found_radio.isChecked() and form.base_kind() == "found" and form.base_value() == "qwen2.5:0.5b"
    assert "turned into a base" in form.found.note.text()
    tip = form.found.combo.model().item(1).toolTip()
    assert "Licence: apache-2.0" in tip and "to train with LoRA" in tip
    assert tree(user_home)  # nothing else to check here: scanning is read-only (tests/test_bases.py)


def test_add_a_folder_or_file_is_remembered_and_unusable_ones_say_why(qtbot, dialogs, gguf_dir, wenan_home, tmp_path):
    form = TrainForm()
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.found.scanned, timeout=LONG):
        form.show()
    assert form.found.entries == [] and "No pretrained models found" in form.found.note.text()
    assert form.base_kind() == "scratch" and not form.found_radio.isEnabled()

    dialogs.files.append(str(gguf_dir / "rwkv-tiny.gguf"))
    with qtbot.waitSignal(form.found.scanned, timeout=LONG):
        form.found.add_file_action.trigger()
    dialogs.folders.append(str(gguf_dir))
    with qtbot.waitSignal(form.found.scanned, timeout=LONG):
        form.found.add_folder_action.trigger()
    saved = json.loads((wenan_home / "bases" / "added.json").read_text(encoding="utf-8"))
    assert saved["paths"] == [str(gguf_dir / "rwkv-tiny.gguf"), str(gguf_dir)]
    items = dict(_items(form.found.combo))
    assert items["— Can't be used —"] is False
    rwkv = next(i for i in range(form.found.combo.count()) if form.found.combo.itemData(i) == "rwkv-tiny")
    assert not form.found.combo.model().item(rwkv).isEnabled()
    assert "rwkv6" in form.found.combo.model().item(rwkv).toolTip()
    assert form.found.current_name() in ("qwen2-tiny-Q8_0", "llama-tiny-F16")

    again = TrainForm()  # remembered: a new page finds them too
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.found.scanned, timeout=LONG):
        again.show()
    assert {e.name for e in again.found.entries} == {"rwkv-tiny", "qwen2-tiny-Q8_0", "llama-tiny-F16"}


def test_train_from_a_found_gguf_base(qtbot, ollama, window, driver, user_home, wenan_home):
    before = tree(user_home)
    window.show_page("train")
    form = window.train_page.form
    if form.found.is_scanning() or not form.found.entries:
        with qtbot.waitSignal(form.found.scanned, timeout=LONG):
            pass
    driver.load()
    assert form.base_value() == "qwen2.5:0.5b"
    form.found.select("llama-tiny:f16")
    qtbot.mouseClick(form.found_radio, Qt.MouseButton.LeftButton)
    assert form.base_value() == "llama-tiny:f16"
    driver.start_training(2)
    result = driver.wait_training()
    assert result is not None and not result.cancelled and result.step == 2
    base = library.get_model(result.name).card.base.to_dict()
    assert base["kind"] == "found" and base["name"] == "llama-tiny:f16" and base["source"] == "ollama"
    assert (wenan_home / "bases" / "converted").is_dir() and tree(user_home) == before
