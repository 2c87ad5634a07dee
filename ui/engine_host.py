"""The engine's own process: it runs the calls the window sends, and sends back their events,
text and results. Qt-free (this module never imports PySide6): it is the only code, with
`ui.tasks` and the engine, that the worker process loads.

Each call brings the window's environment: the Settings page can move the data folder after the
engine started, and the engine's messages follow the window's language.

The window (`ui.engine_process`) starts it with multiprocessing's spawn context and talks over
one pipe. Messages, each a tuple:

    window → engine   ("call", job_id, payload, low_priority, env)   payload: pickled (fn, args), fn
                                                                    a module-level function; env:
                                                                    the window's os.environ
                      ("cancel", job_id)
                      ("quit",)
    engine → window   ("ready", pid)
                      ("event", job_id, event)         an engine event, throttled
                      ("text", job_id, {index: text})  merged deltas, at most every TEXT_FLUSH_S
                      ("return", job_id, pickled result)  its own pickle: one the window
                                                       can't read fails that call only
                      ("fail", job_id, error, details)  error: safe to unpickle without torch

Each call runs on a thread of its own, as it did on a QThread in the window before, so a
scan of the bases doesn't wait behind a generation. A loaded model stays in this process
between calls. When the window goes away without saying "quit" (it crashed or was killed),
the pipe ends: every call is cancelled, gets `EXIT_GRACE_S` to save what it must, and the
process exits, so no engine is ever left behind.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import pickle
import sys
import threading
import time
import traceback
from typing import Any, Callable

log = logging.getLogger("wenan.engine")

TEXT_FLUSH_S = 0.04     # text deltas merged and sent at most this often
EVENT_FLUSH_S = 0.05    # progress events of one phase: the newest at most this often
EXIT_GRACE_S = 30.0     # at the end: time for a call that saves on cancel (a training's checkpoint)
ABANDON_S = 1.0         # at the end: time for any other call (an import, a load) before the process exits
WORKER_NICENESS = 5     # added to a low-priority call's thread on Linux, so the window wins a core
LOG_FILE = "wenan-engine.log"


class RemoteError(RuntimeError):
    """An exception whose own class the window must not import (e.g. torch's), as its name and text."""

    def __init__(self, kind: str, text: str, out_of_memory: bool = False):
        super().__init__(kind, text, out_of_memory)
        self.kind, self.text, self.out_of_memory = kind, text, out_of_memory

    def __str__(self) -> str:
        return self.text


class CallContext:
    """What a task function gets, as a page's worker function did: the cancel flag and two callbacks."""

    def __init__(self, host: "Host", job_id: int):
        self.cancel = threading.Event()
        self._host, self._id = host, job_id
        self._text: dict[int, list[str]] = {}
        self._last_text = 0.0
        self._event: Any = None       # the newest progress event not sent yet
        self._last_event = 0.0
        self._event_phase: str | None = None
        self.saves_on_cancel = False  # the call's function says so: the end waits for it to save

    def on_event(self, event: Any) -> None:
        """Progress: a new phase goes at once; within a phase, the newest event every EVENT_FLUSH_S."""
        phase = getattr(event, "phase", None)
        now = time.monotonic()
        if phase == self._event_phase and phase is not None and now - self._last_event < EVENT_FLUSH_S:
            self._event = event
            return
        if self._event is not None:  # the newest of the last phase first: its step and loss count
            self._host.send(("event", self._id, self._event))
            self._event = None
        self._event_phase, self._last_event = phase, now
        self._host.send(("event", self._id, event))

    def on_text(self, event: Any) -> None:
        """Streaming: deltas per variant, merged."""
        self._text.setdefault(event.index, []).append(event.delta)
        now = time.monotonic()
        if now - self._last_text >= TEXT_FLUSH_S:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self._event is not None:
            event, self._event = self._event, None
            self._host.send(("event", self._id, event))
        if self._text:
            merged = {index: "".join(parts) for index, parts in self._text.items()}
            self._text = {}
            self._host.send(("text", self._id, merged))
        self._last_text = now if now is not None else time.monotonic()


class Host:
    """The pipe's engine end: a reader thread takes messages; each call runs on a thread of its own."""

    def __init__(self, conn):
        self.conn = conn
        self._send_lock = threading.Lock()
        self._calls: dict[int, tuple[CallContext, threading.Thread]] = {}
        self._lock = threading.Lock()
        self.window_gone = threading.Event()

    def send(self, message: tuple) -> None:
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as err:  # an unpicklable event: dropped (a result is pickled by its call)
            log.warning("dropped an unpicklable %s message: %s", message[0], err)
            return
        with self._send_lock:
            try:
                self.conn.send_bytes(data)
            except (OSError, EOFError, ValueError):  # the window is gone; the reader thread ends things
                self.window_gone.set()

    def serve(self) -> None:
        """Read messages until "quit" or the end of the pipe, then wait for the calls and return."""
        self.send(("ready", os.getpid()))
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                log.warning("the window went away; cancelling %d call(s)", len(self._calls))
                self.window_gone.set()
                break
            if message[0] == "quit":
                break
            if message[0] == "cancel":
                with self._lock:
                    entry = self._calls.get(message[1])
                if entry is not None:
                    entry[0].cancel.set()
            elif message[0] == "call":
                self._start(*message[1:])
        self._finish()

    def _start(self, job_id: int, payload: bytes, low_priority: bool, env: dict) -> None:
        ctx = CallContext(self, job_id)
        thread = threading.Thread(target=self._run, args=(ctx, job_id, payload, low_priority, env),
                                  name=f"call-{job_id}", daemon=True)
        with self._lock:
            self._calls[job_id] = (ctx, thread)
        thread.start()

    def _run(self, ctx: CallContext, job_id: int, payload: bytes, low_priority: bool, env: dict) -> None:
        if low_priority:
            lower_thread_priority()
        apply_env(env)
        fn: Callable | str = "?"
        try:
            fn, args = pickle.loads(payload)  # here, so a function this process can't import fails its call only
            ctx.saves_on_cancel = getattr(getattr(fn, "func", fn), "saves_on_cancel", False)
            result = pickle.dumps(fn(ctx, *args), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as err:  # every failure reaches the window as a message, never a silent end
            ctx.flush()
            details = traceback.format_exc()
            log.error("call %s failed:\n%s", fn, details)
            self.send(("fail", job_id, portable_error(err), details))
        else:
            ctx.flush()
            self.send(("return", job_id, result))
        finally:
            with self._lock:
                self._calls.pop(job_id, None)

    def _finish(self) -> None:
        """Cancel what still runs (the window is gone or quitting) and give a training time to save;
        an import or a model load that can't be cancelled is abandoned with the process."""
        with self._lock:
            calls = list(self._calls.values())
        for ctx, _ in calls:
            ctx.cancel.set()
        started = time.monotonic()
        for ctx, thread in calls:
            grace = EXIT_GRACE_S if ctx.saves_on_cancel else ABANDON_S
            thread.join(max(0.0, started + grace - time.monotonic()))


def portable_error(err: BaseException) -> BaseException:
    """`err` itself when the window can unpickle it without importing torch; else a RemoteError.

    The engine's errors and Python's own are sent as they are; torch's out-of-memory error, say,
    becomes a RemoteError that still says it was one.
    """
    module = type(err).__module__ or ""
    if module == "builtins" or module.startswith("engine."):
        try:
            pickle.loads(pickle.dumps(err))
            return _without_traceback(err)
        except Exception:
            pass
    text = str(err)
    oom = type(err).__name__ == "OutOfMemoryError" or "out of memory" in text.lower()
    return RemoteError(type(err).__name__, text, out_of_memory=oom)


def _without_traceback(err: BaseException) -> BaseException:
    # The frames hold what the call held (a model, CUDA memory after an out-of-memory error).
    cause: BaseException | None = err
    while cause is not None:
        cause.__traceback__ = None
        cause = cause.__cause__ or cause.__context__
    return err


_from_window = dict(os.environ)  # what the window's environment held, as this process last heard


def apply_env(env: dict) -> None:
    """Follow the window's environment as it was when the call was sent: what it set or changed is
    set here; what it has removed is removed. What the engine set here itself (say, a library's
    thread variables) is left alone."""
    for key, value in env.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    for key in set(_from_window) - set(env):
        if os.environ.get(key) == _from_window[key]:
            del os.environ[key]
    _from_window.clear()
    _from_window.update(env)


def window_env() -> dict:
    """The window's side of `apply_env`: all of it (a few kB), so that what decides where the engine
    looks (the data folder, HOME, the model stores' variables) is what the window sees now."""
    return dict(os.environ)


def lower_thread_priority() -> None:
    """Linux keeps a nice value per thread: raise this one's so the window keeps its core.

    Torch's CPU work runs on this thread and on pool threads it spawns, which inherit the value.
    """
    if sys.platform.startswith("linux"):
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICENESS))
        except (OSError, AttributeError):
            pass


def _setup_logging(role: str) -> None:
    from engine.common.paths import log_dir

    try:
        handler = logging.handlers.RotatingFileHandler(log_dir() / LOG_FILE.replace("engine", role),
                                                       maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return  # the window reports an unusable data folder; the engine still works
    handler.setFormatter(logging.Formatter(f"%(asctime)s %(levelname)s {role}[%(process)d] %(name)s "
                                           "[%(threadName)s] %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    logging.captureWarnings(True)


def serve(conn, role: str = "engine") -> None:
    """The worker process's entry point (multiprocessing's target)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    _setup_logging(role)
    log.info("%s process %d started", role, os.getpid())
    host = Host(conn)
    try:
        host.serve()
    finally:
        log.info("%s process %d ends", role, os.getpid())
        logging.shutdown()
    # Daemon threads left (a call that ignored its cancel) must not keep the process alive.
    os._exit(0)
