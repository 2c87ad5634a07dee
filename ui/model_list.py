"""Listing the model library from the window (no Qt here).

The window lists models at any moment (a data file loaded, the library dialog opened),
possibly on the GUI thread and while a training is saving its result, so it uses the
engine's read-only listing: no clean-up of temp folders, same validation of wenan.json
and the same order as `engine.models.library.list_models()`.
"""
from __future__ import annotations

from engine.models.library import ModelInfo, finished_models


def list_library() -> list[ModelInfo]:
    """Finished models, newest first."""
    return finished_models()
