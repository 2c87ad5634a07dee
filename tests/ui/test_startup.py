"""`python main.py` opens the window, without torch on the start-up path."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NETGUARD = ROOT / "tests" / "netguard"  # the same socket guard as tests/conftest.py loads


def test_main_without_a_command_opens_the_window(wenan_home, tmp_path):
    env = dict(os.environ, WENAN_HOME=str(wenan_home), WENAN_LANG="en", HF_HUB_OFFLINE="1",
               PYTHONPATH=os.pathsep.join([str(NETGUARD), str(ROOT)]), WENAN_STARTUP_PROBE="1",
               QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.run([sys.executable, str(ROOT / "main.py")], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [line] = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    report = json.loads(line)
    assert report["probe"] == "exposed"
    assert report["heavy_modules"] == []  # torch, transformers and pyqtgraph load later, in a worker
    assert report["pages"] == ["data"]  # no model yet: the Data page; the others are built once it is drawn
    assert (wenan_home / "logs" / "wenan-studio.log").is_file()


def test_the_other_pages_are_built_once_the_window_is_drawn(qtbot, dialogs, wenan_home):
    from ui.app import create_window
    from ui.main_window import PAGES

    window = create_window(defer_pages=True)
    qtbot.addWidget(window)
    assert [key for key in PAGES if window.stack.built_page(key) is not None] == ["data"]
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.stack.all_built, timeout=60_000)
    assert window.current_page() == "data" and window.stack.currentWidget() is window.data_page
    assert [window.stack.indexOf(window.pages[key]) for key in PAGES] == list(range(len(PAGES)))
    window.train_page.notify.emit(lambda: "Trained", lambda: "ready")  # wired when the page was built
    assert not window.banner.isHidden() and "Trained" in window.banner.text()
    window.show_page("history")
    assert window.stack.currentWidget() is window.history_page
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60_000)
