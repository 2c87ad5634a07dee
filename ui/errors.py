"""Turning any exception into a plain-language message, and the error dialog that shows it."""
from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from engine.common import WenanError

from . import i18n

log = logging.getLogger(__name__)



def is_out_of_memory(err: BaseException) -> bool:
    """CUDA OOM or a RuntimeError saying so, checked without importing torch (the engine process
    sends torch's own as a `RemoteError` that says it was one)."""
    return getattr(err, "out_of_memory", False) is True or type(err).__name__ == "OutOfMemoryError" or (
        isinstance(err, RuntimeError) and "out of memory" in str(err).lower())


def error_text(err: BaseException) -> str:
    """What the user reads: the engine's own message in the UI language, or a plain fallback."""
    translate = QCoreApplication.translate
    if isinstance(err, WenanError):
        return err.message(i18n.current())
    if isinstance(err, MemoryError) or is_out_of_memory(err):
        return translate("ErrorMessages", "The computer ran out of memory. Close other programs, or try a "
                                          "smaller batch size, block size or model.")
    if isinstance(err, OSError) and err.filename:
        return translate("ErrorMessages", "Could not read or write {path}: {reason}").format(
            path=err.filename, reason=err.strerror or err)
    return translate("ErrorMessages", "Something unexpected went wrong ({kind}). Wenan Studio is still usable; "
                                      "the details below and the log file help to find the cause.").format(
        kind=getattr(err, "kind", None) or type(err).__name__)


def show_error(parent: QWidget | None, err: BaseException, details: str = "", title: str | None = None) -> QMessageBox:
    """A window-modal message box with the traceback under "Show Details…"; it does not block."""
    box = QMessageBox(QMessageBox.Icon.Warning, title or QCoreApplication.translate("ErrorMessages", "Wenan Studio"),
                      error_text(err), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    if details:
        box.setDetailedText(details)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()  # no nested event loop: a running job keeps reporting behind the dialog
    return box
