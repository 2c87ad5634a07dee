"""The Debian dependencies of a Linux bundle: what it needs from the system.

    python packaging/linux/deb_depends.py BUNDLE_DIR   # prints the Depends, then the Recommends value

The bundle ships Python, torch and Qt; the graphics stack, fonts, D-Bus and the C/C++
runtimes come from the system (bundle_contents.drop_system_libraries). DEPENDS names
their packages as Debian 12 and Ubuntu 22.04 and later call them; the versions of libc6
and libstdc++6 are read from the symbol versions the bundle's binaries ask for.
tests/test_package.py checks with dpkg that every library the bundle loads from the
system belongs to a package named here.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # build_archives.sh runs this file with the system's python3
    sys.path.insert(0, str(ROOT))
from ui.system_libs import DLOPENED, PLATFORM_PLUGINS  # noqa: E402

# Package -> the sonames it provides that bundled binaries link to directly.
DEPENDS: dict[str, tuple[str, ...]] = {
    "libgcc-s1": ("libgcc_s.so.1",),
    "libglib2.0-0t64 | libglib2.0-0": ("libglib-2.0.so.0", "libgobject-2.0.so.0", "libgio-2.0.so.0",
                                       "libgthread-2.0.so.0", "libgmodule-2.0.so.0"),
    "libdbus-1-3": ("libdbus-1.so.3",),
    "libzstd1": ("libzstd.so.1",),
    "libfontconfig1": ("libfontconfig.so.1",),
    "libfreetype6": ("libfreetype.so.6",),
    "libx11-6": ("libX11.so.6",),
    "libx11-xcb1": ("libX11-xcb.so.1",),
    "libxcb1": ("libxcb.so.1",),
    "libxcb-cursor0": ("libxcb-cursor.so.0",),
    "libxcb-glx0": ("libxcb-glx.so.0",),
    "libxcb-icccm4": ("libxcb-icccm.so.4",),
    "libxcb-image0": ("libxcb-image.so.0",),
    "libxcb-keysyms1": ("libxcb-keysyms.so.1",),
    "libxcb-randr0": ("libxcb-randr.so.0",),
    "libxcb-render-util0": ("libxcb-render-util.so.0",),
    "libxcb-render0": ("libxcb-render.so.0",),
    "libxcb-shape0": ("libxcb-shape.so.0",),
    "libxcb-shm0": ("libxcb-shm.so.0",),
    "libxcb-sync1": ("libxcb-sync.so.1",),
    "libxcb-util1": ("libxcb-util.so.1",),
    "libxcb-xfixes0": ("libxcb-xfixes.so.0",),
    "libxcb-xkb1": ("libxcb-xkb.so.1",),
    "libxkbcommon0": ("libxkbcommon.so.0",),
    "libxkbcommon-x11-0": ("libxkbcommon-x11.so.0",),
    "libegl1": ("libEGL.so.1",),
    "libgl1": ("libGL.so.1",),
    "libopengl0": ("libOpenGL.so.0",),
    "libglx0": ("libGLX.so.0",),
}
# Wayland sessions use these when present; without them Qt falls back to X11 (XWayland).
RECOMMENDS: dict[str, tuple[str, ...]] = {
    "libwayland-client0": ("libwayland-client.so.0",),
    "libwayland-cursor0": ("libwayland-cursor.so.0",),
    "libwayland-egl1": ("libwayland-egl.so.1",),
}
C_RUNTIME = ("libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2",
             "ld-linux-aarch64.so.1", "libutil.so.1", "libresolv.so.2", "libstdc++.so.6")
# The GCC release whose libstdc++ first has each GLIBCXX symbol version.
GLIBCXX_GCC = {28: "10", 29: "11", 30: "12", 31: "13", 32: "13.2", 33: "14", 34: "15"}


def elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed(path: Path) -> list[str]:
    """The DT_NEEDED sonames of one ELF file."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def system_needs(bundle: Path) -> dict[str, list[str]]:
    """soname -> the bundled files that link to it, for sonames the bundle does not ship.

    Also what a platform plugin loads by name at run time (Qt's xcb plugin: xcb-cursor), which
    DT_NEEDED need not list."""
    files = elf_files(bundle)
    shipped = {p.name for p in files} | {p.name for p in bundle.rglob("*.so*") if p.is_symlink()}
    plugins = {file: platform for platform, file in PLATFORM_PLUGINS.items()}
    result: dict[str, list[str]] = {}
    for path in files:
        for soname in needed(path) + list(DLOPENED.get(plugins.get(path.name, ""), ())):
            if soname not in shipped and str(path.relative_to(bundle)) not in result.get(soname, []):
                result.setdefault(soname, []).append(str(path.relative_to(bundle)))
    return result


def max_symbol_version(files: list[Path], prefix: str) -> tuple[int, ...] | None:
    best = None
    for chunk in range(0, len(files), 50):
        out = subprocess.run(["objdump", "-T", *map(str, files[chunk:chunk + 50])], capture_output=True,
                             text=True).stdout
        for match in re.finditer(rf"\b{prefix}_(\d+(?:\.\d+)+)\b", out):
            version = tuple(int(x) for x in match[1].split("."))
            best = version if best is None or version > best else best
    return best


def _packages(table: dict[str, tuple[str, ...]], needs: dict[str, list[str]]) -> list[str]:
    return [package for package, sonames in table.items() if any(soname in needs for soname in sonames)]


def depends_field(bundle: Path) -> str:
    """libc6 and libstdc++6 at the versions the binaries ask for, then each DEPENDS package
    whose libraries the bundle links to."""
    files = elf_files(bundle)
    fields = []
    glibc = max_symbol_version(files, "GLIBC")
    fields.append(f"libc6 (>= {'.'.join(map(str, glibc))})" if glibc else "libc6")
    glibcxx = max_symbol_version(files, "GLIBCXX")
    gcc = GLIBCXX_GCC.get(glibcxx[2]) if glibcxx and len(glibcxx) > 2 else None
    fields.append(f"libstdc++6 (>= {gcc})" if gcc else "libstdc++6")
    fields += _packages(DEPENDS, system_needs(bundle))
    return ", ".join(fields)


def recommends_field(bundle: Path) -> str:
    return ", ".join(_packages(RECOMMENDS, system_needs(bundle)))


def unlisted_needs(bundle: Path) -> dict[str, list[str]]:
    """System sonames the bundle links to that no package in DEPENDS or RECOMMENDS provides."""
    listed = {soname for names in (*DEPENDS.values(), *RECOMMENDS.values()) for soname in names}
    return {soname: users for soname, users in system_needs(bundle).items()
            if soname not in listed and soname not in C_RUNTIME}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    missing = unlisted_needs(folder)
    if missing:
        for soname, users in sorted(missing.items()):
            print(f"deb_depends: {soname} (needed by {users[0]}) is in no listed package", file=sys.stderr)
        sys.exit(1)
    print(depends_field(folder))
    print(recommends_field(folder))
