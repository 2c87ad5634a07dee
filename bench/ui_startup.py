"""Start-up time of the desktop app: launch to the window first being exposed.

Launches `python main.py` N times with WENAN_STARTUP_PROBE=1; the app prints a
timestamp when its window is first exposed and closes. Reports the median.
Runs offscreen unless a display is set (QT_QPA_PLATFORM=offscreen by default);
--xvfb starts a private X server and measures the real xcb platform, as on a desktop.

The sources are byte-compiled first, as `make run` does (a second start on any machine finds
them compiled); --no-compile measures them as they are, e.g. with PYTHONDONTWRITEBYTECODE=1
and no __pycache__, where every start compiles them again. --baseline REF launches the
tree of a git commit too, alternating with this one, and prints the ratio.

--exe launches a built bundle's executable instead (target: a median of at most 2 s after a
first warm start; tests/test_package.py only keeps a ceiling a busy CI machine cannot miss).

    .venv/bin/python bench/ui_startup.py [-n 9] [--xvfb] [--with-model] [--baseline main]
    .venv/bin/python bench/ui_startup.py --exe dist/wenan-studio/wenan-studio
"""
from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import workspace  # before engine and Qt: offline mode, and the shared helpers

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


BUNDLE_TARGET_S = 2.0


def launch(tree: Path, env: dict, exe: Path | None = None) -> tuple[float, float, dict]:
    """(seconds to the window, CPU seconds the whole run took, the probe's report).

    The CPU time barely moves with other processes' load, which on a shared 2-core machine
    can double the wall time; the run ends right after the window is exposed."""
    cpu, started = _children_cpu(), time.time()
    command = [str(exe)] if exe else [sys.executable, str(tree / "main.py")]
    proc = subprocess.run(command, env=dict(env, PYTHONPATH=str(tree)), cwd=tree,
                          capture_output=True, text=True, timeout=120)
    cpu = _children_cpu() - cpu
    for line in proc.stdout.splitlines():
        if line.startswith("{") and '"probe"' in line:
            report = json.loads(line)
            return report["time"] - started, cpu, report
    raise RuntimeError(f"no probe line (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


@contextlib.contextmanager
def xvfb():
    """A private X server on the first free display number; yields its DISPLAY."""
    if not shutil.which("Xvfb"):
        sys.exit("--xvfb needs Xvfb (Debian: apt-get install xvfb)")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"Xvfb :{number} did not start")
            time.sleep(0.05)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def baseline_tree(ref: str, folder: Path) -> Path:
    """The files of commit `ref`, unpacked into `folder`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def add_model(home: Path) -> None:
    """A model in the library, so the app opens on the Write page as a returning user's does."""
    from engine.common import paths
    from engine.training import TrainConfig, train

    os.environ["WENAN_HOME"] = str(home)
    train(TrainConfig(data=str(paths.sample_file()), name="bench", max_steps=2, batch_size=2))


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=9, help="launches (default 9)")
    parser.add_argument("--xvfb", action="store_true", help="measure on a private Xvfb display (xcb platform)")
    parser.add_argument("--with-model", action="store_true", help="a model in the library: the Write page opens")
    parser.add_argument("--no-compile", action="store_true", help="do not byte-compile the sources first")
    parser.add_argument("--baseline", metavar="REF", help="also launch this git commit's tree, alternating")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                        help="first wait up to S seconds for the load average to fall below --quiet-load")
    parser.add_argument("--quiet-load", type=float, default=1.0)
    parser.add_argument("--exe", type=Path, help="a built bundle's executable instead of `python main.py`")
    args = parser.parse_args()
    if args.exe and args.baseline:
        parser.error("--exe and --baseline measure different things: use one")
    load = workspace.wait_for_low_load(args.wait_quiet, args.quiet_load) if args.wait_quiet else os.getloadavg()[0]
    with contextlib.ExitStack() as stack:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        config = stack.enter_context(tempfile.TemporaryDirectory())
        trees = {"this tree": ROOT}
        if args.baseline:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            trees[args.baseline] = baseline_tree(args.baseline, folder)
        if not args.no_compile:
            for tree in trees.values():
                for part in ("main.py", "engine", "ui"):
                    target = tree / part
                    (compileall.compile_file if target.is_file() else compileall.compile_dir)(str(target), quiet=1)
        if args.with_model:
            add_model(home)
        env = dict(os.environ, WENAN_STARTUP_PROBE="1", WENAN_HOME=str(home), XDG_CONFIG_HOME=config)
        if args.xvfb:
            env.update(DISPLAY=stack.enter_context(xvfb()), QT_QPA_PLATFORM="xcb")
            env.pop("WAYLAND_DISPLAY", None)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        for tree in trees.values():
            launch(tree, env, args.exe)  # warm the OS file cache once, as a second start would be
        times: dict[str, list[float]] = {name: [] for name in trees}
        cpu: dict[str, list[float]] = {name: [] for name in trees}
        heavy: set[str] = set()
        for _ in range(args.n):
            for name, tree in trees.items():  # alternating, so both see the same load
                seconds, cpu_s, report = launch(tree, env, args.exe)
                times[name].append(seconds)
                cpu[name].append(cpu_s)
                heavy.update(report["heavy_modules"] if name == "this tree" else ())
        load = max(load, os.getloadavg()[0])
    compiled = "not byte-compiled first" if args.no_compile else "byte-compiled first"
    print(f"window exposed after launch ({args.n} launches, {os.cpu_count()} CPUs, load average up to {load:.1f}, "
          f"platform {env['QT_QPA_PLATFORM']}, sources {compiled}"
          f"{', a model in the library' if args.with_model else ''}):")
    for name, values in times.items():
        print(f"  {name:12} {summary(values)}; CPU time of the run: median {statistics.median(cpu[name]):.3f} s")
    if args.baseline:
        ratio = statistics.median(times["this tree"]) / statistics.median(times[args.baseline])
        cpu_ratio = statistics.median(cpu["this tree"]) / statistics.median(cpu[args.baseline])
        print(f"  ratio this tree / {args.baseline}: {ratio:.2f} (CPU time {cpu_ratio:.2f})")
    print(f"heavy modules loaded at that moment: {sorted(heavy) or 'none'}")
    if args.exe:
        median = statistics.median(times["this tree"])
        print(f"bundle target: median <= {BUNDLE_TARGET_S} s: {'met' if median <= BUNDLE_TARGET_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
