"""Every interface string in ui/ has its Chinese, and the compiled translations are the current ones.

The walk over the Chinese window (tests/ui/test_interface_language.py) reads what a session
shows; this one reads the code, so a string on a path no test reaches is still caught.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT

I18N = ROOT / "resources" / "i18n"
TOOLS = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(TOOLS)) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (it comes with PySide6)")
    return path


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path):
    ts = tmp_path / "wenan_zh_CN.ts"
    shutil.copy(I18N / "wenan_zh_CN.ts", ts)  # the translations there are kept; new strings come in empty
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts)], check=True,
                   capture_output=True, cwd=ROOT)
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        for msg in context.iter("message"):
            translation = msg.find("translation")
            forms = [f.text for f in translation.iter("numerusform")] or [translation.text]
            unfinished = translation.get("type") in ("unfinished", "vanished", "obsolete")
            if unfinished or not all(form and form.strip() for form in forms):
                missing.append(f"{context.findtext('name')}: {msg.findtext('source')!r}")
    hint = "untranslated (run `make i18n`, then fill resources/i18n/wenan_zh_CN.ts):\n"
    assert not missing, hint + "\n".join(missing)


def test_the_compiled_translations_match_their_source(tmp_path):
    subprocess.run([_tool("pyside6-lrelease"), str(I18N / "wenan_zh_CN.ts"), "-qm", str(tmp_path / "zh.qm")],
                   check=True, capture_output=True)
    assert (tmp_path / "zh.qm").read_bytes() == (I18N / "wenan_zh_CN.qm").read_bytes(), "run `make i18n`"
