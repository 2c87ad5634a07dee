"""The right side of the Train page: progress bar, status, loss chart and log."""
from __future__ import annotations

import os
import re
import time
from collections import deque
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, QTimer
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QProgressBar, QPushButton, QSplitter, QVBoxLayout, QWidget

from ..loss_chart import LossChart
from ..notice import InlineMessage
from .train_estimate import duration_text

# Redrawing the chart and labels costs the GUI thread 5-15 ms on a slow CPU, so the view is
# refreshed at most this often instead of on every engine event (~10 a second).
VIEW_REFRESH_MS = 250
LOG_LINES = 2000  # the log keeps the newest lines; each is redrawn in the new language on a switch


class TrainProgress(QWidget):
    """Shows engine TrainEvents. Texts are kept as functions, so a language switch redraws them."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._last_phase = ""
        self._last_val: float | None = None
        self._latest = None  # the newest TrainEvent not yet drawn
        self._status_text: Callable[[], str] = lambda: self.tr("Not started.")
        self._done_text: Callable[[], str] | None = None
        self._log_lines: deque[tuple[str, Callable[[], str]]] = deque(maxlen=LOG_LINES)
        self._device_logged: tuple[str, str] | None = None
        self._redraw = QTimer(self, singleShot=True, interval=VIEW_REFRESH_MS)
        self._redraw.timeout.connect(self.flush)

        self.progress = QProgressBar()
        self.progress.setObjectName("trainProgress")
        self.status = QLabel()
        # Two fixed lines: a label that re-wraps on every update re-lays out the whole column.
        self.status.setWordWrap(True)
        self.status.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 4)
        self.done_panel = InlineMessage("info", closable=True)
        self.done_panel.setObjectName("trainDone")
        self.write_button = self.done_panel.add_button(QPushButton())
        self.chart = LossChart()
        self.log_label = QLabel()
        self.log_view = QPlainTextEdit(readOnly=True)
        self.log_view.setObjectName("trainLog")
        self.log_view.setMaximumBlockCount(LOG_LINES)
        self.log_label.setBuddy(self.log_view)

        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addWidget(self.log_label)
        log_layout.addWidget(self.log_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(log_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.done_panel)
        layout.addWidget(split, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.write_button.setText(self.tr("&Write with this model"))
        self.log_label.setText(self.tr("&Log"))
        self.progress.setFormat(self.tr("%v / %m steps"))
        self.status.setText(self._status_text())
        if self._done_text is not None and not self.done_panel.isHidden():
            self.done_panel.show_message(self._done_text(), "info")
        if self._log_lines:
            self.log_view.setPlainText("\n".join(f"{stamp}  {text()}" for stamp, text in self._log_lines))
            self.log_view.verticalScrollBar().setValue(self.log_view.verticalScrollBar().maximum())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        self.chart.ensure_plot()
        super().showEvent(event)

    # ---- a run ----
    def begin(self) -> None:
        self._last_phase, self._last_val, self._latest = "", None, None
        self._device_logged = None
        self.chart.ensure_plot()
        self.chart.clear()
        self.done_panel.hide()
        self.progress.setRange(0, 0)
        self.show_status(lambda: self.tr("Preparing…"))

    def on_event(self, e, cancelling: bool) -> None:
        """Every engine event: log what matters now, draw at most every VIEW_REFRESH_MS."""
        if e.phase != self._last_phase or (e.phase == "preparing" and e.device):
            self._log_phase(e, cancelling)
        self._last_phase = e.phase
        if e.loss is not None and e.phase == "training":
            self.chart.add_train(e.step, e.loss, draw=False)
        if e.val_loss is not None and e.val_loss != self._last_val:
            self._last_val = e.val_loss
            self.chart.add_val(e.step, e.val_loss, draw=False)
            self.log(lambda: self.tr("Step {step}/{total}: training loss {loss}, validation loss {val}").format(
                step=e.step, total=e.total_steps, loss=QLocale().toString(e.loss or 0, "f", 3),
                val=QLocale().toString(e.val_loss, "f", 3)))
        self._latest = (e, cancelling)
        if not self._redraw.isActive():
            self._redraw.start()

    def flush(self) -> None:
        """Draw the newest event now."""
        self._redraw.stop()
        latest, self._latest = self._latest, None
        if latest is None:
            return
        e, cancelling = latest
        if e.total_steps:
            self.chart.set_total_steps(e.total_steps)
            self.progress.setRange(0, e.total_steps)
            self.progress.setValue(e.step)
        self.chart.redraw()
        if not cancelling:  # keep "Stopping…" up until the engine has stopped
            self.show_status(lambda: self._event_status(e))

    def end(self) -> None:
        self.flush()  # the final step, before anyone hears that training stopped
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)

    def show_status(self, text: Callable[[], str]) -> None:
        self._status_text = text
        self.status.setText(text())

    def show_done(self, text: Callable[[], str]) -> None:
        self._done_text = text
        self.done_panel.show_message(text(), "info")

    def log(self, text: Callable[[], str]) -> None:
        """Add a line, given as a function that writes it in the current language."""
        stamp = time.strftime("%H:%M:%S")
        self._log_lines.append((stamp, text))
        self.log_view.appendPlainText(f"{stamp}  {text()}")

    def log_lines(self) -> list[str]:
        """The log as it reads now, without the times."""
        return [text() for _stamp, text in self._log_lines]

    # ---- texts ----
    def _event_status(self, e) -> str:
        loc = QLocale()
        parts = [self._phase_text(e.phase)]
        if e.eta_s is not None and e.phase != "done":
            parts.append(self.tr("about {time} left").format(time=duration_text(e.eta_s)))
        if e.tokens_per_s:
            parts.append(self.tr("{n} tokens/s").format(n=loc.toString(round(e.tokens_per_s))))
        if e.loss is not None:
            parts.append(self.tr("loss {loss}").format(loss=loc.toString(e.loss, "f", 3)))
        return " · ".join(parts)

    def _phase_text(self, phase: str) -> str:
        return {"preparing": self.tr("Preparing"), "training": self.tr("Training"),
                "evaluating": self.tr("Checking on held-out samples"), "saving": self.tr("Saving"),
                "done": self.tr("Done")}.get(phase, phase)

    def _log_phase(self, e, cancelling: bool) -> None:
        if e.phase == "preparing" and e.device:
            if (e.device, e.method) == self._device_logged:
                return  # the engine repeats the device in every event while preparing
            self._device_logged = (e.device, e.method)

            def device_line() -> str:
                methods = {"full": self.tr("full fine-tune"), "lora": self.tr("LoRA")}
                return self.tr("Device: {device}; method: {method}.").format(
                    device=self._device_label(e.device), method=methods.get(e.method, e.method))
            self.log(device_line)
        elif e.phase == "preparing":
            self.log(lambda: self.tr("Preparing: reading the data and building the model…"))
        elif e.phase == "training" and self._last_phase == "preparing":
            self.log(lambda: self.tr("Training started: {total} steps.").format(total=e.total_steps))
        elif e.phase == "saving" and cancelling:
            self.log(lambda: self.tr("Saving a checkpoint at step {step}…").format(step=e.step))

    def _device_label(self, name: str) -> str:
        return device_label(name)


def device_label(name: str) -> str:
    """The engine names the CPU "CPU (N threads)"; GPU names are proper nouns and stay."""
    match = re.fullmatch(r"CPU \((\d+) threads?\)", name)
    if match is None:
        return name
    return QCoreApplication.translate("TrainProgress", "CPU, {n} of {total} cores").format(
        n=match.group(1), total=os.cpu_count() or 1)
