"""Can the window open here? Asked before PySide6 is imported, because Qt cannot be asked.

When Qt's xcb or Wayland plugin cannot load (a system library is missing) or finds no display,
Qt prints its own message and aborts the process. This module checks the same things first,
without Qt and in ways that cannot abort: it reads which libraries the plugin links to
(ui/system_libs.py), asks the dynamic loader for each, and connects to the display with the
same client library Qt uses. The result says what is wrong and the command that fixes it, in
the system language (WENAN_LANG or the locale). Only Linux has these plugins; an explicitly
chosen platform such as offscreen needs neither a display nor these libraries.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import sys
from dataclasses import dataclass, field

from engine.common import WenanError

from . import system_libs

WINDOW_PLATFORMS = ("xcb", "wayland")
PLATFORM_NAMES = {"xcb": "X11", "wayland": "Wayland"}


class DisplayUnavailable(WenanError):
    """The window cannot open: no display, a display that cannot be reached, or missing libraries."""


@dataclass
class WindowCheck:
    """What was found. `error` is None when the window can open (or nothing needed checking)."""

    platform: str                      # the plugin the window will use: xcb, wayland, offscreen, native...
    error: DisplayUnavailable | None = None
    missing: dict[str, list[str]] = field(default_factory=dict)   # platform -> libraries not found
    command: str = ""                  # the command that installs them, when one is known


def requested_platforms(env) -> list[str]:
    """QT_QPA_PLATFORM as Qt reads it: a ;-separated list, each name with optional :arguments."""
    names = [part.split(":", 1)[0].strip() for part in env.get("QT_QPA_PLATFORM", "").split(";")]
    return ["wayland" if name.startswith("wayland") else name for name in names if name]


def default_platform(env) -> str:
    """Qt's own choice on Linux when QT_QPA_PLATFORM is not set: Wayland in a Wayland session, else X11."""
    return "wayland" if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" else "xcb"


def display_name(platform: str, env) -> str:
    if platform == "xcb":
        return env.get("DISPLAY", "")
    return env.get("WAYLAND_DISPLAY", "") or ("wayland-0" if env.get("XDG_SESSION_TYPE") == "wayland" else "")


def can_connect(platform: str, display: str) -> bool:
    """Open and close a connection to the display with Qt's own client library; never aborts.

    A display on another host (DISPLAY=host:0, e.g. over SSH) is not probed here: an unreachable
    host can take minutes to time out, and Qt says so itself.
    """
    try:
        if platform == "xcb":
            host = display.rsplit(":", 1)[0]
            if host not in ("", "unix") and not host.startswith("/"):
                return True
            xcb = ctypes.CDLL("libxcb.so.1")
            xcb.xcb_connect.restype = ctypes.c_void_p
            xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
            xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
            xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
            connection = xcb.xcb_connect(display.encode(), None)  # never NULL: an error object at worst
            failed = xcb.xcb_connection_has_error(connection) != 0
            xcb.xcb_disconnect(connection)
            return not failed
        wayland = ctypes.CDLL("libwayland-client.so.0")
        wayland.wl_display_connect.restype = ctypes.c_void_p
        wayland.wl_display_connect.argtypes = [ctypes.c_char_p]
        wayland.wl_display_disconnect.argtypes = [ctypes.c_void_p]
        connection = wayland.wl_display_connect(display.encode())
        if not connection:
            return False
        wayland.wl_display_disconnect(connection)
        return True
    except (OSError, AttributeError):
        return False


def missing_libraries(platform: str, qt=None) -> list[str]:
    """The system libraries `platform`'s plugin needs that the loader cannot find ([] if unknown)."""
    qt = qt or system_libs.qt_dir()
    if qt is None:
        return []  # PySide6 not found: its import fails with its own, catchable, message
    return system_libs.unloadable(list(system_libs.system_needs(qt, platform)))


def fix_command(missing: list[str]) -> str:
    """The one command that installs the packages providing `missing`, or "" if none is known."""
    manager = system_libs.package_manager()
    if manager is None:
        return ""
    packages, _unknown = system_libs.packages_for(missing, manager)
    return manager.command(packages) if packages else ""


def check_window(env=None, qt=None) -> WindowCheck:
    """Whether `python main.py` can open its window here, and if not, why and what fixes it.

    When the platform Qt would pick cannot work but the other one can (an X11 desktop without
    Qt's xcb libraries, but with Wayland), QT_QPA_PLATFORM is set in `env` to the one that works.
    """
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return WindowCheck("native")
    requested = requested_platforms(env)
    if requested and not any(name in WINDOW_PLATFORMS for name in requested):
        return WindowCheck(requested[0])  # offscreen, minimal, vnc...: no desktop display involved
    default = default_platform(env)
    order = [name for name in requested if name in WINDOW_PLATFORMS] if requested else \
        [default] + [name for name in WINDOW_PLATFORMS if name != default]
    check = WindowCheck("")
    unreachable = []
    for platform in order:
        display = display_name(platform, env)
        if not display:
            continue
        missing = missing_libraries(platform, qt)
        if missing:
            check.missing[platform] = missing
        elif can_connect(platform, display):
            check.platform = platform
            if not requested and platform != default:
                env["QT_QPA_PLATFORM"] = platform
            return check
        else:
            unreachable.append(platform)
    check.error = _explain(check, unreachable, order, env)
    return check


def _explain(check: WindowCheck, unreachable: list[str], order: list[str], env) -> DisplayUnavailable:
    if check.missing:
        platform, missing = next(iter(check.missing.items()))
        check.command = fix_command(missing)
        key = "qt_libraries_missing" if check.command else "qt_libraries_missing_manual"
        return DisplayUnavailable(key, platform=PLATFORM_NAMES[platform], libraries=", ".join(missing),
                                  command=check.command)
    if unreachable:
        platform = unreachable[0]
        return DisplayUnavailable("display_unreachable", display=display_name(platform, env),
                                  variable="DISPLAY" if platform == "xcb" else "WAYLAND_DISPLAY")
    return DisplayUnavailable("display_none", program=_program())


def _program() -> str:
    """How this copy is started from a terminal: the bundle's executable, or python main.py."""
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else "wenan"
    return f"python {argv0}" if argv0.endswith(".py") else os.path.basename(argv0)


def window_can_open() -> bool:
    """main.py's check before the window: False after saying why on stderr (and in a desktop
    notification when started from a menu, where no one reads stderr)."""
    check = check_window()
    if check.error is None:
        return True
    text = str(check.error)
    print(text, file=sys.stderr, flush=True)
    if check.missing and not sys.stderr.isatty():
        _desktop_notification(text)
    return False


def _desktop_notification(text: str) -> None:
    """Without Qt's libraries the app cannot draw a dialog; the desktop's notifications still show.
    notify-send returns at once, so nothing waits on it."""
    import subprocess

    if shutil.which("notify-send") and os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        try:
            subprocess.run(["notify-send", "--urgency=critical", "--app-name=Wenan Studio", "Wenan Studio", text],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
        except (OSError, subprocess.SubprocessError):
            pass
