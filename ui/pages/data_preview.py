"""Table model for the cleaned-sample preview, and the text of the statistics panel."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QLocale, QModelIndex, QPersistentModelIndex, Qt

from engine.dataio import Sample

from ..data_load import PREVIEW_ROWS, LoadedData
from ..estimate import estimate_tokens


def _tr(text: str) -> str:
    return QCoreApplication.translate("DataPreview", text)


class SampleTableModel(QAbstractTableModel):
    """The first PREVIEW_ROWS cleaned samples: prompt (for pairs) and copy."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._samples: list[Sample] = []
        self._pairs = False

    def set_samples(self, samples: list[Sample], pairs: bool) -> None:
        self.beginResetModel()
        self._samples, self._pairs = samples[:PREVIEW_ROWS], pairs
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._samples)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else (2 if self._pairs else 1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        sample = self._samples[index.row()]
        text = (sample.prompt or "") if self._pairs and index.column() == 0 else sample.text
        return text if role == Qt.ItemDataRole.ToolTipRole else " ⏎ ".join(text.splitlines())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if self._pairs and section == 0:
            return _tr("Prompt")
        return _tr("Copy")

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))


def format_name(fmt: str) -> str:
    names = {
        "txt-lines": _tr("Plain text, one sample per line"),
        "txt-blocks": _tr("Plain text, samples separated by blank lines"),
        "csv": _tr("CSV table"), "tsv": _tr("Tab-separated table"),
        "xlsx": _tr("Excel workbook"), "jsonl": _tr("JSON Lines"),
    }
    return names.get(fmt, fmt)


def encoding_name(encoding: str | None) -> str:
    if encoding is None:
        return _tr("not needed (Excel)")
    names = {"utf-8": "UTF-8", "utf-8-sig": _tr("UTF-8 with BOM"), "utf-16": "UTF-16",
             "gb18030": _tr("GB18030 (Simplified Chinese)"), "big5": _tr("Big5 (Traditional Chinese)"),
             "cp950": _tr("Big5 (Traditional Chinese)")}
    return names.get(encoding, encoding)


def stats_rows(loaded: LoadedData) -> list[tuple[str, str]]:
    """(label, value) lines for the statistics panel, numbers in the UI locale."""
    loc = QLocale()
    s, r = loaded.stats, loaded.data.report
    kind = _tr("prompt → copy pairs") if loaded.data.is_pairs else _tr("plain copy")
    return [
        (_tr("Samples"), _tr("{n} ({kind})").format(n=loc.toString(s.samples), kind=kind)),
        (_tr("Characters"), loc.toString(s.chars)),
        (_tr("Average length"), _tr("{n} characters").format(n=loc.toString(round(s.mean_chars)))),
        (_tr("Longest"), _tr("{n} characters").format(n=loc.toString(s.max_chars))),
        (_tr("Tokens (estimate)"), "≈ " + loc.toString(estimate_tokens(s.chars, loaded.cjk_share))),
        (_tr("Cleaned"), _tr("HTML removed in {html}, whitespace tidied in {ws} samples; masked {phones} phone "
                             "numbers, {emails} e-mails, {ids} ID numbers").format(
            html=loc.toString(r.html_stripped), ws=loc.toString(r.whitespace_normalized),
            phones=loc.toString(r.phones_masked), emails=loc.toString(r.emails_masked),
            ids=loc.toString(r.ids_masked))),
        (_tr("Dropped"), _tr("{empty} empty, {short} too short, {dupes} duplicates (of {total})").format(
            empty=loc.toString(r.empty_dropped), short=loc.toString(r.short_dropped),
            dupes=loc.toString(r.duplicates_dropped), total=loc.toString(r.input_samples))),
    ]
