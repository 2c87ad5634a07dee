"""Base models: a scratch GPT-2 sized to the data, or a local Hugging Face folder.

Everything loads from local folders only: `local_files_only=True`,
`trust_remote_code=False`, and safetensors weights only, because pickle
weights can run arbitrary code when loaded.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from .device import is_out_of_memory
from .errors import ModelLoadError

EOS = "<|endoftext|>"
PROMPT = "<|prompt|>"
COPY = "<|copy|>"

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


@dataclass(frozen=True)
class ScratchSize:
    n_layer: int
    n_head: int
    n_embd: int


# Scratch model size by training tokens, measured with bench/scratch_size.py (docs/PERFORMANCE.md):
# at equal training time on a CPU the smallest model reaches the lowest validation loss on the
# sample (5k-22k tokens) and on ~100k, ~300k and ~1.3M tokens of real prose, by 0.6-0.7 nats over
# 6x256 up to 300k and 0.27 at 1.3M. The gap shrinks with the data, so 4x128 is used up to 2M; the
# larger tiers keep 10x steps above it and are not measured (nor are GPUs, where a bigger model
# costs little more per step).
SCRATCH_TIERS: tuple[tuple[int, ScratchSize], ...] = (
    (2_000_000, ScratchSize(n_layer=4, n_head=4, n_embd=128)),
    (20_000_000, ScratchSize(n_layer=6, n_head=4, n_embd=256)),
    (200_000_000, ScratchSize(n_layer=8, n_head=6, n_embd=384)),
    (10**18, ScratchSize(n_layer=12, n_head=8, n_embd=512)),
)


def quiet_transformers() -> None:
    """The engine prints nothing itself: silence library warnings and progress bars."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def scratch_size(train_tokens: int) -> ScratchSize:
    return next(size for limit, size in SCRATCH_TIERS if train_tokens < limit)


def scratch_vocab_size(chars: int) -> int:
    """Grows with the square root of the corpus: small data can't support many merges."""
    vocab = int(math.sqrt(max(chars, 1)) * 8)
    return max(512, min(16_384, (vocab + 63) // 64 * 64))


def train_tokenizer(texts: list[str], vocab_size: int):
    """A byte-level BPE tokenizer (no unknown tokens) trained on the user's own text."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    quiet_transformers()
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=[EOS, PROMPT, COPY],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=EOS,
        eos_token=EOS,
        pad_token=EOS,
        additional_special_tokens=[PROMPT, COPY],
        model_max_length=1024,
        clean_up_tokenization_spaces=False,
    )


def build_scratch_model(tokenizer, train_tokens: int, block_size: int, seed: int):
    """A randomly initialised GPT-2 whose size follows the amount of data."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    size = scratch_size(train_tokens)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=block_size,
        n_layer=size.n_layer,
        n_head=size.n_head,
        n_embd=size.n_embd,
        # Small data overfits quickly; dropout keeps validation loss falling longer. (Training turns
        # the attention dropout off: models.tune_for_training.)
        resid_pdrop=0.1, embd_pdrop=0.1, attn_pdrop=0.1,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    return GPT2LMHeadModel(config)


def tune_for_training(model, attention_dropout: float | None, device_kind: str = "cpu") -> None:
    """Set the dropout on attention probabilities and swap in cheaper kernels for the same function.

    Attention dropout makes PyTorch's SDPA fall back from its fused kernel to the math path,
    which on a CPU costs more than a third of a small GPT-2's step; dropout on the residual
    stream and embeddings, kept as the model has it, regularises as well (PERFORMANCE.md).
    None keeps the model's rate. GPT-2's tanh GELU is written as eight element-wise ops, each
    a pass over the MLP activations forward and again backward; PyTorch computes the same
    function in one kernel (differences ~1e-7). On CPUs where PyTorch draws dropout masks one
    element at a time, dropout draws them four at a time instead (engine/dropout.py).
    """
    import torch
    from transformers.activations import NewGELUActivation

    for parent in model.modules():
        if attention_dropout is not None and isinstance(getattr(parent, "attention_dropout", None), float):
            parent.attention_dropout = attention_dropout  # Llama/Qwen-style attention keeps a plain rate
        for name, child in parent.named_children():
            if isinstance(child, NewGELUActivation):
                setattr(parent, name, torch.nn.GELU(approximate="tanh"))
            elif attention_dropout is not None and name == "attn_dropout" and isinstance(child, torch.nn.Dropout):
                child.p = attention_dropout  # GPT-2 passes this module's rate to SDPA
    if device_kind == "cpu":
        from .dropout import scalar_bernoulli, use_cpu_dropout

        if scalar_bernoulli():
            use_cpu_dropout(model)


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
