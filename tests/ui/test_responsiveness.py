"""The event-loop stall probe during a real training and generation.

It reports max and p99 lateness of a 10 ms heartbeat; it asserts no timing (the
machine may be busy). bench/ui_responsiveness.py measures longer runs.
"""
from __future__ import annotations

LONG = 120_000


def test_stall_probe_during_training_and_generation(qtbot, window, driver, capsys):
    from ui.probe import Heartbeat

    with qtbot.waitSignal(window.state.device_changed, timeout=LONG):
        pass  # the one-time import of torch happens first, right after start; not measured here
    driver.load()
    beat = Heartbeat(10)
    beat.start()
    driver.start_training(max_steps=8)
    result = driver.wait_training()
    training = beat.stop()
    assert result is not None and result.step == 8

    window.state.write_with.emit(result.name)
    write = window.write_page
    write.form.set_prompt("青禾")
    write.settings.length_spin.setValue(64)
    beat.start()
    with qtbot.waitSignal(write.generation_finished, timeout=LONG):
        write.generate_button.click()
    generating = beat.stop()

    assert training["ticks"] > 0 and generating["ticks"] > 0  # the heartbeat kept running throughout
    with capsys.disabled():
        for name, r in (("training", training), ("generating", generating)):
            print(f"\n[stall probe] {name}: {r['ticks']} ticks, lateness p50 {r['p50_ms']} ms, "
                  f"p99 {r['p99_ms']} ms, max {r['max_ms']} ms")
