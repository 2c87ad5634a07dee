"""Train (训练): settings, an honest estimate, Start/Cancel/Resume, live progress, chart and log."""
from __future__ import annotations

import dataclasses
import logging
import time

from PySide6.QtCore import QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea,
                               QSplitter, QVBoxLayout, QWidget)

from engine import checkpoint, paths
from engine.train import TrainConfig

from ..data_load import training_source
from ..errors import show_error
from ..loss_chart import LossChart
from ..notice import InlineMessage, heading, hint
from ..session import AppState
from ..worker import Job
from .train_estimate import EstimateLabel, duration_text
from .train_form import TrainForm

log = logging.getLogger(__name__)
MIN_STEPS_TO_MEASURE = 20  # shorter runs are dominated by warm-up; don't remember their speed


class TrainPage(QWidget):
    """Drives engine.train.train on a worker thread and shows what it reports."""

    started = Signal()
    stopped = Signal(object)  # the TrainResult, or None after an error
    notify = Signal(str, str)  # title, message: the window shows it as a system notification or banner

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.job: Job | None = None
        self.last_result = None
        self._resuming_from = 0
        self._last_phase = ""
        self._last_val: float | None = None
        self._cfg: TrainConfig | None = None
        self._build()
        self.retranslate()
        state.data_changed.connect(self._on_data_changed)
        state.models_changed.connect(self.form.refresh_library)
        state.device_changed.connect(self._update_device)
        self.form.changed.connect(self._update_controls)
        self._on_data_changed()
        self._update_device()

    def _build(self) -> None:
        self.title = heading()
        self.data_line = QLabel()
        self.data_line.setWordWrap(True)
        self.form = TrainForm()
        self.device_line = QLabel()
        self.device_line.setObjectName("deviceLine")
        self.device_line.setWordWrap(True)
        self.estimate = EstimateLabel(self.state, self.form)
        self.start_button = QPushButton()
        self.start_button.setObjectName("startTraining")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button = QPushButton()
        self.resume_button.clicked.connect(self.resume)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.cancel_button, self.resume_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        for w in (self.data_line, self.form, self.device_line, self.estimate):
            left_layout.addWidget(w)
        left_layout.addLayout(buttons)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.progress = QProgressBar()
        self.progress.setObjectName("trainProgress")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.done_panel = InlineMessage("info", closable=True)
        self.done_panel.setObjectName("trainDone")
        self.write_button = self.done_panel.add_button(QPushButton())
        self.write_button.clicked.connect(self._write_with_model)
        self.chart = LossChart()
        self.log_label = QLabel()
        self.log_view = QPlainTextEdit(readOnly=True)
        self.log_view.setObjectName("trainLog")
        self.log_view.setMaximumBlockCount(2000)
        self.log_label.setBuddy(self.log_view)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.progress)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.done_panel)
        vsplit = QSplitter(Qt.Orientation.Vertical)
        vsplit.addWidget(self.chart)
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addWidget(self.log_label)
        log_layout.addWidget(self.log_view)
        vsplit.addWidget(log_box)
        vsplit.setStretchFactor(0, 3)
        vsplit.setStretchFactor(1, 2)
        right_layout.addWidget(vsplit, 1)

        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Train a model on your copy"))
        self.start_button.setText(self.tr("&Start training"))
        self.start_button.setToolTip(self.tr("Train in the background; you can keep using the app"))
        self.cancel_button.setText(self.tr("Ca&ncel"))
        self.cancel_button.setToolTip(self.tr("Stop after the current step and save a checkpoint to resume later"))
        self.write_button.setText(self.tr("&Write with this model"))
        self.log_label.setText(self.tr("&Log"))
        self._on_data_changed()
        self._update_device()
        self._update_controls()
        if self.job is None and not self.status.text():
            self.status.setText(self.tr("Not started."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        self.chart.ensure_plot()
        super().showEvent(event)

    # ---- what the page shows around the form ----
    def _on_data_changed(self) -> None:
        data = self.state.data
        if data is None:
            self.data_line.setText(self.tr("No data yet: open a file on the Data page first."))
        else:
            self.data_line.setText(self.tr("Data: <b>{name}</b>, {n} samples").format(
                name=data.name, n=QLocale().toString(data.stats.samples)))
            self.form.suggest_name(data.name)
        self.estimate.refresh()
        self._update_controls()

    def _update_device(self) -> None:
        from ..errors import error_text
        device, error = self.state.device, self.state.device_error
        if error is not None:
            text = self.tr("Device: {problem}").format(problem=error_text(error))
        elif device is None:
            text = self.tr("Device: checking…")
        elif device.kind == "cpu":
            text = self.tr("Device: CPU ({threads} threads for training; one core stays free for this window)"
                           ).format(threads=device.name.split("(")[-1].split()[0])
        else:
            text = self.tr("Device: {name}").format(name=device.name)
        self.device_line.setText(text)
        self.estimate.refresh()

    def is_running(self) -> bool:
        return self.job is not None

    def resumable(self) -> tuple[str, dict] | None:
        """The interrupted run for the name in the form, or else the newest one on disk."""
        name = self.form.name()
        if name:
            state = checkpoint.read_state(name)
            if state:
                return name, state
        runs = sorted(paths.runs_dir().iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for folder in runs:
            state = checkpoint.read_state(folder.name) if folder.is_dir() else None
            if state:
                return folder.name, state
        return None

    def _update_controls(self) -> None:
        running = self.is_running()
        self.form.setEnabled(not running)
        ready = self.state.data is not None and self.form.is_valid()
        self.start_button.setEnabled(not running and ready)
        self.cancel_button.setEnabled(running and not self.job.cancel_event.is_set())
        run = None if running else self.resumable()
        self.resume_button.setEnabled(run is not None)
        if run:
            step = int(run[1]["checkpoint"].rsplit("-", 1)[-1])
            total = run[1]["meta"].get("total_steps", 0)
            self.resume_button.setText(self.tr("&Resume “{name}” ({step} of {total} steps)").format(
                name=run[0], step=step, total=total))
        else:
            self.resume_button.setText(self.tr("&Resume"))
        self.resume_button.setToolTip(self.tr("Continue an interrupted training from its last checkpoint"))
        self.estimate.refresh()

    # ---- starting and stopping ----
    def build_config(self) -> TrainConfig:
        data = self.state.data
        file, text_column, prompt_column = training_source(data)
        adv = self.form.advanced_values()
        epochs = adv["epochs"] or self.estimate.preset_epochs()
        return TrainConfig(data=file, name=self.form.name(), base=self.form.base_value(), text_column=text_column,
                           prompt_column=prompt_column, mask_pii=data.clean.mask_pii, epochs=epochs,
                           max_steps=adv["max_steps"], batch_size=adv["batch_size"], block_size=adv["block_size"],
                           lr=adv["lr"], method=self.form.method(), device=self.state.settings.device,
                           reserve_gui_core=True)

    def start(self) -> None:
        if self.is_running() or not self.start_button.isEnabled():
            return
        try:
            cfg = self.build_config()
        except Exception as err:  # e.g. the prepared file cannot be written
            show_error(self, err)
            return
        self._run(cfg, resume=False)

    def resume(self) -> None:
        run = self.resumable()
        if self.is_running() or run is None:
            return
        name, state = run
        saved = state["meta"]["config"]
        fields = {f.name for f in dataclasses.fields(TrainConfig)}
        cfg = TrainConfig(**{k: v for k, v in saved.items() if k in fields})
        cfg = dataclasses.replace(cfg, reserve_gui_core=True)
        self._resuming_from = int(state["checkpoint"].rsplit("-", 1)[-1])
        self._log(self.tr("Resuming “{name}” from step {step}.").format(name=name, step=self._resuming_from))
        self._run(cfg, resume=True)

    def cancel(self) -> None:
        if self.job is not None and not self.job.cancel_event.is_set():
            self.job.cancel()  # the engine checks it every step, then saves a checkpoint
            self.status.setText(self.tr("Stopping after this step and saving a checkpoint…"))
            self._log(self.tr("Cancel requested."))
            self._update_controls()

    def _run(self, cfg: TrainConfig, resume: bool) -> None:
        from engine.train import train

        threads = self.state.settings.cpu_threads
        self._cfg = cfg
        self.last_result = None
        self._last_phase, self._last_val = "", None
        if not resume:
            self._resuming_from = 0
        self.chart.ensure_plot()
        self.chart.clear()
        self.done_panel.hide()
        self.progress.setRange(0, 0)
        self.status.setText(self.tr("Preparing…"))

        def work(ctx):
            applied = False

            def on_event(event):
                nonlocal applied
                # The engine sets torch's thread count when it picks the device; a chosen
                # count from Settings is applied right after that, before the first step.
                if threads and event.device and not applied:
                    from engine.device import configure_threads
                    configure_threads(threads=threads)
                    applied = True
                ctx.on_event(event)
            return train(cfg, on_event=on_event, cancel=ctx.cancel, resume=resume)

        self.job = Job(work, name="train", parent=self)
        self.job.progress.connect(self._on_event)
        self.job.returned.connect(self._on_result)
        self.job.failed.connect(self._on_failed)
        self.job.finished.connect(self._on_finished)
        self._started_at = time.monotonic()
        self._log(self.tr("Training “{name}” on {file}.").format(name=cfg.name, file=cfg.data))
        log.info("training %s", cfg)
        self.job.start()
        self._update_controls()
        self.started.emit()

    def _on_event(self, e) -> None:
        loc = QLocale()
        if e.phase != self._last_phase or (e.phase == "preparing" and e.device):
            self._log_phase(e)
        self._last_phase = e.phase
        if e.total_steps:
            self.progress.setRange(0, e.total_steps)
            self.progress.setValue(e.step)
            self.progress.setFormat(self.tr("%v / %m steps"))
        if e.loss is not None and e.phase == "training":
            self.chart.add_train(e.step, e.loss)
        if e.val_loss is not None and e.val_loss != self._last_val:
            self._last_val = e.val_loss
            self.chart.add_val(e.step, e.val_loss)
            self._log(self.tr("Step {step}/{total}: training loss {loss}, validation loss {val}").format(
                step=e.step, total=e.total_steps, loss=loc.toString(e.loss or 0, "f", 3),
                val=loc.toString(e.val_loss, "f", 3)))
        parts = [self._phase_text(e.phase)]
        if e.eta_s is not None and e.phase != "done":
            parts.append(self.tr("about {time} left").format(time=duration_text(e.eta_s)))
        if e.tokens_per_s:
            parts.append(self.tr("{n} tokens/s").format(n=loc.toString(round(e.tokens_per_s))))
        if e.loss is not None:
            parts.append(self.tr("loss {loss}").format(loss=loc.toString(e.loss, "f", 3)))
        self.status.setText(" · ".join(parts))

    def _phase_text(self, phase: str) -> str:
        return {"preparing": self.tr("Preparing"), "training": self.tr("Training"),
                "evaluating": self.tr("Checking on held-out samples"), "saving": self.tr("Saving"),
                "done": self.tr("Done")}.get(phase, phase)

    def _log_phase(self, e) -> None:
        if e.phase == "preparing" and e.device:
            self._log(self.tr("Device: {device}; method: {method}.").format(device=e.device, method=e.method))
        elif e.phase == "preparing":
            self._log(self.tr("Preparing: reading the data and building the model…"))
        elif e.phase == "training" and self._last_phase == "preparing":
            self._log(self.tr("Training started: {total} steps.").format(total=e.total_steps))
        elif e.phase == "saving" and self.job is not None and self.job.cancel_event.is_set():
            self._log(self.tr("Saving a checkpoint at step {step}…").format(step=e.step))

    def _on_result(self, result) -> None:
        self.last_result = result
        loc = QLocale()
        if result.cancelled:
            self.status.setText(self.tr("Stopped at step {step} of {total}. A checkpoint was saved: press Resume "
                                        "to continue.").format(step=result.step, total=result.total_steps))
            self._log(self.status.text())
            return
        if result.step >= MIN_STEPS_TO_MEASURE and self.state.device is not None:
            self.state.settings.set_measured_tokens_per_s(self.estimate.speed_key(), result.tokens_per_s)
        val = loc.toString(result.val_loss, "f", 3) if result.val_loss is not None else "–"
        took = duration_text(time.monotonic() - self._started_at)
        message = self.tr("“{name}” is ready: {steps} steps in {time}, validation loss {val}.").format(
            name=result.name, steps=result.step, time=took, val=val)
        self.status.setText(message)
        self._log(message)
        self.done_panel.show_message(message, "info")
        self.state.models_changed.emit()
        self.notify.emit(self.tr("Training finished"), message)

    def _on_failed(self, err: BaseException, details: str) -> None:
        self.status.setText(self.tr("Training stopped because of a problem."))
        from ..errors import error_text
        self._log(error_text(err))
        show_error(self, err, details, self.tr("Training stopped"))

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
        self._update_controls()
        self.stopped.emit(self.last_result)

    def _write_with_model(self) -> None:
        if self.last_result is not None and not self.last_result.cancelled:
            self.state.write_with.emit(self.last_result.name)

    def _log(self, line: str) -> None:
        self.log_view.appendPlainText(f"{time.strftime('%H:%M:%S')}  {line}")
