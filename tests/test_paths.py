"""The data folder: a WENAN_HOME that cannot be used gives one plain line, never a traceback."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, subprocess_env

from engine.common import WenanError, paths


def models_command(home: Path, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, str(ROOT / "main.py"), "models"], capture_output=True,
                          text=True, timeout=120, env=subprocess_env(home), cwd=ROOT)


def without_root_powers() -> tuple[str, ...]:
    """A command prefix under which file permissions apply: root (as in CI) loses its capabilities,
    so it can no longer write where the mode bits say no, and keeps reading what it owns."""
    if os.geteuid() != 0:
        return ()
    if not shutil.which("setpriv"):
        pytest.skip("running as root, and no setpriv (util-linux) to drop root's capabilities")
    return ("setpriv", "--bounding-set=-all", "--inh-caps=-all")


def assert_one_line_naming(proc: subprocess.CompletedProcess, folder: Path) -> None:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert str(folder) in lines[0] and "WENAN_HOME" in lines[0], lines[0]


def test_home_under_a_regular_file(tmp_path):
    blocker = tmp_path / "somefile"
    blocker.write_text("not a folder")
    assert_one_line_naming(models_command(blocker / "home"), blocker / "home")
    assert_one_line_naming(models_command(blocker), blocker)  # WENAN_HOME is the file itself
    assert blocker.read_text() == "not a folder"


def test_a_file_where_the_models_folder_goes(wenan_home):
    (wenan_home / "models").write_text("x")
    assert_one_line_naming(models_command(wenan_home), wenan_home / "models")
    with pytest.raises(WenanError) as err:
        paths.models_dir()
    assert err.value.key == "data_dir_unusable" and "WENAN_HOME" in err.value.message("zh")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_home_that_cannot_be_created(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert_one_line_naming(models_command(locked / "home", without_root_powers()), locked / "home")
        assert not (locked / "home").exists()
    finally:
        locked.chmod(0o700)


def test_home_is_created_when_missing(tmp_path, monkeypatch):
    home = tmp_path / "new" / "home"
    monkeypatch.setenv("WENAN_HOME", str(home))
    assert paths.models_dir() == home / "models" and (home / "models").is_dir()
