"""Settings: language, device, CPU threads, data folder and the default writing style."""
from __future__ import annotations

import os

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from ..notice import hint
from ..settings import AppSettings


class SettingsDialog(QDialog):
    """Edits AppSettings; the window applies the changes when the dialog is accepted."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.settings = settings
        self.language = QComboBox()
        for key, name in (("system", ""), ("en", "English"), ("zh", "简体中文")):
            self.language.addItem(name, key)  # language names stay in their own language
        self.device = QComboBox()
        for key in ("auto", "cpu", "cuda", "mps"):
            self.device.addItem("", key)
        self.threads = QSpinBox(minimum=0, maximum=max(1, os.cpu_count() or 1))
        self.folder = QLineEdit()
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        self.preset = QComboBox()
        for key in ("safe", "balanced", "creative"):
            self.preset.addItem("", key)
        self.labels = [QLabel() for _ in range(5)]
        for label, buddy in zip(self.labels, (self.language, self.device, self.threads, self.folder, self.preset)):
            label.setBuddy(buddy)
        self.folder_hint = hint()
        form = QFormLayout()
        form.addRow(self.labels[0], self.language)
        form.addRow(self.labels[1], self.device)
        form.addRow(self.labels[2], self.threads)
        form.addRow(self.labels[3], folder_row)
        form.addRow("", self.folder_hint)
        form.addRow(self.labels[4], self.preset)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._load()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        for label, text in zip(self.labels, (self.tr("&Language:"), self.tr("&Device:"), self.tr("CPU &threads:"),
                                             self.tr("Data &folder:"), self.tr("Default writing &style:"))):
            label.setText(text)
        self.language.setItemText(0, self.tr("Same as the system"))
        for i, text in enumerate((self.tr("Automatic (GPU when there is one)"), self.tr("CPU only"),
                                  self.tr("NVIDIA GPU (CUDA)"), self.tr("Apple GPU (MPS)"))):
            self.device.setItemText(i, text)
        self.threads.setSpecialValueText(self.tr("Automatic (all cores but one)"))
        self.threads.setToolTip(self.tr("How many CPU cores training and writing may use"))
        self.browse.setText(self.tr("&Browse…"))
        self.folder.setPlaceholderText(self.tr("Default folder"))
        self.folder_hint.setText(self.tr("Your models, unfinished trainings and logs are kept here. Leave it empty "
                                         "for the default."))
        for i, text in enumerate((self.tr("Safe"), self.tr("Balanced"), self.tr("Creative"))):
            self.preset.setItemText(i, text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _load(self) -> None:
        s = self.settings
        self.language.setCurrentIndex(max(0, self.language.findData(s.language)))
        self.device.setCurrentIndex(max(0, self.device.findData(s.device)))
        self.threads.setValue(s.cpu_threads)
        self.folder.setText(s.data_folder)
        self.preset.setCurrentIndex(max(0, self.preset.findData(s.generation_preset)))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the data folder"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def values(self) -> dict:
        return {"language": self.language.currentData(), "device": self.device.currentData(),
                "cpu_threads": self.threads.value(), "data_folder": self.folder.text().strip(),
                "generation_preset": self.preset.currentData()}
