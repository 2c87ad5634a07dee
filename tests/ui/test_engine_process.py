"""The engine in its own process: the window never imports torch, cancel crosses the boundary,
a killed worker is said once and replaced, and closing leaves no process behind."""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from engine.models import library
from engine.training import checkpoint

LONG = 120_000
ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _run_script(tmp_path: Path, *args: str) -> dict:
    env = dict(os.environ, WENAN_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen", WENAN_LANG="en",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("window_process.py")), str(tmp_path), *args],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_window_trains_and_writes_without_importing_torch_and_leaves_no_process(tmp_path):
    report = _run_script(tmp_path)

    assert report["trained"] and report["variants"] >= 1 and report["chars"] > 0
    assert report["gui_modules"] == {"torch": False, "transformers": False, "peft": False}
    # a trainer of its own, then the engine that keeps the model for the Write page
    assert report["train_pid"] != report["engine_pid"] != os.getpid()
    # closed during a second training: it saved a checkpoint, and neither process outlived the window
    assert report["closed_training"]["cancelled"] and report["closed_training"]["resumable"]
    deadline = time.monotonic() + 10
    pids = [report["engine_pid"], report["closed_training"]["pid"]]
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if _alive(pid)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_engine_whose_window_was_killed_ends_by_itself(tmp_path):
    env = dict(os.environ, WENAN_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen", WENAN_LANG="en",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    window = subprocess.Popen([sys.executable, str(Path(__file__).with_name("window_process.py")), str(tmp_path),
                               "--idle"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        engine_pid = json.loads(window.stdout.readline())["engine_pid"]
        assert _alive(engine_pid)
        window.send_signal(signal.SIGKILL)  # no atexit, no close: only the pipe's end tells the engine
        window.wait(30)
        deadline = time.monotonic() + 30
        while _alive(engine_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(engine_pid)
    finally:
        window.kill()
        window.wait()


def test_cancel_reaches_the_engine_process(qtbot, wenan_home):
    import held_tasks
    from ui.worker import Job

    job = Job(held_tasks.count_until_cancelled, name="spin", process="engine")
    with qtbot.waitSignal(job.returned, timeout=LONG) as returned:
        with qtbot.waitSignal(job.progress, timeout=LONG):  # it runs
            job.start()
        job.cancel()
    count, pid = returned.args[0]
    assert count >= 1 and pid != os.getpid()
    qtbot.waitUntil(lambda: not job.is_running(), timeout=LONG)


def test_a_killed_trainer_is_said_once_and_its_training_resumes(qtbot, window, driver, dialogs, monkeypatch):
    page = window.train_page
    real = page.build_config
    monkeypatch.setattr(page, "build_config", lambda: dataclasses.replace(real(), checkpoint_every_steps=2))
    driver.load()
    driver.start_training(max_steps=400)
    name = page.form.name()
    qtbot.waitUntil(lambda: checkpoint.read_state(name) is not None, timeout=LONG)  # a checkpoint is on disk
    trainer = page.job._remote
    assert trainer.pid is not None and trainer.pid != os.getpid()

    with qtbot.waitSignal(page.stopped, timeout=LONG):
        trainer.kill()  # SIGKILL on Linux and macOS, TerminateProcess on Windows
    assert window.banner.isVisible() and "stopped unexpectedly" in window.banner.text()
    if sys.platform != "win32":
        assert "SIGKILL" in window.banner.text()
    assert "process ended" in page.status.text() and not dialogs.asked
    assert not [box for box in window.findChildren(QMessageBox) if box.objectName() == "errorDialog"]
    assert page.resume_button.isEnabled() and name in page.resume_button.text()

    page.resume_button.click()
    assert page.is_running() and page.job._remote is not trainer  # a fresh trainer process
    result = driver.wait_training()
    assert not result.cancelled and result.step == 400 and library.exists(name)


def test_an_engine_killed_mid_generation_is_said_once_replaced_and_writes_again(qtbot, window, ui_model,
                                                                                engine_gate):
    import ui.pages.write_page
    from ui.engine_process import manager

    from conftest import write

    window.state.models_changed.emit()
    window.show_page("write")
    page = window.write_page
    page.settings.n_spin.setValue(2)
    page.settings.length_spin.setValue(400)
    page.form.set_prompt("青禾")
    engine_gate.hold(ui.pages.write_page, "generate", "on_text")  # it waits in the engine at its first text
    page.generate_button.click()
    engine_gate.wait(qtbot)
    qtbot.waitUntil(lambda: any(card.text() for card in page.cards), timeout=LONG)
    streamed = [card.text() for card in page.cards]
    engine = manager().engine()
    assert engine.pid is not None and engine.pid != os.getpid()
    with qtbot.waitSignal(page.generation_finished, timeout=LONG) as finished:
        engine.kill()  # SIGKILL on Linux and macOS, TerminateProcess on Windows
    assert finished.args == [None] and "engine process ended" in page.status.text()
    assert [card.text() for card in page.cards] == streamed  # what was already written stays on the cards
    assert window.banner.isVisible() and "stopped unexpectedly" in window.banner.text()
    assert not [box for box in window.findChildren(QMessageBox) if box.objectName() == "errorDialog"]
    fresh = manager().engine()
    assert fresh is not engine and fresh.is_alive()

    engine_gate.release()
    page.settings.length_spin.setValue(12)
    again = write(qtbot, page)  # the fresh engine loads the model again and writes
    assert again.variants and not again.cancelled
    assert fresh.pid not in (None, engine.pid)


@pytest.mark.parametrize("kind", ["oom", "engine"])
def test_errors_cross_as_the_user_reads_them(qtbot, wenan_home, kind):
    import held_tasks
    from engine.common import DataFileError
    from ui.errors import error_text, is_out_of_memory
    from ui.worker import Job

    job = Job(held_tasks.fail_with, args=(kind,), name="fail", process="engine")
    with qtbot.waitSignal(job.failed, timeout=LONG) as failed:
        job.start()
    err, details = failed.args
    assert "Traceback" in details and "fail_with" in details
    if kind == "oom":  # torch's class stays in the engine process; what it was does not get lost
        assert type(err).__module__ == "ui.engine_host" and is_out_of_memory(err)
        assert "ran out of memory" in error_text(err)
    else:  # the engine's own error keeps its key, so the window can say it in its language
        assert isinstance(err, DataFileError) and err.key == "file_missing"
        assert err.message("zh") == "文件 /nowhere/copy.txt 不存在。请检查路径后重试。"
    qtbot.waitUntil(lambda: not job.is_running(), timeout=LONG)


def test_a_data_folder_chosen_after_start_reaches_the_engine(qtbot, wenan_home, tmp_path, monkeypatch):
    import held_tasks
    from conftest import in_engine
    from ui.settings import AppSettings

    assert in_engine(qtbot, held_tasks.environment, "WENAN_HOME") == str(wenan_home)  # the engine is running
    monkeypatch.delenv("WENAN_HOME")
    settings = AppSettings()
    settings.data_folder = str(tmp_path / "chosen")
    settings.apply_data_folder()  # what the Settings dialog does
    assert in_engine(qtbot, held_tasks.environment, "WENAN_HOME") == str(tmp_path / "chosen")
    settings.data_folder = ""
    settings.apply_data_folder()  # back to the default folder: the variable is gone there too
    assert in_engine(qtbot, held_tasks.environment, "WENAN_HOME") is None


def test_events_are_throttled_within_a_phase_and_none_is_lost_at_a_change():
    from engine.common.events import TrainEvent
    from ui.engine_host import CallContext

    class Pipe:
        def __init__(self):
            self.sent = []

        def send(self, message):
            self.sent.append(message)

    pipe = Pipe()
    ctx = CallContext(pipe, 7)
    for step in range(1, 1001):  # a thousand steps in a few milliseconds
        ctx.on_event(TrainEvent("training", step=step))
    ctx.on_event(TrainEvent("evaluating", step=1000))
    ctx.flush()
    steps = [(m[2].phase, m[2].step) for m in pipe.sent]
    assert all(m[:2] == ("event", 7) for m in pipe.sent)
    assert len(steps) < 50 and steps[0] == ("training", 1)
    assert steps[-2:] == [("training", 1000), ("evaluating", 1000)]  # the newest step, then the new phase


def test_the_engine_process_runs_without_qt(qtbot, wenan_home):
    from conftest import in_engine
    from ui import tasks

    answer = in_engine(qtbot, tasks.ping, "hello")
    assert answer["value"] == "hello" and answer["pid"] != os.getpid()
    assert answer["qt"] == [] and answer["executable"] == sys.executable


def test_a_result_the_window_cannot_read_fails_its_call_and_the_engine_goes_on(qtbot, wenan_home, tmp_path):
    import held_tasks
    from conftest import in_engine
    from ui import tasks
    from ui.worker import Job

    job = Job(held_tasks.result_only_the_engine_can_read, args=(str(tmp_path),), name="unreadable",
              process="engine")
    with qtbot.waitSignal(job.failed, timeout=LONG) as failed:
        job.start()
    err, details = failed.args
    assert isinstance(err, ModuleNotFoundError) and "engine_only_module" in details
    qtbot.waitUntil(lambda: not job.is_running(), timeout=LONG)
    assert in_engine(qtbot, tasks.ping, "still here")["value"] == "still here"
