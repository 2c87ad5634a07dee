"""The desktop app in a process of its own, for test_engine_process.py: `python window_process.py TMP [--idle]`.

Default: train on the sample (a trainer process), write with the result (the engine process),
report which heavy modules this, the window's, process imported; then start a long training and
close the window during it, as a user would, and report the processes' ids so the test can check
that none outlived the window. Prints one JSON line.

--idle: print the engine process's id once it answers, then wait to be killed.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

LONG_MS = 300_000


def main() -> int:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QMessageBox

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(sys.argv[1]) / "qsettings"))
    from ui.app import _stop_jobs, create_application, create_window
    from ui.engine_process import manager

    app = create_application([sys.argv[0]])
    app.aboutToQuit.connect(_stop_jobs)  # as ui.app.run does
    QMessageBox.question = staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    window = create_window()

    def wait_for(signal, check=lambda *args: True) -> list:
        loop, got = QEventLoop(), []

        def on(*args):
            if check(*args):
                got.extend(args)
                loop.quit()
        signal.connect(on)
        QTimer.singleShot(LONG_MS, loop.quit)
        loop.exec()
        signal.disconnect(on)
        return got

    window.show()
    wait_for(window.state.device_changed)  # the engine process has imported torch and found the device
    engine_pid = manager().engine().pid
    if "--idle" in sys.argv:
        print(json.dumps({"engine_pid": engine_pid}), flush=True)
        app.exec()
        return 0

    window.data_page.load_sample()
    wait_for(window.data_page.loaded)
    train = window.train_page
    window.show_page("train")
    train.form.advanced_toggle.setChecked(True)
    train.form.set_max_steps(3)
    train.start()
    train_pid = train.job._remote.pid
    result = wait_for(train.stopped)[0]

    write = window.write_page
    window.state.write_with.emit(result.name)
    write.form.set_prompt("青禾竹纤维毛巾")
    write.settings.n_spin.setValue(2)
    write.settings.length_spin.setValue(24)
    write.generate()
    drafts = wait_for(write.generation_finished)[0]
    gui_modules = {name: name in sys.modules for name in ("torch", "transformers", "peft")}

    # Close during a long training: the window asks (Yes), the trainer saves a checkpoint, all ends.
    window.show_page("train")
    train.form.name_edit.setText("closed-mid-run")
    train.form.set_max_steps(5000)
    train.start()
    wait_for(train.job.progress, lambda event: event.phase == "training" and event.step >= 1)
    closed_pid = train.job._remote.pid
    window.close()
    closed = wait_for(train.stopped)[0]
    QTimer.singleShot(0, app.quit)
    app.exec()
    print(json.dumps({"trained": not result.cancelled, "variants": len(drafts.variants),
                      "chars": sum(len(text) for text in drafts.variants), "gui_modules": gui_modules, "engine_pid": engine_pid,
                      "train_pid": train_pid,
                      "closed_training": {"pid": closed_pid, "cancelled": closed.cancelled,
                                          "resumable": closed.resumable}}), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
