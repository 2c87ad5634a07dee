"""User-facing errors. Each carries a message key (`engine.common.messages`) and parameters,
so that the CLI prints it in plain words and the desktop app can show it in either language.
"""
from __future__ import annotations

import locale
import os

from .messages import MESSAGES


def current_language() -> str:
    """'zh' or 'en', from WENAN_LANG or else the system locale."""
    lang = os.environ.get("WENAN_LANG") or (locale.getlocale()[0] or "") or os.environ.get("LANG", "")
    return "zh" if lang.lower().startswith("zh") else "en"


class WenanError(Exception):
    """Base of every error a user may see. `str(err)` is the plain message."""

    exit_code = 2

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(self.message())

    def message(self, lang: str | None = None) -> str:
        en, zh = MESSAGES[self.key]
        template = zh if (lang or current_language()) == "zh" else en
        return template.format(**self.params)


class DataFileError(WenanError):
    """The user's data file cannot be used."""


class ModelLoadError(WenanError):
    """A model folder or library entry cannot be used."""


class TrainingError(WenanError):
    """Training cannot start or continue."""


class OutOfMemoryError(TrainingError):
    """The device ran out of memory; the message says what to shrink."""


class ConfigError(WenanError):
    """An option has an invalid value."""


class HistoryError(WenanError):
    """The history database cannot be used for this operation."""


class HistoryNewerError(HistoryError):
    """The history file was written by a newer Wenan Studio; it is left untouched."""


class ExportError(WenanError):
    """An export cannot be written: bad format or scope, or an unwritable path."""
