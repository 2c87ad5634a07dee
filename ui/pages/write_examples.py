"""The Write page's "your copy as examples" row: which of the seller's own pieces the model is shown.

For a pretrained base the seller picks a file (any format the Data page reads) and it is
remembered for that base; for a model trained here it is the file it learnt from."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from ..settings import AppSettings

FILE_FILTER = "*.txt *.csv *.tsv *.xlsx *.jsonl"


class ExamplesChooser(QWidget):
    changed = Signal()

    def __init__(self, settings: AppSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.model: str | None = None
        self.kind: str | None = None  # "base" | "library" | "scratch" (shown no examples: no room for them)
        self.trained_on = ""          # a library model's data file, by name
        self.label = QLabel()
        self.label.setObjectName("examplesLabel")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("chooseExamples")
        self.choose_button.clicked.connect(self.choose)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(lambda: self.set_path(""))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.choose_button)
        layout.addWidget(self.clear_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.choose_button.setText(self.tr("Your copy as e&xamples…"))
        self.choose_button.setToolTip(self.tr("A file of your own product copy, ads or replies (the Data page's "
                                              "formats). The pieces closest to each request are shown to the "
                                              "model, so drafts follow your shop's voice."))
        self.clear_button.setText(self.tr("Clear"))
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_model(self, name: str | None, kind: str | None, trained_on: str = "") -> None:
        self.model, self.kind, self.trained_on = name, kind, trained_on
        self._show()

    def path(self) -> str:
        """The chosen file for this model, or "" (a library model then uses its own training samples)."""
        if not self.model:
            return ""
        chosen = self.settings.examples_file(self.model)
        return chosen if chosen and Path(chosen).is_file() else ""

    def set_path(self, path: str) -> None:
        if self.model:
            self.settings.set_examples_file(self.model, path)
        self._show()
        self.changed.emit()

    def choose(self) -> None:
        start = self.path() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file of your own copy"), start,
                                              self.tr("Copy files ({patterns})").format(patterns=FILE_FILTER))
        if path:
            self.set_path(path)

    def _show(self) -> None:
        path = self.path()
        missing = bool(self.model and self.settings.examples_file(self.model) and not path)
        if path:
            text = self.tr("Examples: the pieces of {file} closest to each request.").format(file=Path(path).name)
        elif self.kind == "library" and self.trained_on:
            text = self.tr("Examples: the pieces of its training file {file} closest to each request.").format(
                file=self.trained_on)
        elif missing:
            text = self.tr("The examples file chosen for this model is no longer there. Choose it again.")
        else:
            text = self.tr("No examples: the model writes in its own words. Choose a file of your own copy so "
                           "drafts follow your shop's voice.")
        self.label.setText(text)
        self.clear_button.setVisible(bool(path) or missing)
        self.setVisible(self.model is not None and self.kind != "scratch")
