"""Start-up time of the desktop app: launch to the window first being exposed.

Launches `python main.py` (or, with --exe, a built bundle's executable) N times with
WENAN_STARTUP_PROBE=1; the app prints a timestamp when its window is first exposed and
closes. Reports the median. Runs offscreen unless a display is set (QT_QPA_PLATFORM=offscreen
by default). Target for the bundle: a median of at most 2 s after a first warm start
(tests/test_package.py only keeps a ceiling that a busy CI machine cannot miss).

    .venv/bin/python bench/ui_startup.py [-n 9] [--exe dist/wenan-studio/wenan-studio]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import workspace  # before engine and Qt: offline mode, and the shared helpers

ROOT = Path(__file__).resolve().parent.parent


BUNDLE_TARGET_S = 2.0


def launch(env: dict, command: list[str]) -> tuple[float, dict]:
    started = time.time()
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    for line in proc.stdout.splitlines():
        if line.startswith("{") and '"probe"' in line:
            report = json.loads(line)
            return report["time"] - started, report
    raise RuntimeError(f"no probe line (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=9, help="launches (default 9)")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                        help="first wait up to S seconds for the load average to fall below --quiet-load")
    parser.add_argument("--quiet-load", type=float, default=1.0)
    parser.add_argument("--exe", type=Path, help="a built bundle's executable instead of `python main.py`")
    args = parser.parse_args()
    command = [str(args.exe)] if args.exe else [sys.executable, str(ROOT / "main.py")]
    load = workspace.wait_for_low_load(args.wait_quiet, args.quiet_load) if args.wait_quiet else os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as config:
        env = dict(os.environ, WENAN_STARTUP_PROBE="1", WENAN_HOME=home, XDG_CONFIG_HOME=config,
                   PYTHONPATH=str(ROOT))
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        launch(env, command)  # warm the OS file cache once, as a second start would be
        times, heavy = [], set()
        for _ in range(args.n):
            seconds, report = launch(env, command)
            times.append(seconds)
            heavy.update(report["heavy_modules"])
    print(f"window exposed after launch: median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s, max {max(times):.3f} s over {args.n} launches "
          f"({os.cpu_count()} CPUs, load average {load:.1f} at the start, platform {env['QT_QPA_PLATFORM']})")
    print(f"heavy modules loaded at that moment: {sorted(heavy) or 'none'}")
    if args.exe:
        met = statistics.median(times) <= BUNDLE_TARGET_S
        print(f"bundle target: median ≤ {BUNDLE_TARGET_S:.0f} s: {'met' if met else 'MISSED'}")
        return 0 if met else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
