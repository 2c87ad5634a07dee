"""The system libraries Qt's Linux window plugins load, read from PySide6's own files, and the
package that provides each one on the common Linux distributions.

Standard library only, and no PySide6 import: when one of these libraries is missing, loading
Qt's xcb plugin aborts the whole process, so `main.py` checks them first (ui/display_check.py).
`make run` (packaging/linux/qt_deps.py) installs what is missing, and the .deb's tests compare
its Depends with the same table (packaging/linux/deb_depends.py).
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import shutil
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

# The window plugins Qt chooses between on a Linux desktop, and what each one must load.
PLATFORM_PLUGINS = {"xcb": "libqxcb.so", "wayland": "libqwayland.so"}
# Qt libraries the app itself imports, whatever the plugin (QtWidgets, the SVG icons).
APP_QT_LIBRARIES = ("libQt6Widgets.so.6", "libQt6Svg.so.6")
# Loaded with dlopen by some Qt versions instead of being linked (Qt >= 6.5 asks for xcb-cursor
# by name and refuses to start the xcb plugin without it), so DT_NEEDED does not list them.
DLOPENED = {"xcb": ("libxcb-cursor.so.0",)}
# Part of the C library: a system without them could not run Python at all.
C_LIBRARY = ("linux-vdso.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "ld-linux-armhf.so.3",
             "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1")

# soname -> its package on Debian/Ubuntu (apt), Fedora/RHEL (dnf), openSUSE (zypper), Arch (pacman).
# "a|b": the first name apt knows (Debian 13 and Ubuntu 24.04 renamed some libraries with a t64 suffix).
PACKAGES: dict[str, tuple[str, str, str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "libxcb-render-util0",
                                "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb-xkb1", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb", "libxcb-glx0", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11.so.6": ("libx11-6", "libX11", "libX11-6", "libx11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libX11-xcb1", "libx11"),
    "libXau.so.6": ("libxau6", "libXau", "libXau6", "libxau"),
    "libXdmcp.so.6": ("libxdmcp6", "libXdmcp", "libXdmcp6", "libxdmcp"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libGL1", "libglvnd"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx", "libGLX0", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl", "libOpenGL0", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libEGL1", "libglvnd"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd", "libGLdispatch0", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "libfreetype6", "freetype2"),
    "libglib-2.0.so.0": ("libglib2.0-0t64|libglib2.0-0", "glib2", "libglib-2_0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0t64|libglib2.0-0", "glib2", "libgthread-2_0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "libdbus-1-3", "dbus"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "libwayland-client0", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "libwayland-cursor0", "wayland"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl", "libwayland-egl1", "wayland"),
    "libz.so.1": ("zlib1g", "zlib", "libz1", "zlib"),
    "libzstd.so.1": ("libzstd1", "libzstd", "libzstd1", "zstd"),
    "libpng16.so.16": ("libpng16-16t64|libpng16-16", "libpng", "libpng16-16", "libpng"),
    "libexpat.so.1": ("libexpat1", "expat", "libexpat1", "expat"),
    "libstdc++.so.6": ("libstdc++6", "libstdc++", "libstdc++6", "gcc-libs"),
    "libgcc_s.so.1": ("libgcc-s1", "libgcc", "libgcc_s1", "gcc-libs"),
}


@dataclass(frozen=True)
class PackageManager:
    name: str                   # apt, dnf, zypper or pacman
    column: int                 # its column in PACKAGES
    install: tuple[str, ...]    # the install command without a prompt, before the package names

    def command(self, packages: list[str], as_root: bool | None = None) -> str:
        """The one line a person runs: with sudo unless they are root already."""
        as_root = os.geteuid() == 0 if as_root is None else as_root
        shown = {"apt": ("apt-get", "install"), "dnf": ("dnf", "install"), "zypper": ("zypper", "install"),
                 "pacman": ("pacman", "-S", "--needed")}[self.name]
        return " ".join((() if as_root else ("sudo",)) + shown + tuple(packages))


MANAGERS = {
    "apt": PackageManager("apt", 0, ("apt-get", "install", "-y", "-q")),
    "dnf": PackageManager("dnf", 1, ("dnf", "install", "-y")),
    "zypper": PackageManager("zypper", 2, ("zypper", "--non-interactive", "install")),
    "pacman": PackageManager("pacman", 3, ("pacman", "-S", "--needed", "--noconfirm")),
}
_DISTRIBUTIONS = {"debian": "apt", "ubuntu": "apt", "fedora": "dnf", "rhel": "dnf", "centos": "dnf",
                  "suse": "zypper", "opensuse": "zypper", "arch": "pacman"}
_TOOLS = {"apt": "apt-get", "dnf": "dnf", "zypper": "zypper", "pacman": "pacman"}


def package_manager(os_release: Path = Path("/etc/os-release")) -> PackageManager | None:
    """The system's package manager: from /etc/os-release's ID and ID_LIKE, else whichever is installed."""
    ids: list[str] = []
    try:
        for line in os_release.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition("=")
            if key in ("ID", "ID_LIKE"):
                ids += value.strip().strip("\"'").lower().split()
    except OSError:
        pass
    for distro in ids:
        for prefix, name in _DISTRIBUTIONS.items():
            if distro.startswith(prefix) and shutil.which(_TOOLS[name]):
                return MANAGERS[name]
    return next((MANAGERS[name] for name, tool in _TOOLS.items() if shutil.which(tool)), None)


def packages_for(sonames: list[str], manager: PackageManager) -> tuple[list[str], list[str]]:
    """(the packages that provide these libraries, the libraries no package here is known for)."""
    packages: list[str] = []
    unknown: list[str] = []
    for soname in sonames:
        names = PACKAGES.get(soname)
        if names is None:
            unknown.append(soname)
            continue
        package = names[manager.column]
        if "|" in package:
            package = _first_known_to_apt(package.split("|")) if manager.name == "apt" else package.split("|")[-1]
        if package not in packages:
            packages.append(package)
    return packages, unknown


def _first_known_to_apt(alternatives: list[str]) -> str:
    """Asked only when such a library is missing; without apt's lists, the older name."""
    import subprocess  # not on the start-up path: only when a library is missing

    for name in alternatives:
        try:
            known = subprocess.run(["apt-cache", "show", "--no-all-versions", name], capture_output=True,
                                   timeout=20).returncode == 0
        except (OSError, subprocess.SubprocessError):
            break
        if known:
            return name
    return alternatives[-1]


# ---- reading the libraries Qt's files link to ----

def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of an ELF shared library, read the way the loader does (program headers).

    Returns [] for a file that is not ELF or is damaged; the loader then reports it itself.
    """
    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            if ident[:4] != b"\x7fELF" or ident[4] not in (1, 2) or ident[5] not in (1, 2):
                return []
            wide, end = ident[4] == 2, "<" if ident[5] == 1 else ">"
            header = struct.unpack(end + ("HHIQQQIHHHHHH" if wide else "HHIIIIIHHHHHH"),
                                   f.read(48 if wide else 36))
            phoff, phentsize, phnum = header[4], header[8], header[9]
            program = end + ("IIQQQQQQ" if wide else "IIIIIIII")
            loads, dynamic = [], None
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                fields = struct.unpack(program, f.read(struct.calcsize(program)))
                if wide:
                    kind, offset, vaddr, filesz = fields[0], fields[2], fields[3], fields[5]
                else:
                    kind, offset, vaddr, filesz = fields[0], fields[1], fields[2], fields[4]
                if kind == 1:  # PT_LOAD: maps file offsets to addresses
                    loads.append((vaddr, offset, filesz))
                elif kind == 2:  # PT_DYNAMIC
                    dynamic = (offset, filesz)
            if dynamic is None:
                return []
            f.seek(dynamic[0])
            entry = end + ("qQ" if wide else "iI")
            raw = f.read(dynamic[1])
            size = struct.calcsize(entry)
            needed, strtab = [], None
            for pos in range(0, len(raw) - size + 1, size):
                tag, value = struct.unpack_from(entry, raw, pos)
                if tag == 0:  # DT_NULL
                    break
                if tag == 1:  # DT_NEEDED: an offset into the string table
                    needed.append(value)
                elif tag == 5:  # DT_STRTAB: an address
                    strtab = next((value - v + o for v, o, n in loads if v <= value < v + n), None)
            if strtab is None:
                return []
            names = []
            for offset in needed:
                f.seek(strtab + offset)
                names.append(f.read(256).split(b"\0", 1)[0].decode("utf-8", "replace"))
            return names
    except (OSError, struct.error):
        return []


def qt_dir() -> Path | None:
    """PySide6's Qt folder (lib/, plugins/), found without importing PySide6."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / "Qt" / "plugins").is_dir():
            return Path(folder) / "Qt"
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen and (Path(frozen) / "PySide6" / "Qt" / "plugins").is_dir():
        return Path(frozen) / "PySide6" / "Qt"
    return None


def system_needs(qt: Path, platform: str) -> dict[str, str]:
    """soname -> the Qt file that needs it, for the libraries `platform`'s plugin and the app's Qt
    libraries load from the system (those not shipped beside Qt), the C library left out.

    Empty when the plugin is not there (a bundle built without it): nothing can be checked.
    """
    plugin = qt / "plugins" / "platforms" / PLATFORM_PLUGINS[platform]
    if not plugin.is_file():
        return {}
    shipped = [qt / "lib"]
    if getattr(sys, "_MEIPASS", None):  # PyInstaller may put a Qt library beside the others
        shipped.append(Path(sys._MEIPASS))
    needs: dict[str, str] = {soname: plugin.name for soname in DLOPENED.get(platform, ())}
    todo = [plugin] + [qt / "lib" / name for name in APP_QT_LIBRARIES if (qt / "lib" / name).is_file()]
    seen: set[str] = set()
    while todo:
        path = todo.pop()
        for soname in elf_needed(path):
            if soname in seen:
                continue
            seen.add(soname)
            local = next((folder / soname for folder in shipped if (folder / soname).is_file()), None)
            if local is not None:
                todo.append(local)
            elif soname not in C_LIBRARY:
                needs.setdefault(soname, path.name)
    return needs


def unloadable(sonames: list[str]) -> list[str]:
    """The libraries the dynamic loader cannot find, each named as the loader names it.

    Loading them here costs little: Qt loads the same files moments later. When a library is
    there but one it needs is not, the loader names the one that is missing, and that is reported.
    """
    missing: list[str] = []
    for soname in sonames:
        try:
            ctypes.CDLL(soname)
        except OSError as err:
            name = os.path.basename(str(err).split(":", 1)[0].strip())  # "libx.so.4: cannot open shared..."
            name = name if ".so" in name else soname
            if name not in missing:
                missing.append(name)
    return missing
