"""Starting the desktop app: QApplication, settings, logging, language, the window.

Nothing here imports torch or transformers, and nothing in this process ever does: the window
must be up within a second, and the engine runs in a worker process the window starts right
after it shows (MainWindow.start_warm_up, ui/engine_process.py).
"""
from __future__ import annotations

import logging
import os
import sys
import traceback

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from engine import __version__
from engine.common import WenanError, paths

from . import i18n, refcount_guard
from .errors import show_error
from .i18n import LanguageManager
from .icons import app_icon
from .logs import install_qt_message_handler, setup_logging
from .main_window import MainWindow
from .settings import AppSettings
from .worker import running_jobs

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    QCoreApplication.setOrganizationName("WenanStudio")
    QCoreApplication.setApplicationName("WenanStudio")
    QCoreApplication.setApplicationVersion(__version__)
    # Qt 6 scales for high-DPI screens by itself; pass fractional factors (e.g. 150 %) through unrounded.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationDisplayName("Wenan Studio")
    # Lets GNOME/Wayland match the window to the installed wenan-studio.desktop entry and its icon.
    QGuiApplication.setDesktopFileName("wenan-studio")
    app.setWindowIcon(app_icon())
    refcount_guard.install(app)
    return app


def create_window(settings: AppSettings | None = None, defer_pages: bool = False) -> MainWindow:
    """The window with its language applied; used by run(), the screenshots and the benchmarks.

    `defer_pages`: only the first page is built before the window shows (run() does this).
    """
    refcount_guard.install(QApplication.instance())  # also when the QApplication was made elsewhere (tests)
    settings = settings or AppSettings()
    settings.apply_data_folder()
    languages = LanguageManager(QApplication.instance())
    languages.apply(settings.language)
    window = MainWindow(settings, languages, defer_pages=defer_pages)
    window.restore_geometry()
    return window


def _stop_jobs() -> None:
    """Last line of defence when the app quits some other way: never leave a QThread running, nor a
    worker process (each gets time to save a checkpoint, then is killed if it has not ended)."""
    for job in running_jobs():
        job.cancel()
    for job in running_jobs():
        job.wait()
    if "ui.engine_process" in sys.modules:
        sys.modules["ui.engine_process"].manager().shutdown_all()


def _usable_data_folder(settings: AppSettings) -> bool:
    """Before anything is written: a data folder that can't be used is said once, in a dialog.

    A folder chosen in Settings that has gone (a removed drive) falls back to the default,
    since the user could not otherwise reach Settings; WENAN_HOME or the default folder
    itself failing ends the app with the engine's message.
    """
    settings.apply_data_folder()
    try:
        paths.data_dir()
        return True
    except WenanError as err:
        LanguageManager(QApplication.instance()).apply(settings.language)  # the window does this later
        if not os.environ.get("WENAN_HOME_FROM_SETTINGS"):
            QMessageBox.critical(None, "Wenan Studio", err.message(i18n.current()))
            return False
        chosen, settings.data_folder = settings.data_folder, ""
        settings.apply_data_folder()
        QMessageBox.warning(None, "Wenan Studio", QCoreApplication.translate(
            "App", "The data folder chosen in Settings cannot be used:\n{error}\n\n"
                   "Wenan Studio will use the default folder instead. To use {folder} again, choose it in "
                   "Settings once it is available.").format(error=err.message(i18n.current()), folder=chosen))
        return _usable_data_folder(settings)


def run(argv: list[str] | None = None) -> int:
    """`python main.py` with no subcommand ends up here."""
    app = create_application(argv)
    settings = AppSettings()
    if not _usable_data_folder(settings):
        return 2
    setup_logging()
    install_qt_message_handler()
    log.info("Wenan Studio %s starting", __version__)
    window = create_window(settings, defer_pages=True)

    def excepthook(kind, value, tb):
        details = "".join(traceback.format_exception(kind, value, tb))
        log.error("unhandled exception\n%s", details)
        show_error(window, value, details)

    sys.excepthook = excepthook  # a bug in a slot shows a dialog; the app stays usable
    app.aboutToQuit.connect(_stop_jobs)
    if os.environ.get("WENAN_STARTUP_PROBE") == "1":
        from .probe import StartupProbe
        StartupProbe(window)  # before show(): the first Expose can arrive during show()
    window.show()
    return app.exec()
