"""What an installer build adds to the app: base models shipped inside the bundle, offered on
the Train page, and the build's flavour in Help → About."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from engine.common import paths
from engine.models import library
from ui.dialogs.about import show_about
from ui.pages.train_form import TrainForm

LONG = 120_000
BASE_NAME = "gpt2-tiny"


@pytest.fixture
def bundle(tmp_path, monkeypatch) -> Path:
    """A bundle laid out as PyInstaller unpacks one (sys._MEIPASS): the app's resources, plus
    what the installer build adds. Returns its resources folder."""
    resources = tmp_path / "bundle" / "resources"
    resources.mkdir(parents=True)
    for item in paths.resources_dir().iterdir():
        if item.name not in ("base_models", "build.json"):
            (resources / item.name).symlink_to(item, target_is_directory=item.is_dir())
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    # The engine and trainer processes look at the bundle too, as an installed app's do.
    import functools

    import held_tasks
    import ui.pages.train_bases
    import ui.pages.train_estimate
    import ui.pages.train_page
    from conftest import swap_task

    for module, task in ((ui.pages.train_bases, "find_bases"), (ui.pages.train_estimate, "count_parameters"),
                         (ui.pages.train_page, "train")):
        swap_task(monkeypatch, module, task, functools.partial(held_tasks.in_bundle, sys._MEIPASS, task))
    return resources


@pytest.fixture
def bundled_base(bundle, gpt2_base) -> Path:
    """The tiny GPT-2 fixture shipped as a built-in base, as `make package BASE_MODEL=DIR` places it."""
    folder = bundle / "base_models" / BASE_NAME
    shutil.copytree(gpt2_base, folder)
    return folder


def test_no_bundled_base_adds_nothing(qtbot):
    form = TrainForm()
    qtbot.addWidget(form)
    assert paths.bundled_bases() == [] and form.builtin_radios == []
    assert [b.text() for b in form.base_group.buttons()] == ["Learn from s&cratch", "A model f&older:",
                                                             "Continue a librar&y model:",
                                                             "A model on this co&mputer:"]


def test_built_in_base_is_offered_and_trains(qtbot, bundled_base, window, driver):
    window.show_page("train")
    page = window.train_page
    form = page.form
    assert len(form.builtin_radios) == 1
    radio = form.builtin_radios[0]
    assert radio.isVisible()
    # The tiny GPT-2 has about 0.18 M parameters, read from its safetensors header.
    assert radio.text().startswith(f"Built-in: {BASE_NAME} (0.") and radio.text().endswith(" M parameters)")

    driver.load()
    radio.click()
    assert form.base_kind() == "builtin" and form.method_combo.isEnabled()
    cfg = page.build_config()
    assert Path(cfg.base) == bundled_base
    assert page.start_button.isEnabled()

    driver.start_training(2)
    result = driver.wait_training()
    assert result is not None and not result.cancelled and result.step == 2
    base = library.get_model(result.name).card.base
    assert base.kind == "folder" and Path(base.path) == bundled_base and base.model_type == "gpt2"


def test_about_shows_a_source_run(qtbot, window):
    box = show_about(window, window.state)
    assert "Build: from source" in box.text()
    box.close()


def test_about_shows_the_installer_flavour(qtbot, bundle, window):
    (bundle / "build.json").write_text(json.dumps({"flavour": "cuda", "version": "0.1.0",
                                                   "built": "2026-11-28T13:26:52+00:00"}), encoding="utf-8")
    box = show_about(window, window.state)
    assert "Build: CUDA (NVIDIA GPU)" in box.text() and "built 2026-11-28" in box.text()
    assert "from source" not in box.text()
    box.close()
