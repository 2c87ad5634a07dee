"""What a finished training leaves in memory: a training in the engine process (one process for
everything) against a trainer process of its own (the app's choice, ui/engine_process.py).

Both sides run the app's worker code (`ui.engine_host` and `ui.tasks`) through the app's adapter:

  one process   the engine process warms up (imports, device), trains the bundled sample, and is
                then measured: what it still holds is what a long-lived process that trains keeps;
  own process   a fresh engine process warms up and is measured, a trainer process trains the
                same and ends; the engine holds only what it held before.

Resident memory (VmRSS, from /proc: Linux only) of each worker, in MB, after the training has ended
and Python has collected its garbage (and, for the one process, also after glibc's malloc_trim,
its best case); the ratio is one process with garbage collected / own process.

    .venv/bin/python bench/worker_memory.py [--steps 60] [--base MODEL_FOLDER]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import workspace  # noqa: F401  -- before engine and Qt: offline mode, an isolated data folder


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--base", default="scratch", help="a pretrained model folder to fine-tune (LoRA) instead")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from engine.training import TrainConfig
    from ui import tasks
    from ui.engine_process import manager
    from ui.worker import Job

    app = QCoreApplication([sys.argv[0]])  # noqa: F841  -- the adapter's signals need one

    def call(fn, *fn_args, process="engine"):
        loop, out = QEventLoop(), {}
        job = Job(fn, args=fn_args, name=fn.__name__, process=process)
        job.returned.connect(lambda r: out.update(result=r))
        job.failed.connect(lambda err, details: out.update(error=details))
        job.finished.connect(loop.quit)
        QTimer.singleShot(900_000, loop.quit)
        job.start()
        loop.exec()
        if "error" in out:
            raise RuntimeError(out["error"])
        return out["result"], job

    def config(name: str) -> TrainConfig:
        return TrainConfig(data=str(workspace.SAMPLE), name=name, max_steps=args.steps, device="cpu", base=args.base,
                           method="auto")

    def settle(pid: int, trim: bool = True) -> float:
        call(tasks.collect_garbage, trim)
        time.sleep(1.0)
        return rss_mb(pid)

    # one process: warm up, train, measure the same process
    call(tasks.warm_up, "cpu")
    engine = manager().engine()
    before_one = settle(engine.pid)
    call(tasks.train, config("one-process"), False, None)
    untrimmed_one = settle(engine.pid, trim=False)  # what the app did when it trained in its own process
    after_one = settle(engine.pid)
    manager().shutdown_all()

    # own process: a fresh engine warms up; a trainer trains and ends
    call(tasks.warm_up, "cpu")
    engine = manager().engine()
    before_own = settle(engine.pid)
    _, job = call(tasks.train, config("own-process"), False, None, process="trainer")
    trainer = job._remote
    deadline = time.monotonic() + 30
    while not trainer.exited() and time.monotonic() < deadline:
        time.sleep(0.1)
    after_own = settle(engine.pid)
    manager().shutdown_all()

    print(f"worker memory after a {args.steps}-step training of the sample on {Path(args.base).name} (VmRSS, MB; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}):")
    print(f"{'':28} {'before':>8} {'after':>8} {'kept':>8}")
    print(f"{'one process, gc only':28} {before_one:8.0f} {untrimmed_one:8.0f} {untrimmed_one - before_one:8.0f}")
    print(f"{'one process, + malloc_trim':28} {before_one:8.0f} {after_one:8.0f} {after_one - before_one:8.0f}")
    print(f"{'own process (engine)':28} {before_own:8.0f} {after_own:8.0f} {after_own - before_own:8.0f}")
    print(f"the trainer process {'has ended: all it held went back' if trainer.exited() else 'is STILL RUNNING'}")
    print(f"ratio, memory held after training (one process, gc only / own process): {untrimmed_one / after_own:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
