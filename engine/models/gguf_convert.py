"""Turning a GGUF file into a base in the data folder, once.

transformers reads GGUF (`gguf_file=`, with the `gguf` package) and dequantizes it; the result is
saved as safetensors in the precision this device trains in, with the tokenizer, its chat
template and a record of the source file. The folder is named by the file's content, so the same
file, wherever it lies and whatever it is called, is converted only once.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ..common import memory
from ..common.atomic import atomic_dir, remove_stale_temps
from ..common.errors import ModelLoadError, WenanError
from ..common.events import ConvertEvent
from .added_bases import bases_dir
from .base_info import BaseFacts
from .device import DeviceChoice, cpu_has_bf16

RECORD_FILE = "wenan-source.json"
RECORD_VERSION = 1
_HASHED_BYTES = 8 << 20          # from each end of the file, for the fingerprint
_OLLAMA_BLOB = re.compile(r"^sha256-([0-9a-f]{64})$")
_EVENTS_PER_S = 10
_patch_lock = threading.Lock()


def storage_dtype(device: DeviceChoice) -> str:
    """The precision the converted base is saved in: the one this device trains and writes a
    pretrained base in (bf16 on a CPU that multiplies it natively: device.cpu_has_bf16)."""
    if device.dtype == "bf16" or device.kind == "cpu" and cpu_has_bf16():
        return "bf16"
    return "fp32"


def bytes_per_param(dtype: str) -> int:
    return 2 if dtype in ("bf16", "fp16") else 4


def fingerprint(path: Path) -> str:
    """The file's identity: Ollama names blobs by their sha256; else sha256 of its size and ends."""
    match = _OLLAMA_BLOB.match(path.name)
    if match:
        return match.group(1)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        digest.update(str(size).encode())
        fh.seek(0)
        digest.update(fh.read(_HASHED_BYTES))
        if size > 2 * _HASHED_BYTES:
            fh.seek(size - _HASHED_BYTES)
        digest.update(fh.read(_HASHED_BYTES))
    return digest.hexdigest()


def converted_root() -> Path:
    folder = bases_dir() / "converted"
    folder.mkdir(exist_ok=True)
    return folder


def find_converted(path: Path, dtype: str) -> Path | None:
    """The folder this file was already converted into for `dtype`, or None."""
    key = f"--{fingerprint(path)[:20]}-{dtype}"
    root = bases_dir() / "converted"
    if not root.is_dir():
        return None
    for folder in root.iterdir():
        if folder.name.endswith(key) and not folder.name.startswith(".") and (folder / RECORD_FILE).is_file():
            return folder
    return None


def read_record(folder: Path) -> dict:
    """The record of where a converted base came from; {} when there is none."""
    try:
        record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) and record.get("version") == RECORD_VERSION else {}


def disk_needed(facts: BaseFacts, dtype: str) -> int:
    return int((facts.parameters or 0) * bytes_per_param(dtype) * 1.05) + (64 << 20)


def convert(path: Path, facts: BaseFacts, *, name: str, device: DeviceChoice,
            on_event: Callable[[ConvertEvent], None] = lambda e: None,
            cancel: threading.Event | None = None) -> Path | None:
    """The converted folder for this GGUF file (made now unless it exists); None if cancelled."""
    path = Path(path)
    cancel = cancel or threading.Event()
    dtype = storage_dtype(device)
    event = dict(name=name, below_8bit=bool(facts.bits and facts.bits < 8), quantization=facts.quantization or "")
    on_event(ConvertEvent("checking", **event))
    if not facts.usable:
        raise ModelLoadError(facts.problem, **facts.params)
    done = find_converted(path, dtype)
    if done is not None:
        on_event(ConvertEvent("done", **event))
        return done
    root = converted_root()
    remove_stale_temps(root, older_than_s=6 * 3600)  # another process may be converting right now
    _check_room(facts, dtype, name, root)
    if cancel.is_set():
        return None
    key = fingerprint(path)
    slug = re.sub(r"[^\w.\-]+", "-", name).strip("-.")[:60] or "base"
    target = root / f"{slug}--{key[:20]}-{dtype}"
    started = time.time()
    with memory.memory_advice("cpu", "convert_out_of_memory", name=name):
        loaded = _load(path, dtype, event, on_event, cancel)
    if loaded is None:
        return None
    model, tokenizer = loaded
    on_event(ConvertEvent("saving", **event))
    record = {"version": RECORD_VERSION, "source": {"path": str(path), "size": path.stat().st_size,
                                                    "mtime": path.stat().st_mtime, "fingerprint": key},
              "name": name, "quantization": facts.quantization, "bits_per_weight": facts.bits,
              "below_8bit": event["below_8bit"], "dtype": dtype, "architecture": facts.architecture,
              "parameters": facts.parameters, "license": facts.license,
              "converted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "seconds": round(time.time() - started, 1), "transformers": _transformers_version()}
    try:
        with atomic_dir(target) as tmp:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            (tmp / RECORD_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            if cancel.is_set():
                raise _Cancelled
    except _Cancelled:
        return None
    except WenanError:
        raise
    except Exception as err:
        if _disk_full(err):  # safetensors reports a full disk as its own error, not as OSError
            raise WenanError("no_space", path=str(target)) from err
        if isinstance(err, OSError) and (target / RECORD_FILE).is_file():  # another process finished it first
            return target
        raise
    on_event(ConvertEvent("done", **event))
    return target


def _check_room(facts: BaseFacts, dtype: str, name: str, root: Path) -> None:
    """Refuse before anything is written: not enough free disk, or more memory than this computer has."""
    need = disk_needed(facts, dtype)
    free = shutil.disk_usage(root).free
    if free < need:
        raise WenanError("convert_no_space", name=name, folder=str(root), need_gb=need / 2**30, free_gb=free / 2**30)
    ram = memory.physical_memory()
    # transformers dequantizes tensor by tensor into the model it builds in `dtype`
    need_ram = (facts.parameters or 0) * bytes_per_param(dtype) * 1.2 + (512 << 20)
    if ram is not None and need_ram > ram:
        raise ModelLoadError("base_too_large_convert", name=name, need_gb=need_ram / 2**30, have_gb=ram / 2**30,
                             choices="-")


class _Cancelled(Exception):
    pass


def _load(path: Path, dtype: str, event: dict, on_event, cancel: threading.Event):
    """(model, tokenizer) read from the GGUF through transformers, or None when cancelled."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from .loading import quiet_transformers

    quiet_transformers()
    kwargs = {"gguf_file": str(path.absolute()), "local_files_only": True, "trust_remote_code": False}
    try:
        on_event(ConvertEvent("tokenizer", **event))
        tokenizer = AutoTokenizer.from_pretrained(str(path.parent), **kwargs)
        if cancel.is_set():
            return None
        extra = {}
        try:  # newer transformers may keep GGUF weights packed; a base needs plain tensors
            from transformers import GgufConfig
            extra["quantization_config"] = GgufConfig(dequantize=True)
        except ImportError:
            pass
        torch_dtype = torch.bfloat16 if dtype == "bf16" else torch.float32
        with _tensor_progress(event, on_event, cancel):
            model = AutoModelForCausalLM.from_pretrained(str(path.parent), dtype=torch_dtype, **kwargs, **extra)
    except _Cancelled:
        return None
    except Exception as err:
        if memory.is_out_of_memory(err):
            raise
        raise ModelLoadError("gguf_unreadable", path=str(path), reason=_short(err)) from err
    return model, tokenizer


@contextlib.contextmanager
def _tensor_progress(event: dict, on_event, cancel: threading.Event):
    """Report each tensor transformers dequantizes, and stop between tensors when cancelled.

    transformers shows this loop with tqdm; for as long as this block runs, its module's `tqdm`
    is replaced by one that reports to `on_event` (only for this thread), then put back.
    """
    import importlib

    owner = threading.get_ident()

    class Progress:
        def __init__(self, iterable=None, *args, desc: str = "", total: int | None = None, **kwargs):
            self.iterable, self.desc = iterable if iterable is not None else [], str(desc or "")
            self.total = total if total is not None else (len(self.iterable) if hasattr(self.iterable, "__len__")
                                                          else 0)

        def __iter__(self):
            mine, last = threading.get_ident() == owner, 0.0
            for i, item in enumerate(self.iterable):
                if mine and cancel.is_set():
                    raise _Cancelled
                now = time.monotonic()
                if mine and "gguf" in self.desc.lower() and now - last >= 1 / _EVENTS_PER_S:
                    last = now
                    on_event(ConvertEvent("weights", done=i, total=self.total, **event))
                yield item
            if mine and "gguf" in self.desc.lower():
                on_event(ConvertEvent("weights", done=self.total, total=self.total, **event))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, *a, **k):
            pass

        def close(self):
            pass

        def set_postfix(self, *a, **k):
            pass

    patched = []
    with _patch_lock:
        for module_name in ("transformers.modeling_gguf_pytorch_utils", "transformers.core_model_loading"):
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            if hasattr(module, "tqdm"):
                patched.append((module, module.tqdm))
                module.tqdm = Progress
        try:
            yield
        finally:
            for module, original in patched:
                module.tqdm = original


def _disk_full(err: BaseException) -> bool:
    import errno

    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return True
    text = str(err).lower()
    return "no space left" in text or "os error 28" in text or "disk full" in text


def _transformers_version() -> str:
    import transformers
    return transformers.__version__


def _short(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:300]
