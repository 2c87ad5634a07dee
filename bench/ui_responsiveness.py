"""Event-loop stalls of the desktop app while it loads a big file, trains and generates.

Runs the real window offscreen in this process: a 10 ms QTimer heartbeat on the
GUI thread records how late each tick fires (lateness = the longest the event
loop could not react). Phases: the one-time warm-up import of torch (reported
separately: it happens right after start, before any work), loading a ~10 MB
file, a short real training on the bundled sample, and generating variants.

    .venv/bin/python bench/ui_responsiveness.py [--steps 30] [--variants 3] [--tokens 160] [--wait-quiet 300]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import workspace  # before engine and Qt: offline mode, and the shared helpers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="training steps (default 30)")
    parser.add_argument("--variants", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=160, help="max new tokens per variant")
    parser.add_argument("--big-mb", type=float, default=10.0, help="size of the file-load test (MB)")
    parser.add_argument("--repeat", type=int, default=10, help="generations measured after the first")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                        help="first wait up to S seconds for the load average to fall below --quiet-load")
    parser.add_argument("--quiet-load", type=float, default=1.0)
    args = parser.parse_args()
    load = workspace.wait_for_low_load(args.wait_quiet, args.quiet_load) if args.wait_quiet else os.getloadavg()[0]

    home = tempfile.mkdtemp(prefix="wenan-bench-")
    os.environ["WENAN_HOME"] = home
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("WENAN_LANG", "en")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.path.join(home, "qsettings"))
    from ui.app import create_application, create_window
    from ui.probe import Heartbeat

    app = create_application([sys.argv[0]])
    window = create_window()
    heartbeat = Heartbeat(10)
    results: dict[str, dict] = {}

    def wait_for(signal, timeout_s: float = 900) -> list:
        loop, got = QEventLoop(), []
        signal.connect(lambda *a: (got.extend(a), loop.quit()))
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        loop.exec()
        return got

    def measure(name: str, start, signal) -> list:
        heartbeat.start()
        started = time.perf_counter()
        start()
        got = wait_for(signal)
        results[name] = dict(heartbeat.stop(), seconds=round(time.perf_counter() - started, 1))
        return got

    # warm-up: torch and transformers are imported in a worker right after the window shows
    measure("warm-up import (once, after start)", window.show, window.state.device_changed)

    big = Path(home) / "big.txt"
    sample = (ROOT / "resources" / "samples" / "shop_copy.txt").read_text(encoding="utf-8").splitlines()
    with big.open("w", encoding="utf-8") as fh:
        n = 0
        while fh.tell() < args.big_mb * 2**20:
            fh.write(f"{sample[n % len(sample)]} #{n}\n")  # numbered so cleaning keeps every line
            n += 1
    measure(f"load {big.stat().st_size / 2**20:.0f} MB file", lambda: window.data_page.load(str(big)),
            window.data_page.loaded)

    measure("load sample", window.data_page.load_sample, window.data_page.loaded)
    window.show_page("train")
    window.train_page.form.set_max_steps(args.steps)
    result = measure(f"train {args.steps} steps", window.train_page.start, window.train_page.stopped)[0]
    if result is None or result.cancelled:
        print("training did not finish", file=sys.stderr)
        return 1

    write = window.write_page
    # "Write with this model": the page shows it and loads it in the background (ui/pages/write_preload.py)
    measure("open the Write page (loads the model in the background)",
            lambda: window.state.write_with.emit(result.name), write.preloader.loaded)
    write.form.set_prompt("青禾竹纤维毛巾")
    write.settings.n_spin.setValue(args.variants)
    write.settings.length_spin.setValue(args.tokens)
    measure(f"generate {args.variants}×{args.tokens} tokens, first (model loaded, first save)", write.generate,
            write.generation_finished)
    heartbeat.start()  # then the same request again and again, the model cached
    started = time.perf_counter()
    for _ in range(args.repeat):
        write.generate()
        wait_for(write.generation_finished)
    results[f"generate {args.variants}×{args.tokens} tokens, {args.repeat} more times"] = dict(
        heartbeat.stop(), seconds=round(time.perf_counter() - started, 1))
    window.close()

    print(f"GUI event-loop lateness, 10 ms heartbeat ({os.cpu_count()} CPUs, load average {load:.1f} at the "
          f"start, {os.environ['QT_QPA_PLATFORM']}):")
    print(f"{'phase':60} {'seconds':>8} {'ticks':>6} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for name, r in results.items():
        print(f"{name:60} {r['seconds']:8.1f} {r['ticks']:6d} {r['p50_ms']:7.1f} {r['p99_ms']:7.1f} {r['max_ms']:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
