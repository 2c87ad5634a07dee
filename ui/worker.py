"""The one adapter between the engine's callbacks and Qt: an engine call on a QThread, or in the
engine's own process.

`Job(fn, process="engine")` (or "trainer") runs `fn(ctx, *args)` in a worker process
(`ui.engine_process`): `fn` is then a function of the Qt-free `ui.tasks`, and everything it
needs travels in `args`. Whatever imports torch runs that way, so the window never imports it.
Without `process`, `fn` runs on a QThread of the window's process: for work that needs no
engine model (reading a file, an export, the review insight).

Wiring follows superqt's `new_worker_qthread`: the worker QObject is moved to a
plain QThread; thread.started → worker.run; worker.finished → thread.quit and
worker.deleteLater; thread.finished → thread.deleteLater. (The worker moves itself
back to the GUI thread just before `finished`, so it is also destroyed there.) A `Job` (living on the
GUI thread) keeps both alive while they run and re-emits the worker's signals,
so every slot that touches a widget runs on the GUI thread.

Cancelling sets the engine's `threading.Event` directly: a queued signal would
wait behind the busy worker forever.
"""
from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot
from shiboken6 import isValid

from .engine_host import CallContext, lower_thread_priority

log = logging.getLogger(__name__)


REMOTE_WAIT_MS = 60_000  # the longest `wait()` blocks on a worker process, when told to wait for ever
_running: set["Job"] = set()


def running_jobs() -> list["Job"]:
    """Jobs whose thread has been started and has not finished yet."""
    return list(_running)


class JobTracker(QObject):
    """Announces every job's end, e.g. for a window that closes once all work has stopped."""

    job_finished = Signal()


_tracker: JobTracker | None = None


def tracker() -> JobTracker:
    global _tracker
    if _tracker is None:
        _tracker = JobTracker()
    return _tracker


class _SignalRelay:
    """What `CallContext` sends, emitted as the worker's signals (a QThread's job has no pipe)."""

    def __init__(self, worker: "EngineWorker"):
        self._worker = worker

    def send(self, message: tuple) -> None:
        if message[0] == "event":
            self._worker.progress.emit(message[2])
        elif message[0] == "text":
            self._worker.text.emit(message[2])


class JobContext(CallContext):
    """What the background function gets, as in the engine process: the cancel flag and the two
    engine callbacks, events throttled and text merged the same way."""

    def __init__(self, worker: "EngineWorker", cancel: threading.Event):
        super().__init__(_SignalRelay(worker), 0)
        self.cancel = cancel


class EngineWorker(QObject):
    """Runs `fn(ctx)` once on the thread it was moved to; reports only through signals."""

    progress = Signal(object)      # an engine event, e.g. TrainEvent
    text = Signal(object)          # {variant index: new text}
    returned = Signal(object)      # what fn returned
    failed = Signal(object, str)   # the exception and its formatted traceback
    finished = Signal()            # always, last

    def __init__(self, fn: Callable[[JobContext], Any], cancel: threading.Event, low_priority: bool):
        super().__init__()
        self._fn = fn
        self._cancel = cancel
        self._low_priority = low_priority

    @Slot()
    def run(self) -> None:
        if self._low_priority:
            lower_thread_priority()
        ctx = JobContext(self, self._cancel)
        try:
            result = self._fn(ctx)
        except BaseException as err:  # everything reaches the GUI as a dialog, never a crash
            ctx.flush()
            details = traceback.format_exc()
            # The text is all the GUI needs; dropping the frames frees what they hold
            # (a model, CUDA memory after an out-of-memory error) right away.
            cause = err
            while cause is not None:
                cause.__traceback__ = None
                cause = cause.__cause__ or cause.__context__
            self.failed.emit(err, details)
        else:
            ctx.flush()
            self.returned.emit(result)
        finally:
            # Hand this object back to the GUI thread before deleteLater: destroying a Python
            # QObject here would make Qt hold its connection lock while PySide waits for the
            # GIL, and a GUI thread busy connecting signals (say, building a dialog) deadlocks.
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())
            self.finished.emit()


class Job(QObject):
    """One background engine call. Create it on the GUI thread, connect, then `start()`."""

    progress = Signal(object)
    text = Signal(object)
    returned = Signal(object)
    failed = Signal(object, str)
    finished = Signal()  # after the thread has really stopped

    def __init__(self, fn: Callable[..., Any], *, args: tuple = (), name: str = "job", low_priority: bool = True,
                 process: str | None = None, parent: QObject | None = None):
        """`process`: None (a QThread here), "engine" (the long-lived engine process) or "trainer"
        (a process of its own, ended with the call)."""
        super().__init__(parent)
        self.name = name
        self.cancel_event = threading.Event()
        self._fn = fn
        self._args = args
        self._low_priority = low_priority
        self._process = process
        self._thread: QThread | None = None
        self._worker: EngineWorker | None = None
        self._remote = None  # the EngineProcess running it
        self._remote_id = 0
        self._done = False

    def start(self) -> "Job":
        if self._process is not None:
            return self._start_remote()
        thread = QThread()
        thread.setObjectName(f"wenan-{self.name}")
        fn, args = self._fn, self._args
        worker = EngineWorker(lambda ctx: fn(ctx, *args), self.cancel_event, self._low_priority)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # These receivers are slots of this GUI-thread object, so Qt queues them there.
        worker.progress.connect(self._relay_progress)
        worker.text.connect(self._relay_text)
        worker.returned.connect(self._relay_returned)
        worker.failed.connect(self._relay_failed)
        worker.finished.connect(thread.quit)
        worker.finished.connect(worker.deleteLater)
        # Queued slots run in connection order: ours (which waits for the thread) before deleteLater.
        thread.finished.connect(self._on_thread_finished)
        thread.finished.connect(thread.deleteLater)
        self._thread, self._worker = thread, worker  # keep both alive while they run
        _running.add(self)
        log.debug("job %s started", self.name)
        thread.start(QThread.Priority.LowPriority if self._low_priority else QThread.Priority.InheritPriority)
        return self

    def _start_remote(self) -> "Job":
        from .engine_process import manager

        self._remote = manager().trainer() if self._process == "trainer" else manager().engine()
        _running.add(self)
        log.debug("job %s sent to the %s process", self.name, self._remote.role)
        self._remote_id = self._remote.submit(self, self._fn, self._args, self._low_priority)
        return self

    def cancel(self) -> None:
        """Ask the engine to stop at its next check; the job still ends through `finished`."""
        self.cancel_event.set()
        if self._remote is not None and not self._done:
            self._remote.cancel(self._remote_id)

    def is_running(self) -> bool:
        return (self._thread is not None or self._remote is not None) and not self._done

    def wait(self, msecs: int = -1) -> bool:
        """Block until the work stops: only for quitting, when no event loop is left."""
        if self._done:
            return True
        if self._remote is not None:  # a process that doesn't answer in a minute is killed by its shutdown
            return self._remote.wait(self._remote_id, REMOTE_WAIT_MS if msecs < 0 else msecs)
        if self._thread is None:
            return True
        return self._thread.wait() if msecs < 0 else self._thread.wait(msecs)

    # ---- what the engine process sends back (ui.engine_process calls these on the GUI thread) ----
    def remote_event(self, event: Any) -> None:
        self._relay_progress(event)

    def remote_text(self, chunks: Any) -> None:
        self._relay_text(chunks)

    def remote_returned(self, result: Any) -> None:
        self._relay_returned(result)

    def remote_failed(self, err: Any, details: str) -> None:
        self._relay_failed(err, details)

    def remote_finished(self) -> None:
        remote, self._done = self._remote, True
        _running.discard(self)
        log.debug("job %s finished", self.name)
        if self._process == "trainer":
            from .engine_process import manager
            manager().done_with(remote)
        if isValid(self):
            self.finished.emit()
        tracker().job_finished.emit()

    # A job's owner (a page or dialog) may be destroyed while its thread still runs, say when a
    # window closes mid-generation; the worker's queued signals then reach a deleted Job, and
    # PySide raises "Signal source has been deleted" in the event loop. Nobody is left to tell.

    @Slot(object)
    def _relay_progress(self, event: Any) -> None:
        if isValid(self):
            self.progress.emit(event)

    @Slot(object)
    def _relay_text(self, chunks: Any) -> None:
        if isValid(self):
            self.text.emit(chunks)

    @Slot(object)
    def _relay_returned(self, result: Any) -> None:
        if isValid(self):
            self.returned.emit(result)

    @Slot(object, str)
    def _relay_failed(self, err: Any, details: str) -> None:
        log.error("job %s failed: %s\n%s", self.name, err, details)
        if isValid(self):
            self.failed.emit(err, details)

    @Slot()
    def _on_thread_finished(self) -> None:
        # QThread.finished is sent just before the thread exits; wait() makes that certain.
        if self._thread is not None:
            self._thread.wait()
        self._done = True
        self._thread = self._worker = None
        _running.discard(self)
        log.debug("job %s finished", self.name)
        if isValid(self):
            self.finished.emit()
        tracker().job_finished.emit()
