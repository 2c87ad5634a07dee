"""Folders and files the user added as bases, remembered in the data folder (bases/added.json)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..common import paths
from ..common.atomic import write_text
from ..common.errors import ModelLoadError

VERSION = 1


def bases_dir() -> Path:
    """Our own folder for bases: the list of added paths, the scan cache, converted GGUF files."""
    folder = paths.data_dir() / "bases"
    folder.mkdir(exist_ok=True)
    return folder


def _file() -> Path:
    return bases_dir() / "added.json"


def added_paths() -> list[Path]:
    """The remembered paths, oldest first; a damaged file reads as none (it is rewritten on the next add)."""
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    items = data.get("paths") if isinstance(data, dict) and data.get("version") == VERSION else None
    return [Path(p) for p in items if isinstance(p, str)] if isinstance(items, list) else []


def _save(items: list[Path]) -> None:
    write_text(_file(), json.dumps({"version": VERSION, "paths": [str(p) for p in items]},
                                   ensure_ascii=False, indent=1))


def _same(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def add_path(path: str | Path) -> Path:
    """Remember a model folder, a .gguf file, or a folder holding models; returns it absolute."""
    path = Path(path).expanduser().absolute()
    if not path.exists():
        raise ModelLoadError("model_missing", path=str(path))
    items = added_paths()
    if not any(_same(path, p) for p in items):
        _save(items + [path])
    return path


def remove_path(path: str | Path) -> bool:
    items = added_paths()
    kept = [p for p in items if not _same(Path(path).expanduser(), p)]
    if len(kept) != len(items):
        _save(kept)
    return len(kept) != len(items)
