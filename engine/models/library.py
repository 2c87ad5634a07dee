"""The model library: one folder per trained model under the data dir's models/."""
from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..common import paths
from ..common.atomic import atomic_dir, atomic_file, remove_stale_temps, translate_os_error
from ..common.errors import ModelLoadError
from .card import CARD_FILE, ModelCard, problems, read_card, write_card
from .device import DeviceChoice
from .discovery import base_folder
from .loading import check_model_folder

_DELETING = ".tmp-.delete-"  # a model being deleted is moved into such a folder first
_NAME_RE = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.\- ]{0,63}$")


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    card: ModelCard

    @property
    def is_lora(self) -> bool:
        return self.card.is_lora


@dataclass(frozen=True)
class ModelRef:
    """A model to load: a library model with its card, or a checked local folder without one."""
    folder: Path
    card: ModelCard | None = None

    @property
    def identity(self) -> str:
        """Tells models apart across renames and retraining: NAME@created_at, or the folder's path."""
        return self.card.identity if self.card else str(self.folder.resolve())

    def stamp(self) -> int:
        """Changes whenever the card is rewritten, so a cache keyed on it notices an edit."""
        return (self.folder / CARD_FILE).stat().st_mtime_ns if self.card else 0


def resolve_model(name_or_path: str, *, purpose: str = "write", device: DeviceChoice | None = None,
                  convert: bool = True) -> ModelRef | None:
    """A library model by name; else a base by the name `bases` prints, or a folder or .gguf path.

    A base goes through `discovery.base_folder`: checked, refused when it can't fit this
    device for `purpose`, a GGUF converted on first use. None only with `convert=False`, for a
    GGUF not converted yet. Raises ModelLoadError.
    """
    if not Path(name_or_path).expanduser().exists() and exists(name_or_path):
        info = get_model(name_or_path)
        return ModelRef(info.path, info.card)
    folder = base_folder(name_or_path, purpose=purpose, device=device, convert=convert)
    return None if folder is None else ModelRef(check_model_folder(folder))


def is_model_name(name: str) -> bool:
    """Whether `name` could name a library model at all; an Ollama tag (qwen2.5:0.5b), a hub id
    (Qwen/Qwen2.5-0.5B-Instruct) or a path can't, so it names a base."""
    return bool(_NAME_RE.match(name.strip())) and not name.strip().endswith((".", " "))


def check_name(name: str) -> str:
    name = name.strip()
    if not is_model_name(name):
        raise ModelLoadError("model_name_invalid", name=name)
    return name


def model_path(name: str) -> Path:
    return paths.models_dir() / check_name(name)


def _listed_folder(name: str) -> Path | None:
    """The folder of a name that `list_models` could show; None for paths, hidden or temp names."""
    if not name or name.startswith(".") or any(sep in name for sep in "/\\:") or Path(name).name != name:
        return None
    return paths.models_dir() / name


def list_models() -> list[ModelInfo]:
    """Finished models, newest first; first clears temp folders left by writes interrupted long ago."""
    remove_stale_temps(paths.models_dir(), older_than_s=6 * 3600)  # a training may be saving into a fresh one
    return finished_models()


def finished_models() -> list[ModelInfo]:
    """Finished models, newest first, read only. Temp folders from interrupted writes are never listed."""
    found = []
    for folder in paths.models_dir().iterdir():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        card = read_card(folder)
        if card is None:
            continue  # not ours, or damaged: leave it alone rather than guess
        found.append(ModelInfo(folder.name, folder, card))
    return sorted(found, key=lambda m: m.card.created_at, reverse=True)


def get_model(name: str) -> ModelInfo:
    """A library model by the name `list_models` shows; never a path, so nothing outside the library."""
    folder = _listed_folder(name)
    card = read_card(folder) if folder is not None else None
    if card is None:
        raise ModelLoadError("model_unknown", name=name)
    return ModelInfo(name, folder, card)


def exists(name: str) -> bool:
    """Whether `name` is a model in the library; False for any path, even one to a model folder."""
    folder = _listed_folder(name)
    return folder is not None and read_card(folder) is not None


def rename_model(old: str, new: str) -> ModelInfo:
    info = get_model(old)
    target = model_path(new)
    if target.exists():
        raise ModelLoadError("model_exists", name=target.name)
    try:
        info.path.rename(target)  # one rename: the model is under the old name or the new one, never half
    except OSError as err:
        raise translate_os_error(err, info.path) or err
    card = info.card.renamed(target.name)
    write_card(target, card)
    return ModelInfo(target.name, target, card)


def delete_model(name: str) -> None:
    info = get_model(name)
    root = info.path.parent
    # Move it into a fresh hidden folder first, so a half-deleted model is never listed. The
    # '.' after '.tmp-' keeps these apart from atomic_dir's temps, as no model name starts with '.'.
    doomed = None
    try:
        doomed = Path(tempfile.mkdtemp(prefix=_DELETING, dir=root))
        info.path.rename(doomed / info.name)
    except OSError as err:
        if doomed is not None:
            with contextlib.suppress(OSError):
                doomed.rmdir()  # only while empty: never takes the model with it
        raise translate_os_error(err, info.path) or err
    shutil.rmtree(doomed, ignore_errors=True)
    # Folders left by deletes killed midway; a minute spares one that another delete is emptying now.
    remove_stale_temps(root, older_than_s=60, pattern=_DELETING + "*")


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
    """Unpack an exported model zip into the library, after checking its layout, paths and wenan.json."""
    zip_path = Path(zip_path)
    try:
        zf = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as err:
        raise ModelLoadError("model_zip_invalid", path=str(zip_path)) from err
    with zf:
        top, members = _check_archive(zf, zip_path)
        target = model_path(name or top)
        if target.exists():
            raise ModelLoadError("model_exists", name=target.name)
        try:
            with atomic_dir(target) as tmp:
                for m in members:
                    dest = tmp.joinpath(*PurePosixPath(m.filename).parts[1:])
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(m) as src, open(dest, "wb") as out:
                        shutil.copyfileobj(src, out)
                write_card(tmp, read_card(tmp).renamed(target.name))
        except _UNPACK_ERRORS as err:
            if target.exists():  # another import or a training took the name meanwhile
                raise ModelLoadError("model_exists", name=target.name) from err
            raise ModelLoadError("model_zip_damaged", path=str(zip_path),
                                 reason=str(err) or type(err).__name__) from err
    return get_model(target.name)


# A bad checksum, a truncated or encrypted member, an unknown compression method, a clash of paths.
_UNPACK_ERRORS = (OSError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)
_META_MAX_BYTES = 1 << 20


def _check_archive(zf: zipfile.ZipFile, zip_path: Path) -> tuple[str, list[zipfile.ZipInfo]]:
    """The archive's one top folder and its files; raises ModelLoadError saying what is wrong."""
    members = [m for m in zf.infolist() if not m.is_dir()]
    files: dict[str, zipfile.ZipInfo] = {}  # normalised path -> member
    for m in members:
        p = PurePosixPath(m.filename).parts
        # zip-slip: an absolute path, '..', a Windows drive or separator could land outside the library
        if m.filename.startswith("/") or "\\" in m.filename or ".." in p or not p or ":" in p[0]:
            raise ModelLoadError("model_zip_unsafe", path=str(zip_path), member=m.filename)
        files["/".join(p)] = m
    parts = [name.split("/") for name in files]
    metas = [name for name in files if name.split("/")[-1] == CARD_FILE]
    if not metas:
        raise ModelLoadError("model_zip_no_meta", path=str(zip_path))
    tops = {p[0] for p in parts}
    top = tops.pop()
    meta_name = f"{top}/{CARD_FILE}"
    if tops or any(len(p) < 2 for p in parts) or meta_name not in files:
        raise ModelLoadError("model_zip_layout", path=str(zip_path), found=min(metas, key=len))
    for p in parts:  # a file that is also another file's folder cannot be unpacked
        if any("/".join(p[:i]) in files for i in range(2, len(p))):
            raise ModelLoadError("model_zip_damaged", path=str(zip_path), reason="/".join(p) + ": a file is in the way")
    if not any(len(p) == 2 and p[1].endswith(".safetensors") for p in parts):
        raise ModelLoadError("model_zip_no_weights", path=str(zip_path))
    _check_meta(zf, files[meta_name], zip_path)
    return top, members


def _check_meta(zf: zipfile.ZipFile, info: zipfile.ZipInfo, zip_path: Path) -> None:
    """wenan.json must be a JSON object with the fields that listing and loading a model rely on."""
    if info.file_size > _META_MAX_BYTES:
        raise ModelLoadError("model_zip_meta_bad", path=str(zip_path), problem="far too large")
    try:
        meta = json.loads(zf.read(info).decode("utf-8"))
    except ValueError as err:  # bad JSON or bad UTF-8
        raise ModelLoadError("model_zip_meta_bad", path=str(zip_path), problem=f"not valid JSON: {err}") from err
    except _UNPACK_ERRORS as err:
        raise ModelLoadError("model_zip_damaged", path=str(zip_path), reason=str(err) or type(err).__name__) from err
    if not isinstance(meta, dict):
        raise ModelLoadError("model_zip_meta_bad", path=str(zip_path), problem="not a JSON object")
    bad = problems(meta)
    if bad:
        raise ModelLoadError("model_zip_meta_bad", path=str(zip_path), problem="missing or invalid: " + ", ".join(bad))
