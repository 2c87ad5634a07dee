"""Where Wenan Studio keeps its files. `WENAN_HOME` overrides the platform's data dir."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import WenanError

APP_NAME = "WenanStudio"


def _make_dir(path: Path) -> Path:
    """Create a data folder, or say which one cannot be used (a file in the way, no permission)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WenanError("data_dir_unusable", path=str(path), reason=err.strerror or type(err).__name__) from err
    return path


def data_dir() -> Path:
    home = os.environ.get("WENAN_HOME")
    if home:
        path = Path(home).expanduser()
    else:
        import platformdirs
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return _make_dir(path)


def models_dir() -> Path:
    return _make_dir(data_dir() / "models")


def runs_dir() -> Path:
    """Unfinished trainings: checkpoints that `--resume` continues from."""
    return _make_dir(data_dir() / "runs")


def log_dir() -> Path:
    if os.environ.get("WENAN_HOME"):
        path = data_dir() / "logs"
    else:
        import platformdirs
        path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    return _make_dir(path)


def resources_dir() -> Path:
    """Bundled resources; PyInstaller unpacks them beside the executable."""
    import sys
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent.parent))
    return base / "resources"


def sample_file() -> Path:
    return resources_dir() / "samples" / "shop_copy.txt"


def bundled_bases() -> list[Path]:
    """Base models shipped in the installer (`make package BASE_MODEL=DIR`)."""
    folder = resources_dir() / "base_models"
    return sorted(p for p in folder.iterdir() if (p / "config.json").is_file()) if folder.is_dir() else []


def build_info() -> dict:
    """What the installer build recorded (flavour, version, build time); {} when running from source."""
    try:
        return json.loads((resources_dir() / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
