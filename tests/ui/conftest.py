"""Fixtures for the desktop app's tests: an isolated QSettings, the window, patched dialogs,
and a check (as napari does) that no test leaves a QThread running.
"""
from __future__ import annotations

import gc
import time
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThread
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

UI_TESTS = Path(__file__).resolve().parent
LONG = 120_000  # ms: generous, for a loaded 2-core machine; tests wait for signals, never sleep


def pytest_collection_modifyitems(config, items):
    # Messages about the test machine, not the app: the offscreen platform cannot take size
    # hints, and Qt's font database notes missing OpenType tables when a tiny random model
    # writes characters from scripts that no installed font covers.
    for item in items:
        if UI_TESTS in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                                      "OpenType support missing for"))


def _train_briefly(tmp_path_factory, data: Path, name: str) -> Path:
    """A scratch model trained for 2 steps with the app's own setting of one core, in a data folder of its own."""
    import os

    from engine.training import TrainConfig, train

    old = os.environ.get("WENAN_HOME")
    os.environ["WENAN_HOME"] = str(tmp_path_factory.mktemp(f"{name}-home"))
    try:
        return train(TrainConfig(data=str(data), name=name, max_steps=2, reserve_gui_core=True)).path
    finally:
        if old is None:
            os.environ.pop("WENAN_HOME", None)
        else:
            os.environ["WENAN_HOME"] = old


@pytest.fixture(scope="session")
def ui_model_dir(tmp_path_factory) -> Path:
    """A scratch model trained for 2 steps, once per session: the UI needs a model, not a good one.

    (The shared `tiny_model` trains 40 steps on every core, which takes minutes on a busy
    2-core machine; this one uses the app's own setting of one core.)
    """
    from engine.common.paths import sample_file

    return _train_briefly(tmp_path_factory, sample_file(), "tiny")


@pytest.fixture
def ui_model(ui_model_dir, wenan_home) -> str:
    """That model, copied into this test's library as "tiny"."""
    import shutil

    shutil.copytree(ui_model_dir, wenan_home / "models" / "tiny")
    return "tiny"


@pytest.fixture
def page(qtbot, ui_model):
    """The Write page on its own, with the tiny model in the library, writing on the CPU (what the
    Write page tests mean: a seed gives the same drafts on any machine)."""
    from ui.pages.write_page import WritePage
    from ui.session import AppState
    from ui.settings import AppSettings
    from ui.worker import running_jobs

    state = AppState(AppSettings())
    state.settings.device = "cpu"
    write = WritePage(state)
    qtbot.addWidget(write)
    write.resize(1100, 800)
    write.show()
    yield write
    for job in running_jobs():
        job.cancel()
    qtbot.waitUntil(lambda: not running_jobs(), timeout=LONG)
    state.close_history()


def write(qtbot, page, start=None):
    """Generate on the Write page (or run `start`) and wait for it to finish; the engine's GenerateResult."""
    with qtbot.waitSignal(page.generation_finished, timeout=LONG) as done:
        (start or page.generate_button.click)()
    assert done.args[0] is not None, page.status.text()
    return done.args[0]


@pytest.fixture(scope="session")
def ui_pairs_model_dir(tmp_path_factory) -> Path:
    """The same on the bundled prompt → copy pairs, once per session: the Write page shows
    such a model the scenario form."""
    from engine.common.paths import sample_file

    return _train_briefly(tmp_path_factory, sample_file().parent / "shop_pairs.csv", "tiny-pairs")


@pytest.fixture
def ui_pairs_model(ui_pairs_model_dir, wenan_home) -> str:
    """That model, copied into this test's library as "tiny-pairs"."""
    import shutil

    shutil.copytree(ui_pairs_model_dir, wenan_home / "models" / "tiny-pairs")
    return "tiny-pairs"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    """QSettings go to the test's temp folder, never the user's config."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield tmp_path / "qsettings"


def _running_qthreads() -> list[QThread]:
    found = []
    with warnings.catch_warnings():  # isinstance() pokes torch's deprecated module attributes
        warnings.simplefilter("ignore")
        objects = [obj for obj in gc.get_objects() if isinstance(obj, QThread)]
    main = QApplication.instance().thread()
    for obj in objects:
        if obj != main:
            try:
                if obj.isRunning():
                    found.append(obj)
            except RuntimeError:  # the C++ object is already gone: certainly not running
                pass
    return found


@pytest.fixture(autouse=True)
def no_thread_left_running(qapp):
    """Fail any test that leaves a worker thread behind."""
    yield
    from ui.worker import running_jobs

    # The Write page loads its model in the background on its own; such a load ends by itself
    # (the tiny model takes well under a second) and is not cancellable, so let it finish; so does
    # the Train page's look for bases on this computer (an empty home folder in tests).
    deadline = time.monotonic() + 60
    while any(job.name in ("preload", "bases") for job in running_jobs()) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    leftover = [job.name for job in running_jobs()]
    threads = _running_qthreads()
    assert not leftover and not threads, f"still running: jobs {leftover}, threads {threads}"


def in_engine(qtbot, fn, *args):
    """Run `fn(ctx, *args)` in the engine process (where the pages' model cache is) and return its result."""
    from ui.worker import Job

    job = Job(fn, args=args, name=f"test:{fn.__name__}", process="engine")
    failed = []
    job.failed.connect(lambda err, details: failed.append(details))
    with qtbot.waitSignal(job.returned, timeout=LONG) as returned:
        job.start()
    assert not failed, failed
    qtbot.waitUntil(lambda: not job.is_running(), timeout=LONG)
    return returned.args[0]


def swap_task(monkeypatch, page_module, task: str, fn) -> None:
    """Make `page_module` send `fn` to the engine process where it sends `ui.tasks.<task>`.

    A monkeypatch of the engine in this process would not reach the worker process: `fn` must be
    picklable (a module-level function, or a functools.partial of one, as in `held_tasks`)."""
    import types

    from ui import tasks

    current = getattr(page_module, "tasks")
    stand_in = current if isinstance(current, types.SimpleNamespace) else types.SimpleNamespace(
        **{name: getattr(tasks, name) for name in dir(tasks) if not name.startswith("_")})
    setattr(stand_in, task, fn)
    monkeypatch.setattr(page_module, "tasks", stand_in)


class EngineGate:
    """Holds a job inside the engine's own callback until the job is cancelled.

    A test that clicks Stop while a job runs races the job: a fast machine can finish it
    before the click lands. `hold` swaps the task a page sends to the engine process for the
    same task wrapped (`held_tasks`): at the first event that matches `when` it waits, inside
    the engine, until the job's cancel flag is set (the click, carried across to the engine
    process) or `release()`, so Stop always lands mid-job.
    """

    def __init__(self, monkeypatch, folder: Path):
        self.monkeypatch = monkeypatch
        self.folder = folder

    def hold(self, page_module, task: str, callback: str, when: tuple = ("any",)) -> None:
        """Make `page_module`'s `tasks.<task>` stop at `when` (see `held_tasks.matches`)."""
        import functools

        import held_tasks

        swap_task(self.monkeypatch, page_module, task,
                  functools.partial(held_tasks.held, str(self.folder), task, callback, when))

    def reached(self) -> bool:
        return (self.folder / "reached").exists()

    def wait(self, qtbot) -> None:
        """Until the worker is held."""
        qtbot.waitUntil(self.reached, timeout=LONG)

    def release(self) -> None:
        (self.folder / "released").touch()


@pytest.fixture
def engine_gate(monkeypatch, tmp_path_factory):
    gate = EngineGate(monkeypatch, tmp_path_factory.mktemp("gate"))
    yield gate
    gate.release()  # never leave a worker waiting


class Dialogs:
    """Answers for the static dialogs, recorded so tests can assert what was asked."""

    def __init__(self):
        self.answer = QMessageBox.StandardButton.Yes
        self.files: list[str] = []       # returned by getOpenFileName / getSaveFileName, in order
        self.folders: list[str] = []     # returned by getExistingDirectory
        self.texts: list[str] = []       # returned by QInputDialog.getText
        self.asked: list[str] = []       # the question texts

    def question(self, parent, title, text, *args, **kwargs):
        self.asked.append(text)
        return self.answer

    def open_file(self, *args, **kwargs):
        return (self.files.pop(0) if self.files else "", "")

    def folder(self, *args, **kwargs):
        return self.folders.pop(0) if self.folders else ""

    def get_text(self, *args, **kwargs):
        return (self.texts.pop(0), True) if self.texts else ("", False)


@pytest.fixture
def dialogs(monkeypatch) -> Dialogs:
    """No modal dialog may block a test: the static helpers return prepared answers."""
    d = Dialogs()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(d.question))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(d.open_file))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(d.open_file))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(d.folder))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(d.get_text))
    return d


def stop_all_jobs(qtbot) -> None:
    from ui.worker import running_jobs

    for job in running_jobs():
        job.cancel()
    qtbot.waitUntil(lambda: not running_jobs(), timeout=LONG)


@pytest.fixture
def window(qtbot, dialogs, wenan_home):
    """The real main window, shown offscreen, on the test's own data folder."""
    from ui.app import create_window

    win = create_window()
    win.show()
    qtbot.waitExposed(win, timeout=LONG)
    yield win
    stop_all_jobs(qtbot)
    if win.isVisible():
        win.close()
    win.deleteLater()
    qtbot.wait(0)


class Driver:
    """Steps the tests repeat, done the way a user does them (buttons, not private calls)."""

    def __init__(self, qtbot, win):
        self.qtbot, self.win = qtbot, win

    def load(self, path: str | None = None) -> None:
        """Load a file through the Data page (the sample by default) and wait for it."""
        with self.qtbot.waitSignal(self.win.data_page.loaded, timeout=LONG):
            if path is None:
                self.win.data_page.sample_button.click()
            else:
                self.win.data_page.load(path)

    def start_training(self, max_steps: int) -> None:
        page = self.win.train_page
        self.win.show_page("train")
        page.form.advanced_toggle.setChecked(True)
        page.form.set_max_steps(max_steps)
        assert page.start_button.isEnabled(), page.form.name_message.text()
        with self.qtbot.waitSignal(page.started, timeout=LONG):
            page.start_button.click()

    def wait_training(self):
        """Wait until the training job has ended; returns its TrainResult (None after an error)."""
        page = self.win.train_page
        if page.is_running():
            with self.qtbot.waitSignal(page.stopped, timeout=LONG) as blocker:
                pass
            return blocker.args[0]
        return page.last_result


@pytest.fixture
def driver(qtbot, window) -> Driver:
    return Driver(qtbot, window)
