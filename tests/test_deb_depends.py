"""The .deb's Depends: installed on a minimal Debian image, every library Qt's window loads is there.

The image's packages and the libraries each ships are recorded in
packaging/linux/debian12-minimal.txt (packaging/linux/record_minimal_image.py); what Qt needs is
read from PySide6's own plugin and library files, as the .deb's build reads them from the bundle.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from ui import system_libs

sys.path.insert(0, str(ROOT / "packaging" / "linux"))
import deb_depends  # noqa: E402

sys.path.remove(str(ROOT / "packaging" / "linux"))

QT = system_libs.qt_dir()
IMAGE = ROOT / "packaging" / "linux" / "debian12-minimal.txt"
# libc6 and libstdc++6 head every Depends line (deb_depends.depends_field), with their versions.
ALWAYS_DEPENDED_ON = {"libc6", "libstdc++6"}


def minimal_image() -> dict[str, set[str]]:
    """package -> the sonames it ships, for the recorded minimal image."""
    image = {}
    for line in IMAGE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            package, *sonames = line.split()
            image[package] = set(sonames)
    return image


def window_needs() -> dict[str, str]:
    """The system libraries of the xcb plugin and of its GL integrations (the bundle keeps both)."""
    needs = dict(system_libs.system_needs(QT, "xcb"))
    for plugin in sorted((QT / "plugins" / "xcbglintegrations").glob("*.so")):
        for soname in system_libs.elf_needed(plugin):
            if not (QT / "lib" / soname).exists() and soname not in system_libs.C_LIBRARY:
                needs.setdefault(soname, plugin.name)
    return needs


def uncovered(needs: dict[str, str], tables: list[dict[str, tuple[str, ...]]]) -> list[str]:
    image = minimal_image()
    in_image = set().union(*image.values())
    declared = {soname for table in tables for package in deb_depends._packages(table, needs)
                for soname in table[package]}
    declared |= {soname for package in ALWAYS_DEPENDED_ON for soname in image.get(package, ())}
    return sorted(f"{soname} (needed by {user}; Debian package {system_libs.PACKAGES.get(soname, ('?',))[0]})"
                  for soname, user in needs.items() if soname not in declared | in_image)


def test_the_recorded_image_is_a_minimal_debian():
    image = minimal_image()
    assert {"apt", "dpkg", "libc6", "libstdc++6", "zlib1g", "bash"} <= image.keys()
    assert 60 < len(image) < 150
    assert not {"libx11-6", "libxcb1", "libfontconfig1", "libglib2.0-0", "libgl1"} & image.keys()  # no desktop
    assert "libz.so.1" in image["zlib1g"] and "libc.so.6" in image["libc6"]


def test_depends_covers_every_library_the_xcb_window_needs_on_a_minimal_image():
    needs = window_needs()
    assert {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-glx.so.0"} <= needs.keys()
    assert uncovered(needs, [deb_depends.DEPENDS]) == []


def test_recommends_adds_what_the_wayland_window_needs():
    assert uncovered(dict(system_libs.system_needs(QT, "wayland")), [deb_depends.DEPENDS, deb_depends.RECOMMENDS]) == []


def test_the_deb_and_make_run_name_the_same_debian_packages():
    for package, sonames in {**deb_depends.DEPENDS, **deb_depends.RECOMMENDS}.items():
        for soname in sonames:
            if soname in system_libs.PACKAGES:
                assert system_libs.PACKAGES[soname][0].replace("|", " | ") == package, soname


@pytest.mark.skipif(not shutil.which("readelf"), reason="the .deb's build reads the bundle with readelf (binutils)")
def test_a_bundle_with_the_xcb_plugin_depends_on_xcb_cursor_even_unlinked(tmp_path):
    """Qt >= 6.5 asks for xcb-cursor by name, so the build adds it whatever DT_NEEDED says."""
    bundle = tmp_path / "bundle"
    (bundle / "PySide6" / "Qt" / "plugins" / "platforms").mkdir(parents=True)
    plugin = bundle / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    shutil.copy(QT / "plugins" / "platforms" / "libqxcb.so", plugin)
    needs = deb_depends.system_needs(bundle)
    assert "libxcb-cursor.so.0" in needs and "libxcb-icccm.so.4" in needs
    packages = deb_depends._packages(deb_depends.DEPENDS, needs)
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"} <= set(packages)
    assert Path(needs["libxcb-cursor.so.0"][0]).name == "libqxcb.so"
