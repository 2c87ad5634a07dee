"""The Reviews page's columns and filter: which columns hold the review, rating, product and date,
and which product and dates to count. The guesses come from engine.insight (the Data page's own
column guessing, with the review exports' header names)."""
from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QWidget

NONE = ""   # a combo's data for "no such column" / "all products"
COLUMNS = ("text", "rating", "product", "date")


class ReviewOptions(QWidget):
    """`columns_changed` when the user picks another column, `filter_changed` for product and dates."""

    columns_changed = Signal()
    filter_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.columns_box = QGroupBox()
        form = QFormLayout(self.columns_box)
        self.combos, self.combo_labels = {}, {}
        for key in COLUMNS:
            combo, label = QComboBox(), QLabel()
            combo.setObjectName(f"reviewColumn_{key}")
            label.setBuddy(combo)
            combo.activated.connect(lambda _: self.columns_changed.emit())
            self.combos[key], self.combo_labels[key] = combo, label
            form.addRow(label, combo)
        self.filter_box = QGroupBox()
        filters = QFormLayout(self.filter_box)
        self.product_filter = QComboBox()
        self.product_filter.setObjectName("productFilter")
        self.product_filter.activated.connect(lambda _: self.filter_changed.emit())
        self.product_label = QLabel(buddy=self.product_filter)
        self.date_check = QCheckBox()
        self.date_check.setObjectName("dateFilter")
        self.since_edit, self.until_edit = QDateEdit(calendarPopup=True), QDateEdit(calendarPopup=True)
        for edit in (self.since_edit, self.until_edit):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _: self.filter_changed.emit() if self.date_check.isChecked() else None)
        self.date_check.toggled.connect(self._on_date_toggled)
        dates = QHBoxLayout()
        for w in (self.date_check, self.since_edit, QLabel("–"), self.until_edit):
            dates.addWidget(w)
        filters.addRow(self.product_label, self.product_filter)
        filters.addRow(dates)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.columns_box, 1)
        row.addWidget(self.filter_box, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.columns_box.setTitle(self.tr("Columns"))
        labels = {"text": self.tr("Re&view:"), "rating": self.tr("R&ating:"), "product": self.tr("Pro&duct:"),
                  "date": self.tr("Da&te:")}
        for key, label in labels.items():
            self.combo_labels[key].setText(label)
        self.combos["rating"].setToolTip(self.tr("Stars, scores or 好评/中评/差评. With a rating, praise and "
                                                 "criticism follow it; without one, the review's own words"))
        for key in ("rating", "product", "date"):
            if self.combos[key].count():
                self.combos[key].setItemText(0, self.tr("(none)"))
        self.filter_box.setTitle(self.tr("Filter"))
        self.product_label.setText(self.tr("Only &product:"))
        if self.product_filter.count():
            self.product_filter.setItemText(0, self.tr("All products"))
        self.date_check.setText(self.tr("Only reviews &from"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def chosen(self) -> dict[str, str | None]:
        """{column kind: header}: "" for none, None for the review column left to the guess."""
        chosen = {key: self.combos[key].currentData() or NONE for key in COLUMNS}
        chosen["text"] = chosen["text"] or None
        return chosen

    def filter_values(self) -> tuple:
        """(product or None, since or None, until or None)."""
        product = self.product_filter.currentData() or None
        if not self.date_check.isChecked():
            return product, None, None
        return product, self.since_edit.date().toPython(), self.until_edit.date().toPython()

    def fill_columns(self, columns: list[str], chosen) -> None:
        for key, combo in self.combos.items():
            combo.clear()
            if key != "text":
                combo.addItem(self.tr("(none)"), NONE)
            for name in columns:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(getattr(chosen, key) or NONE)))
            combo.setEnabled(bool(columns))

    def fill_filters(self, review_set) -> None:
        """Products and the date span of a new set of reviews; the filter starts off."""
        self.product_filter.clear()
        self.product_filter.addItem(self.tr("All products"), NONE)
        for product in review_set.products():
            self.product_filter.addItem(product, product)
        self.product_filter.setEnabled(self.product_filter.count() > 2)
        span = review_set.date_range()
        for w in (self.date_check, self.since_edit, self.until_edit):
            w.blockSignals(True)
        self.date_check.setChecked(False)
        self.date_check.setEnabled(span is not None)
        for edit in (self.since_edit, self.until_edit):
            edit.setEnabled(False)
        if span is not None:
            self.since_edit.setDate(QDate(span[0]))
            self.until_edit.setDate(QDate(span[1]))
        for w in (self.date_check, self.since_edit, self.until_edit):
            w.blockSignals(False)

    def _on_date_toggled(self, on: bool) -> None:
        for edit in (self.since_edit, self.until_edit):
            edit.setEnabled(on)
        self.filter_changed.emit()
