"""Exporting drafts from the History page: the save dialog picks the file and its format,
engine.history.export writes it on a worker thread (a large workbook takes seconds), and an inline
message says where it went, with a button that opens the folder."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from engine.history import VariantRow
from engine.history.export import FORMATS, export

from ..errors import error_text
from ..notice import InlineMessage
from ..worker import Job


def with_format(path: str, chosen_filter: str, filters: dict[str, str]) -> Path:
    """`path` with a known suffix: the one typed, else the one of the filter chosen in the dialog."""
    target = Path(path)
    if target.suffix.lower().lstrip(".") in FORMATS:
        return target
    fmt = next((key for key, text in filters.items() if text == chosen_filter), "csv")
    return target.with_name(f"{target.name}.{fmt}")


class HistoryExporter(QObject):
    """Owns the export's inline message; `finished` gives the path written, or None."""

    finished = Signal(object)

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.parent_widget = parent
        self.message = InlineMessage("info", closable=True)
        self.message.setObjectName("historyExportMessage")
        self.message.label.setTextFormat(Qt.TextFormat.PlainText)  # a path may hold "<" or "&"
        self.open_button = self.message.add_button(QPushButton())
        self.open_button.clicked.connect(self.open_folder)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.folder = Path(documents or Path.home())
        self.last_path: Path | None = None
        self.job: Job | None = None
        self._text: Callable[[], str] | None = None
        self.retranslate()

    def filters(self) -> dict[str, str]:
        return {"csv": self.tr("CSV for Excel, Chinese included (*.csv)"),
                "xlsx": self.tr("Excel workbook (*.xlsx)"), "md": self.tr("Markdown (*.md)"),
                "txt": self.tr("Plain text (*.txt)")}

    def retranslate(self) -> None:
        self.open_button.setText(self.tr("&Open folder"))
        self.open_button.setToolTip(self.tr("Show the exported file in your file manager"))
        if self._text is not None:
            self.message.label.setText(self._text())

    def is_running(self) -> bool:
        return self.job is not None

    def export(self, rows: list[VariantRow]) -> None:
        """Ask where to save `rows`, then write them; the message reports either way."""
        if self.is_running():
            return
        if not rows:
            self._say(lambda: self.tr("There is nothing to export: no drafts are selected or shown."), "info")
            return
        filters = self.filters()
        suggested = self.folder / f"wenan-drafts-{date.today():%Y%m%d}.csv"
        path, chosen = QFileDialog.getSaveFileName(self.parent_widget, self.tr("Export drafts"), str(suggested),
                                                   ";;".join(filters.values()), filters["csv"])
        if not path:
            return
        target = with_format(path, chosen, filters)
        self.folder = target.parent
        self.message.hide()
        self.job = Job(lambda ctx: export(rows, target), name="export", parent=self)
        self.job.returned.connect(lambda written: self._done(written, len(rows)))
        self.job.failed.connect(lambda err, details: self._failed(err))
        self.job.finished.connect(self._on_finished)
        self.job.start()

    def _done(self, path: Path, count: int) -> None:
        self.last_path = Path(path)
        self._say(lambda: (self.tr("Exported 1 draft to {path}") if count == 1
                           else self.tr("Exported {n} drafts to {path}")).format(n=count, path=path), "info")
        self.open_button.show()

    def _failed(self, err: BaseException) -> None:
        self.last_path = None
        self._say(lambda: self.tr("Could not export: {reason}").format(reason=error_text(err)), "error")

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        job.deleteLater()
        self.finished.emit(self.last_path)

    def _say(self, text: Callable[[], str], kind: str) -> None:
        """Kept as a function, so a language switch can redraw it."""
        self._text = text
        self.open_button.hide()
        self.message.show_message(text(), kind)

    def open_folder(self) -> None:
        if self.last_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_path.parent)))
