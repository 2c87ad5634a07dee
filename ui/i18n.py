"""Languages: Qt Linguist translators for the UI, and the matching engine message language."""
from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from engine.common.paths import resources_dir

log = logging.getLogger(__name__)

_current = "en"


def current() -> str:
    """The UI language now shown: "zh" or "en". Engine errors use it via `err.message(...)`."""
    return _current


def resolve(setting: str) -> str:
    """"system" follows WENAN_LANG if set, else the system locale."""
    if setting in ("zh", "en"):
        return setting
    env = os.environ.get("WENAN_LANG", "")
    if env:
        return "zh" if env.lower().startswith("zh") else "en"
    return "zh" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def i18n_dir():
    return resources_dir() / "i18n"


class LanguageManager:
    """Installs and removes translators; Qt then sends every widget a LanguageChange event."""

    def __init__(self, app: QCoreApplication):
        self.app = app
        self._installed: list[QTranslator] = []

    def apply(self, setting: str) -> str:
        global _current
        lang = resolve(setting)
        _current = lang  # set first: widgets read it when the LanguageChange event reaches them
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh"
                           else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        for translator in self._installed:
            self.app.removeTranslator(translator)
        self._installed = []
        if lang == "zh":
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            for name, folder in (("wenan_zh_CN", str(i18n_dir())), ("qtbase_zh_CN", qt_dir)):
                translator = QTranslator(self.app)
                if translator.load(name, folder):
                    self.app.installTranslator(translator)
                    self._installed.append(translator)
                else:
                    log.warning("translation %s not found in %s", name, folder)
        # Qt posts LanguageChange to every window; deliver it now so the switch is complete on return.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        return lang

