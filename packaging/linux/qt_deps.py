"""`make run` on Linux: install the system libraries Qt's window plugins need, or say how.

    .venv/bin/python packaging/linux/qt_deps.py [--check] [--qt DIR]

Reads which libraries PySide6's xcb and Wayland plugins link to (ui/system_libs.py) and asks the
dynamic loader for each. Missing ones are installed with the system's package manager (apt-get,
dnf, zypper or pacman) when this runs as root or sudo works without a password (`sudo -n`: it
never waits at a prompt); otherwise it prints the one command to run and exits 2. Silent, and
exit 0, when nothing is missing and on macOS and Windows. --check only reports; --qt checks
another copy of Qt, e.g. a bundle's (dist/wenan-studio/_internal/PySide6/Qt) on the computer
it is meant for.
The Wayland libraries are installed along when the session is Wayland; X11 is always needed,
as the fallback Qt uses (and the one XWayland provides).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from ui import system_libs  # noqa: E402

NONINTERACTIVE = {"DEBIAN_FRONTEND": "noninteractive"}


def missing_libraries(qt: Path | None = None, env=os.environ) -> list[str]:
    """X11's missing libraries, and Wayland's too in a Wayland session."""
    qt = qt or system_libs.qt_dir()
    if qt is None:
        return []
    platforms = ["xcb"] + (["wayland"] if env.get("XDG_SESSION_TYPE") == "wayland" or env.get("WAYLAND_DISPLAY")
                           else [])
    missing: list[str] = []
    for platform in platforms:
        for soname in system_libs.unloadable(list(system_libs.system_needs(qt, platform))):
            if soname not in missing:
                missing.append(soname)
    return missing


def privilege() -> list[str] | None:
    """[] as root, ["sudo", "-n"] when sudo works without a password, else None."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], stdin=subprocess.DEVNULL,
                                               capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def install(manager: system_libs.PackageManager, packages: list[str], prefix: list[str]) -> bool:
    env = dict(os.environ, **NONINTERACTIVE)
    command = prefix + list(manager.install) + packages
    print("qt_deps: " + " ".join(command), flush=True)
    if subprocess.run(command, stdin=subprocess.DEVNULL, env=env).returncode == 0:
        return True
    if manager.name != "apt":
        return False
    # A fresh image or container often has no package lists yet: refresh them once, then retry.
    subprocess.run(prefix + ["apt-get", "update", "-q"], stdin=subprocess.DEVNULL, env=env)
    return subprocess.run(command, stdin=subprocess.DEVNULL, env=env).returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    parser.add_argument("--qt", type=Path, help="the Qt folder to check (default: PySide6's)")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        return 0
    missing = missing_libraries(args.qt)
    if not missing:
        return 0
    print(f"qt_deps: Qt's window needs these system libraries, which are missing: {', '.join(missing)}",
          flush=True)
    manager = system_libs.package_manager()
    packages, unknown = system_libs.packages_for(missing, manager) if manager else ([], missing)
    if unknown:
        print(f"qt_deps: no package is known here for {', '.join(unknown)}; install the packages that "
              "provide them with your system's package manager", file=sys.stderr)
    if not packages:
        return 2
    prefix = None if args.check else privilege()
    if prefix is not None and install(manager, packages, prefix):
        # Asked again in a new process: this one has already been told the libraries are not there.
        again = [sys.executable, __file__, "--check"] + (["--qt", str(args.qt)] if args.qt else [])
        return subprocess.run(again).returncode
    print("qt_deps: install them with this command, then run `make run` again:\n"
          f"  {manager.command(packages)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
