"""Getting ready to train: checking the options, then a base model from scratch, a local folder
or the library. Preparing writes nothing: train() saves the run's tokenizer once all of it succeeded.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..common.atomic import atomic_dir
from ..common.errors import ConfigError, ModelLoadError
from ..data.dataset import DataSet, count_tokens
from ..data.samples import Sample
from ..models import library
from ..models.discovery import base_folder, device_profile, lookup
from ..models.loading import check_model_folder, count_parameters, load_causal_lm, load_tokenizer, max_positions
from ..models.prompt_style import PromptStyle
from ..models.scratch import build_scratch_model, scratch_vocab_size, train_tokenizer
from .config import PRETRAINED_BLOCK, SCRATCH_BLOCK

FULL_MAX_PARAMS = 1_500_000_000
BYTES_PER_PARAM_FULL = 16 * 1.25  # fp32 weights, gradients, two Adam moments, plus activations


@dataclass
class Base:
    model: object
    tokenizer: object
    method: str            # "full" | "lora"
    style: PromptStyle
    block_size: int
    scratch: bool
    record: dict           # what wenan.json says about the base


def choose_method(requested: str, params: int, free_memory: int | None) -> str:
    """Full fine-tune when weights, gradients and Adam state fit comfortably; otherwise LoRA."""
    if requested in ("full", "lora"):
        return requested
    if requested != "auto":
        raise ConfigError("bad_value", option="--method", value=requested, hint="Use auto, full or lora.")
    fits = free_memory is None or params * BYTES_PER_PARAM_FULL < 0.5 * free_memory
    return "full" if params <= FULL_MAX_PARAMS and fits else "lora"


def resolve_base(base: str, device_kind: str = "auto", device_dtype: str | None = None) -> tuple[str, Path | None]:
    """('scratch'|'folder'|'library'|'found', path). A folder or .gguf path, or the name `bases`
    prints, goes through models.discovery: checked, refused when it can't fit, a GGUF converted."""
    if base == "scratch":
        return "scratch", None
    if not Path(base).expanduser().exists() and library.exists(base):
        return "library", library.get_model(base).path
    device = device_profile(device_kind, device_dtype)
    folder = base_folder(base, purpose="lora", device=device)
    return ("folder" if Path(base).expanduser().exists() else "found"), Path(folder).resolve()


def _model_dtype(device_kind: str, device_dtype: str, method: str):
    import torch
    # LoRA keeps the frozen base in half precision on a GPU; full fine-tunes keep fp32 master weights.
    if method == "lora" and device_kind == "cuda":
        return torch.bfloat16 if device_dtype == "bf16" else torch.float16
    return torch.float32


def prepare_base(cfg, data: DataSet, train_samples: list[Sample], resume_dir: Path | None,
                 free_memory: int | None, device_kind: str = "cpu", device_dtype: str = "fp32") -> Base:
    """Load or build the model to train; raises on a bad base or option and writes nothing."""
    kind, folder = resolve_base(cfg.base, device_kind, device_dtype)
    if kind == "scratch":
        return _scratch(cfg, data, train_samples, resume_dir)

    if kind == "library":
        info = library.get_model(cfg.base)
        if info.is_lora:
            return _library_lora(cfg, info, device_kind, device_dtype)
        record = {"kind": "library", "name": info.name, "path": str(info.path), "of": info.meta.get("base")}
    elif kind == "found":
        found = lookup(cfg.base)
        record = {"kind": "found", "name": cfg.base, "source": found.source if found else None, "path": str(folder)}
    else:
        record = {"kind": "folder", "path": str(folder)}
    check_model_folder(folder)
    block = _pretrained_block(cfg, folder)  # before the weights load: a wrong size fails fast
    tokenizer = load_tokenizer(folder)
    method = choose_method(cfg.method, count_parameters(folder), free_memory)
    model = load_causal_lm(folder, dtype=_model_dtype(device_kind, device_dtype, method))
    record["model_type"] = model.config.model_type
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
                {"kind": "scratch", "model_type": "gpt2", "n_params": model.num_parameters()})


def _library_lora(cfg, info: library.ModelInfo, device_kind: str, device_dtype: str) -> Base:
    from peft import PeftModel

    base_path = Path(info.meta["base"]["path"])
    if not base_path.is_dir():
        raise ModelLoadError("lora_base_missing", base=str(base_path))
    if cfg.method == "full":
        raise ConfigError("bad_value", option="--method", value="full",
                          hint="This library model is a LoRA adapter; continue it with LoRA.")
    check_model_folder(base_path)
    block = _pretrained_block(cfg, base_path)
    tokenizer = load_tokenizer(info.path)
    model = load_causal_lm(base_path, dtype=_model_dtype(device_kind, device_dtype, "lora"))
    model = PeftModel.from_pretrained(model, info.path, is_trainable=True)
    record = dict(info.meta["base"], continued_from=info.name)
    return Base(model, tokenizer, "lora", PromptStyle.for_tokenizer(tokenizer), block, False, record)


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
