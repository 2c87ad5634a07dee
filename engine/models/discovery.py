"""The bases found on this computer, and turning a name or a path into a folder that loads.

`find_bases()` lists the bundle's built-in bases, the folders and files the user added, every
known store (Ollama, LM Studio, GPT4All, Jan, the Hugging Face and ModelScope caches) and any
folder passed in, described from their headers, with what each needs on this machine.
`base_folder(name_or_path)` gives a local Hugging Face folder for one of them (a GGUF file is
converted into the data folder the first time).
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..common import paths
from ..common.atomic import write_text
from ..common.errors import ModelLoadError, WenanError
from ..common.events import ConvertEvent
from . import added_bases, stores
from .base_info import BaseFacts, Support, describe
from .device import DeviceChoice
from .stores import Found

CACHE_VERSION = 1
GB = 2**30
FULL_BYTES_PER_PARAM = 16 * 1.25   # fp32 weights, gradients, two Adam moments, plus activations
GOOD_SHARE, TIGHT_SHARE = 0.6, 0.9  # of the device's memory: fits well / fits, but little else runs
GROUPS = ("good", "tight", "too_large", "unusable")
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class MemoryNeeds:
    """Bytes needed on this machine's device: to fully fine-tune, to train LoRA, to write."""
    full: int | None
    lora: int | None
    write: int | None
    device_memory: int | None   # GPU memory, or RAM on the CPU
    device: str                 # "cpu" | "cuda" | "mps"

    @classmethod
    def estimate(cls, parameters: int | None, device: DeviceChoice) -> "MemoryNeeds":
        if not parameters:
            return cls(None, None, None, device.memory_bytes, device.kind)
        half = 2 if device.kind == "cuda" or device.dtype in ("bf16", "fp16") else 4
        write = int(parameters * half * 1.15 + 0.5 * GB)
        # LoRA keeps the frozen base in half precision on a GPU (training.bases), plus activations
        lora = int(parameters * half * 1.3 + 0.75 * GB)
        return cls(int(parameters * FULL_BYTES_PER_PARAM + 0.75 * GB), lora, write, device.memory_bytes, device.kind)

    def fit(self, purpose: str = "lora") -> str:
        need = getattr(self, purpose)
        if need is None or not self.device_memory:
            return "good" if need is None else "unknown"
        return ("good" if need <= GOOD_SHARE * self.device_memory else
                "tight" if need <= TIGHT_SHARE * self.device_memory else "too_large")


@dataclass(frozen=True)
class BaseEntry:
    name: str                # what `--base` and `generate` take
    source: str              # stores.SOURCES
    path: Path               # the folder or .gguf file
    kind: str                # "folder" | "gguf"
    facts: BaseFacts
    needs: MemoryNeeds

    @property
    def usable(self) -> bool:
        return self.facts.usable

    @property
    def group(self) -> str:
        """How well it suits this machine: good, tight, too_large, or unusable."""
        if not self.usable:
            return "unusable"
        fit = self.needs.fit("lora")
        return "good" if fit in ("good", "unknown") else fit

    def reason(self, lang: str | None = None) -> str | None:
        """Why it can't be used, in plain words; None when it can."""
        if self.usable:
            return None
        return WenanError(self.facts.problem, **self.facts.params).message(lang)

    def to_dict(self) -> dict:
        f = self.facts
        return {"name": self.name, "path": str(self.path), "source": self.source, "format": f.format,
                "quantization": f.quantization, "bits_per_weight": f.bits, "architecture": f.architecture,
                "parameters": f.parameters, "context_length": f.context_length, "size_bytes": f.size_bytes,
                "chat": f.chat, "license": f.license, "usable": f.usable, "reason": self.reason(),
                "reason_key": f.problem, "fit": self.group,
                "memory": {"full": self.needs.full, "lora": self.needs.lora, "write": self.needs.write,
                           "device": self.needs.device, "device_memory": self.needs.device_memory}}


def default_device() -> DeviceChoice:
    return device_profile("auto")


def device_profile(requested: str = "auto", dtype: str | None = None) -> DeviceChoice:
    """The device `choose_device` would pick, with its precision and memory, for estimates only:
    torch's thread count, which choosing a device for work sets, is left as it was."""
    from dataclasses import replace

    import torch

    from .device import choose_device

    threads = torch.get_num_threads()
    choice = choose_device(requested)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    if choice.kind == "mps" and choice.memory_bytes is None:  # Apple GPUs share the RAM
        from ..common.memory import physical_memory
        choice = replace(choice, memory_bytes=physical_memory())
    return choice if dtype is None else replace(choice, dtype=dtype)


# ---- finding ----

def candidates(scan_dirs: Iterable[str | Path] = (), *, include_stores: bool = True) -> list[Found]:
    """Where bases are, before reading them: built-in, added, the stores, then `scan_dirs`."""
    found = [Found(p.name, "builtin", p, "folder") for p in paths.bundled_bases()]
    for path in added_bases.added_paths():
        found += stores.find_in_folder(path, "added") if path.exists() else [
            Found(path.name, "added", path, "gguf" if path.suffix.lower() == ".gguf" else "folder",
                  "model_missing", {"path": str(path)})]
    if include_stores:
        found += stores.find_in_stores()
    for folder in scan_dirs:
        found += stores.find_in_folder(Path(folder), "scan")
    return _unique(found)


def _unique(found: list[Found]) -> list[Found]:
    """One entry per file or folder (the first place wins), and one base per name."""
    by_path, names, out = set(), set(), []
    for item in found:
        key = os.path.normcase(os.path.realpath(item.path))
        if key in by_path:
            continue
        by_path.add(key)
        name = item.name if item.name not in names else f"{item.source}:{item.name}"
        names.add(name)
        out.append(item if name == item.name else Found(name, item.source, item.path, item.kind, item.problem,
                                                        item.params, item.license))
    return out


def find_bases(scan_dirs: Iterable[str | Path] = (), *, device: DeviceChoice | None = None,
               include_stores: bool = True) -> list[BaseEntry]:
    """Every base found, described, ordered by what suits this machine (see `order`)."""
    device = device or default_device()
    with _cache_lock:
        cache = _Cache.load()
        entries = [BaseEntry(f.name, f.source, f.path, f.kind, facts, MemoryNeeds.estimate(facts.parameters, device))
                   for f, facts in ((f, cache.facts(f)) for f in candidates(scan_dirs, include_stores=include_stores))]
        cache.save()
    return order(entries)


def order(entries: list[BaseEntry]) -> list[BaseEntry]:
    """Groups in GROUPS order; in each, chat models first, then the largest that fits first."""
    def key(e: BaseEntry):
        size = e.facts.parameters or 0
        return GROUPS.index(e.group), not e.facts.chat, size if e.group == "too_large" else -size, e.name.lower()
    return sorted(entries, key=key)


# ---- looking one up ----

def lookup(name_or_path: str, entries: list[BaseEntry] | None = None, *,
           device: DeviceChoice | None = None) -> BaseEntry | None:
    """The base with this printed name (or `source:name`), or at this path; None if neither."""
    path = Path(name_or_path).expanduser()
    if entries is None and path.exists():
        entries = []  # a path needs no scan of the stores
    if entries is None:
        entries = find_bases(device=device)
    for entry in entries:
        if name_or_path in (entry.name, f"{entry.source}:{entry.name}"):
            return entry
    folded = [e for e in entries if e.name.lower() == name_or_path.lower()]
    if len(folded) == 1:
        return folded[0]
    if path.exists():
        found = _path_entry(path)
        if found is not None:
            device = device or default_device()
            with _cache_lock:
                cache = _Cache.load()
                facts = cache.facts(found)
                cache.save()
            return BaseEntry(found.name, found.source, found.path, found.kind, facts,
                             MemoryNeeds.estimate(facts.parameters, device))
    return None


def _path_entry(path: Path) -> Found | None:
    """A path given where a base is taken: a model folder, an HF snapshot or repo folder, a .gguf file."""
    if path.is_file():
        return Found(path.stem, "path", path.absolute(), "gguf")
    if (path / "snapshots").is_dir():  # models--ORG--NAME itself
        snap = stores.snapshot(path)
        path = snap if snap is not None else path
    if (path / "config.json").exists() or not any(path.glob("*.gguf")):
        return Found(stores.folder_name(path), "path", path.absolute(), "folder")
    ggufs = sorted(path.glob("*.gguf"))
    return Found(ggufs[0].stem, "path", ggufs[0].absolute(), "gguf") if len(ggufs) == 1 else None


def check_fits(entry: BaseEntry, purpose: str, others: list[BaseEntry] | None = None, *,
               device: DeviceChoice | None = None) -> None:
    """Refuse, before loading, a base that can't fit this machine's memory; name smaller ones."""
    need = getattr(entry.needs, purpose)
    have = entry.needs.device_memory
    if need is None or not have or need <= TIGHT_SHARE * have:
        return
    if others is None:
        others = find_bases(device=device)
    smaller = [e.name for e in others if e.usable and e.name != entry.name
               and getattr(e.needs, purpose) is not None and getattr(e.needs, purpose) <= GOOD_SHARE * have]
    raise ModelLoadError(f"base_too_large_{purpose}", name=entry.name, need_gb=need / GB, have_gb=have / GB,
                         choices=", ".join(smaller[:5]) or "-")


def base_folder(name_or_path: str, *, purpose: str = "write", device: DeviceChoice | None = None,
                on_event: Callable[[ConvertEvent], None] = lambda e: None,
                cancel: threading.Event | None = None, convert: bool = True) -> Path | None:
    """A local Hugging Face folder for this base, ready for `loading.load_causal_lm`.

    `purpose` ("write", "lora" or "full") is what it must fit in memory for. A GGUF file is
    converted into the data folder on first use (progress through `on_event`; None when cancelled
    or, with `convert=False`, when it hasn't been converted yet).
    """
    device = device or default_device()
    entries = None if Path(name_or_path).expanduser().exists() else find_bases(device=device)
    entry = lookup(name_or_path, entries, device=device)
    if entry is None:
        if any(sep in name_or_path for sep in "/\\") or name_or_path.startswith((".", "~")):
            raise ModelLoadError("model_missing", path=name_or_path)
        raise ModelLoadError("base_unknown", name=name_or_path)
    if not entry.usable:
        raise ModelLoadError(entry.facts.problem, **entry.facts.params)
    check_fits(entry, purpose, entries, device=device)
    if entry.kind == "folder":
        return entry.path
    from . import gguf_convert

    if not convert:
        return gguf_convert.find_converted(entry.path, gguf_convert.storage_dtype(device))
    return gguf_convert.convert(entry.path, entry.facts, name=entry.name, device=device, on_event=on_event,
                                cancel=cancel)


# ---- the scan cache (bases/scan-cache.json): facts by (path, size, mtime), and Support by version ----

class _Cache:
    def __init__(self, data: dict, version: str):
        self.data, self.version, self.changed, self.seen = data, version, False, set()
        self._support: Support | None = None

    @classmethod
    def load(cls) -> "_Cache":
        from importlib.metadata import version

        file = added_bases.bases_dir() / "scan-cache.json"
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        tf = version("transformers")
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or data.get("transformers") != tf:
            data = {"version": CACHE_VERSION, "transformers": tf, "facts": {}}
        return cls(data, tf)

    @property
    def support(self) -> Support:
        if self._support is None:
            if "support" in self.data:
                self._support = Support.from_dict(self.data["support"])
            else:  # imports transformers (seconds), once per transformers version
                self._support = Support.detect()
                self.data["support"], self.changed = self._support.to_dict(), True
        return self._support

    def facts(self, found: Found) -> BaseFacts:
        key = f"{found.kind}:{found.path}"
        stamp = _stamp(found.path)
        self.seen.add(key)
        hit = self.data["facts"].get(key)
        if not found.problem and hit and hit.get("stamp") == stamp:
            try:
                return BaseFacts(**hit["facts"])
            except TypeError:
                pass
        facts = describe(found, self.support)
        if not found.problem:
            self.data["facts"][key] = {"stamp": stamp, "facts": asdict(facts)}
            self.changed = True
        return facts

    def save(self) -> None:
        if not self.changed:
            return
        file = added_bases.bases_dir() / "scan-cache.json"
        try:
            write_text(file, json.dumps(self.data, ensure_ascii=False))
        except (OSError, WenanError):
            pass  # a cache that can't be written only makes the next scan slower


def _stamp(path: Path) -> list:
    """What changes when a model's files change: size and mtime of the file, or of each top-level file."""
    try:
        if path.is_file():
            st = path.stat()
            return [st.st_size, st.st_mtime_ns]
        items = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(path) if e.is_file())
        return [list(i) for i in items]
    except OSError:
        return []

