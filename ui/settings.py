"""The app's preferences, kept with QSettings in an INI file in the user's config folder."""
from __future__ import annotations

import json
import os

from PySide6.QtCore import QByteArray, QSettings

LANGUAGES = ("system", "en", "zh")
DEVICES = ("auto", "cpu", "cuda", "mps")
GEN_PRESETS = ("safe", "balanced", "creative")


class AppSettings:
    """Typed access to the stored preferences; every getter falls back to a safe default."""

    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                        "WenanStudio", "WenanStudio")

    def _choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = str(self.store.value(key, default))
        return value if value in allowed else default

    # ---- preferences the Settings dialog edits ----
    @property
    def language(self) -> str:
        return self._choice("language", LANGUAGES, "system")

    @language.setter
    def language(self, value: str) -> None:
        self.store.setValue("language", value)

    @property
    def device(self) -> str:
        return self._choice("device", DEVICES, "auto")

    @device.setter
    def device(self, value: str) -> None:
        self.store.setValue("device", value)

    @property
    def cpu_threads(self) -> int:
        """0 means automatic: all cores but one, which the window keeps."""
        try:
            return max(0, int(self.store.value("cpu_threads", 0)))
        except (TypeError, ValueError):
            return 0

    @cpu_threads.setter
    def cpu_threads(self, value: int) -> None:
        self.store.setValue("cpu_threads", int(value))

    @property
    def data_folder(self) -> str:
        """Empty means the platform's user data folder."""
        return str(self.store.value("data_folder", "") or "")

    @data_folder.setter
    def data_folder(self, value: str) -> None:
        self.store.setValue("data_folder", value)

    @property
    def generation_preset(self) -> str:
        return self._choice("generation_preset", GEN_PRESETS, "balanced")

    @generation_preset.setter
    def generation_preset(self, value: str) -> None:
        self.store.setValue("generation_preset", value)

    # ---- state the app remembers by itself ----
    @property
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    def measured_tokens_per_s(self, key: str) -> float | None:
        """The speed the last training of this kind reached on this computer."""
        try:
            value = float(self.store.value(f"speed/{key}", 0) or 0)
        except (TypeError, ValueError):
            return None
        return value if value > 0 else None

    def set_measured_tokens_per_s(self, key: str, value: float) -> None:
        self.store.setValue(f"speed/{key}", float(value))

    def examples_file(self, model: str) -> str:
        """The file of the seller's own copy chosen on the Write page for this base model, or ""."""
        return str(self._examples().get(model, ""))

    def set_examples_file(self, model: str, path: str) -> None:
        chosen = self._examples()
        if path:
            chosen[model] = path
        else:
            chosen.pop(model, None)
        self.store.setValue("write/examples", json.dumps(chosen, ensure_ascii=False))

    def _examples(self) -> dict:
        # one JSON value: model names hold ':' and '/', which QSettings keys would split
        try:
            value = json.loads(str(self.store.value("write/examples", "{}") or "{}"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def apply_data_folder(self) -> None:
        """Point the engine at the chosen data folder, unless WENAN_HOME was set from outside."""
        if os.environ.get("WENAN_HOME_FROM_SETTINGS") or "WENAN_HOME" not in os.environ:
            if self.data_folder:
                os.environ["WENAN_HOME"] = self.data_folder
                os.environ["WENAN_HOME_FROM_SETTINGS"] = "1"
            elif os.environ.pop("WENAN_HOME_FROM_SETTINGS", None):
                os.environ.pop("WENAN_HOME", None)

    def sync(self) -> None:
        self.store.sync()
