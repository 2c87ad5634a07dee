"""The window's end of the engine process: start it, send it calls, turn what comes back into Qt signals.

The window never imports torch, transformers or peft: every call that needs them (warm-up,
training, loading a model, writing, scanning the bases) runs in a worker process started from
the same executable with multiprocessing's spawn context (`ui.engine_host` is its other end).
Two kinds:

- **the engine**: started once, early, and kept while the app runs, so a model loaded for the
  Write page stays loaded between requests;
- **a trainer**: one per training, ended when it is done, so the gigabytes a training held go
  back to the system and a crash in it leaves the engine (and its loaded model) alone.

A reader thread per process unpickles what arrives and emits it as a queued signal, so every
slot runs on the GUI thread. When a process dies (killed, out of memory, a native crash), its
running calls fail with `EngineStopped`, `EngineManager.worker_died` says so once, and the next
call, or at once for the engine, gets a fresh one.
"""
from __future__ import annotations

import atexit
import itertools
import logging
import multiprocessing
import pickle
import threading
import time
import traceback
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, Signal, Slot
from shiboken6 import isValid

from engine.common import WenanError

from .engine_host import serve, window_env

if TYPE_CHECKING:
    from .worker import Job

log = logging.getLogger(__name__)

QUIT_WAIT_S = 10.0  # after "quit": time to end the calls and exit before the process is killed
_ids = itertools.count(1)


class EngineStopped(WenanError):
    """The worker process ended while it ran this call."""

    def __init__(self, exit_code: int | None):
        super().__init__("engine_stopped", code=_exit_text(exit_code))
        self.exit_code = exit_code


def _exit_text(code: int | None) -> str:
    if code is None:
        return "?"
    if code < 0:
        import signal

        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return str(code)


class EngineProcess:
    """One worker process and the calls it runs; use it on the GUI thread (`shutdown` from any).

    A plain object, not a QObject: the last reference to it may go on its reader thread or on a
    thread that ended it, and a QObject destroyed there, with its queued signals still on the way
    to the GUI thread, crashes Qt. What the reader thread receives goes through the manager's
    relay, which lives as long as the app.
    """

    def __init__(self, relay: "EngineManager", role: str = "engine"):
        self.role = role
        self._relay = relay
        self.pid: int | None = None
        self._jobs: dict[int, Job] = {}
        self._done: dict[int, threading.Event] = {}
        self._process = None
        self._conn = None
        self._quitting = False
        self._ending = threading.Lock()

    # ---- life ----
    def start(self) -> "EngineProcess":
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(target=serve, args=(theirs, self.role), name=f"wenan-{self.role}")
        self._process.start()
        theirs.close()  # only the worker holds that end, so its death ends our reads
        self._conn = ours
        threading.Thread(target=self._read, name=f"wenan-{self.role}-reader", daemon=True).start()
        log.info("%s process %s started", self.role, self._process.pid)
        return self

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive() and not self._quitting

    def exited(self) -> bool:
        return self._process is not None and not self._process.is_alive()

    def shutdown(self, wait_s: float = QUIT_WAIT_S) -> None:
        """Cancel the running calls, ask the process to end, and make sure it does (any thread)."""
        if self._process is None:
            return
        with self._ending:
            if not self._quitting:
                self._quitting = True
                for job_id in list(self._jobs):
                    self._send(("cancel", job_id))
                self._send(("quit",))
            started = time.monotonic()
            self._process.join(wait_s)  # may return at once at interpreter exit
            if self._process.is_alive():
                log.warning("%s process %s had not ended after %.1f s; killing it", self.role, self._process.pid,
                            time.monotonic() - started)
                self._process.kill()
                self._process.join(5)
        log.info("%s process ended (%s)", self.role, self._process.exitcode)

    def kill(self) -> None:
        """For tests and for a stuck worker: end it now, as a crash would."""
        if self._process is not None:
            self._process.kill()

    # ---- calls ----
    def submit(self, job: "Job", fn: Callable, args: tuple, low_priority: bool) -> int:
        """Send `fn(ctx, *args)`; raises here, at once, if they cannot be pickled (a bug, not a user error)."""
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        job_id = next(_ids)
        self._jobs[job_id] = job
        self._done[job_id] = threading.Event()
        if not self._send(("call", job_id, payload, low_priority, window_env())):
            self._done[job_id].set()
        return job_id

    def cancel(self, job_id: int) -> None:
        self._send(("cancel", job_id))

    def wait(self, job_id: int, msecs: int = -1) -> bool:
        """Block until the call has ended (its result has arrived): only for quitting."""
        done = self._done.get(job_id)
        return done is None or done.wait(None if msecs < 0 else msecs / 1000)

    def _send(self, message: tuple) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.send(message)
            return True
        except (OSError, ValueError):
            return False  # the process is gone: the reader thread reports it

    # ---- what comes back ----
    def _read(self) -> None:
        conn = self._conn
        while True:
            try:
                message = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError):
                break
            except Exception:  # an event this process can't read: drop it
                log.exception("%s sent a message the window cannot read", self.role)
                continue
            if message[0] == "return":  # unpickled here, off the GUI thread; one it can't read fails its call
                try:
                    message = ("return", message[1], pickle.loads(message[2]))
                except Exception as err:
                    message = ("fail", message[1], err, traceback.format_exc())
            if message[0] in ("return", "fail") and message[1] in self._done:
                self._done[message[1]].set()
            self._emit(self._relay.arrived, message)
        process = self._process
        process.join(5)
        for done in list(self._done.values()):
            done.set()
        self._emit(self._relay.ended, process.exitcode)

    def _emit(self, signal, value) -> None:
        try:
            if isValid(self._relay):
                signal.emit(self, value)
        except RuntimeError:  # the app is being torn down
            pass

    def on_message(self, message: tuple) -> None:
        """On the GUI thread, by way of the relay."""
        kind = message[0]
        if kind == "ready":
            self.pid = message[1]
            return
        job = self._jobs.get(message[1])
        if job is None:
            return
        if kind == "event":
            job.remote_event(message[2])
        elif kind == "text":
            job.remote_text(message[2])
        elif kind in ("return", "fail"):
            self._jobs.pop(message[1], None)
            self._done.pop(message[1], None)
            if kind == "return":
                job.remote_returned(message[2])
            else:
                job.remote_failed(message[2], message[3])
            job.remote_finished()

    def on_end(self, code: int | None) -> bool:
        """On the GUI thread, by way of the relay; True if nobody had asked the process to end."""
        jobs, self._jobs = self._jobs, {}
        self._done.clear()
        asked = self._quitting
        self._quitting = True
        if not asked:
            log.error("%s process %s ended unexpectedly (exit code %s) with %d call(s) running",
                      self.role, self.pid, code, len(jobs))
        for job in jobs.values():
            job.remote_failed(EngineStopped(code), f"The {self.role} process ended (exit code {code}).")
            job.remote_finished()
        return not asked


class EngineManager(QObject):
    """The app's worker processes: the one engine, and a trainer per training. Also the relay of
    what their reader threads receive to the GUI thread (one object, alive as long as the app)."""

    worker_died = Signal(str, object)  # role, exit code: the window says so once
    arrived = Signal(object, object)   # from a reader thread: the process, a message
    ended = Signal(object, object)     # from a reader thread: the process, its exit code

    def __init__(self):
        super().__init__()
        self._engine: EngineProcess | None = None
        self._trainers: set[EngineProcess] = set()
        # multiprocessing joins the processes it started at exit, in an atexit function of its own
        # that would wait for ever for a worker nobody asked to quit. Handlers run last-in first-out,
        # so register ours after it: it runs first and ends every worker.
        import multiprocessing.util  # noqa: F401  -- registers that function now, if not yet
        atexit.register(self.shutdown_all)
        self.arrived.connect(self._on_arrived)
        self.ended.connect(self._on_ended)

    def engine(self) -> EngineProcess:
        """The running engine, started now if there is none (the first time, or after it died)."""
        if self._engine is None or not self._engine.is_alive():
            self._engine = EngineProcess(self, "engine").start()
        return self._engine

    def trainer(self) -> EngineProcess:
        """A fresh process for one training; it ends when the training's call has ended."""
        process = EngineProcess(self, "trainer").start()
        self._trainers.add(process)
        return process

    def done_with(self, process: EngineProcess) -> None:
        """A trainer's call ended: end the process, in the background, so its memory goes back.
        (It stays listed until it has ended, so that quitting waits for it.)"""
        if process in self._trainers:
            def end() -> None:
                process.shutdown()
                self._trainers.discard(process)
            threading.Thread(target=end, name="wenan-trainer-end", daemon=True).start()

    def processes(self) -> list[EngineProcess]:
        return [p for p in (self._engine, *list(self._trainers)) if p is not None]

    def shutdown_all(self) -> None:
        """At quit: every worker asked to end, and killed if it does not."""
        for process in self.processes():
            process.shutdown()
        self._engine = None
        self._trainers.clear()

    @Slot(object, object)
    def _on_arrived(self, process: EngineProcess, message: tuple) -> None:
        process.on_message(message)

    @Slot(object, object)
    def _on_ended(self, process: EngineProcess, code: Any) -> None:
        if not process.on_end(code):
            return  # it was asked to end
        if process is self._engine:
            self._engine = None
            self.worker_died.emit("engine", code)
            self.engine()  # a fresh one at once: the next request finds it warming up
        else:
            self._trainers.discard(process)
            self.worker_died.emit(process.role, code)


_manager: EngineManager | None = None


def manager() -> EngineManager:
    global _manager
    if _manager is None:
        _manager = EngineManager()
    return _manager
