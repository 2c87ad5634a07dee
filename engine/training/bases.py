"""Getting ready to train: checking the options, then a base model from scratch, a local folder
or the library. Preparing writes nothing: train() saves the run's tokenizer once all of it succeeded.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from ..common.atomic import atomic_dir
from ..common.errors import ConfigError, ModelLoadError
from ..common.options import one_of
from ..data.dataset import DataSet, count_tokens
from ..data.samples import Sample
from ..models import library
from ..models.card import BaseRecord
from ..models.device import DeviceChoice, available_memory, load_dtype
from ..models.discovery import base_folder, lookup
from ..models.loading import (check_model_folder, count_parameters, load_adapter, load_causal_lm, load_tokenizer,
                              max_positions)
from ..models.prompt_style import PromptStyle
from ..models.scratch import build_scratch_model, scratch_vocab_size, train_tokenizer
from .config import PRETRAINED_BLOCK, SCRATCH_BLOCK

# Above this, auto trains a LoRA adapter: the 0.5-7 B instruct models sellers keep (Qwen2.5, Llama 3.2…)
# learn a shop's voice from a few hundred lines as well through an adapter, without the 4x memory of
# full weights' gradients and Adam state, and without overwriting what they know.
FULL_MAX_PARAMS = 300_000_000
BYTES_PER_PARAM_FULL = 16 * 1.25  # fp32 weights, gradients, two Adam moments, plus activations


@dataclass
class Base:
    model: object
    tokenizer: object
    method: str            # "full" | "lora"
    style: PromptStyle
    block_size: int
    scratch: bool
    record: BaseRecord     # what the model card says about the base


def choose_method(requested: str, params: int, free_memory: int | None) -> str:
    """Full fine-tune when weights, gradients and Adam state fit comfortably; otherwise LoRA."""
    if requested in ("full", "lora"):
        return requested
    one_of("--method", requested, ("auto", "full", "lora"), hint="Use auto, full or lora.")
    fits = free_memory is None or params * BYTES_PER_PARAM_FULL < 0.5 * free_memory
    return "full" if params <= FULL_MAX_PARAMS and fits else "lora"


def resolve_base(base: str, device: DeviceChoice | None = None) -> tuple[str, Path | None]:
    """('scratch'|'folder'|'library'|'found', path). A folder or .gguf path, or the name `bases`
    prints, goes through models.discovery: checked, refused when it can't fit, a GGUF converted."""
    if base == "scratch":
        return "scratch", None
    if not Path(base).expanduser().exists() and library.exists(base):
        return "library", library.get_model(base).path
    folder = base_folder(base, purpose="lora", device=device)
    return ("folder" if Path(base).expanduser().exists() else "found"), Path(folder).resolve()


def prepare_base(cfg, data: DataSet, train_samples: list[Sample], resume_dir: Path | None,
                 device: DeviceChoice) -> Base:
    """Load or build the model to train; raises on a bad base or option and writes nothing."""
    kind, folder = resolve_base(cfg.base, device)
    if kind == "scratch":
        return _scratch(cfg, data, train_samples, resume_dir)

    if kind == "library":
        info = library.get_model(cfg.base)
        if info.is_lora:
            return _library_lora(cfg, info, device)
        record = BaseRecord("library", path=str(info.path), name=info.name, of=info.card.base.to_dict())
    elif kind == "found":
        found = lookup(cfg.base)
        record = BaseRecord("found", path=str(folder), name=cfg.base, source=found.source if found else None)
    else:
        record = BaseRecord("folder", path=str(folder))
    check_model_folder(folder)
    block = _pretrained_block(cfg, folder)  # before the weights load: a wrong size fails fast
    tokenizer = load_tokenizer(folder)
    method = choose_method(cfg.method, count_parameters(folder), available_memory(device))
    model = load_causal_lm(folder, dtype=load_dtype(device, method))
    record = replace(record, model_type=model.config.model_type)
    if method == "lora":
        model = _add_lora(cfg, model)
    return Base(model, tokenizer, method, PromptStyle.for_tokenizer(tokenizer), block, False, record)


def _scratch(cfg, data: DataSet, train_samples: list[Sample], resume_dir: Path | None) -> Base:
    from transformers import AutoTokenizer

    if cfg.method == "lora":
        raise ConfigError("bad_value", option="--method", value="lora",
                          hint="LoRA needs a pretrained base; a scratch model is always fully trained.")
    saved = resume_dir / "tokenizer" if resume_dir else None
    if saved and saved.is_dir():
        tokenizer = AutoTokenizer.from_pretrained(saved, local_files_only=True)
    else:
        texts = [s.text for s in data.samples] + [s.prompt for s in data.samples if s.prompt]
        tokenizer = train_tokenizer(texts, scratch_vocab_size(sum(map(len, texts))))
    block = SCRATCH_BLOCK if cfg.block_size is None else cfg.block_size  # a scratch model is built to fit it
    train_tokens = count_tokens(tokenizer, [s.text for s in train_samples]) + len(train_samples)  # + one EOS each
    model = build_scratch_model(tokenizer, train_tokens, block, cfg.seed)
    return Base(model, tokenizer, "full", PromptStyle.for_tokenizer(tokenizer), block, True,
                BaseRecord("scratch", model_type="gpt2", n_params=model.num_parameters()))


def _library_lora(cfg, info: library.ModelInfo, device: DeviceChoice) -> Base:
    """Continue training a library model that is a LoRA adapter, on the base it was trained on."""
    base_path = info.card.adapter_base()
    if base_path is None or not base_path.is_dir():
        raise ModelLoadError("lora_base_missing", base=str(base_path))
    if cfg.method == "full":
        raise ConfigError("bad_value", option="--method", value="full",
                          hint="This library model is a LoRA adapter; continue it with LoRA.")
    block = _pretrained_block(cfg, check_model_folder(base_path))
    tokenizer = load_tokenizer(info.path)
    model = load_adapter(base_path, info.path, dtype=load_dtype(device, "lora"), trainable=True)
    return Base(model, tokenizer, "lora", PromptStyle.for_tokenizer(tokenizer), block, False,
                replace(info.card.base, continued_from=info.name))


def _add_lora(cfg, model):
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                        target_modules="all-linear", task_type="CAUSAL_LM")
    return get_peft_model(model, config)


def save_run_tokenizer(name: str, base: Base) -> None:
    """Keep a scratch model's tokenizer with its run, so --resume uses exactly the same vocabulary."""
    from . import checkpoint

    target = checkpoint.run_dir(name) / "tokenizer"
    if base.scratch and not target.exists():
        with atomic_dir(target) as tmp:
            base.tokenizer.save_pretrained(tmp)


def _pretrained_block(cfg, folder: Path) -> int:
    """The block size for a pretrained model; longer than its position table would index past it."""
    # check_model_folder has read this config.json already
    limit = max_positions(json.loads((folder / "config.json").read_text(encoding="utf-8")))
    if cfg.block_size is None:
        return min(PRETRAINED_BLOCK, limit or PRETRAINED_BLOCK)
    if limit is not None and cfg.block_size > limit:
        raise ConfigError("block_size_too_large", value=cfg.block_size, maximum=limit)
    return cfg.block_size
