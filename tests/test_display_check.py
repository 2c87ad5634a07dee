"""Before Qt starts: the system libraries its window plugins need, the display, and what to say.

Real files throughout: PySide6's own plugins and libraries, a copy of the xcb plugin whose
library list names one that no system has, a real X server when Xvfb is installed, and
`python main.py` itself, which must end with exit code 2 and one message, never Qt's abort.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, subprocess_env

from engine.common.errors import message
from ui import display_check, system_libs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb and Wayland plugins are Linux's")
QT = system_libs.qt_dir()
MISSING = "libxcb-icccm.so.7"  # what the patched plugin asks for: no system has it


def _free_display() -> int:
    return next(n for n in range(90, 300) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                and not Path(f"/tmp/.X{n}-lock").exists())


@pytest.fixture
def qt_missing_a_library(tmp_path) -> Path:
    """A Qt folder whose xcb plugin is PySide6's, with one library name changed in its ELF string table."""
    qt = tmp_path / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "lib").symlink_to(QT / "lib")
    plugin = (QT / "plugins" / "platforms" / "libqxcb.so").read_bytes()
    assert plugin.count(b"libxcb-icccm.so.4\0") == 1
    patched = plugin.replace(b"libxcb-icccm.so.4\0", MISSING.encode() + b"\0")
    (qt / "plugins" / "platforms" / "libqxcb.so").write_bytes(patched)
    return qt


def test_the_xcb_plugins_libraries_are_read_from_its_files():
    needs = system_libs.system_needs(QT, "xcb")
    assert {"libxcb.so.1", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0", "libX11-xcb.so.1",
            "libxcb-cursor.so.0", "libfontconfig.so.1", "libglib-2.0.so.0"} <= needs.keys()
    assert not [name for name in needs if name.startswith("libQt6") or name in system_libs.C_LIBRARY]
    assert needs["libdbus-1.so.3"] == "libQt6DBus.so.6"  # found through Qt's own libraries (Gui -> DBus)
    assert {"libwayland-client.so.0", "libwayland-cursor.so.0"} <= system_libs.system_needs(QT, "wayland").keys()


@pytest.mark.skipif(not shutil.which("readelf"), reason="needs readelf (binutils) to compare with")
def test_elf_reader_agrees_with_readelf():
    for path in (QT / "plugins" / "platforms" / "libqxcb.so", QT / "lib" / "libQt6XcbQpa.so.6",
                 QT / "lib" / "libQt6Gui.so.6"):
        out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=True).stdout
        expected = [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]
        assert system_libs.elf_needed(path) == expected
    assert system_libs.elf_needed(ROOT / "main.py") == []  # not ELF: nothing, and no error


def test_every_library_qt_needs_has_a_package_on_each_distribution():
    needed = {**system_libs.system_needs(QT, "xcb"), **system_libs.system_needs(QT, "wayland")}
    assert sorted(set(needed) - set(system_libs.PACKAGES)) == []
    for manager, expected in (("apt", "libxcb-icccm4"), ("dnf", "xcb-util-wm"), ("zypper", "libxcb-icccm4"),
                              ("pacman", "xcb-util-wm")):
        packages, unknown = system_libs.packages_for(["libxcb-icccm.so.4", "libxcb-randr.so.0", MISSING],
                                                     system_libs.MANAGERS[manager])
        assert packages[0] == expected and unknown == [MISSING]
    assert system_libs.MANAGERS["apt"].command(["libxcb-icccm4"], as_root=False) == "sudo apt-get install libxcb-icccm4"
    assert system_libs.MANAGERS["pacman"].command(["xcb-util-wm"], as_root=True) == "pacman -S --needed xcb-util-wm"


def test_the_package_manager_follows_os_release(tmp_path):
    release = tmp_path / "os-release"
    release.write_text('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n', encoding="utf-8")
    manager = system_libs.package_manager(release)
    if shutil.which("apt-get"):
        assert manager.name == "apt"
    else:
        assert manager is None or shutil.which(system_libs.MANAGERS[manager.name].install[0])


def test_a_missing_library_is_named_with_its_package(qt_missing_a_library, monkeypatch):
    really_missing = set(display_check.missing_libraries("xcb"))  # none where Qt's X11 libraries are installed
    found = system_libs.unloadable(list(system_libs.system_needs(qt_missing_a_library, "xcb")))
    assert set(found) == really_missing | {MISSING} and len(found) == len(set(found))
    for lang in ("en", "zh"):
        monkeypatch.setenv("WENAN_LANG", lang)
        check = display_check.check_window({"DISPLAY": ":0"}, qt=qt_missing_a_library)
        assert set(check.missing["xcb"]) == really_missing | {MISSING} and check.platform == ""
        assert MISSING in str(check.error)
        if not really_missing:  # no distribution packages this name, so there is no command to give
            assert check.error.key == "qt_libraries_missing_manual"
            assert str(check.error) == message("qt_libraries_missing_manual", lang, platform="X11", libraries=MISSING)


def test_the_message_gives_the_command_that_installs_what_is_missing(monkeypatch):
    monkeypatch.setenv("WENAN_LANG", "zh")
    command = display_check.fix_command(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    if system_libs.package_manager() is not None and system_libs.package_manager().name == "apt":
        assert command.endswith("apt-get install libxcb-icccm4 libxcb-keysyms1")
    error = display_check.DisplayUnavailable("qt_libraries_missing", platform="X11", libraries="libxcb-icccm.so.4",
                                             command=command)
    assert str(error).startswith("窗口无法打开：本机缺少 Qt 在 X11 下所需的系统库：libxcb-icccm.so.4。")
    assert str(error).endswith("\n  " + command)


def test_no_display_and_an_unreachable_one_are_told_apart(monkeypatch):
    monkeypatch.setenv("WENAN_LANG", "en")
    assert display_check.check_window({}).error.key == "display_none"
    assert display_check.check_window({"QT_QPA_PLATFORM": "offscreen"}).error is None
    assert display_check.check_window({"QT_QPA_PLATFORM": "minimal;offscreen"}).platform == "minimal"
    unreachable = display_check.check_window({"DISPLAY": f":{_free_display()}"})
    assert unreachable.error.key == ("qt_libraries_missing" if unreachable.missing else "display_unreachable")
    if not unreachable.missing:
        assert "DISPLAY" in str(unreachable.error)
    wayland = display_check.check_window({"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wenan-test-none"})
    assert wayland.error.key in ("qt_libraries_missing", "qt_libraries_missing_manual", "display_unreachable")


@pytest.fixture
def xvfb():
    if not shutil.which("Xvfb"):
        pytest.skip("no Xvfb here (Debian: apt-get install xvfb)")
    number = _free_display()
    server = subprocess.Popen(["Xvfb", f":{number}", "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{number}").exists() and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f":{number}"
    server.terminate()
    server.wait(10)


def test_a_real_x_display_is_found_and_opens_the_window(xvfb, wenan_home, tmp_path):
    check = display_check.check_window({"DISPLAY": xvfb})
    if check.missing:
        pytest.skip(f"this machine lacks Qt's X11 libraries: {check.missing}")
    assert check.error is None and check.platform == "xcb"
    # X11 only in name: the session says Wayland, there is none, so X11 is chosen explicitly.
    env = {"DISPLAY": xvfb, "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wenan-test-none"}
    fallback = display_check.check_window(env)
    if not fallback.missing.get("wayland"):  # where Wayland's libraries are there, it was tried first
        assert fallback.platform == "xcb" and env["QT_QPA_PLATFORM"] == "xcb"
    proc = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env=subprocess_env(wenan_home, DISPLAY=xvfb, QT_QPA_PLATFORM="xcb",
                                                       WENAN_STARTUP_PROBE="1", XDG_CONFIG_HOME=str(tmp_path)))
    assert proc.returncode == 0 and '"probe": "exposed"' in proc.stdout, proc.stderr


def _main(env: dict, home: Path) -> subprocess.CompletedProcess:
    full = subprocess_env(home, **env)
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE"):
        if key not in env:
            full.pop(key, None)
    return subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env=full)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_main_without_a_display_says_so_and_exits_2(wenan_home, lang):
    proc = _main({"WENAN_LANG": lang}, wenan_home)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == message("display_none", lang, program=f"python {ROOT / 'main.py'}")
    assert not (wenan_home / "logs").exists()  # stopped before anything started


def test_main_where_qt_cannot_open_its_window_exits_2_with_the_fix(wenan_home):
    proc = _main({"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wenan-test-none"}, wenan_home)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "could not be initialized" not in proc.stderr  # not Qt's abort
    missing = display_check.missing_libraries("wayland")
    if missing:
        assert ", ".join(missing) in proc.stderr and display_check.fix_command(missing) in proc.stderr
    else:
        assert proc.stderr.strip() == message("display_unreachable", "en", display="wenan-test-none",
                                              variable="WAYLAND_DISPLAY")


def test_make_runs_dependency_script_reports_and_is_quiet_when_all_is_there(qt_missing_a_library):
    script = [sys.executable, str(ROOT / "packaging" / "linux" / "qt_deps.py"), "--check"]
    complete = subprocess.run(script, capture_output=True, text=True, timeout=120)
    if complete.returncode == 0:
        assert complete.stdout == complete.stderr == ""
    else:  # this machine lacks some: the script says which, and how to install them
        assert "missing" in complete.stdout and "install" in complete.stderr
    broken = subprocess.run(script + ["--qt", str(qt_missing_a_library)], capture_output=True, text=True, timeout=120)
    assert broken.returncode == 2 and MISSING in broken.stdout
    assert f"no package is known here for {MISSING}" in broken.stderr
