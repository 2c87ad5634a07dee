"""The small core every stage uses: errors and their messages, events, atomic writes,
the data folder's paths, memory, option checks and safe spreadsheet writing.

Nothing here imports another engine package, torch or Qt.
"""
from .atomic import atomic_dir, atomic_file, remove_stale_temps, write_text
from .errors import (ConfigError, DataFileError, ExportError, HistoryError, HistoryNewerError, ModelLoadError,
                     OutOfMemoryError, TrainingError, WenanError, current_language)
from .events import ConvertEvent, DataSummary, TextEvent, TrainEvent
from .messages import MESSAGES

__all__ = ["ConfigError", "ConvertEvent", "DataFileError", "DataSummary", "ExportError", "HistoryError", "HistoryNewerError",
           "MESSAGES", "ModelLoadError", "OutOfMemoryError", "TextEvent", "TrainEvent", "TrainingError",
           "WenanError", "atomic_dir", "atomic_file", "current_language", "remove_stale_temps", "write_text"]
