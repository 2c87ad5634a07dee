"""Reviews (口碑): open a review export, see what customers praise and criticise, and write from it.

The analysis (engine.insight) runs on a worker; this page only turns clicks into calls and
results into widgets. Every number and quote shown is counted from the real reviews.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..errors import error_text, show_error
from ..notice import InlineMessage, heading, hint
from ..session import AppState
from ..worker import Job
from .reviews_chart import CRITICISM_COLOUR, PRAISE_COLOUR, AspectChart
from .reviews_detail import AspectDetail
from .reviews_options import ReviewOptions

log = logging.getLogger(__name__)


class ReviewsPage(QWidget):
    """Runs engine.insight on a worker thread and shows its ranked aspects."""

    analysed = Signal()   # an analysis (or a failed one) finished; tests wait on it

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.file = None          # engine.insight.ReviewFile
        self.review_set = None    # engine.insight.ReviewSet for the chosen columns
        self.insight = None       # engine.insight.Insight for the chosen filter
        self._path: str | None = None
        self._job: Job | None = None
        self._jobs: set[Job] = set()
        self._request = 0
        self._error = None
        self._rerun = QTimer(self, singleShot=True, interval=300)  # debounce filter changes
        self._rerun.timeout.connect(self.reanalyse)
        self._build()
        self.retranslate()

    # ---- layout ----
    def _build(self) -> None:
        self.title = heading()
        self.intro = hint()
        buttons = self._build_actions()
        self.options = ReviewOptions()
        self.options.columns_changed.connect(self.reload_columns)
        self.options.filter_changed.connect(self._rerun.start)
        splitter = self._build_aspects()

        # In a scroll area: a small window (or a large font) scrolls instead of squeezing the chart.
        content = QWidget()
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        for w in (self.title, self.intro):
            layout.addWidget(w)
        layout.addLayout(buttons)
        for w in (self.file_label, self.progress, self.problem):
            layout.addWidget(w)
        layout.addWidget(self.options)
        layout.addWidget(splitter, 1)
        self._show_insight()

    def _build_actions(self) -> QHBoxLayout:
        """Open and Export, and the lines under them: the file, progress, a problem."""
        self.open_button = QPushButton()
        self.open_button.setObjectName("openReviews")
        self.open_button.clicked.connect(self.choose_file)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.choose_export)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(self.fontMetrics().height() // 2 + 4)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.problem = InlineMessage("error")
        self.problem.setObjectName("reviewsProblem")
        return buttons

    def _build_aspects(self) -> QSplitter:
        """The two ranked charts and the table of aspects, beside the reviews of the chosen one."""
        self.selling_label, self.pain_label = QLabel(), QLabel()
        self.selling_chart, self.pain_chart = AspectChart(PRAISE_COLOUR), AspectChart(CRITICISM_COLOUR)
        self.selling_chart.setObjectName("sellingChart")
        self.pain_chart.setObjectName("painChart")
        self.selling_chart.clicked.connect(self.select_aspect)
        self.pain_chart.clicked.connect(self.select_aspect)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("aspectTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.currentCellChanged.connect(lambda row, *_: self._on_table_row(row))
        self.draft_button = QPushButton()
        self.draft_button.setObjectName("useInDraft")
        self.draft_button.clicked.connect(self.use_in_draft)
        charts = QHBoxLayout()
        for label, chart in ((self.selling_label, self.selling_chart), (self.pain_label, self.pain_chart)):
            column = QVBoxLayout()
            column.addWidget(label)
            column.addWidget(chart, 1)
            charts.addLayout(column, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(charts, 3)
        left_layout.addWidget(self.table, 2)
        draft_row = QHBoxLayout()
        self.draft_hint = hint()
        draft_row.addWidget(self.draft_hint, 1)
        draft_row.addWidget(self.draft_button)
        left_layout.addLayout(draft_row)
        self.detail = AspectDetail()
        self.detail.reply.connect(self.reply_to)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        return splitter

    def retranslate(self) -> None:
        self.title.setText(self.tr("Reviews (口碑)"))
        self.intro.setText(self.tr("Open the review export of your shop (Taobao, Tmall, JD, Pinduoduo, Amazon: .csv, "
                                   ".xlsx, .txt). See what customers praise and criticise, read their own words, and "
                                   "write copy and replies from them. Every quote is a customer's real words."))
        self.open_button.setText(self.tr("&Open review export…"))
        self.export_button.setText(self.tr("E&xport insight…"))
        self.export_button.setToolTip(self.tr("Save the aspects, counts, phrases and quotes as .xlsx or .csv"))
        self.selling_label.setText(self.tr("<b>Selling points</b>: praised most often"))
        self.pain_label.setText(self.tr("<b>Pain points</b>: criticised most often"))
        self.selling_chart.set_placeholder(self.tr("The aspects customers praise appear here."))
        self.pain_chart.set_placeholder(self.tr("The aspects customers criticise appear here."))
        self.table.setHorizontalHeaderLabels([self.tr("Aspect"), self.tr("Mentions"), self.tr("Praised"),
                                              self.tr("Criticised")])
        self.draft_button.setText(self.tr("&Use in a draft"))
        self.draft_button.setToolTip(self.tr("Fill the Write page's selling points with the ticked aspects"))
        self.draft_hint.setText(self.tr("Tick the selling points to use, then “Use in a draft”."))
        if self._error is not None:
            self.problem.show_message(error_text(self._error))
        self._show_file_line()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- running the analysis ----
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a review export"), str(Path.home()),
            self.tr("Review exports (*.csv *.tsv *.xlsx *.txt *.jsonl);;All files (*)"))
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        """Read a new export with guessed columns and analyse all of its reviews."""
        self._path = path

        def work(ctx):
            from engine.insight import analyze, open_reviews

            file = open_reviews(path)
            review_set = file.reviews()
            return file, review_set, analyze(review_set.reviews, on_event=ctx.on_event, cancel=ctx.cancel)

        self._start(work, self.tr("Reading {name}…").format(name=Path(path).name))

    def reload_columns(self) -> None:
        """The same file with other columns: no reading from disk."""
        if self.file is None:
            return
        file, chosen = self.file, self.options.chosen()

        def work(ctx):
            from engine.insight import analyze

            review_set = file.reviews(chosen["text"], chosen["rating"], chosen["product"], chosen["date"])
            return file, review_set, analyze(review_set.reviews, on_event=ctx.on_event, cancel=ctx.cancel)

        self._start(work, self.tr("Counting again…"))

    def reanalyse(self) -> None:
        """The same reviews under the product and date filter."""
        if self.review_set is None:
            return
        file, review_set = self.file, self.review_set
        product, since, until = self.options.filter_values()

        def work(ctx):
            from engine.insight import analyze, filter_reviews

            subset = filter_reviews(review_set.reviews, product, since, until)
            return file, review_set, analyze(subset, on_event=ctx.on_event, cancel=ctx.cancel)

        self._start(work, self.tr("Counting again…"), keep_filters=True)

    def _start(self, work, message: str, keep_filters: bool = False) -> None:
        if self._job is not None:
            self._job.cancel()  # its result would be stale anyway
        self._request += 1
        request = self._request
        job = Job(work, name="insight", parent=self)
        job.progress.connect(lambda e: self._on_progress(request, e))
        job.returned.connect(lambda result: self._on_result(request, result, keep_filters))
        job.failed.connect(lambda err, details: self._on_failed(request, err, details))
        job.finished.connect(lambda: self._on_finished(job))
        self._job = job
        self._jobs.add(job)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.file_label.setText(message)
        job.start()

    def is_running(self) -> bool:
        return self._job is not None

    def _on_progress(self, request: int, event) -> None:
        if request == self._request and event.total:
            weights = {"reading": (0, 30), "finding": (30, 50), "counting": (80, 20), "done": (100, 0)}
            start, span = weights.get(event.phase, (0, 100))
            self.progress.setRange(0, 100)
            self.progress.setValue(int(start + span * event.done / event.total))

    def _on_result(self, request: int, result, keep_filters: bool) -> None:
        if request != self._request:
            return
        file, review_set, insight = result
        if insight.cancelled:
            return
        self._error = None
        self.problem.hide()
        new_set = review_set is not self.review_set
        self.file, self.review_set, self.insight = file, review_set, insight
        if not keep_filters:
            self.options.fill_columns(file.columns, review_set.chosen)
            if new_set:
                self.options.fill_filters(review_set)
        self._show_insight()

    def _on_failed(self, request: int, err: BaseException, details: str) -> None:
        if request != self._request:
            return
        self._error = err
        self.problem.show_message(error_text(err), "error")
        if self.file is None or (self._path and str(self.file.path) != self._path):
            self.file = self.review_set = self.insight = None
            self._show_insight()
        self._show_file_line()

    def _on_finished(self, job: Job) -> None:
        self._jobs.discard(job)
        if job is self._job:
            self._job = None
            self.progress.hide()
            self._show_file_line()
            self.analysed.emit()
        job.deleteLater()

    # ---- showing it ----
    def _show_file_line(self) -> None:
        if self.is_running():
            return
        if self.review_set is None or self.insight is None:
            if not self.problem.isVisible():
                self.file_label.setText(self.tr("No review export opened yet."))
            else:
                self.file_label.setText(self.tr("Could not use {name}.").format(name=Path(self._path or "").name))
            return
        source = (self.tr("praise and criticism follow the “{column}” ratings").format(column=self.review_set.chosen.rating)
                  if self.insight.rated else self.tr("praise and criticism come from the reviews' own words"))
        self.file_label.setText(self.tr("<b>{name}</b> · {count} reviews analysed of {rows} rows "
                                        "({skipped} empty or “no review written”) · {source}").format(
            name=self.review_set.path.name, count=len(self.insight.reviews), rows=self.review_set.rows,
            skipped=self.review_set.blank + self.review_set.placeholders, source=source))

    def _show_insight(self) -> None:
        insight = self.insight
        aspects = insight.aspects if insight is not None else ()
        self.selling_chart.set_items([(a.title, a.positive) for a in (insight.selling_points if insight else ())])
        self.pain_chart.set_items([(a.title, a.negative) for a in (insight.pain_points if insight else ())])
        self.table.blockSignals(True)
        self.table.setRowCount(len(aspects))
        selling = {a.name for a in insight.selling_points} if insight else set()
        for row, a in enumerate(aspects):
            name = QTableWidgetItem(a.title)
            name.setData(Qt.ItemDataRole.UserRole, a.name)
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            name.setCheckState(Qt.CheckState.Unchecked)
            if a.name not in selling:
                name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                name.setData(Qt.ItemDataRole.CheckStateRole, None)
            self.table.setItem(row, 0, name)
            for col, value in enumerate((a.mentions, a.positive, a.negative), start=1):
                cell = QTableWidgetItem()
                cell.setData(Qt.ItemDataRole.DisplayRole, value)
                self.table.setItem(row, col, cell)
        self.table.blockSignals(False)
        self.export_button.setEnabled(bool(aspects))
        self.draft_button.setEnabled(bool(selling))
        self.detail.show_aspect(None, ())
        self._show_file_line()

    def select_aspect(self, title: str) -> None:
        """Show an aspect (by its shown name) on the right, and select its row."""
        if self.insight is None:
            return
        aspect = next((a for a in self.insight.aspects if a.title == title or a.name == title), None)
        if aspect is None:
            return
        row = [a.name for a in self.insight.aspects].index(aspect.name)
        self.table.blockSignals(True)
        self.table.setCurrentCell(row, 0)
        self.table.blockSignals(False)
        self.detail.show_aspect(aspect, self.insight.reviews)

    def _on_table_row(self, row: int) -> None:
        if self.insight is not None and 0 <= row < len(self.insight.aspects):
            self.detail.show_aspect(self.insight.aspects[row], self.insight.reviews)

    def checked_aspects(self) -> list:
        names = [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())
                 if self.table.item(r, 0).checkState() == Qt.CheckState.Checked]
        return [self.insight.aspect(n) for n in names] if self.insight else []

    def set_checked(self, names: list[str]) -> None:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                on = item.data(Qt.ItemDataRole.UserRole) in names
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    # ---- writing from it ----
    def use_in_draft(self) -> None:
        """The ticked selling points (or the top three) go to the Write page, in the customers' words."""
        if self.insight is None:
            return
        chosen = self.checked_aspects() or list(self.insight.selling_points[:3])
        points = [a.positive_phrases[0].text if a.positive_phrases else a.name for a in chosen]
        if not points:
            return
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in "".join(points))
        self.state.draft_with.emit("detail", {"selling_points": ("，" if chinese else ", ").join(points)})

    def reply_to(self, review) -> None:
        fields = {"review": review.text}
        if review.product:
            fields["product"] = review.product
        self.state.draft_with.emit("review_reply", fields)

    def choose_export(self) -> None:
        if self.insight is None or not self.insight.aspects:
            return
        stem = self.review_set.path.stem if self.review_set else "reviews"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the insight"),
                                              str(Path.home() / f"{stem}-insight.xlsx"),
                                              self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> Job:
        insight = self.insight

        def work(ctx):
            from engine.insight import export_insight
            return export_insight(insight, path)

        job = Job(work, name="insight-export", parent=self)
        job.returned.connect(lambda out: self.file_label.setText(
            self.tr("Exported the insight to {path}").format(path=out)))
        job.failed.connect(lambda err, details: show_error(self, err, details, self.tr("Export failed")))
        job.finished.connect(job.deleteLater)
        job.start()
        return job
