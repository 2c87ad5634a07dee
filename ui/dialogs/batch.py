"""File → Batch drafting: a product sheet in, a copy sheet out (engine.writing.batch.run_batch on a worker)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from engine.models import library
from engine.writing import PRESETS, SCENARIOS, rows_done

from .. import tasks
from .. import i18n
from ..errors import error_text
from ..model_list import list_library
from ..notice import InlineMessage, hint
from ..pages.train_estimate import duration_text
from ..session import AppState
from ..worker import Job
from .batch_sheet import BatchSheet

MAX_VARIANTS = 10


class BatchDialog(QDialog):
    """Pick a sheet, map its columns, start; a journal lets a stopped batch continue where it ended."""

    batch_finished = Signal(object)   # the BatchResult, or None after an error

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("batchDialog")
        self.state = state
        self.job: Job | None = None       # the batch
        self.last_event = self.last_result = None
        self._out_touched = False
        self._close_pending = False
        self._status_text: Callable[[], str] = lambda: ""
        self._summary_text: Callable[[], str] | None = None
        self._build()
        self.retranslate()
        self.refresh_models()
        self._refresh_state()
        state.models_changed.connect(self.refresh_models)

    # ---- layout ----
    def _build(self) -> None:
        settings_box = self._build_settings_box()  # first: the sheet's columns are mapped for its scenario
        self.sheet_panel = BatchSheet(self.scenario(), self)
        self.sheet_panel.reading.connect(self._on_reading)
        self.sheet_panel.sheet_read.connect(self._on_sheet_read)
        self.sheet_panel.mapping_changed.connect(self._refresh_state)
        right = QVBoxLayout()
        right.addWidget(settings_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(self.sheet_panel, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        self._build_run_area(layout)
        self.resize(self.fontMetrics().averageCharWidth() * 130, self.fontMetrics().height() * 44)

    def _build_settings_box(self) -> QGroupBox:
        self.settings_box = QGroupBox()
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("batchModel")
        self.model_combo.currentIndexChanged.connect(lambda _: self._on_model())
        self.scenario_combo = QComboBox()
        self.scenario_combo.setObjectName("batchScenario")
        for key in SCENARIOS:
            self.scenario_combo.addItem("", key)
        self.scenario_combo.currentIndexChanged.connect(lambda _: self._on_scenario())
        self.scenario_hint = hint()
        self.n_spin = QSpinBox(minimum=1, maximum=MAX_VARIANTS, value=3)
        self.n_spin.setObjectName("batchVariants")
        self.preset_combo = QComboBox()
        for key in PRESETS:
            self.preset_combo.addItem("", key)
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(self.state.settings.generation_preset)))
        self.out_edit = QLineEdit()
        self.out_edit.setObjectName("batchOutput")
        self.out_edit.textEdited.connect(lambda _: setattr(self, "_out_touched", True))
        self.out_edit.textChanged.connect(lambda _: self._refresh_state())
        self.out_button = QPushButton()
        self.out_button.clicked.connect(self.choose_output)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.out_button)
        fields = (self.model_combo, self.scenario_combo, self.n_spin, self.preset_combo, self.out_edit)
        self.settings_labels = [QLabel(buddy=field) for field in fields]
        form = QFormLayout(self.settings_box)
        for label, field in zip(self.settings_labels, fields):
            form.addRow(label, out_row if field is self.out_edit else field)
            if field is self.scenario_combo:
                form.addRow("", self.scenario_hint)
        return self.settings_box

    def _build_run_area(self, layout: QVBoxLayout) -> None:
        self.resume_note = InlineMessage("info")
        self.resume_note.setObjectName("resumeNote")
        self.restart_button = self.resume_note.add_button(QPushButton())
        self.restart_button.clicked.connect(self.start_over)
        self.message = InlineMessage("error", closable=True)
        self.message.setObjectName("batchProblem")
        self.progress = QProgressBar()
        self.progress.setObjectName("batchProgress")
        self.status = hint()
        self.status.setObjectName("batchStatus")
        self.summary = InlineMessage("info")
        self.summary.setObjectName("batchSummary")
        self.open_file_button = self.summary.add_button(QPushButton())
        self.open_folder_button = self.summary.add_button(QPushButton())
        self.summary.buttons.addStretch(1)
        self.open_file_button.clicked.connect(lambda: self._open(self.last_result.out_path))
        self.open_folder_button.clicked.connect(lambda: self._open(self.last_result.out_path.parent))
        self.start_button = QPushButton()
        self.start_button.setObjectName("startBatch")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(lambda: self.start())
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton()
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        for widget in (self.resume_note, self.message, self.progress, self.status, self.summary):
            layout.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def retranslate(self) -> None:
        lang = i18n.current()
        self.setWindowTitle(self.tr("Batch: copy for a product sheet"))
        self.settings_box.setTitle(self.tr("Drafting"))
        for label, text in zip(self.settings_labels, (self.tr("&Model:"), self.tr("S&cenario:"),
                                                      self.tr("&Variants per product:"), self.tr("St&yle:"),
                                                      self.tr("Save &to:"))):
            label.setText(text)
        for i in range(self.scenario_combo.count()):
            spec = SCENARIOS[self.scenario_combo.itemData(i)]
            self.scenario_combo.setItemText(i, spec.zh if lang == "zh" else spec.en)
        names = {"safe": self.tr("Safe: close to your own copy"), "balanced": self.tr("Balanced"),
                 "creative": self.tr("Creative: more surprising")}
        for i in range(self.preset_combo.count()):
            self.preset_combo.setItemText(i, names[self.preset_combo.itemData(i)])
        self.out_edit.setPlaceholderText(self.tr("Where the copy sheet goes (.xlsx or .csv)"))
        self.out_button.setText(self.tr("Bro&wse…"))
        self.restart_button.setText(self.tr("Start &over"))
        self.open_file_button.setText(self.tr("Open &file"))
        self.open_folder_button.setText(self.tr("Open fol&der"))
        self.start_button.setText(self.tr("&Start"))
        self.start_button.setToolTip(self.tr("Draft copy for every product; you can stop and continue later"))
        self.cancel_button.setText(self.tr("Ca&ncel"))
        self.cancel_button.setToolTip(self.tr("Stop; products already finished are kept"))
        self.close_button.setText(self.tr("Close"))
        self._on_model()
        self._update_resume()
        self.status.setText(self._status_text())
        if self._summary_text is not None:
            self.summary.label.setText(self._summary_text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- the product sheet and its columns (see BatchSheet) ----
    def scenario(self) -> str:
        return self.scenario_combo.currentData()

    def _on_scenario(self) -> None:
        self.sheet_panel.set_scenario(self.scenario())
        self._on_model()

    def _on_reading(self) -> None:
        self.summary.hide()  # both were about the sheet before
        self.message.hide()
        self._update_controls()

    def _on_sheet_read(self) -> None:
        sheet = self.sheet_panel.sheet
        if sheet is not None and not self._out_touched:
            self.out_edit.setText(str(sheet.path.with_name(f"{sheet.path.stem}-copy.xlsx")))
        self._update_controls()
        self._maybe_close()

    def _refresh_state(self) -> None:
        self._update_resume()
        self._update_controls()

    # ---- model and output ----
    def refresh_models(self) -> None:
        current = self.model_combo.currentData()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for info in list_library():
            self.model_combo.addItem(info.name, info.name)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(current)))
        self.model_combo.blockSignals(False)
        self._on_model()
        self._update_controls()

    def _on_model(self) -> None:
        notes = []
        name = self.model_combo.currentData()
        if self.model_combo.count() == 0:
            notes.append(self.tr("No models yet: train one on the Train page first."))
        elif name and library.exists(name) and library.get_model(name).card.is_text:
            notes.append(self.tr("This model learned from plain copy, so it writes on from each product's name; "
                                 "the other columns are used only for the checks."))
        if self.scenario() == "review_reply":
            notes.append(self.tr("Drafts the shop's reply to each customer's real review in the sheet. Wenan "
                                 "Studio never writes reviews."))
        self.scenario_hint.setText(" ".join(notes))
        self.scenario_hint.setVisible(bool(notes))

    def out_path(self) -> Path | None:
        text = self.out_edit.text().strip()
        return Path(text).expanduser() if text else None

    def choose_output(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the copy sheet"), self.out_edit.text(),
                                              self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if path:
            self._out_touched = True
            self.out_edit.setText(path)

    def _update_resume(self) -> None:
        """An unfinished batch for this output is continued by Start: say how far it got."""
        out = self.out_path()
        sheet = self.sheet_panel.sheet
        done = rows_done(out) if out is not None and sheet is not None and self.job is None else 0
        if done:
            self.resume_note.show_message(self.tr("{done} of {total} products are already done — Start "
                                                  "continues from there.").format(
                done=done, total=len(sheet.rows)))
        else:
            self.resume_note.hide()

    # ---- running ----
    def is_running(self) -> bool:
        return self.job is not None

    def _update_controls(self) -> None:
        running, panel = self.is_running(), self.sheet_panel
        for widget in (panel, self.settings_box, self.restart_button):
            widget.setEnabled(not running and not self._close_pending)
        ready = (panel.sheet is not None and self.model_combo.count() > 0 and self.out_path() is not None
                 and not panel.is_reading() and panel.mapping_ok())
        self.start_button.setEnabled(ready and not running and not self._close_pending)
        self.cancel_button.setEnabled(running and not self.job.cancel_event.is_set())

    def start_over(self) -> None:
        answer = QMessageBox.question(self, self.tr("Start over"),
                                      self.tr("Throw away the products already done and draft every product "
                                              "again?"),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.start(resume=False)

    def start(self, resume: bool = True) -> None:
        if self.is_running() or not self.start_button.isEnabled():
            return
        model, products, scenario, out = (self.model_combo.currentData(), self.sheet_panel.sheet.path,
                                          self.scenario(), self.out_path())
        n, mapping = self.n_spin.value(), self.sheet_panel.mapping()
        gen = dict(PRESETS[self.preset_combo.currentData()])
        device, threads = self.state.settings.device, self.state.settings.cpu_threads

        self.job = Job(tasks.run_batch, args=(model, products, scenario, out, n, mapping, gen, resume, device, threads),
                       name="batch", process="engine", parent=self)
        self.job.progress.connect(self._on_progress)
        self.job.returned.connect(self._on_result)
        self.job.failed.connect(lambda err, details: self._on_failed(err))
        self.job.finished.connect(self._on_finished)
        self.last_event = self.last_result = None
        for widget in (self.message, self.summary, self.resume_note):
            widget.hide()
        self._summary_text = None
        self.progress.setRange(0, 0)  # busy until the model is loaded and the first row starts
        self._show_status(lambda: self.tr("Loading the model…"))
        self.job.start()
        self._update_controls()

    def cancel(self) -> None:
        if self.job is not None and not self.job.cancel_event.is_set():
            self.job.cancel()
            self._show_status(lambda: self.tr("Stopping… Finished products are kept; the one being drafted "
                                              "now is drafted again when you continue."))
            self._update_controls()

    def _on_progress(self, event) -> None:
        self.last_event = event
        self.progress.setRange(0, max(1, event.total_rows))
        self.progress.setValue(event.done_rows)
        if not event.product and event.done_rows == event.total_rows:
            self.progress.setFormat(self.tr("{n} / {n}").format(n=event.total_rows))
            return
        self.progress.setFormat(self.tr("Row {i} / {n}").format(i=event.done_rows + 1, n=event.total_rows))
        if self.job is not None and self.job.cancel_event.is_set():
            return

        def status() -> str:
            text = self.tr("Drafting “{product}”").format(product=event.product or "–")
            if event.eta_s is not None:
                text += self.tr(" · about {time} left").format(time=duration_text(event.eta_s))
            return text
        self._show_status(status)

    def _on_result(self, result) -> None:
        self.last_result = result
        name = result.out_path.name
        if result.cancelled and not result.done_rows:
            self._show_status(lambda: self.tr("Stopped before the first product was finished."))
            return
        if result.cancelled:
            self._show_status(lambda: self.tr("Stopped: {done} of {total} products are done and saved in {file}. "
                                              "Start continues from there.").format(
                done=result.done_rows, total=result.total_rows, file=name))
            return
        variants, flagged = result.variants, result.flagged

        def summary() -> str:
            text = self.tr("Done: {rows} products, {variants} variants, {flagged} of them flagged by the checks "
                           "(see the flags columns). Saved to {file}, labelled as AI-generated.").format(
                rows=result.done_rows, variants=variants, flagged=flagged, file=name)
            if result.skipped_rows:
                text += " " + self.tr("{n} rows had an empty required cell and were left without copy.").format(
                    n=result.skipped_rows)
            return text
        self._summary_text = summary
        self.summary.show_message(summary(), "info")
        self._show_status(lambda: self.tr("Finished."))

    def _on_failed(self, err: BaseException) -> None:
        self.message.show_message(error_text(err), "error")
        self._show_status(lambda: self.tr("Stopped because of a problem; fix it and press Start to continue."))

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        job.deleteLater()
        if self.progress.maximum() == 0:  # stopped before the first row
            self.progress.setRange(0, 1)
            self.progress.reset()
        self._update_resume()
        self._update_controls()
        self.batch_finished.emit(self.last_result)
        self._maybe_close()

    def _show_status(self, text: Callable[[], str]) -> None:
        """Kept as a function, so a language switch can redraw it."""
        self._status_text = text
        self.status.setText(text())

    def _open(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # ---- closing ----
    def reject(self) -> None:
        """Esc, Close and the title bar's ×: a running batch is stopped first, never left behind."""
        if self.job is None and not self.sheet_panel.is_reading():
            super().reject()
            return
        if self.job is not None and not self._close_pending:
            answer = QMessageBox.question(
                self, self.tr("The batch is running"),
                self.tr("Stop the batch and close? Finished products are kept; Start continues from there "
                        "next time."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.cancel()
        # Never wait here: the dialog closes itself once the worker has ended (see _maybe_close).
        self._close_pending = True
        self._update_controls()

    def _maybe_close(self) -> None:
        if self._close_pending and self.job is None and not self.sheet_panel.is_reading():
            super().reject()
