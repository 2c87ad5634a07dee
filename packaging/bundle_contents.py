"""What goes into the PyInstaller bundle, and what is pruned from it.

Imported by wenan.spec at build time (and by tests/test_package.py); it never
runs inside the bundle. Kept free of PyInstaller imports so the rules can be
tested without building anything.

This folder has no __init__.py on purpose: a `packaging` package here would
shadow the PyPI `packaging` library that torch and transformers import.
"""
from __future__ import annotations

import fnmatch
import json
import os
import platform
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "wenan-studio"

# Weights that can run code when loaded: never shipped (the engine refuses them too).
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
# Files of a model folder that are never needed at run time.
MODEL_SKIP = (".git", ".gitattributes", ".cache", "README.md", "LICENSE.md")

# Python packages the app never imports at run time: test and dev tools, other GUI toolkits,
# and the Qt modules it does not use. The engine imports none of them; ui/ uses only
# QtCore, QtGui, QtWidgets and QtSvg, and pyqtgraph imports QtOpenGLWidgets and QtTest only
# inside try/except (it falls back when they are missing; the app keeps useOpenGL off).
EXCLUDED_MODULES = [
    "pytest", "_pytest", "pytestqt", "pluggy", "iniconfig", "importlinter", "grimp",
    "IPython", "ipykernel", "jupyter_client", "notebook", "matplotlib", "tkinter", "_tkinter",
    "PyQt5", "PyQt6", "PySide2", "PIL", "pandas", "scipy", "sklearn", "tensorboard", "torchvision",
    "torchaudio", "triton", "onnx", "pip", "hf_xet", "typer", "rich", "pygments", "readline", "curses",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets", "PySide6.QtHttpServer",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickControls2", "PySide6.QtQuickWidgets",
    "PySide6.QtQuickTest", "PySide6.QtQuick3D", "PySide6.QtQmlFeatures", "PySide6.QtLabsStyleKit",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.Qt3DInput", "PySide6.Qt3DLogic",
    "PySide6.Qt3DAnimation", "PySide6.Qt3DExtras", "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets",
    "PySide6.QtSpatialAudio", "PySide6.QtTextToSpeech", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtGraphs", "PySide6.QtGraphsWidgets", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
    "PySide6.QtBluetooth", "PySide6.QtNfc", "PySide6.QtPositioning", "PySide6.QtLocation",
    "PySide6.QtSensors", "PySide6.QtSerialPort", "PySide6.QtSerialBus", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtHelp", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtNetwork", "PySide6.QtNetworkAuth", "PySide6.QtRemoteObjects", "PySide6.QtScxml",
    "PySide6.QtStateMachine", "PySide6.QtConcurrent", "PySide6.QtXml", "PySide6.QtDBus",
    "PySide6.QtPrintSupport", "PySide6.QtAxContainer",
    "pyqtgraph.opengl", "pyqtgraph.examples", "pyqtgraph.jupyter",
]

# Bundle paths (relative to the contents folder, "/"-separated) that are never used. They are
# dropped after PyInstaller's hooks have collected them. Each rule names why it is safe.
PRUNED = [
    # torch: C++ headers, static libs, CMake files and the C++ test programs and test libraries
    # (torch/bin keeps torch_shm_manager, which `import torch` looks for).
    "torch/include/*", "torch/share/*", "torch/bin/*", "torch/test/*",
    "torch/lib/*.a", "torch/lib/*.lib", "torch/lib/*test*", "torch/lib/libbackend_with_compiler*",
    "torch/lib/libaoti_custom_ops*", "*.pyi",
    # Qt: plugins for displays, devices and features the app does not use.
    "PySide6/Qt/plugins/platforms/*eglfs*", "PySide6/Qt/plugins/platforms/*linuxfb*",
    "PySide6/Qt/plugins/platforms/*vnc*", "PySide6/Qt/plugins/platforms/*minimalegl*",
    "PySide6/Qt/plugins/platforms/*vkkhrdisplay*", "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/generic/*", "PySide6/Qt/plugins/networkinformation/*", "PySide6/Qt/plugins/tls/*",
    "PySide6/Qt/plugins/sqldrivers/*", "PySide6/Qt/plugins/qmltooling/*", "PySide6/Qt/plugins/designer/*",
    "PySide6/Qt/plugins/printsupport/*", "PySide6/Qt/plugins/vectorimageformats/*",
    "PySide6/Qt/plugins/wayland-graphics-integration-server/*",
    "PySide6/Qt/plugins/platforminputcontexts/*virtualkeyboard*",
    "PySide6/Qt/plugins/imageformats/*pdf*", "PySide6/Qt/plugins/imageformats/*tiff*",
    "PySide6/Qt/plugins/imageformats/*webp*", "PySide6/Qt/plugins/imageformats/*tga*",
    "PySide6/Qt/plugins/imageformats/*wbmp*", "PySide6/Qt/plugins/imageformats/*jpeg*",
    "PySide6/Qt/plugins/imageformats/*gif*",
    # The GTK theme would load the user's GTK against libraries from the build machine; the
    # desktop portal plugin still gives native file dialogs.
    "PySide6/Qt/plugins/platformthemes/*gtk3*",
    # Wayland: xdg-shell and the decorations are what desktops use; the rest serve kiosks and
    # compositors' server-side buffers.
    "PySide6/Qt/plugins/wayland-shell-integration/*fullscreen-shell*",
    "PySide6/Qt/plugins/wayland-shell-integration/*ivi-shell*",
    "PySide6/Qt/plugins/wayland-shell-integration/*wl-shell*",
    "PySide6/Qt/plugins/wayland-graphics-integration-client/*-server.so",
    "PySide6/Qt/plugins/wayland-shell-integration/*qt-shell*",
    # Qt libraries that only the plugins pruned above (or no bundled file) link to.
    "*libQt6Network.so*", "*libQt6EglFSDeviceIntegration.so*", "*libQt6EglFsKmsSupport.so*",
    "*libQt6WlShellIntegration.so*",
    "PySide6/Qt/qml/*", "PySide6/Qt/metatypes/*", "PySide6/Qt/libexec/*", "PySide6/include/*",
    "PySide6/typesystems/*", "PySide6/glue/*", "PySide6/doc/*",
    # Qt translations: only the languages the app offers (Chinese; English is built in).
    "PySide6/Qt/translations/*",
    # numpy and others: C headers and test suites.
    "numpy/_core/include/*", "numpy/*/tests/*", "*/tests/*.py",
]
# Kept although a PRUNED rule matches them.
KEPT = [
    "torch/bin/torch_shm_manager",
    "PySide6/Qt/translations/qt_zh_CN.qm", "PySide6/Qt/translations/qtbase_zh_CN.qm",
    "PySide6/Qt/translations/qt_zh_TW.qm", "PySide6/Qt/translations/qtbase_zh_TW.qm",
]


# Linux: libraries from the build machine's system folders that the bundle still ships, because
# Python's standard library needs them and distributions differ in their versions (Ubuntu 20.04
# has OpenSSL 1.1 and an SQLite without the FTS5 trigram tokenizer the history uses). Every other
# system library comes from the user's system (packaging/linux/deb_depends.sh lists their
# packages): the graphics stack, fonts and D-Bus must match its drivers, configuration and
# services, and libraries found only on the build machine (say a CUDA toolkit) must not ship.
BUNDLED_SYSTEM_LIBRARIES = ["libpython3*", "libssl.so.*", "libcrypto.so.*", "libsqlite3.so.*", "libffi.so.*",
                            "liblzma.so.*", "libbz2.so.*", "libuuid.so.*", "libz.so.*", "libmpdec.so.*"]
# Linux: torch's libraries carry a full symbol table (about 90 MB) used only by debuggers;
# the dynamic symbols that loading needs stay.
STRIPPED = ["torch/lib/libtorch_cpu.so", "torch/lib/libtorch_python.so", "torch/lib/libc10.so"]


def is_pruned(dest: str) -> bool:
    """True when a file at bundle path `dest` (relative to the contents folder) is left out."""
    path = str(PurePosixPath(dest.replace("\\", "/")))
    if any(fnmatch.fnmatchcase(path, pattern) for pattern in KEPT):
        return False
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in PRUNED)


def prune(toc: list) -> list:
    """A PyInstaller TOC (dest, src, typecode) less the pruned entries."""
    return [entry for entry in toc if not is_pruned(entry[0])]


def drop_system_libraries(binaries: list, python_dirs: list[str]) -> tuple[list, list[str]]:
    """Linux: (kept TOC, dropped names): binaries from outside `python_dirs` (site-packages and
    the standard library) go, unless BUNDLED_SYSTEM_LIBRARIES names them. So do the SYMLINK
    entries that point at them (see drop_dangling_links)."""
    roots = [str(Path(d).resolve()) + "/" for d in python_dirs]
    kept, dropped = [], []
    for entry in binaries:
        if entry[2] == "SYMLINK":
            kept.append(entry)
            continue
        dest, src = entry[0], str(Path(entry[1]).resolve())
        name = PurePosixPath(dest).name
        inside = any(src.startswith(root) for root in roots)
        if inside or any(fnmatch.fnmatchcase(name, pattern) for pattern in BUNDLED_SYSTEM_LIBRARIES):
            kept.append(entry)
        else:
            dropped.append(name)
    kept, links = drop_dangling_links(kept, [entry[0] for entry in kept if entry[2] != "SYMLINK"])
    return kept, sorted(dropped + links)


def drop_dangling_links(toc: list, present: list[str]) -> tuple[list, list[str]]:
    """(kept TOC, dropped names): SYMLINK entries whose target is not among the bundle paths
    `present`. PyInstaller keeps a versioned library's link (libcudart.so -> libcudart.so.13,
    found through a `ctypes.CDLL("libcudart.so")`) even when the library itself stays on the
    system; in the bundle it would dangle."""
    files = {PurePosixPath(dest.replace("\\", "/")) for dest in present}
    kept, dropped = [], []
    for entry in toc:
        if entry[2] == "SYMLINK":
            link = PurePosixPath(entry[0].replace("\\", "/"))
            if PurePosixPath(os.path.normpath(link.parent / entry[1].replace("\\", "/"))) not in files:
                dropped.append(link.name)
                continue
        kept.append(entry)
    return kept, dropped


def stripped_copies(binaries: list, folder: Path) -> list:
    """Linux: the TOC with STRIPPED libraries replaced by symbol-table-free copies in `folder`
    (made once, redone only when the source changes)."""
    result = []
    for entry in binaries:
        dest, src, kind = entry
        if dest.replace("\\", "/") in STRIPPED:
            copy = folder / dest
            if not copy.exists() or copy.stat().st_mtime < Path(src).stat().st_mtime:
                copy.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["strip", "--strip-unneeded", "-o", str(copy), src], check=True)
            entry = (dest, str(copy), kind)
        result.append(entry)
    return result


# ---- resources ----

def resource_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """Every file under resources/ as (source, destination folder), so that it lands at
    <_MEIPASS>/resources/... where engine.common.paths.resources_dir() looks when frozen.
    Translation sources (.ts) are compiled, not shipped; bundled base models come from
    --base-model, never from a developer's resources/base_models."""
    resources = root / "resources"
    datas = []
    for path in sorted(resources.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or "__pycache__" in rel.parts or path.suffix == ".ts":
            continue
        if rel.parts[1] in ("base_models", "build.json"):
            continue
        datas.append((str(path), rel.parent.as_posix()))
    return datas


def compile_translations(i18n: Path, out: Path, lrelease: str | None) -> list[tuple[str, str]]:
    """Compile each resources/i18n/*.ts that has no up-to-date .qm beside it; (source, dest) pairs."""
    datas = []
    for ts in sorted(i18n.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue  # resource_datas() ships it
        if lrelease is None:
            raise SystemExit(f"{ts} needs compiling, and lrelease (pyside6-lrelease) was not found")
        out.mkdir(parents=True, exist_ok=True)
        target = out / qm.name
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(target)], check=True)
        datas.append((str(target), "resources/i18n"))
    return datas


# ---- build information ----

def project_version(root: Path = ROOT) -> str:
    """The version in pyproject.toml (engine.__version__ must agree; a test checks it)."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("no version in pyproject.toml")
    return match.group(1)


def build_info(flavour: str, base_models: list[str], root: Path = ROOT) -> dict:
    """The content of resources/build.json, which the About dialog shows."""
    import torch  # the build environment's torch is the one that gets bundled

    return {
        "flavour": flavour,
        "version": project_version(root),
        "built": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "platform": f"{platform.system().lower()}-{platform.machine().lower()}",
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "base_models": base_models,
    }


def macos_minimum(dists: tuple[str, ...] = ("torch", "PySide6_Essentials", "shiboken6", "numpy"),
                  floor: str = "12.0") -> str:
    """LSMinimumSystemVersion: the newest macOS that any bundled wheel was built for."""
    from importlib import metadata

    best = tuple(int(part) for part in floor.split("."))
    for dist in dists:
        try:
            wheel = metadata.distribution(dist).read_text("WHEEL") or ""
        except metadata.PackageNotFoundError:
            continue
        for match in re.finditer(r"macosx_(\d+)_(\d+)_", wheel):
            best = max(best, (int(match[1]), int(match[2])))
    return f"{best[0]}.{best[1]}"


def write_build_info(info: dict, folder: Path) -> tuple[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "build.json"
    path.write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return str(path), "resources"


# ---- an optional built-in base model ----

class BaseModelError(ValueError):
    """A --base-model folder that cannot be bundled; the message says why."""


def base_model_files(folder: Path) -> list[Path]:
    """The files of a local Hugging Face model folder to bundle, after checking it is safe.

    Needs config.json and at least one *.safetensors file; refuses pickle weights, which
    can run code when loaded. Symlinks (as in a hub cache snapshot) are followed.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise BaseModelError(f"{folder} is not a folder")
    if not (folder / "config.json").is_file():
        raise BaseModelError(f"{folder} has no config.json: not a Hugging Face model folder")
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()
             and not any(part in MODEL_SKIP for part in p.relative_to(folder).parts)]
    pickles = [p.name for p in files if p.suffix.lower() in PICKLE_SUFFIXES]
    if pickles:
        raise BaseModelError(f"{folder} holds pickle weights ({', '.join(pickles)}), which can run code when "
                             "loaded; convert them to safetensors first")
    if not any(p.suffix == ".safetensors" for p in files):
        raise BaseModelError(f"{folder} has no *.safetensors weights")
    return files


def base_model_datas(folder: Path) -> tuple[str, list[tuple[str, str]]]:
    """(name, datas) placing the model at resources/base_models/<name>/ in the bundle."""
    folder = Path(folder).expanduser().resolve()
    name = folder.name
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise BaseModelError(f"rename the folder {folder}: use letters, digits, '.', '_' and '-' only")
    datas = []
    for path in base_model_files(folder):
        dest = PurePosixPath("resources", "base_models", name, *path.relative_to(folder).parent.parts)
        datas.append((str(path.resolve()), str(dest)))
    return name, datas
