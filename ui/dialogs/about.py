"""Help → About: versions and the device, read without importing torch."""
from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from engine import __version__
from engine.common import paths

from ..icons import app_icon
from ..session import AppState

translate = QCoreApplication.translate



def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return translate("AboutDialog", "not installed")


def build_text(info: dict) -> str:
    """Which build this is: an installer's flavour from build.json, or a run from source."""
    flavour = info.get("flavour", "source")
    names = {"cpu": translate("AboutDialog", "Build: CPU"),
             "cuda": translate("AboutDialog", "Build: CUDA (NVIDIA GPU)"),
             "source": translate("AboutDialog", "Build: from source")}
    return names.get(flavour) or translate("AboutDialog", "Build: {flavour}").format(flavour=flavour)


def about_html(state: AppState) -> str:
    device = state.device.name if state.device is not None else translate("AboutDialog", "checking…")
    info = paths.build_info()
    rows = [("Wenan Studio", __version__), ("Python", platform.python_version()),
            ("Qt / PySide6", f"{qVersion()} / {pyside_version}"), ("torch", _version("torch")),
            ("transformers", _version("transformers")), ("peft", _version("peft")),
            (translate("AboutDialog", "Device"), device),
            (translate("AboutDialog", "Data folder"), str(paths.data_dir())),
            (translate("AboutDialog", "Log folder"), str(paths.log_dir()))]
    table = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in rows)
    title = html.escape(translate("AboutDialog", "Wenan Studio (文案工坊)"))
    intro = html.escape(translate("AboutDialog", "Drafts marketing copy with a model that learned from your own "
                                                 "writing. Everything runs on this computer."))
    built = html.escape(build_text(info))
    if info.get("built"):
        built += " · " + html.escape(translate("AboutDialog", "built {date}").format(date=info["built"][:10]))
    return f"<h3>{title}</h3><p>{intro}</p><p>{built}</p><table cellspacing='4'>{table}</table>"


def show_about(parent: QWidget, state: AppState) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("aboutDialog")
    box.setWindowTitle(translate("AboutDialog", "About Wenan Studio"))
    box.setIconPixmap(app_icon().pixmap(64, 64))
    box.setText(about_html(state))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
