"""Where Wenan Studio keeps its files. `WENAN_HOME` overrides the platform's data dir."""
from __future__ import annotations

import json
import os
from pathlib import Path

APP_NAME = "WenanStudio"


def data_dir() -> Path:
    home = os.environ.get("WENAN_HOME")
    if home:
        path = Path(home).expanduser()
    else:
        import platformdirs
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    path = data_dir() / "models"
    path.mkdir(exist_ok=True)
    return path


def runs_dir() -> Path:
    """Unfinished trainings: checkpoints that `--resume` continues from."""
    path = data_dir() / "runs"
    path.mkdir(exist_ok=True)
    return path


def log_dir() -> Path:
    if os.environ.get("WENAN_HOME"):
        path = data_dir() / "logs"
    else:
        import platformdirs
        path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """Bundled resources; PyInstaller unpacks them beside the executable."""
    import sys
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
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
