"""Resumable training state in runs/<name>/, written so a kill -9 never breaks it.

Layout: `state.json` points at the newest complete `checkpoint-<step>/` and the
best `best-<step>/`. A new checkpoint is filled in a temp folder and renamed, and
only then does `state.json` (itself replaced atomically) point at it.
"""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from . import paths
from .atomic import atomic_dir, remove_stale_temps, write_text

WEIGHTS = "weights.safetensors"


def run_dir(name: str) -> Path:
    return paths.runs_dir() / name


def trainable_state(model) -> dict:
    """The parameters being trained (all of them, or only the LoRA adapters)."""
    return {n: p.detach().contiguous().cpu() for n, p in model.named_parameters() if p.requires_grad}


def save_weights(model, folder: Path) -> None:
    from safetensors.torch import save_file
    save_file(trainable_state(model), str(folder / WEIGHTS))


def load_weights(model, folder: Path) -> None:
    from safetensors.torch import load_file
    state = load_file(str(folder / WEIGHTS))
    result = model.load_state_dict(state, strict=False)
    if result.unexpected_keys:
        raise RuntimeError(f"checkpoint does not match the model: {result.unexpected_keys[:3]}")


def _read_pointer(name: str) -> dict:
    try:
        return json.loads((run_dir(name) / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_state(name: str) -> dict | None:
    """The run's pointer file, or None when there is nothing to resume."""
    state = _read_pointer(name)
    checkpoint = state.get("checkpoint")
    if not checkpoint or not (run_dir(name) / checkpoint).is_dir():
        return None
    return state


def save_checkpoint(name: str, model, optimizer, scheduler, trainer_state: dict, meta: dict) -> None:
    """Write model, optimizer, scheduler, RNG and data position; then point state.json at it."""
    import torch

    folder = run_dir(name)
    step = trainer_state["step"]
    target = folder / f"checkpoint-{step}"
    if target.exists():  # same step saved already (e.g. cancel right after a periodic save)
        shutil.rmtree(target)
    with atomic_dir(target) as tmp:
        save_weights(model, tmp)
        torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
        rng = {"torch": torch.get_rng_state(), "python": random.getstate()}
        if torch.cuda.is_available():
            rng["cuda"] = torch.cuda.get_rng_state_all()
        torch.save(rng, tmp / "rng.pt")
        state = dict(trainer_state, scheduler=scheduler.state_dict())
        (tmp / "trainer_state.json").write_text(json.dumps(state), encoding="utf-8")
    _point(name, checkpoint=target.name, meta=meta)


def save_best(name: str, model, step: int, meta: dict) -> None:
    target = run_dir(name) / f"best-{step}"
    if target.exists():
        shutil.rmtree(target)
    with atomic_dir(target) as tmp:
        save_weights(model, tmp)
    _point(name, best=target.name, meta=meta)


def _point(name: str, meta: dict, **names: str) -> None:
    folder = run_dir(name)
    state = _read_pointer(name)
    state.update(names)
    state["meta"] = meta
    write_text(folder / "state.json", json.dumps(state, ensure_ascii=False, indent=2))
    keep = {state.get("checkpoint"), state.get("best")}
    for child in folder.glob("*-*"):  # drop superseded checkpoints only after the pointer moved
        if child.is_dir() and child.name.startswith(("checkpoint-", "best-")) and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
    remove_stale_temps(folder)


def load_checkpoint(name: str, model, optimizer, scheduler) -> dict:
    """Restore everything save_checkpoint wrote; returns the trainer state."""
    import torch

    state = read_state(name)
    folder = run_dir(name) / state["checkpoint"]
    load_weights(model, folder)
    optimizer.load_state_dict(torch.load(folder / "optimizer.pt", weights_only=True))
    trainer_state = json.loads((folder / "trainer_state.json").read_text(encoding="utf-8"))
    scheduler.load_state_dict(trainer_state.pop("scheduler"))
    rng = torch.load(folder / "rng.pt", weights_only=True)
    torch.set_rng_state(rng["torch"])
    random.setstate(_as_tuple(rng["python"]))
    if "cuda" in rng and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(rng["cuda"])
    return trainer_state


def best_folder(name: str) -> Path | None:
    state = _read_pointer(name)
    if state.get("best") and (run_dir(name) / state["best"]).is_dir():
        return run_dir(name) / state["best"]
    return None


def discard_run(name: str) -> None:
    shutil.rmtree(run_dir(name), ignore_errors=True)


def _as_tuple(value):
    return tuple(_as_tuple(v) for v in value) if isinstance(value, list) else value
