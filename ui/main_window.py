"""The main window: a sidebar with five pages, menus, drag and drop, and a safe close."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QListWidget, QListWidgetItem, QMainWindow, QMessageBox,
                               QSystemTrayIcon, QVBoxLayout, QWidget)

from engine.common import paths

from . import tasks
from .engine_process import EngineStopped, manager
from .errors import error_text
from .i18n import LanguageManager
from .icons import app_icon, icon
from .model_list import list_library
from .notice import InlineMessage
from .page_stack import PageStack
from .session import AppState
from .settings import AppSettings
from .warmup import import_gui
from .worker import Job, running_jobs, tracker

if TYPE_CHECKING:  # the dialogs and pages are imported when first opened or built, not at start-up
    from .dialogs.library import LibraryDialog
    from .dialogs.settings_dialog import SettingsDialog
    from .pages.data_page import DataPage
    from .pages.history_page import HistoryPage
    from .pages.reviews_page import ReviewsPage
    from .pages.train_page import TrainPage
    from .pages.write_page import WritePage

log = logging.getLogger(__name__)
PAGES = ("data", "train", "write", "history", "reviews")
PAGE_CLASSES = {"data": "ui.pages.data_page:DataPage", "train": "ui.pages.train_page:TrainPage",
                "write": "ui.pages.write_page:WritePage", "history": "ui.pages.history_page:HistoryPage",
                "reviews": "ui.pages.reviews_page:ReviewsPage"}
WARM_UP_DELAY_MS = 300
DATA_SUFFIXES = (".txt", ".csv", ".tsv", ".xlsx", ".jsonl", ".xls")


def _text(value: str | Callable[[], str]) -> str:
    return value() if callable(value) else value


class MainWindow(QMainWindow):
    """Owns the pages and the shared AppState; closing waits for background work to stop."""

    closing = Signal()  # the close was confirmed and is waiting for jobs to stop

    def __init__(self, settings: AppSettings, languages: LanguageManager, parent: QWidget | None = None,
                 defer_pages: bool = False):
        """`defer_pages`: build only the first page now, the others once the window is drawn (start-up)."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = settings
        self.languages = languages
        self.state = AppState(settings, self)
        self._close_pending = False
        self.batch_dialog = None  # kept here while open, so it is not garbage collected
        self._warm_timer = QTimer(self, singleShot=True, interval=WARM_UP_DELAY_MS)
        self._warm_timer.timeout.connect(self.start_warm_up)
        self.tray: QSystemTrayIcon | None = None
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)

        self.stack = PageStack(PAGE_CLASSES, self.state)
        self.stack.built.connect(self._connect_page)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        size = self.fontMetrics().height() * 2
        self.sidebar.setIconSize(QSize(size, size))
        for key in PAGES:
            item = QListWidgetItem(icon(key), "")
            item.setSizeHint(QSize(0, size + self.fontMetrics().height()))
            self.sidebar.addItem(item)
        self.sidebar.setFixedWidth(self.fontMetrics().averageCharWidth() * 12 + size * 2)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.banner = InlineMessage("info", closable=True)
        self.banner.setObjectName("windowBanner")
        self._banner_text: Callable[[], str] | None = None  # redrawn in the new language on a switch

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sidebar)
        column = QVBoxLayout()
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        row.addLayout(column, 1)
        self.setCentralWidget(central)
        self._build_menus()

        self.state.open_page.connect(self.show_page)
        self.state.models_changed.connect(self._update_welcome)
        tracker().job_finished.connect(self._maybe_finish_close)
        manager().worker_died.connect(self._on_worker_died)
        self._default_size()
        self.retranslate()
        first = "write" if list_library() else "data"
        for key in (first,) if defer_pages else PAGES:
            self.stack.page(key)
        self.show_page(first)

    # ---- the pages, each built when first needed (ui/page_stack.py) ----
    @property
    def data_page(self) -> DataPage:
        return self.stack.page("data")

    @property
    def train_page(self) -> TrainPage:
        return self.stack.page("train")

    @property
    def write_page(self) -> WritePage:
        return self.stack.page("write")

    @property
    def history_page(self) -> HistoryPage:
        return self.stack.page("history")

    @property
    def reviews_page(self) -> ReviewsPage:
        return self.stack.page("reviews")

    @property
    def pages(self) -> dict[str, QWidget]:
        return {key: self.stack.page(key) for key in PAGES}

    def _connect_page(self, key: str, page: QWidget) -> None:
        """What the window itself hears from a page, connected when the page is built."""
        if key == "train":
            page.notify.connect(self.notify)
        elif key == "write":
            page.library_button.clicked.connect(self.open_library)

    # ---- menus and text ----
    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.open_action = QAction(self, shortcut=QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._open_file)
        self.library_action = QAction(self, shortcut=QKeySequence("Ctrl+L"))
        self.library_action.setIcon(icon("library"))
        self.library_action.triggered.connect(self.open_library)
        self.batch_action = QAction(self)
        self.batch_action.triggered.connect(self.open_batch)
        self.settings_action = QAction(self, shortcut=QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.open_settings)
        self.quit_action = QAction(self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        for action in (self.open_action, self.batch_action, self.library_action, self.settings_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("")
        self.page_actions = []
        for i, key in enumerate(PAGES):
            action = QAction(self, shortcut=QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, k=key: self.show_page(k))
            self.view_menu.addAction(action)
            self.page_actions.append(action)
        self.help_menu = self.menuBar().addMenu("")
        self.about_action = QAction(self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.open_about)
        self.logs_action = QAction(self)
        self.logs_action.triggered.connect(self.open_log_folder)
        self.help_menu.addAction(self.logs_action)
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Wenan Studio (文案工坊)"))
        names = (self.tr("Data"), self.tr("Train"), self.tr("Write"), self.tr("History"), self.tr("Reviews"))
        tips = (self.tr("Your copy file, its columns and cleaning (Ctrl+1)"),
                self.tr("Teach a model your style (Ctrl+2)"), self.tr("Draft new copy (Ctrl+3)"),
                self.tr("Your past drafts (Ctrl+4)"),
                self.tr("What your customers praise and criticise, from your review export (Ctrl+5)"))
        for i, (name, tip) in enumerate(zip(names, tips)):
            self.sidebar.item(i).setText(name)
            self.sidebar.item(i).setToolTip(tip)
            self.page_actions[i].setText(name)
        self.file_menu.setTitle(self.tr("&File"))
        self.view_menu.setTitle(self.tr("&View"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.open_action.setText(self.tr("&Open data file…"))
        self.library_action.setText(self.tr("Model &library…"))
        self.batch_action.setText(self.tr("&Batch from product sheet…"))
        self.batch_action.setToolTip(self.tr("Draft copy for every product in a spreadsheet"))
        self.settings_action.setText(self.tr("&Settings…"))
        self.quit_action.setText(self.tr("&Quit"))
        self.about_action.setText(self.tr("&About Wenan Studio"))
        self.logs_action.setText(self.tr("Open &log folder"))
        if self._banner_text is not None and not self.banner.isHidden():
            self.banner.show_message(self._banner_text(), "info")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            for i, key in enumerate(PAGES):  # icons follow the light or dark palette
                self.sidebar.item(i).setIcon(icon(key, self.palette()))
        super().changeEvent(event)

    # ---- pages and dialogs ----
    def show_page(self, key: str) -> None:
        self.sidebar.setCurrentRow(PAGES.index(key))

    def current_page(self) -> str:
        return PAGES[self.stack.currentIndex()]

    def _open_file(self) -> None:
        self.show_page("data")
        self.data_page.choose_file()

    def open_about(self) -> None:
        from .dialogs.about import show_about

        show_about(self, self.state)

    def open_library(self) -> LibraryDialog:
        from .dialogs.library import LibraryDialog

        dialog = LibraryDialog(self.state, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_batch(self) -> QDialog:
        """The batch dialog (ui/dialogs/batch.py, imported only when asked for); one at a time."""
        if self.batch_dialog is not None:
            if self.batch_dialog.isVisible():
                self.batch_dialog.activateWindow()
                return self.batch_dialog
            self.batch_dialog.deleteLater()  # closed earlier, which it does only once its worker has ended
        from .dialogs.batch import BatchDialog

        self.batch_dialog = BatchDialog(self.state, self)
        self.batch_dialog.open()
        return self.batch_dialog

    def open_settings(self) -> SettingsDialog:
        from .dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.values()))
        dialog.open()
        return dialog

    def apply_settings(self, values: dict) -> None:
        old = (self.settings.device, self.settings.data_folder)
        for key, value in values.items():
            setattr(self.settings, key, value)
        self.settings.sync()
        self.set_language(values.get("language", self.settings.language))
        presets = self.write_page.settings.preset_combo
        presets.setCurrentIndex(max(0, presets.findData(self.settings.generation_preset)))
        if (self.settings.device, self.settings.data_folder) != old:
            self.settings.apply_data_folder()
            if self.settings.data_folder != old[1]:
                self.state.close_history()  # the new folder's drafts open on next use
                self.state.history_changed.emit()
            self.state.models_changed.emit()
            self.start_warm_up()

    def set_language(self, setting: str) -> None:
        """Switch live: Qt sends every widget LanguageChange, and each retranslates itself."""
        self.settings.language = setting
        self.languages.apply(setting)

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir())))

    def _update_welcome(self) -> None:
        page = self.stack.built_page("data")
        if page is not None:  # a page built later shows the library as it is then
            page.update_welcome()

    # ---- background start-up work ----
    def showEvent(self, event) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None and not self.stack.all_built():
            handle.installEventFilter(self)  # the other pages are built once the window is drawn
        if self.state.device is None and self.state.device_error is None and not self._close_pending:
            # A moment after the first paint, so the window is drawn and responsive first.
            self._warm_timer.start()

    def eventFilter(self, obj, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and obj is self.windowHandle() and obj.isExposed():
            obj.removeEventFilter(self)
            if not self._close_pending:
                self.stack.build_rest_later()  # after this expose is handled, i.e. painted
        return super().eventFilter(obj, event)

    def start_warm_up(self) -> None:
        if self._close_pending:
            return
        device = self.settings.device
        # The engine process imports torch and looks at the device; this process only imports the chart.
        job = Job(tasks.warm_up, args=(device,), name="warm-up", process="engine", parent=self)
        job.returned.connect(lambda choice: self.state.set_device(choice))
        job.failed.connect(lambda err, details: self.state.set_device(None, err))
        job.finished.connect(job.deleteLater)
        # The chart's import (pyqtgraph, numpy) runs on a thread here, after the engine's start-up:
        # a thread that holds the GIL stalls the window when a busy CPU preempts it, and is more
        # often preempted while the engine process imports torch on the other core.
        job.finished.connect(self._import_chart)
        job.start()

    def _import_chart(self) -> None:
        if self._close_pending:
            return
        chart = Job(lambda ctx: import_gui(), name="chart-import", parent=self)
        chart.finished.connect(chart.deleteLater)
        chart.start()

    def _on_worker_died(self, role: str, code) -> None:
        """One message for a worker that died; the running calls' pages show what they lost themselves."""
        err = EngineStopped(code)
        self._banner_text = lambda: error_text(err)
        self.banner.show_message(self._banner_text(), "error")
        if role == "engine" and not self._close_pending:
            self.start_warm_up()  # the fresh engine imports and finds the device again

    # ---- notifications ----
    def notify(self, title: str | Callable[[], str], message: str | Callable[[], str]) -> None:
        """A system notification when the desktop has a tray; otherwise a banner in the window.

        `title` and `message` may be functions that write them in the current language: the
        banner then follows a language switch.
        """
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                self.tray = QSystemTrayIcon(app_icon(), self)
                self.tray.messageClicked.connect(self._raise)
                self.tray.show()
            self.tray.showMessage(_text(title), _text(message), app_icon())
        else:
            self._banner_text = lambda: f"<b>{_text(title)}</b> — {_text(message)}"
            self.banner.show_message(self._banner_text(), "info")

    def _raise(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # ---- drag and drop ----
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.show_page("data")
            self.data_page.load(path)

    @staticmethod
    def _dropped_file(event) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        local = [u.toLocalFile() for u in urls if u.isLocalFile()]
        return local[0] if len(local) == 1 and Path(local[0]).suffix.lower() in DATA_SUFFIXES else None

    # ---- closing ----
    def closeEvent(self, event: QCloseEvent) -> None:
        self.stack.stop_building()
        train = self.stack.built_page("train")
        training = train is not None and train.is_running()
        if training and not self._close_pending:
            answer = QMessageBox.question(
                self, self.tr("Training is running"),
                self.tr("Stop the training and close? A checkpoint is saved first, so you can resume it later."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self._warm_timer.stop()
        if running_jobs():
            # Never block here and never destroy a running QThread: ask every job to stop,
            # keep the window up with a note, and close again once the last one has finished.
            self._close_pending = True
            for job in running_jobs():
                job.cancel()
            self.centralWidget().setEnabled(False)
            self.statusBar().showMessage(self.tr("Saving a checkpoint and closing…") if training
                                         else self.tr("Finishing background work and closing…"))
            self.closing.emit()
            event.ignore()
            return
        self._close_pending = True  # nothing new starts from here on
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        self.state.close_history()
        log.info("window closed")
        event.accept()

    def _maybe_finish_close(self) -> None:
        if self._close_pending and self.isVisible() and not running_jobs():
            QTimer.singleShot(0, self.close)

    def _default_size(self) -> None:
        """About 1280×820 logical pixels, never more than 90 % of the screen."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1280, 820
        if screen is not None and screen.width() > 400:
            width, height = min(width, int(screen.width() * 0.9)), min(height, int(screen.height() * 0.9))
        self.resize(width, height)

    def restore_geometry(self) -> None:
        if self.settings.geometry is not None:
            self.restoreGeometry(self.settings.geometry)
