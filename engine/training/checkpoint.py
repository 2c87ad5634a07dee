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

from ..common import paths
from ..common.atomic import atomic_dir, remove_stale_temps, write_text

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


def saved_step(state: dict) -> int:
    """The step of the checkpoint a pointer names: `checkpoint-<step>`, or `checkpoint-<step>-<n>`."""
    return int(state["checkpoint"].split("-")[1])


def read_state(name: str) -> dict | None:
    """The run's pointer file, or None when there is nothing to resume."""
    state = _read_pointer(name)
    checkpoint = state.get("checkpoint")
    if not checkpoint or not (run_dir(name) / checkpoint).is_dir():
        return None
    return state


def _new_folder(name: str, kind: str, step: int) -> Path:
    """`<kind>-<step>`, or `<kind>-<step>-<n>` when that step's folder is the one state.json points at.

    The same step is saved twice when a cancel comes right after a periodic save or a resume.
    The folder in use is never deleted before its replacement is complete and pointed at
    (kill -9 in between would otherwise leave nothing to resume); one that nothing points at
    is a leftover of a kill between rename and pointer update, and can go.
    """
    folder = run_dir(name)
    pointed = _read_pointer(name).get(kind)
    target, n = folder / f"{kind}-{step}", 1
    while target.name == pointed:
        n += 1
        target = folder / f"{kind}-{step}-{n}"
    if target.exists():
        shutil.rmtree(target)
    return target


def rng_state() -> dict:
    """This process's random generators, as a checkpoint stores them."""
    import torch

    rng = {"torch": torch.get_rng_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        rng["cuda"] = torch.cuda.get_rng_state_all()
    return rng


def save_checkpoint(name: str, model, optimizer, scheduler, trainer_state: dict, meta: dict,
                    rng_by_rank: list[dict] | None = None) -> None:
    """Write model, optimizer, scheduler, RNG and data position; then point state.json at it.

    `rng_by_rank`: every process's `rng_state()` when several train together, so each
    resumes its own dropout stream; None saves this process's only.
    """
    import torch

    target = _new_folder(name, "checkpoint", trainer_state["step"])
    with atomic_dir(target) as tmp:
        save_weights(model, tmp)
        torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
        ranks = rng_by_rank or [rng_state()]
        torch.save(dict(ranks[0], by_rank=ranks), tmp / "rng.pt")
        state = dict(trainer_state, scheduler=scheduler.state_dict())
        (tmp / "trainer_state.json").write_text(json.dumps(state), encoding="utf-8")
    _point(name, checkpoint=target.name, meta=meta)


def save_best(name: str, model, step: int, meta: dict) -> None:
    target = _new_folder(name, "best", step)
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


def load_checkpoint(name: str, model, optimizer, scheduler, rank: int = 0) -> dict:
    """Restore everything save_checkpoint wrote, with process `rank`'s RNG; returns the trainer state."""
    import torch

    state = read_state(name)
    folder = run_dir(name) / state["checkpoint"]
    load_weights(model, folder)
    optimizer.load_state_dict(torch.load(folder / "optimizer.pt", weights_only=True))
    trainer_state = json.loads((folder / "trainer_state.json").read_text(encoding="utf-8"))
    scheduler.load_state_dict(trainer_state.pop("scheduler"))
    rng = torch.load(folder / "rng.pt", weights_only=True)
    by_rank = rng.get("by_rank") or [rng]
    rng = by_rank[rank] if rank < len(by_rank) else rng  # saved by fewer processes: rank 0's stream
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
