"""The History page's search box and filters: model, scenario, favorites and a date range."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QEvent, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from engine.writing import SCENARIOS

from .history_table import HistoryFilter, scenario_name

SEARCH_DELAY_MS = 250  # typing pauses this long before the list follows
DATE_RANGES = ("all", "today", "7d", "30d", "custom")


def date_bounds(choice: str, start: date, end: date, today: date) -> tuple[datetime | None, datetime | None]:
    """[since, until) in local time for a date-range choice; "custom" covers start..end, both whole days."""
    midnight = datetime.combine(today, time())
    if choice == "today":
        return midnight, None
    if choice in ("7d", "30d"):  # today and the days before it
        return midnight - timedelta(days=6 if choice == "7d" else 29), None
    if choice == "custom":
        first, last = min(start, end), max(start, end)
        return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())
    return None, None


class HistoryFilterBar(QWidget):
    """Emits `changed` when the filter changes: at once for the lists, after a pause for typing."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("historySearch")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.search.returnPressed.connect(self.apply_search_now)

        self.model_combo = QComboBox()
        self.model_combo.setObjectName("historyModel")
        self.model_combo.addItem("", None)
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scenario_combo = QComboBox()
        self.scenario_combo.setObjectName("historyScenario")
        self.scenario_combo.addItem("", None)
        for key in SCENARIOS:
            self.scenario_combo.addItem("", key)
        self.date_combo = QComboBox()
        self.date_combo.setObjectName("historyDates")
        for key in DATE_RANGES:
            self.date_combo.addItem("", key)
        today = QDate.currentDate()
        self.from_edit = QDateEdit(today.addDays(-6), calendarPopup=True)
        self.to_edit = QDateEdit(today, calendarPopup=True)
        self.to_label = QLabel()
        self.favorites_check = QCheckBox()
        self.favorites_check.setObjectName("historyFavorites")

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search, 3)
        for widget in (self.model_combo, self.scenario_combo, self.date_combo, self.from_edit, self.to_label,
                       self.to_edit, self.favorites_check):
            row.addWidget(widget)
        for combo in (self.model_combo, self.scenario_combo, self.date_combo):
            combo.currentIndexChanged.connect(lambda _: self._on_change())
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(lambda _: self._on_dates())
        self.favorites_check.toggled.connect(lambda _: self._on_change())
        self._show_custom_dates()
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search text, prompts and models (Ctrl+F)"))
        self.search.setToolTip(self.tr("Every word must appear; Chinese works too, e.g. 面膜"))
        self.model_combo.setItemText(0, self.tr("All models"))
        self.model_combo.setToolTip(self.tr("Only drafts written by this model"))
        self.scenario_combo.setItemText(0, self.tr("All scenarios"))
        for i in range(1, self.scenario_combo.count()):
            self.scenario_combo.setItemText(i, scenario_name(self.scenario_combo.itemData(i)))
        self.scenario_combo.setToolTip(self.tr("Only drafts of this kind"))
        names = {"all": self.tr("Any time"), "today": self.tr("Today"), "7d": self.tr("Last 7 days"),
                 "30d": self.tr("Last 30 days"), "custom": self.tr("From… to…")}
        for i, key in enumerate(DATE_RANGES):
            self.date_combo.setItemText(i, names[key])
        self.date_combo.setToolTip(self.tr("Only drafts written in this period"))
        self.to_label.setText(self.tr("to"))
        self.favorites_check.setText(self.tr("★ Favorites only"))
        self.favorites_check.setToolTip(self.tr("Only the drafts you marked as favorites"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- reading and setting ----
    def current(self) -> HistoryFilter:
        since, until = date_bounds(self.date_combo.currentData(), self.from_edit.date().toPython(),
                                   self.to_edit.date().toPython(), date.today())
        return HistoryFilter(query=self.search.text().strip(), model=self.model_combo.currentData(),
                             scenario=self.scenario_combo.currentData(),
                             favorites_only=self.favorites_check.isChecked(), since=since, until=until)

    def set_models(self, names: list[str]) -> None:
        """Refill the model list; a chosen model stays chosen even when it has no drafts left."""
        current = self.model_combo.currentData()
        wanted = sorted(set(names) | ({current} if current else set()))
        if wanted == [self.model_combo.itemData(i) for i in range(1, self.model_combo.count())]:
            return
        self.model_combo.blockSignals(True)
        while self.model_combo.count() > 1:
            self.model_combo.removeItem(1)
        for name in wanted:
            self.model_combo.addItem(name, name)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(current)))
        self.model_combo.blockSignals(False)

    def reset(self) -> None:
        """Show everything again (one `changed`, not one per control)."""
        self.blockSignals(True)
        self.search.clear()
        for combo in (self.model_combo, self.scenario_combo, self.date_combo):
            combo.setCurrentIndex(0)
        self.favorites_check.setChecked(False)
        self.blockSignals(False)
        self._debounce.stop()
        self.changed.emit()

    def apply_search_now(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_change(self) -> None:
        self._show_custom_dates()
        self._debounce.stop()  # the typed text goes along now
        self.changed.emit()

    def _on_dates(self) -> None:
        if self.date_combo.currentData() == "custom":
            self._on_change()

    def _show_custom_dates(self) -> None:
        custom = self.date_combo.currentData() == "custom"
        for widget in (self.from_edit, self.to_label, self.to_edit):
            widget.setVisible(custom)
