"""Loading the chosen model in the background while the user fills in the form.

The first Generate after picking a model would otherwise load it then: seconds for a
big model before the first words, and the heaviest work of the request, which can hold
the GIL long enough to stall the window (PERFORMANCE.md). The Write page asks for its
model as soon as it shows one; the load waits until nothing else runs (a training or a
batch keeps the CPU). A chat model then reads the system message of the scenario the form is set
for, which the first request shares (engine.writing.decoding.PromptCache). A request that starts meanwhile waits for the load (the engine's model
lock) before it seeds its sampling, so a re-run still writes the same text.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from .. import tasks
from ..session import AppState
from ..worker import Job, running_jobs, tracker

log = logging.getLogger(__name__)
DELAY_MS = 400  # after the last change of model: scrolling through the list loads nothing


class ModelPreloader(QObject):
    """Keeps the engine's model cache holding the model the Write page shows."""

    loaded = Signal(str)  # the model is in memory (tests and the benchmark wait for it)

    def __init__(self, state: AppState, page: QWidget, start: Callable[[], tuple] | None = None):
        super().__init__(page)
        self.state = state
        self.page = page
        self.start = start  # (GenerateConfig, language) of the request the page is set for
        self.job: Job | None = None
        self.name: str | None = None  # the model asked for last
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self._start)
        self._waiting = False  # put off while another job ran: try again when one ends
        tracker().job_finished.connect(self._on_job_finished)

    def want(self, name: str | None) -> None:
        """Load `name` soon; instant when the engine has it loaded already."""
        self.name = name
        if name:
            self._timer.start()

    def _start(self) -> None:
        name = self.name
        # Hidden: the window is closing or the user moved on. Another job running (the start-up
        # warm-up, a training, a batch): it has the CPU, so wait for it to end.
        if not name or self.job is not None or not self.page.isVisible():
            return
        if running_jobs():
            self._waiting = True
            return
        self._waiting = False
        device, threads = self.state.settings.device, self.state.settings.cpu_threads

        # No parent: a page deleted mid-load must not take a running thread with it. The job
        # list keeps it alive, and closing the window waits for it as for any other job.
        start = self.start() if self.start is not None else None
        self.job = Job(tasks.preload, args=(name, device, threads, start), name="preload", process="engine")
        self.job.returned.connect(self.loaded.emit)
        # A broken model is reported by Generate, in words, when the user asks; here only logged.
        self.job.failed.connect(lambda err, details: log.info("preloading %s failed: %s", name, err))
        self.job.finished.connect(self._on_finished)
        self.job.start()

    def _on_job_finished(self) -> None:
        if self._waiting and self.job is None:
            self._timer.start()

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
