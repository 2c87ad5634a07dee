"""The Train page's settings: base model, name, method, preset and the Advanced panel."""
from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from engine.common import WenanError, paths
from engine.models import check_model_folder, library
from engine.training import MIN_BLOCK

from ..errors import error_text
from ..estimate import PRESETS
from ..model_list import list_library
from ..notice import InlineMessage, hint
from .train_bases import FoundBases
from .train_time import TrainTime

METHODS = ("auto", "full", "lora")
KINDS = ("scratch", "folder", "library", "found")  # button ids; built-in bases follow from BUILTIN_ID on
BUILTIN_ID = len(KINDS)


def parameter_count(folder: Path) -> int | None:
    """Read from the safetensors headers without torch (the numpy reader); None if unreadable."""
    from safetensors import safe_open

    total = 0
    try:
        for file in folder.glob("*.safetensors"):
            with safe_open(str(file), framework="numpy") as f:
                total += sum(math.prod(f.get_slice(key).get_shape()) for key in f.keys())
    except Exception:  # a broken file: the name alone is shown, and training says what is wrong
        return None
    return total or None


class TrainForm(QWidget):
    """Collects what TrainConfig needs; says inline what is wrong before Start is pressed."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._name_touched = False
        self._base_touched = False
        self._build()
        self.retranslate()
        self.refresh_library()
        self._update_enabled()  # the found bases are looked for when the page is first shown

    # ---- layout ----
    def _build(self) -> None:
        self._build_bases()
        self._build_settings()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.base_box)
        layout.addWidget(self.settings_box)

    def _build_bases(self) -> None:
        """"Start from": scratch, the built-in bases, those found here, a folder, a library model."""
        self.base_box = QGroupBox()
        self.scratch_radio, self.folder_radio, self.library_radio = QRadioButton(), QRadioButton(), QRadioButton()
        self.found_radio = QRadioButton()
        self.found_radio.setObjectName("foundBase")
        self.base_group = QButtonGroup(self)
        for i, radio in enumerate((self.scratch_radio, self.folder_radio, self.library_radio, self.found_radio)):
            self.base_group.addButton(radio, i)
        # Pretrained models already on this computer (Ollama, LM Studio, download caches, added ones).
        self.found = FoundBases()
        self.found.changed.connect(self._on_found_changed)
        self.found.scanned.connect(self._on_found_scanned)
        self.base_group.buttonClicked.connect(lambda _: setattr(self, "_base_touched", True))
        self.scratch_radio.setChecked(True)
        # Base models shipped in the installer; none in a source checkout or a build without one.
        self.builtin_bases = paths.bundled_bases()
        self.builtin_params = {folder: parameter_count(folder) for folder in self.builtin_bases}
        self.builtin_radios = []
        for i, folder in enumerate(self.builtin_bases):
            radio = QRadioButton()
            radio.setObjectName(f"builtinBase{i}")
            self.base_group.addButton(radio, BUILTIN_ID + i)
            self.builtin_radios.append(radio)
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("baseFolder")
        self.browse_button = QPushButton()
        self.browse_button.clicked.connect(self.choose_folder)
        self.folder_edit.editingFinished.connect(self.validate_folder)
        self.library_combo = QComboBox()
        self.folder_message = InlineMessage("error")
        self.folder_message.setObjectName("folderProblem")
        grid = QGridLayout(self.base_box)
        grid.addWidget(self.scratch_radio, 0, 0, 1, 3)
        for row, radio in enumerate(self.builtin_radios, start=1):
            grid.addWidget(radio, row, 0, 1, 3)
        row = 1 + len(self.builtin_radios)
        grid.addWidget(self.found_radio, row, 0)
        grid.addWidget(self.found, row, 1, 1, 2)
        row += 1
        grid.addWidget(self.folder_radio, row, 0)
        grid.addWidget(self.folder_edit, row, 1)
        grid.addWidget(self.browse_button, row, 2)
        grid.addWidget(self.folder_message, row + 1, 0, 1, 3)
        grid.addWidget(self.library_radio, row + 2, 0)
        grid.addWidget(self.library_combo, row + 2, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        self.base_group.idToggled.connect(lambda *_: self._on_base_changed())
        self.library_combo.currentIndexChanged.connect(lambda _: self._on_base_changed())

    def _build_settings(self) -> None:
        """The model's name, the method, the preset, and the advanced numbers behind a toggle."""
        self.settings_box = QGroupBox()
        form = QFormLayout(self.settings_box)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("modelName")
        self.name_edit.textEdited.connect(self._on_name_edited)
        self.name_label = QLabel()
        self.name_label.setBuddy(self.name_edit)
        self.name_message = hint()
        form.addRow(self.name_label, self.name_edit)
        form.addRow("", self.name_message)
        self.method_combo = QComboBox()
        for key in METHODS:
            self.method_combo.addItem("", key)
        self.method_label = QLabel()
        self.method_label.setBuddy(self.method_combo)
        form.addRow(self.method_label, self.method_combo)
        self.method_combo.currentIndexChanged.connect(lambda _: self.changed.emit())

        self.preset_group = QButtonGroup(self)
        self.preset_radios = {}
        presets = QHBoxLayout()
        for i, key in enumerate(PRESETS):
            radio = QRadioButton()
            self.preset_radios[key] = radio
            self.preset_group.addButton(radio, i)
            presets.addWidget(radio)
        presets.addStretch(1)
        self.preset_radios["standard"].setChecked(True)
        self.preset_group.idToggled.connect(lambda *_: self.changed.emit())
        self.preset_label = QLabel()
        form.addRow(self.preset_label, presets)
        self.time = TrainTime(lambda: bool(self.epochs_spin.value() or self.steps_spin.value()))
        self.time.changed.connect(self._on_time_changed)
        self.time_label = QLabel()
        self.time_label.setBuddy(self.time.combo)
        form.addRow(self.time_label, self.time)

        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.toggled.connect(self._toggle_advanced)
        form.addRow(self.advanced_toggle)
        form.addRow(self._build_advanced())

    def _build_advanced(self) -> QWidget:
        self.advanced = QWidget()
        adv = QFormLayout(self.advanced)
        adv.setContentsMargins(0, 0, 0, 0)
        self.epochs_spin = QDoubleSpinBox(minimum=0, maximum=1000, decimals=1, singleStep=0.5)
        self.steps_spin = QSpinBox(minimum=0, maximum=10_000_000, singleStep=50)
        self.steps_spin.setObjectName("maxSteps")
        self.lr_spin = QDoubleSpinBox(minimum=0, maximum=1, decimals=6, singleStep=0.00005)
        self.batch_spin = QSpinBox(minimum=1, maximum=512, value=8)
        self.block_spin = QSpinBox(minimum=0, maximum=8192, singleStep=64)
        self.block_spin.editingFinished.connect(self._snap_block_size)
        self.adv_labels = []
        for spin in (self.epochs_spin, self.steps_spin, self.lr_spin, self.batch_spin, self.block_spin):
            label = QLabel()
            label.setBuddy(spin)
            self.adv_labels.append(label)
            adv.addRow(label, spin)
            spin.valueChanged.connect(lambda _: self.time.update_hint())  # emits changed
        self.advanced.hide()
        return self.advanced

    def retranslate(self) -> None:
        self.base_box.setTitle(self.tr("Start from"))
        self.scratch_radio.setText(self.tr("Learn from s&cratch"))
        self.scratch_radio.setToolTip(self.tr("A small new model that learns only from your copy. Needs no "
                                              "download; best with a few thousand lines or more."))
        for radio, folder in zip(self.builtin_radios, self.builtin_bases):
            radio.setText(self._builtin_text(folder))
            radio.setToolTip(self.tr("A base model that came with Wenan Studio. It already knows the language, "
                                     "so your copy only has to teach it your shop's style."))
        self.found_radio.setText(self.tr("A model on this co&mputer:"))
        self.found_radio.setToolTip(self.tr("A pretrained model another program already keeps here (Ollama, LM "
                                            "Studio, GPT4All, Jan, the Hugging Face or ModelScope downloads) or one "
                                            "you added. It already writes fluent text; your copy teaches it your "
                                            "shop's voice."))
        self.folder_radio.setText(self.tr("A model f&older:"))
        self.folder_radio.setToolTip(self.tr("A Hugging Face model folder on this computer (config.json and "
                                             "*.safetensors), e.g. a small Qwen or GPT-2"))
        self.folder_edit.setPlaceholderText(self.tr("Choose a folder with config.json and *.safetensors"))
        self.browse_button.setText(self.tr("&Browse…"))
        self.library_radio.setText(self.tr("Continue a librar&y model:"))
        self.library_radio.setToolTip(self.tr("Train one of your models further on this data"))
        self.settings_box.setTitle(self.tr("Settings"))
        self.name_label.setText(self.tr("Model n&ame:"))
        self.name_edit.setToolTip(self.tr("The name this model gets in your library"))
        self.method_label.setText(self.tr("&Method:"))
        for i, text in enumerate((self.tr("Automatic (recommended)"), self.tr("Full fine-tune"),
                                  self.tr("LoRA (light, for big models)"))):
            self.method_combo.setItemText(i, text)
        self.method_combo.setToolTip(self.tr("Automatic trains all weights when they fit in memory, and LoRA "
                                             "adapters otherwise"))
        self.preset_label.setText(self.tr("Preset:"))
        self.time_label.setText(self.tr("Training &time:"))
        self.time.retranslate()
        texts = {"quick": (self.tr("&Quick"), self.tr("About a quarter of the standard training: a first look")),
                 "standard": (self.tr("Stan&dard"), self.tr("The usual amount of training for this data")),
                 "thorough": (self.tr("Thoro&ugh"), self.tr("Twice the standard training: better copy, longer "
                                                            "wait; watch the validation loss"))}
        for key, (text, tip) in texts.items():
            self.preset_radios[key].setText(text)
            self.preset_radios[key].setToolTip(tip)
        self._toggle_advanced(self.advanced_toggle.isChecked())
        labels = (self.tr("&Epochs:"), self.tr("Ma&x steps:"), self.tr("Learning ra&te:"), self.tr("Batch si&ze:"),
                  self.tr("Bloc&k size:"))
        for label, text in zip(self.adv_labels, labels):
            label.setText(text)
        self.epochs_spin.setSpecialValueText(self.tr("From preset"))
        self.steps_spin.setSpecialValueText(self.tr("From epochs"))
        self.lr_spin.setSpecialValueText(self.tr("Automatic"))
        self.block_spin.setSpecialValueText(self.tr("Automatic"))
        self.epochs_spin.setToolTip(self.tr("Passes over your data; overrides the preset and the training time"))
        self.steps_spin.setToolTip(self.tr("Stop after this many steps; overrides epochs and the training time"))
        self.batch_spin.setToolTip(self.tr("Blocks per step; lower it if memory runs out"))
        self.block_spin.setToolTip(self.tr("Tokens per block: 128 for scratch models, 256 otherwise"))
        self.validate_name()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _toggle_advanced(self, on: bool) -> None:
        self.advanced.setVisible(on)
        self.advanced_toggle.setText((self.tr("▾ Advanced") if on else self.tr("▸ Advanced")))

    def _builtin_text(self, folder: Path) -> str:
        params = self.builtin_params.get(folder)
        if params is None:
            return self.tr("Built-in: {name}").format(name=folder.name)
        loc, millions = QLocale(), params / 1e6
        size = (self.tr("{n} M parameters").format(n=loc.toString(millions, "f", 0 if millions >= 10 else 1))
                if params < 1e9 else self.tr("{n} B parameters").format(n=loc.toString(params / 1e9, "f", 1)))
        return self.tr("Built-in: {name} ({size})").format(name=folder.name, size=size)

    # ---- base model ----
    def base_kind(self) -> str:
        """scratch, folder, library or builtin (a base model shipped in the installer)."""
        checked = max(0, self.base_group.checkedId())
        return KINDS[checked] if checked < BUILTIN_ID else "builtin"

    def base_value(self) -> str:
        """What TrainConfig.base takes: "scratch", a folder path or a library model's name."""
        kind = self.base_kind()
        if kind == "folder":
            return self.folder_edit.text().strip()
        if kind == "library":
            return self.library_combo.currentData() or ""
        if kind == "builtin":
            return str(self.builtin_bases[self.base_group.checkedId() - BUILTIN_ID])
        if kind == "found":
            return self.found.current_name() or ""
        return "scratch"

    def refresh_library(self) -> None:
        current = self.library_combo.currentData()
        self.library_combo.blockSignals(True)
        self.library_combo.clear()
        for info in list_library():
            self.library_combo.addItem(info.name, info.name)
        self.library_combo.setCurrentIndex(max(0, self.library_combo.findData(current)))
        self.library_combo.blockSignals(False)
        self._update_enabled()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a model folder"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
            self.folder_radio.setChecked(True)
            self.validate_folder()

    def validate_folder(self) -> bool:
        """Checked at once, without loading anything heavy (engine.models.loading.check_model_folder)."""
        if self.base_kind() != "folder":
            self.folder_message.hide()
            return True
        text = self.folder_edit.text().strip()
        if not text:
            self.folder_message.show_message(self.tr("Choose a model folder first."), "info")
            return False
        try:
            check_model_folder(text)
        except WenanError as err:
            self.folder_message.show_message(error_text(err), "error")
            self.changed.emit()
            return False
        self.folder_message.hide()
        self.changed.emit()
        return True

    def _on_base_changed(self) -> None:
        self._update_enabled()
        self.validate_folder()
        self.changed.emit()

    def _update_enabled(self) -> None:
        kind = self.base_kind()
        self.folder_edit.setEnabled(kind == "folder")
        self.browse_button.setEnabled(True)
        self.library_combo.setEnabled(kind == "library")
        self.library_radio.setEnabled(self.library_combo.count() > 0)
        self.found.combo.setEnabled(kind == "found")
        self.found_radio.setEnabled(bool(self.found.entries) or kind == "found")
        # A scratch model is always fully trained: LoRA needs a pretrained base.
        self.method_combo.setEnabled(kind != "scratch")
        if kind == "scratch":
            self.method_combo.setCurrentIndex(0)

    # ---- name ----
    def suggest_name(self, data_name: str) -> None:
        """Name the model after the data file, unless the user typed a name."""
        if self._name_touched:
            return
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in data_name.rsplit(".", 1)[0])[:40] or "model"
        base = f"{stem}-{datetime.now():%m%d}"
        name, n = base, 2
        while library.exists(name):
            name, n = f"{base}-{n}", n + 1
        self.name_edit.setText(name)
        self.validate_name()

    def _on_name_edited(self, _text: str) -> None:
        self._name_touched = True
        self.validate_name()
        self.changed.emit()

    def name(self) -> str:
        return self.name_edit.text().strip()

    def validate_name(self) -> bool:
        name = self.name()
        if not name:
            self.name_message.setText(self.tr("Give the model a name."))
            return False
        try:
            library.check_name(name)
        except WenanError as err:
            self.name_message.setText(error_text(err))
            return False
        if library.exists(name):
            self.name_message.setText(self.tr("A model with this name is already in the library."))
            return False
        self.name_message.setText(self.tr("Saved in the library under this name."))
        return True

    # ---- the rest ----
    def preset(self) -> str:
        return list(PRESETS)[max(0, self.preset_group.checkedId())]

    def _on_time_changed(self) -> None:
        for radio in self.preset_radios.values():  # a time budget replaces the preset's epochs
            radio.setEnabled(self.time.minutes() is None)
        self.changed.emit()

    def method(self) -> str:
        return self.method_combo.currentData() or "auto"

    def _snap_block_size(self) -> None:
        """0 is "Automatic"; a typed 1-7 becomes the engine's minimum rather than an error at Start."""
        if 0 < self.block_spin.value() < MIN_BLOCK:
            self.block_spin.setValue(MIN_BLOCK)

    def advanced_values(self) -> dict:
        """Overrides from the Advanced panel; zero means "automatic"."""
        return {"epochs": self.epochs_spin.value() or None, "max_steps": self.steps_spin.value() or None,
                "lr": self.lr_spin.value() or None, "batch_size": self.batch_spin.value(),
                "block_size": max(self.block_spin.value(), MIN_BLOCK) if self.block_spin.value() else None}

    def set_max_steps(self, steps: int) -> None:
        self.steps_spin.setValue(steps)

    def is_valid(self) -> bool:
        if self.base_kind() == "found" and not self.found.current_name():
            return False
        return self.validate_name() and (self.base_kind() != "folder" or not self.folder_message.isVisible()
                                         and bool(self.folder_edit.text().strip()))

    def _on_found_changed(self) -> None:
        if self.found.current_name() and self.base_kind() != "found" and self.found.combo.hasFocus():
            self.found_radio.setChecked(True)
        self._update_enabled()
        self.changed.emit()

    def _on_found_scanned(self) -> None:
        """A chat model that fits this computer gives publishable drafts sooner than scratch: offer it
        first, unless the user already chose where to start from."""
        entry = self.found.current_entry()
        if not self._base_touched and self.base_kind() == "scratch" and entry is not None and entry.facts.chat \
                and entry.group == "good":
            self.found_radio.setChecked(True)
        self._update_enabled()
        self.changed.emit()
