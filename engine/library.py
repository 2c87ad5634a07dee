"""The model library: one folder per trained model under the data dir's models/."""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .atomic import atomic_dir, atomic_file, remove_stale_temps, write_text
from .errors import ModelLoadError

META_FILE = "wenan.json"
_NAME_RE = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.\- ]{0,63}$")


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    meta: dict

    @property
    def is_lora(self) -> bool:
        return self.meta.get("method") == "lora"


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME_RE.match(name) or name.endswith((".", " ")):
        raise ModelLoadError("model_name_invalid", name=name)
    return name


def model_path(name: str) -> Path:
    return paths.models_dir() / check_name(name)


def list_models() -> list[ModelInfo]:
    """Finished models, newest first. Temp folders from interrupted writes are never listed."""
    root = paths.models_dir()
    remove_stale_temps(root, older_than_s=6 * 3600)  # a training may be saving into a fresh one right now
    found = []
    for folder in root.iterdir():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours, or damaged: leave it alone rather than guess
        found.append(ModelInfo(folder.name, folder, meta))
    return sorted(found, key=lambda m: m.meta.get("created_at", ""), reverse=True)


def get_model(name: str) -> ModelInfo:
    folder = paths.models_dir() / name
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelLoadError("model_unknown", name=name) from err
    return ModelInfo(name, folder, meta)


def exists(name: str) -> bool:
    return (paths.models_dir() / name / META_FILE).is_file()


def rename_model(old: str, new: str) -> ModelInfo:
    info = get_model(old)
    target = model_path(new)
    if target.exists():
        raise ModelLoadError("model_exists", name=new)
    info.path.rename(target)
    meta = dict(info.meta, name=target.name)
    write_text(target / META_FILE, json.dumps(meta, ensure_ascii=False, indent=2))
    return ModelInfo(target.name, target, meta)


def delete_model(name: str) -> None:
    info = get_model(name)
    # Rename first so a half-deleted folder is never listed as a model.
    doomed = info.path.with_name(f".tmp-delete-{info.name}")
    info.path.rename(doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def export_model(name: str, zip_path: str | Path) -> Path:
    """Write the model folder to a zip, atomically."""
    info = get_model(name)
    zip_path = Path(zip_path)
    with atomic_file(zip_path, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(info.path.rglob("*")):
            if file.is_file():
                zf.write(file, f"{info.name}/{file.relative_to(info.path).as_posix()}")
    return zip_path


def import_model(zip_path: str | Path, name: str | None = None) -> ModelInfo:
    """Unpack an exported model zip into the library, checking every member's path."""
    zip_path = Path(zip_path)
    try:
        zf = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as err:
        raise ModelLoadError("model_zip_invalid", path=str(zip_path)) from err
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        tops = {m.filename.split("/", 1)[0] for m in members}
        if len(tops) != 1 or not any(m.filename.endswith("/" + META_FILE) for m in members):
            raise ModelLoadError("model_zip_invalid", path=str(zip_path))
        top = tops.pop()
        target = model_path(name or top)
        if target.exists():
            raise ModelLoadError("model_exists", name=target.name)
        with atomic_dir(target) as tmp:
            for m in members:
                rel = Path(m.filename).relative_to(top)
                if rel.is_absolute() or ".." in rel.parts:  # zip-slip
                    raise ModelLoadError("model_zip_invalid", path=str(zip_path))
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(m) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
            meta = json.loads((tmp / META_FILE).read_text(encoding="utf-8"))
            meta["name"] = target.name
            (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return get_model(target.name)
