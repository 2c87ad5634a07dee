"""The batch dialog's product sheet: read on a worker, previewed, and its columns mapped to the scenario's fields."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.common import WenanError
from engine.writing import FIELDS, SCENARIOS
from engine.writing.batch import (REQUIRED, REQUIRED_DEFAULT, ProductSheet, default_mapping, read_products,
                                  resolve_mapping)

from .. import i18n
from ..errors import error_text
from ..notice import InlineMessage, hint
from ..worker import Job

PREVIEW_ROWS = 5


def mapped_fields(scenario: str) -> list[str]:
    """The fields a column can fill: the scenario's, plus the platform its length checks use."""
    fields = list(SCENARIOS[scenario].fields)
    return fields if "platform" in fields else fields + ["platform"]


class BatchSheet(QWidget):
    """The sheet box (path, problem, preview) over the columns box (one combo per field of the scenario)."""

    reading = Signal()          # a read has started
    sheet_read = Signal()       # the read has ended: `sheet` is the new sheet, or None after a problem
    mapping_changed = Signal()  # a column was chosen, or the combos were rebuilt

    def __init__(self, scenario: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.scenario = scenario
        self.sheet: ProductSheet | None = None
        self.reader: Job | None = None  # reading a product sheet
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_sheet_box())
        layout.addWidget(self._build_mapping_box())
        layout.addStretch(1)
        self.retranslate()
        self._rebuild_mapping(keep=False)

    # ---- layout ----
    def _build_sheet_box(self) -> QGroupBox:
        self.sheet_box = QGroupBox()
        self.sheet_edit = QLineEdit()
        self.sheet_edit.setObjectName("productSheet")
        self.sheet_edit.editingFinished.connect(self._on_sheet_edited)
        self.sheet_button = QPushButton()
        self.sheet_button.clicked.connect(self.choose_sheet)
        self.sheet_message = InlineMessage("error")
        self.sheet_message.setObjectName("sheetProblem")
        self.sheet_info = hint()
        self.preview = QTableWidget()
        self.preview.setObjectName("sheetPreview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setMinimumHeight(self.fontMetrics().height() * 7)
        self.preview.setMaximumHeight(self.fontMetrics().height() * (PREVIEW_ROWS * 2 + 2))
        path_row = QHBoxLayout()
        path_row.addWidget(self.sheet_edit, 1)
        path_row.addWidget(self.sheet_button)
        layout = QVBoxLayout(self.sheet_box)
        layout.addLayout(path_row)
        for widget in (self.sheet_message, self.sheet_info, self.preview):
            layout.addWidget(widget)
        return self.sheet_box

    def _build_mapping_box(self) -> QGroupBox:
        self.mapping_box = QGroupBox()
        self.mapping_form = QFormLayout()
        self.mapping_combos: dict[str, QComboBox] = {}
        self.mapping_labels: dict[str, QLabel] = {}
        self.mapping_message = InlineMessage("error")
        self.mapping_message.setObjectName("mappingProblem")
        layout = QVBoxLayout(self.mapping_box)
        layout.addLayout(self.mapping_form)
        layout.addWidget(self.mapping_message)
        return self.mapping_box

    def retranslate(self) -> None:
        self.sheet_box.setTitle(self.tr("Product sheet"))
        self.sheet_edit.setPlaceholderText(self.tr("A .csv or .xlsx file with one product per row"))
        self.sheet_button.setText(self.tr("&Browse…"))
        self.mapping_box.setTitle(self.tr("Columns"))
        self._fill_mapping_labels()
        self._show_sheet_info()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- the product sheet ----
    def is_reading(self) -> bool:
        return self.reader is not None

    def choose_sheet(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a product sheet"), self.sheet_edit.text(),
                                              self.tr("Product sheets (*.csv *.tsv *.xlsx)"))
        if path:
            self.sheet_edit.setText(path)
            self.load_sheet(path)

    def _on_sheet_edited(self) -> None:
        path = self.sheet_edit.text().strip()
        if self.sheet is None or str(self.sheet.path) != path:  # focus leaving the box is no reason to reread
            self.load_sheet(path)

    def load_sheet(self, path: str) -> None:
        """Read the sheet off the GUI thread: a big .xlsx takes a while to open."""
        path = path.strip()
        if not path or self.reader is not None:
            return
        self.reader = Job(lambda ctx: read_products(path), name="read-products", parent=self)
        self.reader.returned.connect(self._on_sheet)
        self.reader.failed.connect(lambda err, details: self._on_sheet_failed(err))
        self.reader.finished.connect(self._on_reader_finished)
        self.sheet_info.setText(self.tr("Reading {name}…").format(name=Path(path).name))
        self.reader.start()
        self._enable_path(False)
        self.reading.emit()

    def _on_sheet(self, sheet: ProductSheet) -> None:
        if not sheet.rows:
            self._on_sheet_failed(None)
            return
        self.sheet = sheet
        self.sheet_message.hide()
        self._fill_preview()
        self._rebuild_mapping(keep=False)

    def _on_sheet_failed(self, err: BaseException | None) -> None:
        self.sheet = None
        text = error_text(err) if err is not None else self.tr("This sheet has a header but no products.")
        self.sheet_message.show_message(text, "error")
        self._fill_preview()
        self._rebuild_mapping(keep=False)

    def _on_reader_finished(self) -> None:
        reader, self.reader = self.reader, None
        reader.deleteLater()
        self._show_sheet_info()
        self._enable_path(True)
        self.sheet_read.emit()

    def _enable_path(self, on: bool) -> None:
        """The path cannot change under a read in progress."""
        self.sheet_edit.setEnabled(on)
        self.sheet_button.setEnabled(on)

    def _fill_preview(self) -> None:
        sheet = self.sheet
        self.preview.clear()
        self.preview.setColumnCount(len(sheet.columns) if sheet else 0)
        self.preview.setRowCount(min(PREVIEW_ROWS, len(sheet.rows)) if sheet else 0)
        if sheet is None:
            return
        self.preview.setHorizontalHeaderLabels(sheet.columns)
        for r, cells in enumerate(sheet.rows[:PREVIEW_ROWS]):
            for c, value in enumerate(cells):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        self.preview.resizeColumnsToContents()

    def _show_sheet_info(self) -> None:
        if self.reader is not None:
            return
        self.sheet_info.setText("" if self.sheet is None else self.tr("{rows} products, {columns} columns; the "
                                                                      "first rows:").format(
            rows=len(self.sheet.rows), columns=len(self.sheet.columns)))

    # ---- columns → fields ----
    def set_scenario(self, scenario: str) -> None:
        """New combos for the scenario's fields; the columns already chosen for the same sheet stay chosen."""
        self.scenario = scenario
        self._rebuild_mapping(keep=True)

    def _rebuild_mapping(self, keep: bool) -> None:
        """One combo per field of the scenario, pre-filled with the engine's header matching."""
        chosen = self.mapping() if keep else {}
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self.mapping_combos, self.mapping_labels = {}, {}
        defaults = default_mapping(self.sheet.columns, self.scenario) if self.sheet is not None else {}
        defaults.update(chosen)
        for key in mapped_fields(self.scenario):
            combo = QComboBox()
            combo.setObjectName(f"map_{key}")
            combo.addItem("", "")  # "(none)"
            for column in self.sheet.columns if self.sheet else ():
                combo.addItem(column, column)
            combo.setCurrentIndex(max(0, combo.findData(defaults.get(key, ""))))
            combo.currentIndexChanged.connect(lambda _: self.mapping_changed.emit())
            label = QLabel(buddy=combo)
            self.mapping_combos[key], self.mapping_labels[key] = combo, label
            self.mapping_form.addRow(label, combo)
        self._fill_mapping_labels()
        self.mapping_changed.emit()

    def _fill_mapping_labels(self) -> None:
        zh = i18n.current() == "zh"
        required = REQUIRED.get(self.scenario, REQUIRED_DEFAULT)
        for key, label in self.mapping_labels.items():
            name = FIELDS[key][0 if zh else 1]
            label.setText(self.tr("{field} (required):").format(field=name) if key in required
                          else self.tr("{field}:").format(field=name))
            self.mapping_combos[key].setItemText(0, self.tr("(none)"))

    def mapping(self) -> dict[str, str]:
        """{field: column}; "" leaves a field empty."""
        return {key: combo.currentData() or "" for key, combo in self.mapping_combos.items()}

    def mapping_ok(self) -> bool:
        """The engine's own check, so its message names the field and the columns there are."""
        if self.sheet is None:
            self.mapping_message.hide()
            return False
        try:
            resolve_mapping(self.sheet, self.scenario, self.mapping())
        except WenanError as err:
            self.mapping_message.show_message(error_text(err), "error")
            return False
        self.mapping_message.hide()
        return True
