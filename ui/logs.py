"""Rotating log files in the user's log folder (engine.common.paths.log_dir())."""
from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from engine.common.paths import log_dir

LOG_FILE = "wenan-studio.log"


def setup_logging(level: int = logging.INFO) -> Path:
    """At most 5 × 1 MB of logs; the Help menu opens their folder."""
    path = log_dir() / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    logging.captureWarnings(True)
    return path


def install_qt_message_handler() -> None:
    """Qt's own warnings go to the log too, not only to a console the user never sees."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind, context, message):
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)
