"""The finished model: its best weights, tokenizer, copy-check index and model card, written
into the library in one rename, so the library never holds half a model."""
from __future__ import annotations

import math
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..common.atomic import atomic_dir
from ..data.dataset import DataSet
from ..data.examples import save_examples
from ..models import library
from ..models.card import DataRecord, Metrics, ModelCard, TrainingRecord, write_card
from ..quality.memorisation import save_training_index
from . import checkpoint
from .bases import Base
from .config import TrainConfig
from .run import Run

HISTORY_POINTS = 600  # training-loss points kept in the card; every validation point is kept


def save_finished(run: Run, cfg: TrainConfig, data: DataSet, base: Base, split: tuple[int, int],
                  train_tokens: int, blocks: tuple | None = None) -> Path:
    """Load the best weights kept during the run and write the model into the library.

    `blocks`: a scratch model's (training ids, validation ids), from which its n-gram partner is
    counted and weighed (`training.mixture`); None writes the model alone.
    """
    name, state = run.ctx.name, run.state
    best = checkpoint.best_folder(name)
    if best is not None:
        checkpoint.load_weights(run.raw_model, best)
    ngram, mixture = None, {}
    if blocks is not None:
        from .mixture import fit_mixture  # numpy: kept off the app's start-up path
        ngram, mixture = fit_mixture(run.raw_model, blocks[0], blocks[1], len(base.tokenizer), run.batch_size,
                                     run.ctx.accelerator.device)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    card = ModelCard(
        name=name, created_at=now, app_version=__version__, base=base.record, method=run.method,
        style=base.style.kind, format="pairs" if data.is_pairs else "text", block_size=base.block_size,
        data=DataRecord(Path(cfg.data).name, data.sha256, len(data.samples), split[0], split[1], train_tokens,
                        data.encoding),
        hyperparameters=dict(asdict(cfg), lr=run.plan.lr, weight_decay=run.plan.weight_decay,
                             block_size=base.block_size, total_steps=run.plan.total_steps,
                             stopped_early=state.stopped_early,
                             **({"dropout": run.plan.dropout} if run.plan.dropout is not None else {}),
                             **({"mixture": mixture} if mixture else {})),
        metrics=Metrics(state.train_loss, state.best_val,
                        math.exp(min(state.best_val, 50)) if state.best_val is not None else None, state.best_step),
        training=TrainingRecord(now, round(state.elapsed_s, 1), run.ctx.device_label, state.step,
                                round(run.average_tps, 1)),
        history=thin(state.history, HISTORY_POINTS))
    path = library.model_path(name)
    with atomic_dir(path) as tmp:
        run.raw_model.save_pretrained(tmp)
        base.tokenizer.save_pretrained(tmp)
        if ngram is not None:
            ngram.save(tmp)  # writing samples from the model mixed with it
        save_training_index(tmp, (s.text for s in data.samples))  # so drafts can be checked for copying
        save_examples(tmp, data.samples)  # so drafts can be shown the closest of them
        write_card(tmp, card)
    checkpoint.discard_run(name)
    return path


def thin(points: list, limit: int) -> list:
    """Keep the loss history small enough for the card; validation points are all kept."""
    train = [p for p in points if p[1] is not None]
    step = max(1, math.ceil(len(train) / limit))
    keep = {id(p) for p in train[::step]} | {id(train[-1])} if train else set()
    return [p for p in points if p[1] is None or id(p) in keep]
