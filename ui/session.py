"""State shared by the pages: the loaded data, the device, and change notifications."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from .data_load import LoadedData
from .settings import AppSettings


class AppState(QObject):
    """One per window. Pages read it and listen to its signals instead of to each other."""

    data_changed = Signal()       # a data file was loaded (or reloaded with new options)
    models_changed = Signal()     # the library gained, lost or renamed a model
    device_changed = Signal()     # the device probe finished
    open_page = Signal(str)       # ask the window to show a page: "data", "train", "write", "history"
    write_with = Signal(str)      # open the Write page with this library model selected
    load_file = Signal(str)       # ask the Data page to load a file

    def __init__(self, settings: AppSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.data: LoadedData | None = None
        self.device: Any = None           # engine.device.DeviceChoice once known
        self.device_error: BaseException | None = None

    def set_data(self, loaded: LoadedData | None) -> None:
        self.data = loaded
        self.data_changed.emit()

    def set_device(self, device: Any, error: BaseException | None = None) -> None:
        self.device, self.device_error = device, error
        self.device_changed.emit()
