"""Loading local Hugging Face model folders, checked before anything heavy is read.

Everything loads from local folders only: `local_files_only=True`,
`trust_remote_code=False`, and safetensors weights only, because pickle
weights can run arbitrary code when loaded.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from ..common.errors import ModelLoadError
from ..common.memory import is_out_of_memory

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


def quiet_transformers() -> None:
    """The engine prints nothing itself: silence library warnings and progress bars."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def max_positions(config: dict) -> int | None:
    """The longest input a model takes, from its config (as a dict); None when it doesn't say."""
    for section in (config, config.get("text_config") or {}):
        for key in ("max_position_embeddings", "n_positions", "max_sequence_length"):
            value = section.get(key)
            if isinstance(value, int) and value > 0:
                return value
    return None


def check_model_folder(path: str | Path) -> Path:
    """Validate a local Hugging Face folder before anything heavy is loaded."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ModelLoadError("model_missing", path=str(folder))
    if not (folder / "config.json").is_file():
        raise ModelLoadError("model_no_config", path=str(folder))
    names = [p.name for p in folder.iterdir()]
    if not any(n.endswith(".safetensors") for n in names):
        if any(n.endswith(PICKLE_SUFFIXES) for n in names):
            raise ModelLoadError("model_pickle_only", path=str(folder))
        raise ModelLoadError("model_no_weights", path=str(folder))
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelLoadError("model_broken", path=str(folder), reason=f"config.json: {err}") from err
    if not isinstance(config, dict) or "model_type" not in config:
        raise ModelLoadError("model_broken", path=str(folder), reason="config.json has no model_type")
    return folder


def load_tokenizer(folder: Path):
    from transformers import AutoTokenizer

    quiet_transformers()
    try:
        tok = AutoTokenizer.from_pretrained(folder, local_files_only=True, trust_remote_code=False)
    except Exception as err:  # transformers raises many types for a broken folder
        raise ModelLoadError("model_broken", path=str(folder), reason=f"tokenizer: {_short(err)}") from err
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def load_causal_lm(folder: Path, dtype=None):
    """Load weights from a checked folder; safetensors only, no remote code."""
    from transformers import AutoConfig, AutoModelForCausalLM
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    quiet_transformers()
    try:
        config = AutoConfig.from_pretrained(folder, local_files_only=True, trust_remote_code=False)
    except Exception as err:
        raise ModelLoadError("model_broken", path=str(folder), reason=_short(err)) from err
    if config.model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        arch = ",".join(getattr(config, "architectures", None) or [config.model_type])
        raise ModelLoadError("model_not_causal", path=str(folder), arch=arch)
    try:
        return AutoModelForCausalLM.from_pretrained(
            folder, local_files_only=True, trust_remote_code=False, use_safetensors=True,
            dtype=dtype or "float32",
        )
    except Exception as err:
        if is_out_of_memory(err):
            raise  # the folder is fine: the caller's advice is about memory
        raise ModelLoadError("model_broken", path=str(folder), reason=_short(err)) from err


def load_adapter(base: Path | None, adapter: Path, *, dtype=None, trainable: bool = False):
    """A LoRA adapter on top of its base model, both from local folders."""
    from peft import PeftModel

    if base is None or not base.is_dir():
        raise ModelLoadError("lora_base_missing", base=str(base))
    check_model_folder(base)
    return PeftModel.from_pretrained(load_causal_lm(base, dtype=dtype), adapter, is_trainable=trainable)


def count_parameters(folder: Path) -> int:
    """Parameter count read from safetensors headers, without loading the weights."""
    from safetensors import safe_open

    total = 0
    for file in folder.glob("*.safetensors"):
        try:
            with safe_open(file, framework="pt") as f:
                for key in f.keys():
                    total += math.prod(f.get_slice(key).get_shape())
        except Exception as err:  # a truncated or corrupt file
            raise ModelLoadError("model_broken", path=str(folder), reason=f"{file.name}: {_short(err)}") from err
    return total


def _short(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:300]
