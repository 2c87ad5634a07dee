"""Where other programs keep models on this computer, and how each lays them out.

Every function here only reads: other people's folders are never written to, not even a cache
file. Each store yields `Found` items (a folder with config.json, or a .gguf file); reading
what is inside them is `base_info`'s job.
"""
from __future__ import annotations

import configparser
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
OLLAMA_LICENSE_LAYER = "application/vnd.ollama.image.license"
OLLAMA_TEMPLATE_LAYER = "application/vnd.ollama.image.template"
OLLAMA_HOST, OLLAMA_NAMESPACE = "registry.ollama.ai", "library"
_SKIP_GGUF = ("mmproj", "incomplete-")  # vision projectors and partial downloads are not models


@dataclass(frozen=True)
class Found:
    name: str                    # as the user knows it, e.g. "qwen2.5:0.5b" or "Qwen/Qwen2.5-0.5B-Instruct"
    source: str                  # one of SOURCES
    path: Path                   # a model folder (config.json) or a .gguf file
    kind: str                    # "folder" | "gguf"
    problem: str | None = None   # a message key when the store's own records are broken
    params: dict = field(default_factory=dict)  # for the problem's message
    license: str | None = None   # what the store says about the licence (Ollama's license layer)


SOURCES = ("builtin", "added", "huggingface", "modelscope", "ollama", "lmstudio", "gpt4all", "jan", "scan")


def _home() -> Path:
    return Path.home()


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _data_root() -> Path:
    """The per-user data root other apps use: XDG data home, Application Support, %APPDATA%."""
    if sys.platform == "win32":
        return _env_path("APPDATA") or _home() / "AppData" / "Roaming"
    if sys.platform == "darwin":
        return _home() / "Library" / "Application Support"
    return _env_path("XDG_DATA_HOME") or _home() / ".local" / "share"


def _dirs(entries) -> Iterator[os.DirEntry]:
    try:
        with os.scandir(entries) as it:
            yield from sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return None


# ---- Ollama: manifests/<host>/<namespace>/<model>/<tag> (JSON) -> blobs/sha256-<hex> ----

def ollama_roots() -> list[Path]:
    env = _env_path("OLLAMA_MODELS")
    if env:
        return [env]
    roots = [_home() / ".ollama" / "models"]
    if sys.platform.startswith("linux"):
        roots.append(Path("/usr/share/ollama/.ollama/models"))  # the Linux installer's service user
    return roots


def ollama_name(host: str, namespace: str, model: str, tag: str) -> str:
    """Ollama's own short form (types/model Name.DisplayShortest): qwen2.5:0.5b, user/model:tag."""
    if host.lower() != OLLAMA_HOST:
        return f"{host}/{namespace}/{model}:{tag}"
    if namespace.lower() != OLLAMA_NAMESPACE:
        return f"{namespace}/{model}:{tag}"
    return f"{model}:{tag}"


def find_ollama(root: Path) -> list[Found]:
    found = []
    manifests = root / "manifests"
    for host in _dirs(manifests):
        for namespace in _dirs(host.path):
            for model in _dirs(namespace.path):
                for tag in _dirs(model.path):
                    if tag.is_file():
                        name = ollama_name(host.name, namespace.name, model.name, tag.name)
                        item = _ollama_entry(root, name, Path(tag.path))
                        if item:
                            found.append(item)
    return found


def _blob(root: Path, digest: str) -> Path | None:
    kind, _, value = str(digest).replace(":", "-").partition("-")
    if kind != "sha256" or len(value) != 64:
        return None
    return root / "blobs" / f"sha256-{value}"


def _ollama_entry(root: Path, name: str, manifest: Path) -> Found | None:
    layers = _read_json(manifest).get("layers")
    if not isinstance(layers, list):
        return Found(name, "ollama", manifest, "gguf", "ollama_manifest_broken", {"name": name, "path": str(manifest)})
    by_type = {layer.get("mediaType"): layer for layer in layers if isinstance(layer, dict)}
    model = by_type.get(OLLAMA_MODEL_LAYER)
    if model is None:  # e.g. a safetensors-only import or an embedding-only entry: nothing to read
        return None
    blob = _blob(root, model.get("digest", ""))
    if blob is None or not blob.is_file():
        return Found(name, "ollama", blob or manifest, "gguf", "ollama_blob_missing",
                     {"name": name, "blob": str(blob or model.get("digest"))})
    licence = None
    if OLLAMA_LICENSE_LAYER in by_type:
        path = _blob(root, by_type[OLLAMA_LICENSE_LAYER].get("digest", ""))
        try:
            licence = _first_line(path.read_text(encoding="utf-8", errors="replace")[:4000]) if path else None
        except OSError:
            licence = None
    return Found(name, "ollama", blob, "gguf", license=licence)


# ---- LM Studio: <models>/<publisher>/<model>/<file>.gguf ----

def lmstudio_roots() -> list[Path]:
    homes = []
    pointer = _home() / ".lmstudio-home-pointer"  # LM Studio writes where its home was moved to
    try:
        text = pointer.read_text(encoding="utf-8").strip().splitlines()
        if text and text[0].strip():
            homes.append(Path(text[0].strip()))
    except OSError:
        pass
    homes += [_home() / ".lmstudio", _home() / ".cache" / "lm-studio"]
    roots = []
    for home in homes:
        custom = _read_json(home / "settings.json").get("downloadsFolder")
        roots += ([Path(custom)] if isinstance(custom, str) and custom else []) + [home / "models"]
    return roots


def find_lmstudio(root: Path) -> list[Found]:
    found = []
    for publisher in _dirs(root):
        for model in _dirs(publisher.path):
            if not model.is_dir():
                continue
            for file in _gguf_files(Path(model.path)):
                found.append(Found(f"{publisher.name}/{model.name}/{file.name}", "lmstudio", file, "gguf"))
            if (Path(model.path) / "config.json").is_file():  # LM Studio also keeps MLX/safetensors folders
                found.append(Found(f"{publisher.name}/{model.name}", "lmstudio", Path(model.path), "folder"))
    return found


def _gguf_files(folder: Path) -> list[Path]:
    return [Path(e.path) for e in _dirs(folder)
            if e.name.lower().endswith(".gguf") and not e.name.lower().startswith(_SKIP_GGUF) and e.is_file()]


# ---- GPT4All: *.gguf directly in its model folder (GPT4All.ini's modelPath) ----

def gpt4all_roots() -> list[Path]:
    if sys.platform == "win32":
        ini = _data_root() / "nomic.ai" / "GPT4All.ini"
        default = (_env_path("LOCALAPPDATA") or _home() / "AppData" / "Local") / "nomic.ai" / "GPT4All"
    else:  # Qt's IniFormat puts user settings under ~/.config on macOS too
        ini = (_env_path("XDG_CONFIG_HOME") or _home() / ".config") / "nomic.ai" / "GPT4All.ini"
        default = _data_root() / "nomic.ai" / "GPT4All"
    roots = [default]
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
        custom = parser.get("General", "modelPath", fallback="").strip()
    except (configparser.Error, OSError, UnicodeDecodeError):
        custom = ""
    return ([Path(custom)] if custom else []) + roots


def find_gpt4all(root: Path) -> list[Found]:
    return [Found(file.name, "gpt4all", file, "gguf") for file in _gguf_files(root)]


# ---- Jan: <data folder>/llamacpp/models/<id>/model.gguf (older: <data folder>/models/<id>/*.gguf) ----

def jan_roots() -> list[Path]:
    env = _env_path("JAN_DATA_FOLDER")
    settings = _read_json(_data_root() / "jan.ai.app" / "settings.json")
    folders = [env] if env else []
    folders += [Path(settings["data_folder"])] if isinstance(settings.get("data_folder"), str) else []
    folders += [_data_root() / "Jan" / "data", _home() / "jan"]  # `~/jan` is where Jan 0.5 kept its data
    roots = [Path(settings["models_folder"])] if isinstance(settings.get("models_folder"), str) else []
    for folder in folders:
        roots += [folder / "llamacpp" / "models", folder / "models"]
    return roots


def find_jan(root: Path) -> list[Found]:
    found = []
    for model in _dirs(root):
        if not model.is_dir():
            continue
        files = _gguf_files(Path(model.path))
        for sub in _dirs(model.path):  # ids with a slash nest one level deeper
            if sub.is_dir():
                files += _gguf_files(Path(sub.path))
        for file in files:
            ident = file.parent.relative_to(root).as_posix()
            name = ident if len(files) == 1 else f"{ident}/{file.name}"
            found.append(Found(name, "jan", file, "gguf"))
    return found


# ---- Hugging Face hub cache: models--ORG--NAME/snapshots/REV/ (symlinks into blobs/) ----

def huggingface_roots() -> list[Path]:
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        env = _env_path(name)
        if env:
            return [env]
    hf_home = _env_path("HF_HOME")
    if hf_home:
        return [hf_home / "hub"]
    return [(_env_path("XDG_CACHE_HOME") or _home() / ".cache") / "huggingface" / "hub"]


def snapshot(repo: Path) -> Path | None:
    """The snapshot refs/main points at, else the newest one."""
    try:
        ref = (repo / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        ref = ""
    if ref and (repo / "snapshots" / ref).is_dir():
        return repo / "snapshots" / ref
    snaps = [Path(e.path) for e in _dirs(repo / "snapshots") if e.is_dir()]
    return max(snaps, key=lambda p: p.stat().st_mtime) if snaps else None


def find_huggingface(root: Path) -> list[Found]:
    found = []
    for repo in _dirs(root):
        if not repo.name.startswith("models--") or not repo.is_dir():
            continue
        repo_id = repo.name[len("models--"):].replace("--", "/")
        snap = snapshot(Path(repo.path))
        if snap is not None:
            found += _model_or_ggufs(repo_id, "huggingface", snap)
    return found


def _model_or_ggufs(name: str, source: str, folder: Path) -> list[Found]:
    if (folder / "config.json").exists():
        return [Found(name, source, folder, "folder")]
    return [Found(f"{name}/{file.name}", source, file, "gguf") for file in _gguf_files(folder)]


# ---- ModelScope: <cache>/models/ORG/NAME (older: <cache>/ORG/NAME); "." is stored as "___" ----

def modelscope_roots() -> list[Path]:
    env = _env_path("MODELSCOPE_CACHE")
    return [env] if env else [_home() / ".cache" / "modelscope" / "hub"]


def find_modelscope(root: Path) -> list[Found]:
    found, seen = [], set()
    for base, skip in ((root / "models", ()), (root, ("models", "datasets", "hub", "_____temp"))):
        for org in _dirs(base):
            if org.name in skip or not org.is_dir():
                continue
            for repo in _dirs(org.path):
                if repo.is_dir() and repo.name != "._____temp":
                    name = f"{org.name}/{repo.name}".replace("___", ".")
                    if name not in seen:
                        seen.add(name)
                        found += _model_or_ggufs(name, "modelscope", Path(repo.path))
    return found


STORES = {
    "huggingface": (huggingface_roots, find_huggingface),
    "modelscope": (modelscope_roots, find_modelscope),
    "ollama": (ollama_roots, find_ollama),
    "lmstudio": (lmstudio_roots, find_lmstudio),
    "gpt4all": (gpt4all_roots, find_gpt4all),
    "jan": (jan_roots, find_jan),
}


def find_in_stores() -> list[Found]:
    """Everything the known stores hold, in SOURCES order; a store that isn't there adds nothing."""
    found, seen_roots = [], set()
    for source, (roots, finder) in STORES.items():
        for root in roots():
            key = os.path.normcase(os.path.abspath(root))
            if key in seen_roots or not root.is_dir():
                continue
            seen_roots.add(key)
            found += finder(root)
    return found


def find_in_folder(path: Path, source: str = "scan", depth: int = 3) -> list[Found]:
    """What a folder the user points at holds: a model itself, a store's layout, or models below."""
    path = Path(path).expanduser()
    if path.is_file():
        return [Found(path.stem, source, path, "gguf")] if path.suffix.lower() == ".gguf" else []
    if (path / "config.json").is_file():
        return [Found(folder_name(path), source, path, "folder")]
    if (path / "manifests").is_dir() and (path / "blobs").is_dir():
        return [_as_source(f, source) for f in find_ollama(path)]
    if any(e.name.startswith("models--") for e in _dirs(path)):
        return [_as_source(f, source) for f in find_huggingface(path)]
    found = [Found(file.stem, source, file, "gguf") for file in _gguf_files(path)]
    if depth > 0:
        for sub in _dirs(path):
            if sub.is_dir() and not sub.is_symlink():
                found += find_in_folder(Path(sub.path), source, depth - 1)
    return found


def folder_name(path: Path) -> str:
    """A model folder's name; an HF snapshot (models--ORG--NAME/snapshots/REV) is called ORG/NAME."""
    if path.parent.name == "snapshots" and path.parent.parent.name.startswith("models--"):
        return path.parent.parent.name[len("models--"):].replace("--", "/")
    return path.name


def _as_source(found: Found, source: str) -> Found:
    return Found(found.name, source, found.path, found.kind, found.problem, found.params, found.license)
