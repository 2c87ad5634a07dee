"""The model library: list, inspect, rename, delete, import and export (zip) models."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QDateTime, QEvent, QLocale, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QInputDialog, QListWidget,
                               QListWidgetItem, QMessageBox, QProgressBar, QPushButton, QSplitter, QTextBrowser,
                               QVBoxLayout, QWidget)

from engine.common import WenanError
from engine.models import library

from ..errors import error_text
from ..model_list import list_library
from ..notice import InlineMessage, hint
from ..pages.train_bases import source_name
from ..pages.train_estimate import duration_text
from ..pages.train_progress import device_label
from ..session import AppState
from ..worker import Job


class LibraryDialog(QDialog):
    """Every change goes through engine.models.library and is announced with AppState.models_changed."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("libraryDialog")
        self.state = state
        self.job: Job | None = None
        self.list = QListWidget()
        self.list.setObjectName("libraryList")
        self.list.currentItemChanged.connect(lambda *_: self._show_details())
        self.details = QTextBrowser()
        self.details.setObjectName("libraryDetails")
        self.empty = hint()
        self.message = InlineMessage("error", closable=True)
        self.message.setObjectName("libraryProblem")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.rename_button, self.delete_button = QPushButton(), QPushButton()
        self.export_button, self.import_button = QPushButton(), QPushButton()
        self.rename_button.clicked.connect(self.rename)
        self.delete_button.clicked.connect(self.delete)
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.import_zip)
        actions = QHBoxLayout()
        for b in (self.rename_button, self.delete_button, self.export_button, self.import_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        split = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        left_layout.addWidget(self.empty)
        split.addWidget(left)
        split.addWidget(self.details)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        layout.addWidget(self.busy)
        layout.addLayout(actions)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 110, self.fontMetrics().height() * 30)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Model library"))
        self.rename_button.setText(self.tr("&Rename…"))
        self.delete_button.setText(self.tr("&Delete…"))
        self.export_button.setText(self.tr("&Export…"))
        self.export_button.setToolTip(self.tr("Save the model as a .zip to back it up or use on another computer"))
        self.import_button.setText(self.tr("&Import…"))
        self.import_button.setToolTip(self.tr("Add a model from a .zip exported by Wenan Studio"))
        self.empty.setText(self.tr("No models yet. Train one on the Train page, or import a .zip."))
        self._show_details()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- listing ----
    def refresh(self, select: str | None = None) -> None:
        current = select or self.current_name()
        self.list.clear()
        for info in list_library():
            item = QListWidgetItem(f"{info.name}  ({self.kind_text(info)})")
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            self.list.addItem(item)
            if info.name == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(self.list.count() == 0)
        self._update_buttons()
        self._show_details()

    def current_name(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _update_buttons(self) -> None:
        has = self.current_name() is not None and self.job is None
        for b in (self.rename_button, self.delete_button, self.export_button):
            b.setEnabled(has)
        self.import_button.setEnabled(self.job is None)

    def _show_details(self) -> None:
        name = self.current_name()
        if not name or not library.exists(name):
            self.details.setHtml("")
            return
        self.details.setHtml(self.details_html(library.get_model(name)))

    def _changed(self, select: str | None = None) -> None:
        self.refresh(select)
        self.state.models_changed.emit()

    def _problem(self, err: BaseException) -> None:
        self.message.show_message(error_text(err), "error")

    # ---- actions ----
    def rename(self) -> None:
        old = self.current_name()
        if not old:
            return
        new, ok = QInputDialog.getText(self, self.tr("Rename model"), self.tr("New name:"), text=old)
        if not ok or not new.strip() or new.strip() == old:
            return
        try:
            info = library.rename_model(old, new.strip())
        except (WenanError, OSError) as err:
            self._problem(err)
            return
        self.message.hide()
        self._changed(info.name)

    def delete(self) -> None:
        name = self.current_name()
        if not name:
            return
        answer = QMessageBox.question(self, self.tr("Delete model"),
                                      self.tr("Delete “{name}”? This cannot be undone; export it first if you may "
                                              "need it again.").format(name=name),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            library.delete_model(name)
        except (WenanError, OSError) as err:
            self._problem(err)
            return
        self.message.hide()
        self._changed()

    def export(self) -> None:
        name = self.current_name()
        if not name:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export model"), str(Path.home() / f"{name}.zip"),
                                              self.tr("Model archives (*.zip)"))
        if path:
            self._run(lambda ctx: library.export_model(name, path), name)

    def import_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import model"), str(Path.home()),
                                              self.tr("Model archives (*.zip)"))
        if path:
            self._run(lambda ctx: library.import_model(path).name, None)

    def _run(self, fn, select: str | None) -> None:
        """Zipping a model of hundreds of MB takes a while: do it off the GUI thread."""
        self.job = Job(fn, name="library", parent=self)
        self.job.returned.connect(lambda result: self._changed(result if isinstance(result, str) else select))
        self.job.failed.connect(lambda err, details: self._problem(err))
        self.job.finished.connect(self._on_finished)
        self.busy.show()
        self.message.hide()
        self.job.start()
        self._update_buttons()

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        job.deleteLater()
        self.busy.hide()
        self._update_buttons()

    def reject(self) -> None:
        if self.job is None:  # stay open until a running export or import is done
            super().reject()

    def kind_text(self, info: library.ModelInfo) -> str:
        """Which kind of model it is, and so what its drafts are like."""
        if _is_scratch(info.card.base):
            return self.tr("learnt from scratch: rough drafts")
        return self.tr("a pretrained model trained on your copy")

    def details_html(self, info: library.ModelInfo) -> str:
        """The model's wenan.json as a readable table."""
        card, loc = info.card, QLocale()

        def num(value, digits: int = 3) -> str:
            if value is None:
                return "–"
            return loc.toString(float(value), "f", digits) if isinstance(value, float) else loc.toString(int(value))

        base = card.base
        base_text = {"scratch": self.tr("learned from scratch"), "folder": base.path or "",
                     "library": self.tr("continued from “{name}”").format(name=base.name or ""),
                     "found": self.tr("{name}, found in {source}").format(
                         name=base.name or base.path or "", source=source_name(base.source or ""))
                     }.get(base.kind, base.path or "")
        data, hp, metrics, training = card.data, card.hyperparameters, card.metrics, card.training
        rows = [
            (self.tr("Kind"), self.kind_text(info)),
            (self.tr("Created"), _local_time(card.created_at)),
            (self.tr("Base"), base_text + (f" ({base.model_type})" if base.model_type else "")),
            (self.tr("Method"), {"full": self.tr("full fine-tune"),
                                 "lora": self.tr("LoRA adapter")}.get(card.method, "")),
            (self.tr("Learned from"), self.tr("prompt → copy pairs") if card.format == "pairs"
             else self.tr("plain copy")),
            (self.tr("Data"), self.tr("{file}, {samples} samples, {tokens} tokens").format(
                file=data.file or "?", samples=num(data.samples), tokens=num(data.train_tokens))),
            (self.tr("Training"), self.tr("{steps} steps in {time} on {device}, {speed} tokens/s").format(
                steps=num(training.steps), time=duration_text(training.duration_s or 0),
                device=device_label(training.device or "?"), speed=num(training.tokens_per_s, 0))),
            (self.tr("Settings"), self.tr("learning rate {lr}, batch size {batch}, block size {block}").format(
                lr=hp.get("lr", "?"), batch=hp.get("batch_size", "?"), block=hp.get("block_size", "?"))),
            (self.tr("Loss"), self.tr("training {train}, validation {val}, perplexity {ppl}").format(
                train=num(metrics.train_loss), val=num(metrics.val_loss), ppl=num(metrics.perplexity, 1))),
            (self.tr("Folder"), str(info.path)),
        ]
        body = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(str(v))}</td></tr>"
                       for k, v in rows)
        return f"<h3>{html.escape(info.name)}</h3><table cellspacing='6'>{body}</table>"


def _is_scratch(base) -> bool:
    """Learnt from scratch, also when continued from a library model that was."""
    while base is not None and base.kind == "library":
        base = type(base).from_dict(base.of) if base.of else None
    return base is None or base.kind == "scratch"


def _local_time(iso: str) -> str:
    """wenan.json stores UTC ISO 8601; show it in the user's time zone and date format."""
    when = QDateTime.fromString(iso, Qt.DateFormat.ISODate)
    return QLocale().toString(when.toLocalTime(), QLocale.FormatType.ShortFormat) if when.isValid() else iso
