"""State shared by the pages: the loaded data, the device, and change notifications."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from .settings import AppSettings

if TYPE_CHECKING:  # engine.data is imported by the Data page, not on the start-up path
    from .data_load import LoadedData


class AppState(QObject):
    """One per window. Pages read it and listen to its signals instead of to each other."""

    data_changed = Signal()       # a data file was loaded (or reloaded with new options)
    models_changed = Signal()     # the library gained, lost or renamed a model
    device_changed = Signal()     # the device probe finished
    open_page = Signal(str)       # ask the window to show a page: "data", "train", "write", "history"
    write_with = Signal(str)      # open the Write page with this library model selected
    load_file = Signal(str)       # ask the Data page to load a file
    history_changed = Signal()    # drafts were saved, edited, starred or deleted (refresh views)
    rerun = Signal(object)        # ask the Write page to run an engine.history.store.RerunRequest again
    draft_with = Signal(str, object)  # open the Write page on this scenario with these {field: value}

    def __init__(self, settings: AppSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.data: LoadedData | None = None
        self.device: Any = None           # engine.models.device.DeviceChoice once known
        self.device_error: BaseException | None = None
        self._history: Any = None         # engine.history.store.History, opened on first use
        self._recovery_told = False

    def history(self) -> Any:
        """The draft history (engine.history.store.History), opened on first use: the Write page
        saves into it and the History page reads it. Raises HistoryError if the file cannot
        be opened; a damaged file is moved aside and `recovery_notice()` says so once."""
        if self._history is None:
            from engine.history import History  # not on the start-up path
            self._history = History()
        return self._history

    def take_recovery_notice(self) -> Any:
        """The history that was opened replaced a damaged file: returns that History once, so
        exactly one page tells the user (recovery_notice(lang) has the words), else None."""
        history = self._history
        if history is None or history.recovered_from is None or self._recovery_told:
            return None
        self._recovery_told = True
        return history

    def close_history(self) -> None:
        """On window close: ends this session's undo and closes the file."""
        if self._history is not None:
            self._history.close()
            self._history = None
            self._recovery_told = False

    def set_data(self, loaded: LoadedData | None) -> None:
        self.data = loaded
        self.data_changed.emit()

    def set_device(self, device: Any, error: BaseException | None = None) -> None:
        self.device, self.device_error = device, error
        self.device_changed.emit()
