"""History (历史): every draft written, searchable, with its request, re-run, export and undoable delete."""
from __future__ import annotations

import dataclasses
from typing import Callable

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMenu, QMessageBox, QPushButton, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from engine.common import WenanError
from engine.history import History, UndoToken, rows_for_scope

from .. import i18n
from ..errors import error_text
from ..notice import InlineMessage, heading, hint
from ..session import AppState
from .history_detail import HistoryDetail
from .history_export import HistoryExporter
from .history_filter import HistoryFilterBar
from .history_table import FAVORITE_COLUMN, HistoryTable, HistoryTableModel
from .history_undo import UndoBar


class HistoryPage(QWidget):
    """Reads and changes the shared History of AppState; tells other pages with `history_changed`.

    The list is reloaded only while the page is shown (or when it is next shown), so the
    Write page saving drafts costs nothing here until the user looks.
    """

    refreshed = Signal()  # the list was reloaded from the history

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self._stale = True            # reload when next shown
        self._announcing = False      # our own history_changed: the list is already up to date
        self._total_all = 0           # drafts in the whole history, whatever the filter
        self._problem_text: Callable[[], str] | None = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)  # several signals, one reload
        self._refresh_timer.timeout.connect(lambda: self.refresh())
        self._build()
        self.retranslate()
        state.history_changed.connect(self._on_history_changed)

    def _build(self) -> None:
        self.title = heading()
        self.notice = InlineMessage("info", closable=True)
        self.notice.setObjectName("historyNotice")
        self.problem = InlineMessage("error")
        self.problem.setObjectName("historyProblem")
        self.retry_button = self.problem.add_button(QPushButton())
        self.retry_button.clicked.connect(lambda: self.refresh())
        self.filters = HistoryFilterBar()
        self.filters.changed.connect(lambda: self.refresh())
        bar = self._build_actions()
        self.undo_bar = UndoBar()
        self.undo_bar.undo_requested.connect(self.undo)
        self.exporter = HistoryExporter(self)
        self.exporter.finished.connect(lambda _: self._update_actions())
        self._build_list()

        self.detail = HistoryDetail()
        self.detail.rerun_button.clicked.connect(self.rerun)
        self.detail.favorite_button.toggled.connect(self.set_favorite)
        self.detail.delete_button.clicked.connect(self.delete_current)
        self.body = QSplitter()
        self.body.addWidget(self.list_stack)
        self.body.addWidget(self.detail)
        self.body.setStretchFactor(0, 3)
        self.body.setStretchFactor(1, 2)
        self.body.setChildrenCollapsible(False)
        self.body.setSizes([680, 380])

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.notice)
        layout.addWidget(self.problem)
        layout.addWidget(self.filters)
        layout.addLayout(bar)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.exporter.message)
        layout.addWidget(self.body, 1)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut  # only while this page is shown
        QShortcut(QKeySequence.StandardKey.Find, self, self.filters.focus_search, context=context)

    def _build_actions(self) -> QHBoxLayout:
        """The count of drafts shown, then Export (selection, filter, all), Delete and Clear all."""
        self.count_label = QLabel()
        self.count_label.setObjectName("historyCount")
        self.export_button = QPushButton()
        self.export_button.setObjectName("historyExport")
        self.export_menu = QMenu(self)
        self.export_actions = {scope: self.export_menu.addAction("") for scope in ("selection", "filter", "all")}
        for scope, action in self.export_actions.items():
            action.triggered.connect(lambda _=False, s=scope: self.export(s))
        self.export_button.setMenu(self.export_menu)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("historyDelete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.clear_button = QPushButton()
        self.clear_button.setObjectName("historyClear")
        self.clear_button.clicked.connect(self.clear_all)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label, 1)
        for widget in (self.export_button, self.delete_button, self.clear_button):
            bar.addWidget(widget)
        return bar

    def _build_list(self) -> None:
        """The drafts' table, or in its place what to do when there are none."""
        self.model = HistoryTableModel(self)
        self.table = HistoryTable()
        self.table.setModel(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.table.clicked.connect(self._on_clicked)
        self.table.activated.connect(lambda _: self.focus_detail())
        self.table.open_requested.connect(self.focus_detail)
        self.table.delete_requested.connect(self.delete_selected)
        self.table.copy_requested.connect(self.copy_selected)
        self.empty = QWidget()
        self.empty_text = hint()
        self.empty_text.setObjectName("historyEmpty")
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_button = QPushButton()
        self.empty_button.setObjectName("historyEmptyAction")
        self.empty_button.clicked.connect(self._empty_action)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_text)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)

    def retranslate(self) -> None:
        self.title.setText(self.tr("History"))
        self.retry_button.setText(self.tr("&Try again"))
        self.export_button.setText(self.tr("&Export"))
        self.export_button.setToolTip(self.tr("Save drafts as CSV (opens in Excel), Excel, Markdown or text; "
                                              "every file is labelled AI-generated"))
        self.export_actions["selection"].setText(self.tr("Export &selected drafts…"))
        self.export_actions["filter"].setText(self.tr("Export the drafts &shown (current search and filters)…"))
        self.export_actions["all"].setText(self.tr("Export &all drafts…"))
        self.delete_button.setText(self.tr("&Delete"))
        self.delete_button.setToolTip(self.tr("Delete the selected drafts (Delete); you can undo it"))
        self.clear_button.setText(self.tr("C&lear all…"))
        self.clear_button.setToolTip(self.tr("Delete every draft in the history, after asking"))
        if self._problem_text is not None:
            self.problem.label.setText(self._problem_text())
        self.model.retranslate()
        self.exporter.retranslate()
        self._update_texts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # ---- loading ----
    def history(self) -> History | None:
        """The shared history, or None after showing why it cannot be opened."""
        try:
            history = self.state.history()
        except WenanError as err:
            self._show_problem(lambda err=err: self.tr("Your drafts cannot be shown. {reason}").format(
                reason=error_text(err)), retry=True)
            return None
        recovered = self.state.take_recovery_notice()
        if recovered is not None:
            self.notice.show_message(recovered.recovery_notice(i18n.current()), "info")
        return history

    def refresh(self) -> None:
        """Reload the list for the current filter, keeping the selection and as many rows as were loaded."""
        current = self.table.current_variant()
        self._reload(self.table.selected_ids(), current.id if current is not None else None)

    def _reload(self, select: list[int], current: int | None, fallback_row: int = 0) -> None:
        self._refresh_timer.stop()
        self._stale = False
        history = self.history()
        if history is None:
            self.model.clear()
            self._update_texts()
            return
        try:
            self.filters.set_models(history.models())
            self._total_all = history.count()
            self.model.load(history, self.filters.current(), at_least=self.model.rowCount())
        except WenanError as err:
            self.model.clear()
            self._show_problem(lambda err=err: error_text(err), retry=True)
        else:
            self.problem.hide()
            self._problem_text = None
        self.table.reselect(select, current, fallback_row)
        self._show_current()
        self._update_texts()
        self.refreshed.emit()

    def _on_history_changed(self) -> None:
        if self._announcing:
            return
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def _announce(self) -> None:
        """Tell the other pages; this page has already updated itself."""
        self._announcing = True
        try:
            self.state.history_changed.emit()
        finally:
            self._announcing = False

    def _show_problem(self, text: Callable[[], str], retry: bool = False) -> None:
        """An inline error; `retry` offers Try again, for when the history itself could not be read."""
        self._problem_text = text
        self.retry_button.setVisible(retry)
        self.problem.show_message(text(), "error")

    # ---- selection and the detail ----
    def _show_current(self) -> None:
        row, run = self.table.current_variant(), None
        history = self.history() if row is not None else None
        if history is not None:
            try:
                run = history.get_run(row.run_id)
            except WenanError:
                run = None  # deleted by another window: the row still shows what the list knows
        self.detail.show_draft(row, run)
        self._update_actions()

    def focus_detail(self) -> None:
        if self.table.current_variant() is not None:
            self.detail.text_view.setFocus()

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() == FAVORITE_COLUMN:
            row = self.model.row(index.row())
            self._set_favorite(index.row(), not row.favorite)

    # ---- texts and enabled actions ----
    def _update_texts(self) -> None:
        matches, flt = self.model.total, self.filters.current()
        if flt.is_empty():
            self.count_label.setText(self.tr("Drafts: {n}").format(n=matches))
        else:
            self.count_label.setText(self.tr("Matching: {n} of {total}").format(n=matches, total=self._total_all))
        if self._total_all == 0:
            self.empty_text.setText(self.tr(
                "<p><b>No drafts yet.</b></p><p>Every variant you write on the Write page is kept here, with its "
                "prompt, settings, seed and quality checks, so you can find it again, re-run it or export it "
                "for your team.</p>"))
            self.empty_button.setText(self.tr("Go to the &Write page"))
        else:
            self.empty_text.setText(self.tr("<p><b>No drafts match.</b></p><p>Try other words, or change the "
                                            "model, scenario, date or favorites filter.</p>"))
            self.empty_button.setText(self.tr("Show &all drafts"))
        self.list_stack.setCurrentWidget(self.table if matches else self.empty)
        self._update_actions()

    def _update_actions(self) -> None:
        has_selection = bool(self.table.selectionModel().selectedRows())
        self.delete_button.setEnabled(has_selection)
        self.clear_button.setEnabled(self._total_all > 0)
        self.export_button.setEnabled(self._total_all > 0 and not self.exporter.is_running())
        self.export_actions["selection"].setEnabled(has_selection)
        self.export_actions["filter"].setEnabled(self.model.total > 0)

    def _empty_action(self) -> None:
        if self._total_all == 0:
            self.state.open_page.emit("write")
        else:
            self.filters.reset()

    # ---- actions on drafts ----
    def set_favorite(self, on: bool) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._set_favorite(index.row(), on)

    def _set_favorite(self, r: int, on: bool) -> None:
        history, row = self.history(), self.model.row(r)
        if history is None or row.favorite == on:
            return
        try:
            history.set_favorite(row.id, on)
        except WenanError as err:
            self._show_problem(lambda err=err: error_text(err))
            self._show_current()  # the star goes back to what is stored
            return
        self.model.replace_row(r, dataclasses.replace(row, favorite=on))
        if r == self.table.currentIndex().row():
            self.detail.show_draft(self.model.row(r), self.detail.run)
        self._announce()

    def copy_selected(self) -> None:
        """Ctrl+C in the list: the texts of the selected drafts, a blank line between them."""
        texts = [self.model.row(r).text for r in self.table.selected_rows()]
        if texts:
            QGuiApplication.clipboard().setText("\n\n".join(texts))

    def rerun(self) -> None:
        """Send the same request to the Write page, and show it there."""
        history, row = self.history(), self.table.current_variant()
        if history is None or row is None:
            return
        try:
            request = history.rerun_request(row.run_id)
        except WenanError as err:
            self._show_problem(lambda err=err: error_text(err))
            return
        self.state.rerun.emit(request)
        self.state.open_page.emit("write")

    def delete_current(self) -> None:
        row = self.table.current_variant()
        if row is not None:
            self._delete([row.id])

    def delete_selected(self) -> None:
        self._delete(self.table.selected_ids())

    def _delete(self, ids: list[int]) -> None:
        history = self.history()
        if history is None or not ids:
            return
        first = min(self.model.rows_of(ids), default=0)
        try:
            token = history.delete_variants(ids)
        except WenanError as err:
            self._show_problem(lambda err=err: error_text(err))
            return
        self.undo_bar.offer(token)
        self._reload_after_change(fallback_row=first)
        self.table.setFocus()

    def undo(self, token: UndoToken) -> None:
        history = self.history()
        if history is None:
            return
        try:
            history.undo(token)
        except WenanError as err:
            self._show_problem(lambda err=err: error_text(err))
            return
        self.undo_bar.forget()
        self._reload(list(token.ids), token.ids[0] if token.ids else None)  # back in place, selected
        self._announce()

    def clear_all(self) -> None:
        """Everything, for good, after a question that says how much."""
        history = self.history()
        if history is None or self._total_all == 0:
            return
        answer = QMessageBox.question(
            self, self.tr("Clear history"),
            self.tr("Delete all {n} drafts in your history? This cannot be undone. Export them first if you "
                    "may need them.").format(n=self._total_all),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            history.clear_all()
        except WenanError as err:
            self._show_problem(lambda err=err: error_text(err))
            return
        self.undo_bar.forget()  # clearing ends every undo
        self._reload_after_change()

    def _reload_after_change(self, fallback_row: int = 0) -> None:
        """After a delete: the row that took the deleted one's place becomes current."""
        self._reload([], None, fallback_row)
        self._announce()

    # ---- export ----
    def export(self, scope: str) -> None:
        """Export the selection, what the filter shows, or everything (engine.history.export.rows_for_scope)."""
        history = self.history()
        if history is None:
            return
        try:
            rows = rows_for_scope(history, scope, self.table.selected_ids(), **self.filters.current().search_args())
        except WenanError as err:
            self._show_problem(lambda err=err: error_text(err))
            return
        self.exporter.export(rows)
        self._update_actions()
