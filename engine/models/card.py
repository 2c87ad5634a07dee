"""The model card: `wenan.json` beside a trained model's weights, typed and versioned.

It is written in one place (`write_card`) and read in one (`read_card`); everything else
uses the `ModelCard` it returns. Reading is lenient: a field missing, of the wrong type or
unknown to this version never hides a model, and fields this version doesn't know are
kept as they were, so a newer app's card survives a rename here. Version 1 is every card
written before the card carried a version; its fields are the same.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ..common.atomic import write_text

CARD_FILE = "wenan.json"
CARD_VERSION = 2


def _known(cls, raw: Any) -> tuple[dict, dict]:
    """(fields of `cls` found in `raw`, the rest), with values of the wrong type dropped."""
    if not isinstance(raw, dict):
        return {}, {}
    names = {f.name: f for f in fields(cls)} if cls is not None else {}
    known, extra = {}, {}
    for key, value in raw.items():
        f = names.get(key)
        if f is None or key == "extra":
            extra[key] = value
        elif _fits(f.type, value):
            known[key] = value
    return known, extra


def _fits(annotation: str, value: Any) -> bool:
    """Whether `value` can stand in a field annotated `annotation` (a string, as `from __future__` makes it)."""
    if value is None:
        return "None" in annotation
    if isinstance(value, bool):
        return annotation.startswith("bool")
    checks = {"str": str, "int": int, "float": (int, float), "dict": dict, "list": list}
    return any(annotation.startswith(name) and isinstance(value, kind) for name, kind in checks.items())


@dataclass(frozen=True)
class BaseRecord:
    """What a model started from."""
    kind: str = "scratch"             # "scratch" | "folder" | "library" | "found", or a newer version's kind
    path: str | None = None           # the base's folder; a LoRA adapter is loaded on top of it
    name: str | None = None           # "library": the model whose training was continued
    model_type: str | None = None     # e.g. "gpt2", "qwen2"
    n_params: int | None = None
    of: dict | None = None            # "library": that model's own base record
    continued_from: str | None = None
    source: str | None = None         # "found": where it was found (ollama, lmstudio, hf-cache…)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Any) -> BaseRecord:
        known, extra = _known(cls, raw)
        return cls(**known, extra=extra)

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        return {k: v for k, v in out.items() if v is not None} | self.extra


@dataclass(frozen=True)
class DataRecord:
    """The seller's file the model learnt from."""
    file: str = ""
    sha256: str = ""
    samples: int = 0
    train_samples: int = 0
    val_samples: int = 0
    train_tokens: int = 0
    encoding: str | None = None


@dataclass(frozen=True)
class Metrics:
    train_loss: float | None = None
    val_loss: float | None = None     # the best validation loss, the weights that were kept
    perplexity: float | None = None
    best_step: int | None = None


@dataclass(frozen=True)
class TrainingRecord:
    finished_at: str = ""
    duration_s: float = 0.0
    device: str = ""
    steps: int = 0
    tokens_per_s: float = 0.0


_SECTIONS = {"data": DataRecord, "metrics": Metrics, "training": TrainingRecord}


@dataclass(frozen=True)
class ModelCard:
    """What `wenan.json` says about a trained model."""
    name: str
    created_at: str = ""              # UTC ISO 8601; with the name, tells a retrained model apart
    method: str | None = None         # "full" | "lora"
    format: str | None = None         # "text": learnt from plain copy, a prompt is its opening | "pairs"
    style: str | None = None          # the PromptStyle kind it was trained with
    block_size: int | None = None
    app_version: str = ""
    base: BaseRecord = field(default_factory=BaseRecord)
    data: DataRecord = field(default_factory=DataRecord)
    hyperparameters: dict = field(default_factory=dict)
    metrics: Metrics = field(default_factory=Metrics)
    training: TrainingRecord = field(default_factory=TrainingRecord)
    history: list = field(default_factory=list)  # [step, train loss or None, validation loss or None]
    version: int = CARD_VERSION
    extra: dict = field(default_factory=dict)  # fields this version doesn't know

    @property
    def is_lora(self) -> bool:
        return self.method == "lora"

    @property
    def is_text(self) -> bool:
        """Learnt from plain copy: the prompt is the opening of the copy, not a request."""
        return self.format == "text"

    @property
    def identity(self) -> str:
        """Tells this model from a retrained one of the same name (batch journals, caches)."""
        return f"{self.name}@{self.created_at}"

    def adapter_base(self) -> Path | None:
        """The folder a LoRA adapter is loaded on top of; None for a full model."""
        return Path(self.base.path) if self.is_lora and self.base.path else None

    @classmethod
    def from_dict(cls, raw: dict) -> ModelCard:
        known, extra = _known(cls, raw)
        known.pop("version", None)
        if isinstance(raw.get("created_at"), (int, float)) and not isinstance(raw["created_at"], bool):
            known["created_at"] = str(raw["created_at"])  # sortable as the listing sorts it
        sections = {key: kind(**_known(kind, raw.get(key))[0]) for key, kind in _SECTIONS.items()}
        version = raw.get("version") if isinstance(raw.get("version"), int) else 1
        return cls(**(known | sections), base=BaseRecord.from_dict(raw.get("base")), version=version,
                   extra=extra)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"version": CARD_VERSION}
        for f in fields(self):
            if f.name in ("version", "extra"):
                continue
            value = getattr(self, f.name)
            if f.name == "base":
                value = value.to_dict()
            elif f.name in _SECTIONS:
                value = {g.name: getattr(value, g.name) for g in fields(value)}
            out[f.name] = value
        return out | self.extra

    def renamed(self, name: str) -> ModelCard:
        return replace(self, name=name)


def problems(raw: dict) -> list[str]:
    """What a card needs before a model can be imported: the fields listing and loading rely on."""
    bad = [] if isinstance(raw.get("created_at"), str) else ["created_at"]
    base = raw.get("base")
    if raw.get("method") not in ("full", "lora"):
        bad.append("method")
    elif raw["method"] == "lora" and not (isinstance(base, dict) and isinstance(base.get("path"), str)):
        bad.append("base.path")  # a LoRA adapter is loaded on top of this base
    return bad


def read_card(folder: str | Path) -> ModelCard | None:
    """The folder's card, or None when wenan.json is missing, damaged or not an object."""
    try:
        raw = json.loads((Path(folder) / CARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    if not isinstance(raw.get("name"), str):
        raw = dict(raw, name=Path(folder).name)
    return ModelCard.from_dict(raw)


def write_card(folder: str | Path, card: ModelCard) -> None:
    """Write `card` as the folder's wenan.json, atomically."""
    write_text(Path(folder) / CARD_FILE, json.dumps(card.to_dict(), ensure_ascii=False, indent=2))
