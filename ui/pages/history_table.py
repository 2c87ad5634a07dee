"""The History page's list: a paged table model over engine.history.store, and its keyboard-aware view.

The model holds only the rows fetched so far: a page of PAGE_SIZE when the filter
changes, more as the view scrolls (Qt's canFetchMore/fetchMore), so a history of
10,000 drafts opens as fast as one of ten.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QDate, QDateTime, QItemSelection,
                            QItemSelectionModel, QLocale, QModelIndex, QPersistentModelIndex, Qt, QTime, Signal)
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from engine.common import WenanError
from engine.history import History, VariantRow
from engine.quality import flag_text, flags_from_dicts
from engine.writing import SCENARIOS

from .. import i18n
from ..flag_view import check_name

translate = QCoreApplication.translate
log = logging.getLogger(__name__)

PAGE_SIZE = 200
PREVIEW_CHARS = 160          # the view elides further; the tooltip has more
TOOLTIP_CHARS = 600
COLUMNS = ("favorite", "time", "model", "scenario", "text", "characters", "flags")
FAVORITE_COLUMN = 0


@dataclass(frozen=True)
class HistoryFilter:
    """What the filter bar asks for; the keyword arguments of History.search and count."""

    query: str = ""
    model: str | None = None
    scenario: str | None = None
    favorites_only: bool = False
    since: datetime | None = None   # inclusive, local time
    until: datetime | None = None   # exclusive, local time

    def search_args(self) -> dict:
        return dataclasses.asdict(self)

    def is_empty(self) -> bool:
        return self == HistoryFilter()


# ---- how a row reads ----

def local_time(iso: str) -> str:
    """The stored UTC time in the user's time zone and date format."""
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    when = QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute, moment.second))
    return QLocale().toString(when, QLocale.FormatType.ShortFormat)


def scenario_name(key: str | None) -> str:
    if key is None:
        return translate("HistoryTableModel", "Free prompt")
    spec = SCENARIOS.get(key)
    if spec is None:
        return key
    return spec.zh if i18n.current() == "zh" else spec.en


def flag_messages(flags: tuple[dict, ...]) -> list[tuple[str, str | None]]:
    """(message, suggested wording or None) for each flag, in the UI language.

    Flags written by the quality checks come back as engine Flags; a dict of another
    shape (an older version, a script) is still shown, as export summarises it.
    """
    messages = []
    for item in flags:
        try:
            [flag] = flags_from_dicts([item])
        except (KeyError, TypeError, ValueError, AttributeError):
            flag = None
        messages.append((flag_text(item, i18n.current()), flag.suggestion or None if flag else None))
    return messages


def _flag_kind(flag: dict) -> str:
    check = flag.get("check") or translate("HistoryTableModel", "check")
    match = flag.get("match") if check in ("absolute_terms", "keyword_missing", "unsupported_claim") else None
    return f"{check_name(check)} “{match}”" if match else check_name(check)


def flags_cell(flags: tuple[dict, ...]) -> str:
    """A short summary for the table, e.g. "⚠ Absolute term “最好”, Too long"."""
    if not flags:
        return ""
    kinds = list(dict.fromkeys(_flag_kind(flag) for flag in flags if isinstance(flag, dict)))
    return "⚠ " + (", ".join(kinds) if kinds else str(len(flags)))


def one_line(text: str, limit: int) -> str:
    line = " ⏎ ".join(part.strip() for part in text.splitlines() if part.strip())
    return line if len(line) <= limit else line[:limit - 1] + "…"


# ---- the model ----

class HistoryTableModel(QAbstractTableModel):
    """Variants matching a HistoryFilter, newest first, fetched a page at a time."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._history: History | None = None
        self._filter = HistoryFilter()
        self._rows: list[VariantRow] = []
        self._total = 0

    # ---- loading ----
    def load(self, history: History, flt: HistoryFilter, at_least: int = PAGE_SIZE) -> None:
        """Start over with this filter: the match count and the first `at_least` rows."""
        self.beginResetModel()
        self._history, self._filter = history, flt
        self._total = history.count(**flt.search_args())
        self._rows = history.search(**flt.search_args(), limit=max(PAGE_SIZE, at_least))
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._history, self._rows, self._total = None, [], 0
        self.endResetModel()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and self._history is not None and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        try:
            more = self._history.search(**self._filter.search_args(), limit=PAGE_SIZE, offset=len(self._rows))
        except WenanError as err:  # e.g. locked by another copy: keep what is shown, stop asking
            log.warning("could not fetch more history rows: %s", err)
            more = []
        if not more:  # deleted elsewhere since the count, or unreadable: nothing more to show
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    @property
    def total(self) -> int:
        """How many variants match the filter, loaded or not."""
        return self._total

    def row(self, r: int) -> VariantRow:
        return self._rows[r]

    def rows_of(self, variant_ids: list[int]) -> list[int]:
        """The row numbers of those variants that are loaded, in list order."""
        wanted = set(variant_ids)
        return [r for r, row in enumerate(self._rows) if row.id in wanted]

    def replace_row(self, r: int, row: VariantRow) -> None:
        self._rows[r] = row
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))

    def retranslate(self) -> None:
        """Scenario names, flags, dates and headers follow the UI language."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    # ---- Qt's model interface ----
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("favorite", "characters"):
            return int(Qt.AlignmentFlag.AlignCenter if column == "favorite" else
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _display(self, row: VariantRow, column: str) -> str:
        if column == "favorite":
            return "★" if row.favorite else "☆"
        if column == "time":
            return local_time(row.created_at)
        if column == "model":
            return row.model
        if column == "scenario":
            return scenario_name(row.scenario)
        if column == "text":
            return one_line(row.text, PREVIEW_CHARS)
        if column == "characters":
            return QLocale().toString(len(row.text))
        return flags_cell(row.flags)

    def _tooltip(self, row: VariantRow, column: str) -> str | None:
        if column == "favorite":
            return (translate("HistoryTableModel", "A favorite: click to unmark it") if row.favorite
                    else translate("HistoryTableModel", "Click to mark it as a favorite"))
        if column == "text":
            return one_line(row.text, TOOLTIP_CHARS)
        if column == "flags" and row.flags:
            return "\n".join(message for message, _ in flag_messages(row.flags))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role not in (Qt.ItemDataRole.DisplayRole,
                                                                    Qt.ItemDataRole.ToolTipRole):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {"favorite": translate("HistoryTableModel", "Favorite"),
                    "characters": translate("HistoryTableModel", "Characters in the text"),
                    "flags": translate("HistoryTableModel", "What the quality checks found")}.get(column)
        return {"favorite": "★", "time": translate("HistoryTableModel", "Time"),
                "model": translate("HistoryTableModel", "Model"),
                "scenario": translate("HistoryTableModel", "Scenario"),
                "text": translate("HistoryTableModel", "Text"),
                "characters": translate("HistoryTableModel", "Length"),
                "flags": translate("HistoryTableModel", "Checks")}[column]


# ---- the view ----

class HistoryTable(QTableView):
    """Rows select whole; Enter opens the detail, Delete deletes, Ctrl+C copies the texts."""

    open_requested = Signal()
    delete_requested = Signal()
    copy_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("historyTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)  # Tab leaves the table, as in any form
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setHighlightSections(False)

    def setModel(self, model) -> None:
        super().setModel(model)
        header = self.horizontalHeader()
        # Widths in digits of the user's font: a CJK font's *average* character is full-width.
        digit = self.fontMetrics().horizontalAdvance("0")
        for column, width in (("favorite", 3), ("time", 17), ("model", 12), ("scenario", 11), ("characters", 7),
                              ("flags", 14)):
            section = COLUMNS.index(column)
            header.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(section, digit * width)
        header.setSectionResizeMode(COLUMNS.index("text"), QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(digit * 3)

    # ---- selection, by row number and by variant id ----
    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.selectionModel().selectedRows())

    def selected_ids(self) -> list[int]:
        return [self.model().row(r).id for r in self.selected_rows()]

    def current_variant(self) -> VariantRow | None:
        index = self.currentIndex()
        return self.model().row(index.row()) if index.isValid() else None

    def reselect(self, ids: list[int], current: int | None, fallback_row: int = 0) -> None:
        """Select the variants `ids` where still listed, `current` current; else the row at `fallback_row`."""
        model = self.model()
        rows = model.rows_of(ids)
        current_row = next(iter(model.rows_of([current])), None) if current is not None else None
        if current_row is None and model.rowCount():
            current_row = rows[0] if rows else min(fallback_row, model.rowCount() - 1)
            rows = rows or [current_row]
        selection = self.selectionModel()
        flag = QItemSelectionModel.SelectionFlag
        if current_row is None:
            selection.clear()
            return
        selection.setCurrentIndex(model.index(current_row, 0), flag.Rows | flag.NoUpdate)
        wanted = QItemSelection()  # one change for the whole selection, not one per row
        for r in rows:
            wanted.select(model.index(r, 0), model.index(r, len(COLUMNS) - 1))
        selection.select(wanted, flag.ClearAndSelect)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
        elif event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Delete:
            self.delete_requested.emit()
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
        else:
            super().keyPressEvent(event)
