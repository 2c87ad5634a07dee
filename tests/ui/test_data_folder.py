"""A data folder that can't be used is said once, in a dialog, before anything is written."""
from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QMessageBox

from engine.common import paths
from ui.app import _usable_data_folder
from ui.settings import AppSettings


@pytest.fixture
def shown(monkeypatch) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    for kind in ("critical", "warning"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(lambda parent, title, text, *a, k=kind: said.append((k, text))))
    return said


def test_an_unusable_wenan_home_ends_the_app_with_the_engines_message(qapp, shown, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("WENAN_HOME", str(blocker / "home"))
    assert _usable_data_folder(AppSettings()) is False
    assert len(shown) == 1 and shown[0][0] == "critical"
    assert str(blocker / "home") in shown[0][1] and "WENAN_HOME" in shown[0][1]
    assert not (blocker / "home").exists()


def test_a_settings_folder_that_has_gone_falls_back_to_the_default(qapp, shown, tmp_path, monkeypatch):
    monkeypatch.delenv("WENAN_HOME", raising=False)
    monkeypatch.delenv("WENAN_HOME_FROM_SETTINGS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the default folder, inside the test's temp dir
    gone = tmp_path / "a-file"
    gone.write_text("x")
    settings = AppSettings()
    settings.data_folder = str(gone / "wenan")  # e.g. a drive that was removed
    try:
        assert _usable_data_folder(settings) is True
        assert [kind for kind, _ in shown] == ["warning"]
        assert str(gone / "wenan") in shown[0][1] and "Settings" in shown[0][1]
        assert settings.data_folder == "" and "WENAN_HOME" not in os.environ
        assert paths.data_dir().is_relative_to(tmp_path / "xdg")
    finally:
        os.environ.pop("WENAN_HOME", None)
        os.environ.pop("WENAN_HOME_FROM_SETTINGS", None)


def test_a_usable_folder_says_nothing(qapp, shown, wenan_home):
    assert _usable_data_folder(AppSettings()) is True and shown == []
