"""The one worker adapter: signal order, errors with tracebacks, and cancelling by Event."""
from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from engine.common import TextEvent
from ui.worker import Job, running_jobs

LONG = 120_000  # ms, as in conftest: a loaded 2-core machine


def test_results_arrive_on_the_gui_thread_in_order(qtbot):
    gui = QThread.currentThread()
    seen = []

    def work(ctx):
        ctx.on_event("half")
        for _ in range(200):  # a burst of tokens, as a tiny model streams them
            ctx.on_text(TextEvent(0, "字"))
        return threading.current_thread() is not threading.main_thread()

    job = Job(work, name="test")
    job.progress.connect(lambda e: seen.append(("progress", e, QThread.currentThread() == gui)))
    job.text.connect(lambda chunks: seen.append(("text", chunks, QThread.currentThread() == gui)))
    job.returned.connect(lambda result: seen.append(("returned", result, QThread.currentThread() == gui)))
    with qtbot.waitSignals([job.returned, job.finished], order="strict", timeout=LONG):
        job.start()
        assert job in running_jobs()
    # Everything arrives on the GUI thread, in order; the work itself ran on the worker thread.
    assert seen[0] == ("progress", "half", True) and seen[-1] == ("returned", True, True)
    texts = [chunks for kind, chunks, on_gui in seen[1:-1] if kind == "text" and on_gui]
    assert len(texts) == len(seen) - 2 and "".join(c[0] for c in texts) == "字" * 200
    assert len(texts) < 20  # merged into a few updates, not one signal per token
    assert not job.is_running() and job not in running_jobs()


def test_a_failure_carries_the_exception_and_traceback(qtbot):
    job = Job(lambda ctx: 1 / 0, name="fails")
    failures = []
    job.failed.connect(lambda err, details: failures.append((err, details)))
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=LONG):
        job.start()
    [(err, details)] = failures
    assert isinstance(err, ZeroDivisionError) and "Traceback" in details and "1 / 0" in details


def test_cancel_sets_the_engine_event_directly(qtbot):
    started = threading.Event()

    def work(ctx):
        started.set()
        return ctx.cancel.wait(10)  # stands in for the engine's per-step check

    job = Job(work, name="cancel")
    with qtbot.waitSignal(job.returned, timeout=LONG) as blocker:
        job.start()
        assert started.wait(10)
        job.cancel()
    assert blocker.args == [True]
    qtbot.waitUntil(lambda: not job.is_running(), timeout=LONG)


def test_the_worker_object_is_destroyed_on_the_gui_thread(qtbot):
    # Destroying it on the worker thread can deadlock PySide (Qt's connection lock vs the GIL).
    from PySide6.QtCore import Qt

    gui = QThread.currentThread()
    destroyed_on = []
    job = Job(lambda ctx: None, name="destroy")
    with qtbot.waitSignal(job.finished, timeout=LONG):
        job.start()
        job._worker.destroyed.connect(lambda *_: destroyed_on.append(QThread.currentThread() == gui),
                                      Qt.ConnectionType.DirectConnection)
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=LONG)
    assert destroyed_on == [True]
