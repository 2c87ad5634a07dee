"""Train (训练): settings, an honest estimate, Start/Cancel/Resume, live progress, chart and log."""
from __future__ import annotations

import dataclasses
import logging
import os
import time

from PySide6.QtCore import QEvent, QLocale, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget

from engine.common import paths
from engine.models import cpu_threads, library
from engine.training import TrainConfig, checkpoint

from .. import tasks
from ..data_load import training_source
from ..engine_process import EngineStopped
from ..errors import error_text, show_error
from ..notice import heading, hint
from ..session import AppState
from ..worker import Job
from .train_estimate import EstimateLabel, duration_text
from .train_form import TrainForm
from .train_progress import TrainProgress

log = logging.getLogger(__name__)
MIN_STEPS_TO_MEASURE = 20  # shorter runs are dominated by warm-up; don't remember their speed


class TrainPage(QWidget):
    """Drives engine.training.loop.train on a worker thread and shows what it reports."""

    started = Signal()
    stopped = Signal(object)  # the TrainResult, or None after an error
    # title, message: functions that write them in the current language; the window shows them
    # as a system notification or a banner (which a language switch redraws)
    notify = Signal(object, object)

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.job: Job | None = None
        self.last_result = None
        self._started_at = 0.0
        self._build()
        self.retranslate()
        state.data_changed.connect(self._on_data_changed)
        state.models_changed.connect(self.form.refresh_library)
        state.device_changed.connect(self._update_device)
        state.device_changed.connect(lambda: self.state.device and self.form.found.refresh(self.state.device))
        self.form.changed.connect(self._update_controls)
        self.form.changed.connect(self._update_expectation)
        self._on_data_changed()
        self._update_device()

    def _build(self) -> None:
        self.title = heading()
        self.data_line = QLabel()
        self.data_line.setWordWrap(True)
        self.form = TrainForm()
        self.expect = hint()
        self.expect.setObjectName("trainExpect")
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
        for w in (self.data_line, self.form, self.expect, self.device_line, self.estimate):
            left_layout.addWidget(w)
        left_layout.addLayout(buttons)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.view = TrainProgress()
        self.view.write_button.clicked.connect(self._write_with_model)
        # The parts tests and the window reach for, by their plain names.
        self.progress, self.status, self.chart = self.view.progress, self.view.status, self.view.chart
        self.done_panel, self.write_button = self.view.done_panel, self.view.write_button

        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(self.view)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        split.setSizes([460, 600])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Train a model on your copy"))
        self.start_button.setText(self.tr("&Start training"))
        self.start_button.setToolTip(self.tr("Train in the background; you can keep using the app"))
        self.cancel_button.setText(self.tr("Ca&ncel"))
        self.cancel_button.setToolTip(self.tr("Stop after the current step and save a checkpoint to resume later"))
        self._on_data_changed()
        self._update_device()
        self._update_controls()
        self._update_expectation()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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

    def _update_expectation(self) -> None:
        """What the choice will give, said before anyone waits for it."""
        self.estimate.setVisible(self.form.time.minutes() is None)  # a budget says its own time
        kind, value = self.form.base_kind(), self.form.base_value()
        scratch = kind == "scratch" or kind == "library" and bool(value) and library.exists(value) \
            and library.get_model(value).card.base.kind == "scratch"
        if scratch:
            self.expect.setText(self.tr("From scratch, a model learns only from your file. On a few hundred lines "
                                        "it writes rough drafts, good for trying the app. For copy you can "
                                        "publish, start from a pretrained model."))
        else:
            self.expect.setText(self.tr("A pretrained model already writes fluently; training on your copy teaches "
                                        "it your shop's voice. A chat model can also write right away on the Write "
                                        "page, before any training."))

    def _update_device(self) -> None:
        device, error = self.state.device, self.state.device_error
        if error is not None:
            text = self.tr("Device: {problem}").format(problem=error_text(error))
        elif device is None:
            text = self.tr("Device: checking…")
        elif device.kind == "cpu":
            threads = self.state.settings.cpu_threads or cpu_threads(reserve_for_gui=True)
            text = self.tr("Device: CPU — training uses {n} of {total} cores, so this window stays responsive"
                           ).format(n=threads, total=os.cpu_count() or 1)
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
            step = checkpoint.saved_step(run[1])
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
                           max_steps=adv["max_steps"], minutes=self.form.time.minutes(),
                           batch_size=adv["batch_size"], block_size=adv["block_size"],
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
        step = checkpoint.saved_step(state)
        self.view.log(lambda: self.tr("Resuming “{name}” from step {step}.").format(name=name, step=step))
        self._run(cfg, resume=True)

    def cancel(self) -> None:
        if self.job is not None and not self.job.cancel_event.is_set():
            self.job.cancel()  # the engine checks it every step, then saves a checkpoint
            self.view.show_status(lambda: self.tr("Stopping after this step and saving a checkpoint…"))
            self.view.log(lambda: self.tr("Cancel requested."))
            self._update_controls()

    def _run(self, cfg: TrainConfig, resume: bool) -> None:
        self.last_result = None
        self.view.begin()
        # A process of its own: its memory goes back to the system when the training ends, and a
        # crash in it leaves the window and the engine's loaded model alone.
        self.job = Job(tasks.train, args=(cfg, resume, self.state.settings.cpu_threads), name="train",
                       process="trainer", parent=self)
        job = self.job
        job.progress.connect(lambda e: self.view.on_event(e, job.cancel_event.is_set()))
        self.job.returned.connect(self._on_result)
        self.job.failed.connect(self._on_failed)
        self.job.finished.connect(self._on_finished)
        self._started_at = time.monotonic()
        self.view.log(lambda: self.tr("Training “{name}” on {file}.").format(name=cfg.name, file=cfg.data))
        log.info("training %s", cfg)
        self.job.start()
        self._update_controls()
        self.started.emit()

    def _on_result(self, result) -> None:
        self.last_result = result
        if result.cancelled:
            if result.resumable:
                def stopped() -> str:
                    return self.tr("Stopped at step {step} of {total}. A checkpoint was saved: press Resume to "
                                   "continue.").format(step=result.step, total=result.total_steps)
            else:
                def stopped() -> str:
                    return self.tr("Stopped before training began. Nothing was saved.")
            self.view.show_status(stopped)
            self.view.log(stopped)
            return
        if result.step >= MIN_STEPS_TO_MEASURE and self.state.device is not None:
            self.state.settings.set_measured_tokens_per_s(self.estimate.speed_key(), result.tokens_per_s)
        seconds = time.monotonic() - self._started_at

        def message() -> str:
            val = QLocale().toString(result.val_loss, "f", 3) if result.val_loss is not None else "–"
            return self.tr("“{name}” is ready: {steps} steps in {time}, validation loss {val}.").format(
                name=result.name, steps=result.step, time=duration_text(seconds), val=val)
        self.view.show_status(lambda: self.tr("Finished."))
        self.view.log(message)
        self.view.show_done(message)
        self.state.models_changed.emit()
        if self.state.data is not None:
            self.form.suggest_name(self.state.data.name)  # the next run needs a new name
        self.notify.emit(lambda: self.tr("Training finished"),
                         lambda: self.tr("“{name}” is ready to write with.").format(name=result.name))

    def _on_failed(self, err: BaseException, details: str) -> None:
        self.view.flush()  # a "preparing" event still waiting to be drawn must not cover the problem
        self.view.log(lambda: error_text(err))
        if isinstance(err, EngineStopped):  # the window's banner says it once; the checkpoint is on disk
            self.view.show_status(lambda: self.tr("Training stopped: its process ended. Press Resume to continue "
                                                  "from the last checkpoint."))
            return
        self.view.show_status(lambda: self.tr("Training stopped because of a problem."))
        show_error(self, err, details, self.tr("Training stopped"))

    def _on_finished(self) -> None:
        self.view.end()
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
        self._update_controls()
        self.stopped.emit(self.last_result)

    def _write_with_model(self) -> None:
        if self.last_result is not None and not self.last_result.cancelled:
            self.state.write_with.emit(self.last_result.name)
