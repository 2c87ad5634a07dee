"""Cancel, resume and closing the window while a real training runs."""
from __future__ import annotations

from engine.common import paths
from engine.models import library
from engine.training import checkpoint

LONG = 120_000


def _training_step(event, at_least: int = 1) -> bool:
    return event.phase == "training" and event.step >= at_least


def test_cancel_saves_a_checkpoint_and_resume_finishes_from_it(qtbot, window, driver, engine_gate):
    import ui.pages.train_page

    page = window.train_page
    driver.load()
    # the training waits at step 3 for the click, however fast the machine
    engine_gate.hold(ui.pages.train_page, "train", "on_event", ("step", 3))
    driver.start_training(max_steps=12)
    name = page.form.name()
    engine_gate.wait(qtbot)
    page.cancel_button.click()
    assert not page.cancel_button.isEnabled()  # one click is enough; the engine finishes the step
    result = driver.wait_training()

    assert result.cancelled and result.resumable and 3 <= result.step < 12
    state = checkpoint.read_state(name)
    assert state is not None and state["checkpoint"] == f"checkpoint-{result.step}"
    assert not library.exists(name)
    assert "press Resume" in page.status.text()
    assert page.resume_button.isEnabled() and name in page.resume_button.text()

    steps = []
    page.resume_button.click()
    assert page.is_running()
    page.job.progress.connect(lambda e: steps.append(e.step) if e.phase == "training" else None)
    resumed = driver.wait_training()

    # it went on from the checkpoint (first redoing an evaluation the cancel cut short), not from step 0
    assert steps and steps[0] >= result.step
    assert not resumed.cancelled and resumed.step == resumed.total_steps == 12
    assert library.exists(name) and checkpoint.read_state(name) is None
    assert not page.resume_button.isEnabled()


def test_closing_during_training_asks_then_checkpoints_and_waits(qtbot, window, driver, dialogs):
    page = window.train_page
    driver.load()
    driver.start_training(max_steps=500)
    name = page.form.name()
    with qtbot.waitSignal(page.job.progress, check_params_cb=_training_step, timeout=LONG):
        pass

    dialogs.answer = dialogs.answer.No
    window.close()
    assert window.isVisible() and page.is_running()  # "No" keeps training
    assert len(dialogs.asked) == 1 and "checkpoint" in dialogs.asked[0]

    dialogs.answer = dialogs.answer.Yes
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=LONG)

    from ui.worker import running_jobs
    assert not running_jobs() and not page.is_running()
    assert page.last_result is not None and page.last_result.cancelled
    assert checkpoint.read_state(name) is not None  # resumable
    assert not library.exists(name)
    assert [p.name for p in paths.models_dir().iterdir()] == []  # no half-written model, no temp folder


def test_cancel_while_preparing_says_nothing_was_saved(qtbot, window, driver):
    page = window.train_page
    driver.load()
    driver.start_training(max_steps=12)
    name = page.form.name()
    page.cancel_button.click()  # the worker is still reading the file and building the model
    result = driver.wait_training()

    assert result.cancelled and not result.resumable and result.step == 0
    assert checkpoint.read_state(name) is None and not library.exists(name)
    assert "Nothing was saved" in page.status.text() and "Resume" not in page.status.text()
    assert not page.resume_button.isEnabled()


def test_a_typed_block_size_below_the_minimum_becomes_the_minimum(qtbot, window):
    form = window.train_page.form
    assert form.advanced_values()["block_size"] is None  # "Automatic"
    form.block_spin.setValue(5)
    form.block_spin.editingFinished.emit()
    assert form.block_spin.value() == 8 and form.advanced_values()["block_size"] == 8
    form.block_spin.setValue(3)  # even if the field never lost focus before Start
    assert form.advanced_values()["block_size"] == 8
    form.block_spin.setValue(256)
    form.block_spin.editingFinished.emit()
    assert form.advanced_values()["block_size"] == 256
