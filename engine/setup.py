"""Getting a base model ready to train: scratch, a local folder, or a library model."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import library
from .atomic import atomic_dir
from .batching import PromptStyle
from .dataio import DataSet, Sample
from .errors import ConfigError, ModelLoadError
from .models import (build_scratch_model, check_model_folder, count_parameters, load_causal_lm,
                     load_tokenizer, scratch_vocab_size, train_tokenizer)

SCRATCH_BLOCK = 128    # scratch models are small and trained on short copy
PRETRAINED_BLOCK = 256
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


def resolve_base(base: str) -> tuple[str, Path | None]:
    """('scratch'|'folder'|'library', path)."""
    if base == "scratch":
        return "scratch", None
    folder = Path(base).expanduser()
    if folder.is_dir():
        return "folder", folder.resolve()
    if library.exists(base):
        return "library", library.get_model(base).path
    if any(sep in base for sep in ("/", "\\")) or base.startswith((".", "~")):
        raise ModelLoadError("model_missing", path=str(folder))
    raise ModelLoadError("model_unknown", name=base)


def _model_dtype(device_kind: str, device_dtype: str, method: str):
    import torch
    # LoRA keeps the frozen base in half precision on a GPU; full fine-tunes keep fp32 master weights.
    if method == "lora" and device_kind == "cuda":
        return torch.bfloat16 if device_dtype == "bf16" else torch.float16
    return torch.float32


def prepare_base(cfg, data: DataSet, train_samples: list[Sample], resume_dir: Path | None,
                 free_memory: int | None, device_kind: str = "cpu", device_dtype: str = "fp32",
                 save_tokenizer: bool = True) -> Base:
    kind, folder = resolve_base(cfg.base)
    if kind == "scratch":
        return _scratch(cfg, data, train_samples, resume_dir, save_tokenizer)

    if kind == "library":
        info = library.get_model(cfg.base)
        if info.is_lora:
            return _library_lora(cfg, info, device_kind, device_dtype)
        record = {"kind": "library", "name": info.name, "path": str(info.path), "of": info.meta.get("base")}
    else:
        record = {"kind": "folder", "path": str(folder)}
    check_model_folder(folder)
    tokenizer = load_tokenizer(folder)
    method = choose_method(cfg.method, count_parameters(folder), free_memory)
    model = load_causal_lm(folder, dtype=_model_dtype(device_kind, device_dtype, method))
    record["model_type"] = model.config.model_type
    if method == "lora":
        model = _add_lora(cfg, model)
    block = cfg.block_size or min(PRETRAINED_BLOCK, _max_positions(model.config))
    return Base(model, tokenizer, method, PromptStyle.for_tokenizer(tokenizer), block, False, record)


def _scratch(cfg, data: DataSet, train_samples: list[Sample], resume_dir: Path | None, save: bool) -> Base:
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
        from . import checkpoint
        target = checkpoint.run_dir(cfg.name) / "tokenizer"
        if save and not target.exists():  # kept so --resume uses exactly the same vocabulary
            with atomic_dir(target) as tmp:
                tokenizer.save_pretrained(tmp)
    block = cfg.block_size or SCRATCH_BLOCK
    train_tokens = sum(len(ids) + 1 for ids in tokenizer([s.text for s in train_samples])["input_ids"])
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
    tokenizer = load_tokenizer(info.path)
    model = load_causal_lm(base_path, dtype=_model_dtype(device_kind, device_dtype, "lora"))
    model = PeftModel.from_pretrained(model, info.path, is_trainable=True)
    block = cfg.block_size or min(PRETRAINED_BLOCK, _max_positions(model.config))
    record = dict(info.meta["base"], continued_from=info.name)
    return Base(model, tokenizer, "lora", PromptStyle.for_tokenizer(tokenizer), block, False, record)


def _add_lora(cfg, model):
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                        target_modules="all-linear", task_type="CAUSAL_LM")
    return get_peft_model(model, config)


def _max_positions(config) -> int:
    for attr in ("max_position_embeddings", "n_positions", "max_sequence_length"):
        value = getattr(config, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    return PRETRAINED_BLOCK
