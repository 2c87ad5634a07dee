"""The Write page's model list: the library's models, then the chat models found on this computer,
so a seller can write before training. Bases are looked for on a worker thread once the page is seen."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox

from .. import tasks
from ..model_list import list_library
from ..worker import Job
from .train_bases import base_label, base_tooltip

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "library" | "base"


class ModelChoice(QObject):
    """Fills `combo`: item data is the name `generate` takes, KIND_ROLE says which kind it is."""

    changed = Signal()  # the list was filled again (the choice may be the same)

    def __init__(self, combo: QComboBox, parent: QObject | None = None):
        super().__init__(parent)
        self.combo = combo
        self.library: list = []
        self.bases: list = []  # usable chat bases that fit this computer
        self.named: list[str] = []  # bases asked for by name before they were looked for (a re-run)
        self.job: Job | None = None
        self.scanned = False

    def scan(self) -> None:
        """Look for chat bases once (find_bases imports torch: never on the GUI thread, never at start-up)."""
        if self.scanned or self.job is not None:
            return

        # Not low priority: it is short, and a nice-19 thread on a busy machine waits minutes for a core.
        self.job = Job(tasks.find_bases, name="write-bases", low_priority=False, process="engine", parent=self)
        self.job.returned.connect(self._on_found)
        self.job.finished.connect(self._on_finished)
        self.job.start()

    def is_scanning(self) -> bool:
        return self.job is not None

    def _on_found(self, entries: list) -> None:
        self.scanned = True
        self.bases = [e for e in entries if e.usable and e.facts.chat and e.group in ("good", "tight")]
        self.fill()

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()

    def fill(self) -> None:
        """The library's models (newest first), then a heading and the chat bases; the choice is kept."""
        current = self.combo.currentData()
        self.library = list_library()
        combo, model = self.combo, self.combo.model()
        assert isinstance(model, QStandardItemModel)
        combo.blockSignals(True)
        combo.clear()
        for info in self.library:
            combo.addItem(info.name, info.name)
            combo.setItemData(combo.count() - 1, "library", KIND_ROLE)
        names = {info.name for info in self.library}
        found = [e for e in self.bases if e.name not in names]  # a library model of the same name comes first
        named = [n for n in self.named if n not in names and all(e.name != n for e in found)]
        if found or named:
            combo.addItem(self.tr("— Pretrained chat models on this computer (no training needed) —"), None)
            model.item(combo.count() - 1).setEnabled(False)
        for entry in found:
            combo.addItem(base_label(entry), entry.name)
            combo.setItemData(combo.count() - 1, "base", KIND_ROLE)
            model.item(combo.count() - 1).setToolTip(base_tooltip(entry))
        for name in named:
            combo.addItem(name, name)
            combo.setItemData(combo.count() - 1, "base", KIND_ROLE)
        index = combo.findData(current) if current else -1
        if index < 0:
            index = next((i for i in range(combo.count()) if combo.itemData(i) is not None), -1)
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
        self.changed.emit()

    def include(self, name: str) -> int:
        """The index of `name`, listed as a base if it is not listed yet: a re-run from the History page
        may name a base before this page has looked for any (writing then finds it by name, or says
        clearly that it is gone)."""
        if self.combo.findData(name) < 0:
            self.named.append(name)
            self.fill()
        return self.combo.findData(name)

    def kind(self) -> str | None:
        return self.combo.currentData(KIND_ROLE)

    def entry(self):
        """The chosen base's BaseEntry, or None for a library model."""
        name = self.combo.currentData()
        return next((e for e in self.bases if e.name == name), None) if self.kind() == "base" else None

    def count(self) -> int:
        """How many models can be chosen."""
        return sum(1 for i in range(self.combo.count()) if self.combo.itemData(i) is not None)
