"""Table model for the cleaned-sample preview, and the text of the statistics panel."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QLocale, QModelIndex, QPersistentModelIndex, Qt

from engine.data import Sample

from ..data_load import PREVIEW_ROWS, LoadedData
from ..estimate import estimate_tokens

translate = QCoreApplication.translate



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
            return translate("DataPreview", "Prompt")
        return translate("DataPreview", "Copy")

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))


def format_name(fmt: str) -> str:
    names = {
        "txt-lines": translate("DataPreview", "Plain text, one sample per line"),
        "txt-blocks": translate("DataPreview", "Plain text, samples separated by blank lines"),
        "csv": translate("DataPreview", "CSV table"),
        "tsv": translate("DataPreview", "Tab-separated table"),
        "xlsx": translate("DataPreview", "Excel workbook"),
        "jsonl": translate("DataPreview", "JSON Lines"),
    }
    return names.get(fmt, fmt)


def encoding_name(encoding: str | None) -> str:
    if encoding is None:
        return translate("DataPreview", "not needed (Excel)")
    big5 = translate("DataPreview", "Big5 (Traditional Chinese)")
    names = {"utf-8": "UTF-8", "utf-8-sig": translate("DataPreview", "UTF-8 with BOM"), "utf-16": "UTF-16",
             "gb18030": translate("DataPreview", "GB18030 (Simplified Chinese)"), "big5": big5, "cp950": big5}
    return names.get(encoding, encoding)


def stats_rows(loaded: LoadedData) -> list[tuple[str, str]]:
    """(label, value) lines for the statistics panel, numbers in the UI locale."""
    num = QLocale().toString
    s, r = loaded.stats, loaded.data.report
    kind = (translate("DataPreview", "prompt → copy pairs") if loaded.data.is_pairs
            else translate("DataPreview", "plain copy"))
    characters = translate("DataPreview", "{n} characters")
    cleaned = translate("DataPreview", "HTML removed in {html}, whitespace tidied in {ws} samples; masked {phones} "
                                       "phone numbers, {emails} e-mails, {ids} ID numbers").format(
        html=num(r.html_stripped), ws=num(r.whitespace_normalized), phones=num(r.phones_masked),
        emails=num(r.emails_masked), ids=num(r.ids_masked))
    dropped = translate("DataPreview", "{empty} empty, {short} too short, {dupes} duplicates (of {total})").format(
        empty=num(r.empty_dropped), short=num(r.short_dropped), dupes=num(r.duplicates_dropped),
        total=num(r.input_samples))
    return [
        (translate("DataPreview", "Samples"), translate("DataPreview", "{n} ({kind})").format(n=num(s.samples),
                                                                                             kind=kind)),
        (translate("DataPreview", "Characters"), num(s.chars)),
        (translate("DataPreview", "Average length"), characters.format(n=num(round(s.mean_chars)))),
        (translate("DataPreview", "Longest"), characters.format(n=num(s.max_chars))),
        (translate("DataPreview", "Tokens (estimate)"), "≈ " + num(estimate_tokens(s.chars, loaded.cjk_share))),
        (translate("DataPreview", "Cleaned"), cleaned),
        (translate("DataPreview", "Dropped"), dropped),
    ]
