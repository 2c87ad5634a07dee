"""User-facing errors. Each carries a message key (`engine.common.messages`) and parameters,
so that the CLI prints it in plain words and the desktop app can show it in either language.
"""
from __future__ import annotations

import locale
import os

from .messages import MESSAGES


def current_language() -> str:
    """'zh' or 'en', from WENAN_LANG or else the system locale.

    The locale variables are read first, in POSIX order: Python falls back to C.UTF-8 when a
    zh_CN locale is named but not generated, yet the user still asked for Chinese. Windows
    names the locale "Chinese (Simplified)_China".
    """
    env = os.environ
    lang = (env.get("WENAN_LANG") or env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG")
            or locale.getlocale()[0] or "")
    return "zh" if lang.lower().startswith(("zh", "chinese")) else "en"


def message(key: str, lang: str | None = None, **params) -> str:
    """The message `key` of `engine.common.messages` in `lang` (default: the current language)."""
    en, zh = MESSAGES[key]
    return (zh if (lang or current_language()) == "zh" else en).format(**params)


class WenanError(Exception):
    """Base of every error a user may see. `str(err)` is the plain message."""

    exit_code = 2

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(self.message())

    def message(self, lang: str | None = None) -> str:
        return message(self.key, lang, **self.params)

    def __reduce__(self):
        # Exceptions pickle as cls(*args), and args holds only the English text: keep the key, the
        # parameters and any attribute a subclass set, so the window can say it in its own language.
        return _rebuild_error, (type(self), self.key, self.params, dict(self.__dict__))


def _rebuild_error(cls: type, key: str, params: dict, state: dict) -> WenanError:
    err = cls.__new__(cls)
    Exception.__init__(err, message(key, **params))
    err.__dict__.update(state)
    return err


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
