"""Data (数据): open or drop a file, map its columns, choose cleaning, see statistics and a preview."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QScrollArea, QSpinBox,
                               QSplitter, QTableView, QVBoxLayout, QWidget)

from engine.common import WenanError
from engine.common.paths import resources_dir, sample_file
from engine.data import CleanOptions, DataSource

from ..data_load import LoadedData, load_for_preview
from ..errors import error_text
from ..model_list import list_library
from ..notice import InlineMessage, heading, hint
from ..session import AppState
from ..warmup import freeze_gc
from ..worker import Job
from .data_preview import SampleTableModel, encoding_name, format_name, stats_rows

log = logging.getLogger(__name__)

PAIRS_SAMPLE = "shop_pairs.csv"
NO_PROMPT = ""  # the combo's data for "no prompt column"


class DataPage(QWidget):
    """The first page: everything about the seller's own copy file."""

    loaded = Signal()  # a load finished (successfully or not); tests wait on it

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self._job: Job | None = None
        self._jobs: set[Job] = set()
        self._request = 0          # newer requests make older results stale
        self._path: str | None = None
        self._error: BaseException | None = None
        self._reload = QTimer(self, singleShot=True, interval=300)  # debounce option changes
        self._reload.timeout.connect(self.reload)
        self._build()
        self.retranslate()
        state.load_file.connect(self.load)
        state.data_changed.connect(self.update_welcome)
        self.update_welcome()

    # ---- layout ----
    def _build(self) -> None:
        self.title = heading()
        self.intro = hint()
        buttons = self._build_actions()
        options, preview = self._build_options(), self._build_preview()
        splitter = QSplitter()
        splitter.addWidget(options)
        splitter.addWidget(preview)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([420, 640])  # proportions; Qt scales them to the real width

        layout = QVBoxLayout(self)
        layout.addWidget(self.welcome)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.file_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.problem)
        layout.addWidget(splitter, 1)

    def _build_actions(self) -> QHBoxLayout:
        """The file buttons, and the lines under them: the file, a busy bar, a problem, the welcome."""
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.choose_file)
        self.sample_button = QPushButton()
        self.sample_button.clicked.connect(self.load_sample)
        self.pairs_button = QPushButton()
        self.pairs_button.clicked.connect(lambda: self.load(str(resources_dir() / "samples" / PAIRS_SAMPLE)))
        self.next_button = QPushButton()
        self.next_button.setEnabled(False)
        self.next_button.clicked.connect(lambda: self.state.open_page.emit("train"))
        buttons = QHBoxLayout()
        for b in (self.open_button, self.sample_button, self.pairs_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)

        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(self.fontMetrics().height() // 2 + 2)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.problem = InlineMessage("error")
        self.problem.setObjectName("dataProblem")
        self.welcome = InlineMessage("info")
        self.welcome.setObjectName("welcome")
        self.welcome_button = self.welcome.add_button(QPushButton())
        self.welcome_button.clicked.connect(self.load_sample)
        return buttons

    def _build_options(self) -> QScrollArea:
        """Column mapping (tables only), cleaning and statistics, in a scrolling column."""
        self.columns_box = QGroupBox()
        self.text_combo = QComboBox()
        self.prompt_combo = QComboBox()
        self.text_label, self.prompt_label = QLabel(), QLabel()
        self.text_label.setBuddy(self.text_combo)
        self.prompt_label.setBuddy(self.prompt_combo)
        form = QFormLayout(self.columns_box)
        form.addRow(self.text_label, self.text_combo)
        form.addRow(self.prompt_label, self.prompt_combo)
        self.columns_hint = hint()
        form.addRow(self.columns_hint)
        self.text_combo.activated.connect(lambda _: self._reload.start())
        self.prompt_combo.activated.connect(lambda _: self._reload.start())
        self.columns_box.hide()

        # cleaning
        self.clean_box = QGroupBox()
        self.strip_html = QCheckBox(checked=True)
        self.tidy = QCheckBox(checked=True)
        self.mask = QCheckBox(checked=True)
        self.dedupe = QCheckBox(checked=True)
        self.min_chars = QSpinBox(minimum=1, maximum=1000, value=CleanOptions().min_chars)
        self.min_label = QLabel()
        self.min_label.setBuddy(self.min_chars)
        clean_form = QFormLayout(self.clean_box)
        for box in (self.strip_html, self.tidy, self.mask, self.dedupe):
            clean_form.addRow(box)
            box.toggled.connect(lambda _: self._reload.start())
        clean_form.addRow(self.min_label, self.min_chars)
        self.min_chars.valueChanged.connect(lambda _: self._reload.start())

        # statistics
        self.stats_box = QGroupBox()
        self.stats_form = QFormLayout(self.stats_box)
        self.stats_empty = hint()
        self.stats_form.addRow(self.stats_empty)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.columns_box, self.clean_box, self.stats_box):
            left_layout.addWidget(w)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        return scroll

    def _build_preview(self) -> QWidget:
        """The cleaned samples, as a table."""
        self.preview_label = QLabel()
        self.model = SampleTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.preview_label.setBuddy(self.table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview_label)
        right_layout.addWidget(self.table)
        return right

    def retranslate(self) -> None:
        self.welcome.label.setText(self.tr(
            "<b>Welcome to Wenan Studio!</b> It learns to write like your shop, on this computer: "
            "1. load a file of your copy here, 2. train a model, 3. write new copy with it. "
            "New here? Start with the sample shop's copy."))
        self.welcome_button.setText(self.tr("Try the sample"))
        self.title.setText(self.tr("Your copy"))
        self.intro.setText(self.tr("Open a file of your own marketing copy (.txt, .csv, .tsv, .xlsx or .jsonl), "
                                   "or drag it onto this window. Nothing leaves this computer."))
        self.open_button.setText(self.tr("&Open file…"))
        self.open_button.setToolTip(self.tr("Choose a file with your product copy (Ctrl+O)"))
        self.sample_button.setText(self.tr("Try the &sample"))
        self.sample_button.setToolTip(self.tr("Load the bundled copy of a fictional shop, to see how it works"))
        self.pairs_button.setText(self.tr("Sample with &prompts"))
        self.pairs_button.setToolTip(self.tr("A table of prompt → copy pairs: a model trained on it can follow "
                                             "the Write page's forms"))
        self.next_button.setText(self.tr("&Next: train →"))
        self.columns_box.setTitle(self.tr("Columns"))
        self.text_label.setText(self.tr("&Copy column:"))
        self.prompt_label.setText(self.tr("P&rompt column:"))
        self.text_combo.setToolTip(self.tr("The column that holds your marketing copy"))
        self.prompt_combo.setToolTip(self.tr("Optional: a column with the request for each copy, such as the "
                                             "product and its selling points"))
        self.columns_hint.setText(self.tr("With a prompt column the model learns to write copy for a request; "
                                          "without one it learns to continue your copy."))
        self.clean_box.setTitle(self.tr("Cleaning"))
        self.strip_html.setText(self.tr("Remove HTM&L tags"))
        self.tidy.setText(self.tr("Tidy &whitespace"))
        self.mask.setText(self.tr("&Mask phone numbers, e-mails and ID numbers"))
        self.mask.setToolTip(self.tr("Replaces them with [PHONE], [EMAIL] and [ID] so the model never learns them"))
        self.dedupe.setText(self.tr("Remove &duplicates"))
        self.min_label.setText(self.tr("Drop samples shorter &than:"))
        self.min_chars.setSuffix(self.tr(" characters"))
        self.stats_box.setTitle(self.tr("Statistics"))
        self.stats_empty.setText(self.tr("No file loaded yet."))
        self.preview_label.setText(self.tr("Pr&eview of the cleaned samples"))
        if self.prompt_combo.count():
            self.prompt_combo.setItemText(0, self.tr("(none)"))
        self.model.retranslate()
        if self._error is not None:
            self.problem.show_message(error_text(self._error))  # engine messages exist in both languages
        self._show_loaded()

    def update_welcome(self) -> None:
        """First run: no models and no data yet, so lead to the sample."""
        self.welcome.setVisible(self.state.data is None and not list_library())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- loading ----
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a copy file"), str(Path.home()),
            self.tr("Copy files (*.txt *.csv *.tsv *.xlsx *.jsonl);;All files (*)"))
        if path:
            self.load(path)

    def load_sample(self) -> None:
        self.load(str(sample_file()))

    def load(self, path: str) -> None:
        """Load a new file with guessed columns and the current cleaning options."""
        self._path = path
        self._start(path, None, None)

    def reload(self) -> None:
        """Samples again after a column or cleaning change, from the file as it was read."""
        if not self._path:
            return
        text = prompt = None
        if self.columns_box.isVisible() and self.text_combo.count():
            text = self.text_combo.currentData()
            prompt = self.prompt_combo.currentData()
        loaded = self.state.data
        same = loaded is not None and str(loaded.info.path) == str(Path(self._path).expanduser())
        self._start(loaded.source if same else self._path, text, prompt)

    def clean_options(self) -> CleanOptions:
        return CleanOptions(normalize_whitespace=self.tidy.isChecked(), strip_html=self.strip_html.isChecked(),
                            mask_pii=self.mask.isChecked(), min_chars=self.min_chars.value(),
                            dedupe=self.dedupe.isChecked())

    def is_loading(self) -> bool:
        return self._job is not None

    def _start(self, path: str | DataSource, text: str | None, prompt: str | None) -> None:
        self._request += 1
        request, clean = self._request, self.clean_options()
        def work(ctx):
            loaded = load_for_preview(path, text, prompt, clean)
            freeze_gc()  # a big file is ~10^5 samples: keep full collections from rescanning them
            return loaded

        job = Job(work, name="load-data", parent=self)
        job.returned.connect(lambda result: self._on_loaded(request, result))
        job.failed.connect(lambda err, details: self._on_failed(request, err, details))
        job.finished.connect(lambda: self._on_finished(job))
        self._job = job
        self._jobs.add(job)  # an older load may still be running; it is kept until it ends
        self.busy.show()
        name = path.info.path.name if isinstance(path, DataSource) else Path(path).name
        self.file_label.setText(self.tr("Loading {name}…").format(name=name))
        job.start()

    def _on_finished(self, job: Job) -> None:
        self._jobs.discard(job)
        if job is self._job:
            self._job = None
            self.busy.hide()
            self.loaded.emit()
        job.deleteLater()

    def _on_loaded(self, request: int, result: LoadedData) -> None:
        if request != self._request:
            return
        log.info("loaded %s: %d samples in %.2f s", result.data.path, result.stats.samples, result.seconds)
        self._error = None
        self.problem.hide()
        self._fill_columns(result)
        self.state.set_data(result)
        self._show_loaded()

    def _on_failed(self, request: int, err: BaseException, details: str) -> None:
        if request != self._request:
            return
        # In plain words, inline; the traceback only goes to the log (the worker logged it).
        self._error = err
        self.problem.show_message(error_text(err), "error")
        if not isinstance(err, WenanError):
            log.error("unexpected error loading %s", self._path)
        self.file_label.setText(self.tr("Could not use {name}.").format(name=Path(self._path or "").name))
        if self.state.data is not None and str(self.state.data.data.path) != self._path:
            self.state.set_data(None)
            self._show_loaded()

    def _fill_columns(self, loaded: LoadedData) -> None:
        columns = loaded.info.columns
        self.columns_box.setVisible(bool(columns))
        if not columns:
            return
        for combo in (self.text_combo, self.prompt_combo):
            combo.clear()
        self.prompt_combo.addItem(self.tr("(none)"), NO_PROMPT)
        for name in columns:
            self.text_combo.addItem(name, name)
            self.prompt_combo.addItem(name, name)
        self.text_combo.setCurrentIndex(max(0, self.text_combo.findData(loaded.data.text_column)))
        self.prompt_combo.setCurrentIndex(max(0, self.prompt_combo.findData(loaded.data.prompt_column or NO_PROMPT)))

    def _show_loaded(self) -> None:
        """Fill the file line, statistics and preview from the state (also after a language change)."""
        loaded = self.state.data
        while self.stats_form.rowCount() > 1:
            self.stats_form.removeRow(1)
        self.stats_empty.setVisible(loaded is None)
        self.next_button.setEnabled(loaded is not None)
        if loaded is None:
            if not self.is_loading() and not self.problem.isVisible():
                self.file_label.setText(self.tr("No file yet. Try the sample to see how it works."))
            self.model.set_samples([], False)
            return
        self.file_label.setText(self.tr("<b>{name}</b> · {format} · encoding: {encoding}").format(
            name=loaded.name, format=format_name(loaded.data.format), encoding=encoding_name(loaded.data.encoding)))
        for label, value in stats_rows(loaded):
            value_label = QLabel(value)
            value_label.setWordWrap(True)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.stats_form.addRow(label + ":", value_label)
        self.model.set_samples(loaded.data.preview(200), loaded.data.is_pairs)
