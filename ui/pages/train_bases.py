"""The pretrained bases found on this computer, for the Train page's "Start from": grouped by
how well they suit this machine, found on a worker thread, plus "Add a model folder or file…"."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QAction, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from .. import tasks
from ..errors import error_text, show_error
from ..worker import Job

SOURCES = ("ollama", "lmstudio", "gpt4all", "jan", "huggingface", "modelscope", "added", "scan", "path", "builtin")


class FoundBases(QWidget):
    """A combo box of found bases; `changed` when the choice or the list changes."""

    changed = Signal()
    scanned = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.entries: list = []
        self.job: Job | None = None
        self._again = False
        self._device = None
        self._select_after: str | None = None
        self._scanned = False
        self.combo = QComboBox()
        self.combo.setObjectName("foundBases")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.currentIndexChanged.connect(lambda _: self._on_choice())
        self.add_button = QToolButton()
        self.add_button.setObjectName("addBase")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        self.add_folder_action, self.add_file_action = QAction(self), QAction(self)
        self.add_folder_action.triggered.connect(self.add_folder)
        self.add_file_action.triggered.connect(self.add_file)
        menu.addAction(self.add_folder_action)
        menu.addAction(self.add_file_action)
        self.add_button.setMenu(menu)
        self.note = QLabel()
        self.note.setObjectName("foundBasesNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()  # below the list, so the page stays as narrow as before
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addLayout(row)
        layout.addWidget(self.note)
        self.retranslate()

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("Add a model folder or file…"))
        self.add_button.setToolTip(self.tr("A Hugging Face model folder (config.json and *.safetensors), a .gguf "
                                           "file, or a folder that holds models. Wenan Studio remembers it."))
        self.add_folder_action.setText(self.tr("A model &folder…"))
        self.add_file_action.setText(self.tr("A .&gguf file…"))
        self._fill()

    def showEvent(self, event) -> None:
        # Looked for once the page is seen, not at start-up: the scan imports torch on its worker.
        if not self._scanned and self.job is None:
            self.refresh()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- finding, off the GUI thread ----
    def refresh(self, device=None) -> None:
        """Scan again (the stores, the added paths) on a worker thread; once more if one is running."""
        self._device = device or self._device
        if not self._scanned and self.job is None and not self.isVisible() and device is not None:
            return  # the device is known before the page is shown: the first showing scans
        if self.job is not None:
            self._again = True
            return
        device = self._device

        self.job = Job(tasks.find_bases, args=(device,), name="bases", process="engine", parent=self)
        self.job.returned.connect(self._on_found)
        self.job.failed.connect(lambda err, details: self.note.setText(error_text(err)))
        self.job.finished.connect(self._on_finished)
        self.note.setText(self.tr("Looking for pretrained models on this computer…"))
        self.job.start()

    def _on_found(self, entries: list) -> None:
        self.entries = [e for e in entries if e.source != "builtin"]  # built-in bases have their own buttons
        self._scanned = True
        self._fill()
        self.scanned.emit()

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
        if self._again:
            self._again = False
            self.refresh()

    def is_scanning(self) -> bool:
        return self.job is not None

    # ---- the list ----
    def _fill(self) -> None:
        current = self._select_after or self.current_name()
        self._select_after = None
        headings = {"good": self.tr("Fits this computer"), "tight": self.tr("Fits, with little memory to spare"),
                    "too_large": self.tr("Too large for this computer"), "unusable": self.tr("Can't be used")}
        self.combo.blockSignals(True)
        self.combo.clear()
        model: QStandardItemModel = self.combo.model()
        group = None
        for entry in self.entries:
            if entry.group != group:
                group = entry.group
                self.combo.addItem(f"— {headings[group]} —", None)
                model.item(self.combo.count() - 1).setEnabled(False)
            self.combo.addItem(base_label(entry), entry.name)
            item = model.item(self.combo.count() - 1)
            item.setToolTip(base_tooltip(entry))
            item.setEnabled(entry.group in ("good", "tight"))
        index = self.combo.findData(current) if current else -1
        if index < 0:
            index = next((i for i in range(self.combo.count()) if model.item(i).isEnabled()), -1)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)
        if not self.entries and self._scanned:
            self.note.setText(self.tr("No pretrained models found on this computer. Add a model folder or a "
                                      ".gguf file, or see docs/MODELS.md for small ones to copy here."))
        self._on_choice()

    def current_name(self) -> str | None:
        return self.combo.currentData()

    def current_entry(self):
        name = self.current_name()
        return next((e for e in self.entries if e.name == name), None)

    def select(self, name: str) -> bool:
        index = self.combo.findData(name)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        return index >= 0

    def _on_choice(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.note.setText(self._choice_note(entry))
        elif self.entries:
            self.note.setText(self.tr("None of the models found fits this computer; hover over one to see why."))
        self.changed.emit()

    def _choice_note(self, e) -> str:
        f = e.facts
        text = "" if f.chat else self.tr("Not a chat model: drafts follow your copy only after training. ")
        if f.format == "gguf":
            text += self.tr("This GGUF file is turned into a base in Wenan Studio's data folder the first time "
                            "it is used (a few minutes, once); the original file is left as it is.")
            if f.bits and f.bits < 8:
                text += " " + self.tr("It is quantized to {q} ({bits} bits per weight): that rounding becomes "
                                      "part of the base; a Q8_0 or F16 file of the same model is more faithful."
                                      ).format(q=f.quantization, bits=QLocale().toString(f.bits, "f", 1))
        if e.group == "tight":
            text += " " + self.tr("It leaves little memory for other programs while it trains.")
        return text.strip()

    # ---- adding ----
    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a model folder, or a folder of models"))
        if folder:
            self._add(folder)

    def add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a .gguf model file"), "",
                                              self.tr("GGUF models (*.gguf)"))
        if path:
            self._add(path)

    def _add(self, path: str) -> None:
        from pathlib import Path

        from engine.common import WenanError
        from engine.models import add_base_path, stores

        try:
            added = add_base_path(path)
        except WenanError as err:
            show_error(self, err)
            return
        found = stores.find_in_folder(added, "added")
        self._select_after = found[0].name if found else None
        if not found:
            self.note.setText(self.tr("No model was found in {path}.").format(path=str(Path(added))))
        self.refresh()


def base_label(e) -> str:
    """One line for a found base: its name, where it was found, its format, size and whether it chats."""
    loc, f = QLocale(), e.facts
    parts = [source_name(e.source)]
    parts.append(f"GGUF {f.quantization or ''}".strip() if f.format == "gguf" else "safetensors")
    if (f.parameters or 0) >= 1e8:
        parts.append(QCoreApplication.translate("FoundBases", "{n} B").format(n=loc.toString(f.parameters / 1e9, "f", 2)))
    elif f.parameters:
        parts.append(QCoreApplication.translate("FoundBases", "{n} M").format(n=loc.toString(f.parameters / 1e6, "f", 1)))
    if f.chat:
        parts.append(QCoreApplication.translate("FoundBases", "chat"))
    return f"{e.name}  ({' · '.join(parts)})"


def source_name(source: str) -> str:
    return {"ollama": "Ollama", "lmstudio": "LM Studio", "gpt4all": "GPT4All", "jan": "Jan",
            "huggingface": "Hugging Face", "modelscope": "ModelScope",
            "added": QCoreApplication.translate("FoundBases", "added"),
            "scan": QCoreApplication.translate("FoundBases", "folder"),
            "path": QCoreApplication.translate("FoundBases", "folder"),
            "builtin": QCoreApplication.translate("FoundBases", "built-in")}.get(source, source)


def base_tooltip(e) -> str:
    """Where it is, its architecture, context, licence, the memory it needs here, or why it can't be used."""
    loc, f = QLocale(), e.facts
    lines = [str(e.path)]
    if f.architecture:
        lines.append(QCoreApplication.translate("FoundBases", "Architecture: {arch}").format(arch=f.architecture))
    if f.context_length:
        lines.append(QCoreApplication.translate("FoundBases", "Context: {n} tokens").format(
            n=loc.toString(f.context_length)))
    if f.license:
        lines.append(QCoreApplication.translate("FoundBases", "Licence: {licence}").format(licence=f.license))
    if e.usable and e.needs.lora:
        gb = lambda b: loc.toString(b / 2**30, "f", 1)  # noqa: E731
        lines.append(QCoreApplication.translate(
            "FoundBases", "Memory: about {lora} GB to train with LoRA, {write} GB to write, of {have} GB").format(
            lora=gb(e.needs.lora), write=gb(e.needs.write), have=gb(e.needs.device_memory or 0)))
    if not e.usable:
        lines.append(e.reason())
    return "\n".join(lines)
