"""Drafting copy: N variants from one batched `generate` call, streamed as they grow."""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable

from ..common.errors import ConfigError, ModelLoadError
from ..common.events import TextEvent
from ..common.memory import memory_advice
from ..models import library
from ..models.device import choose_device
from ..models.discovery import base_folder, device_profile
from ..models.loading import check_model_folder, load_causal_lm, load_tokenizer, max_positions
from ..models.prompt_style import PromptStyle
from ..models.scratch import COPY, PROMPT


@dataclass(frozen=True)
class GenerateConfig:
    prompt: str
    n: int = 3                        # variants, sampled together in one batch
    max_new_tokens: int = 160
    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 50                   # 0 turns top-k off
    repetition_penalty: float = 1.1
    seed: int | None = None           # None: a fresh seed, reported in the result so it can be reused


PRESETS: dict[str, dict] = {
    "safe": {"temperature": 0.6, "top_p": 0.9, "top_k": 40, "repetition_penalty": 1.15},
    "balanced": {"temperature": 0.8, "top_p": 0.95, "top_k": 50, "repetition_penalty": 1.1},
    "creative": {"temperature": 1.05, "top_p": 0.98, "top_k": 0, "repetition_penalty": 1.05},
}


def with_preset(cfg: GenerateConfig, preset: str) -> GenerateConfig:
    if preset not in PRESETS:
        raise ConfigError("bad_value", option="--preset", value=preset, hint="Use safe, balanced or creative.")
    return replace(cfg, **PRESETS[preset])


@dataclass(frozen=True)
class GenerateResult:
    variants: list[str]       # finished texts, identical ones dropped, in order
    indices: list[int]        # which streamed variant each text came from
    seed: int
    elapsed_s: float
    first_text_s: float | None
    cancelled: bool
    device: str = ""              # what the user sees, e.g. "CPU (2 threads)"
    max_new_tokens_used: int = 0  # the limit generate() ran with
    capped: bool = False          # below the request: the model has no positions left after the prompt
    prompt_cut: bool = False      # the prompt alone filled the model's positions: its start was left out


@dataclass
class LoadedModel:
    model: object
    tokenizer: object
    style: PromptStyle
    text_format: bool         # trained on plain text: the prompt is the opening of the copy
    device: str               # torch device string
    device_name: str          # what the user sees
    stop_ids: tuple[int, ...]


_cache: dict[tuple, LoadedModel] = {}
_cache_lock = threading.Lock()


def _locate(name_or_path: str, device: str, convert: bool = True) -> tuple[Path | None, dict, tuple]:
    """The model's folder, its metadata and its cache key (a retrained model gets a new key).

    Not a library model: a base by the name `bases` prints, or a folder or .gguf path, checked
    and refused when it can't fit (models.discovery); a GGUF is converted on first use unless
    `convert` is False, and then the folder is None until it has been.
    """
    if not Path(name_or_path).expanduser().exists() and library.exists(name_or_path):
        info = library.get_model(name_or_path)
        folder, meta = info.path, info.meta
    else:
        folder, meta = base_folder(name_or_path, purpose="write", device=device_profile(device), convert=convert), {}
        if folder is None:
            return None, {}, (name_or_path, 0, device)
        check_model_folder(folder)
    stamp = (folder / library.META_FILE).stat().st_mtime_ns if meta else 0
    return folder, meta, (str(Path(folder).resolve()), stamp, device)


def is_loaded(name_or_path: str, device: str = "auto") -> bool:
    """Whether the next request for this model finds it in memory."""
    with _cache_lock:
        return _locate(name_or_path, device, convert=False)[2] in _cache


def load_model(name_or_path: str, device: str = "auto", *, reserve_for_gui: bool = False) -> LoadedModel:
    """A library model (by name) or a local folder, kept in memory for the next request."""
    folder, meta, key = _locate(name_or_path, device)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        choice = choose_device(device, reserve_for_gui=reserve_for_gui)
        _cache.clear()  # one model at a time, and the old one is gone before the new one takes memory
        with memory_advice(choice.kind, "load_out_of_memory", device=choice.name, model=name_or_path):
            loaded = _load(folder, meta, choice)
        _cache[key] = loaded
        return loaded


def _load(folder: Path, meta: dict, choice) -> LoadedModel:
    import torch

    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(choice.dtype, torch.float32)
    tokenizer = load_tokenizer(folder)
    if meta.get("method") == "lora":
        from peft import PeftModel
        base_path = Path(meta["base"]["path"])
        if not base_path.is_dir():
            raise ModelLoadError("lora_base_missing", base=str(base_path))
        check_model_folder(base_path)
        model = PeftModel.from_pretrained(load_causal_lm(base_path, dtype=dtype), folder)
        model = model.merge_and_unload()  # one plain model generates faster than base + adapter
    else:
        model = load_causal_lm(folder, dtype=dtype)
    model.to(choice.kind).eval()
    stop = set()
    for ids in (model.generation_config.eos_token_id, tokenizer.eos_token_id,
                tokenizer.convert_tokens_to_ids(PROMPT) if PROMPT in tokenizer.get_vocab() else None,
                tokenizer.convert_tokens_to_ids(COPY) if COPY in tokenizer.get_vocab() else None):
        stop.update(ids if isinstance(ids, list) else [ids] if ids is not None else [])
    return LoadedModel(model, tokenizer, PromptStyle(meta["style"]) if meta.get("style")
                       else PromptStyle.for_tokenizer(tokenizer),
                       meta.get("format") == "text", choice.kind, choice.name, tuple(sorted(stop)))


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


class _VariantStreamer:
    """Receives one token per variant per step; sends each variant's new text.

    Byte-level tokens can split a character's UTF-8 bytes; the incomplete tail
    decodes to U+FFFD, so text is held back until the character is whole.
    """

    def __init__(self, tokenizer, n: int, stop_ids: tuple[int, ...], on_text: Callable[[TextEvent], None],
                 opening: str, started: float):
        self.tokenizer, self.stop_ids, self.on_text = tokenizer, set(stop_ids), on_text
        self.tokens: list[list[int]] = [[] for _ in range(n)]
        self.sent = [""] * n
        self.done = [False] * n
        self.opening, self.started = opening, started
        self.first_text_s: float | None = None
        self.prompt_seen = False

    def put(self, value) -> None:
        if not self.prompt_seen:  # generate() first hands over the prompt itself
            self.prompt_seen = True
            return
        for i, token in enumerate(value.view(-1).tolist()):
            if self.done[i]:
                continue
            if token in self.stop_ids:
                self.done[i] = True
                continue
            self.tokens[i].append(token)
            self._flush(i)

    def end(self) -> None:
        pass

    def text(self, i: int) -> str:
        raw = self.tokenizer.decode(self.tokens[i], skip_special_tokens=True)
        return self.opening + raw.rstrip("\ufffd").replace("\ufffd", "")

    def _flush(self, i: int) -> None:
        text = self.text(i)
        if len(text) > len(self.sent[i]) and text.startswith(self.sent[i]):
            delta, self.sent[i] = text[len(self.sent[i]):], text
            if self.first_text_s is None and delta.strip():
                self.first_text_s = time.perf_counter() - self.started
            self.on_text(TextEvent(i, delta))


class _CancelCriteria:
    def __init__(self, cancel: threading.Event):
        self.cancel = cancel

    def __call__(self, input_ids, scores, **kwargs):
        import torch
        return torch.full((input_ids.shape[0],), self.cancel.is_set(), dtype=torch.bool, device=input_ids.device)


def generate(name_or_path: str, cfg: GenerateConfig, *, on_text: Callable[[TextEvent], None] = lambda e: None,
             cancel: threading.Event | None = None, device: str = "auto",
             reserve_for_gui: bool = False) -> GenerateResult:
    """Sample `cfg.n` variants for `cfg.prompt`, streaming text through `on_text`."""
    import torch
    from transformers import StoppingCriteriaList

    _check(cfg)
    started = time.perf_counter()
    cancel = cancel or threading.Event()
    lm = load_model(name_or_path, device, reserve_for_gui=reserve_for_gui)
    tok = lm.tokenizer
    opening = " ".join(cfg.prompt.split()) if lm.text_format else ""
    prompt_ids = (lm.style.text_prefix_ids(tok, opening) if lm.text_format
                  else lm.style.prompt_ids(tok, cfg.prompt.strip()))
    limit = max_positions(lm.model.config.to_dict()) or 4096
    max_new = max(1, min(cfg.max_new_tokens, limit - len(prompt_ids)))
    prompt_cut = len(prompt_ids) > limit - max_new
    prompt_ids = prompt_ids[-(limit - max_new):]  # the end holds the chat template's turn to answer
    input_ids = torch.tensor([prompt_ids] * cfg.n, dtype=torch.long, device=lm.device)

    seed = cfg.seed if cfg.seed is not None else random.randrange(2**31)
    torch.manual_seed(seed)
    streamer = _VariantStreamer(tok, cfg.n, lm.stop_ids, on_text, opening, started)
    sampling = cfg.temperature > 0
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else lm.stop_ids[0]
    # The loaded model stays cached on out of memory: a retry with fewer variants or tokens needs no reload.
    with memory_advice(lm.device, "generate_out_of_memory", device=lm.device_name, n=cfg.n, max_new_tokens=max_new):
        with torch.inference_mode():
            lm.model.generate(
                input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                max_new_tokens=max_new, do_sample=sampling,
                temperature=cfg.temperature if sampling else None, top_p=cfg.top_p if sampling else None,
                top_k=cfg.top_k if sampling else None, repetition_penalty=cfg.repetition_penalty,
                eos_token_id=list(lm.stop_ids), pad_token_id=pad_id,
                streamer=streamer, stopping_criteria=StoppingCriteriaList([_CancelCriteria(cancel)]),
            )
    variants, indices, seen = [], [], set()
    for i in range(cfg.n):
        text = streamer.text(i).strip()
        if text and text not in seen:
            seen.add(text)
            variants.append(text)
            indices.append(i)
    return GenerateResult(variants, indices, seed, time.perf_counter() - started,
                          streamer.first_text_s, cancel.is_set(), lm.device_name, max_new,
                          max_new < cfg.max_new_tokens, prompt_cut)


def _check(cfg: GenerateConfig) -> None:
    checks = {
        "n": (1 <= cfg.n <= 16, "Use 1 to 16 variants."),
        "max_new_tokens": (1 <= cfg.max_new_tokens <= 4096, "Use 1 to 4096 tokens."),
        "temperature": (0 <= cfg.temperature <= 3, "Use a temperature between 0 and 3."),
        "top_p": (0 < cfg.top_p <= 1, "Use a top-p above 0 and at most 1."),
        "top_k": (cfg.top_k >= 0, "Use a top-k of 0 (off) or more."),
        "repetition_penalty": (0.5 <= cfg.repetition_penalty <= 3, "Use a repetition penalty between 0.5 and 3."),
    }
    for option, (ok, hint) in checks.items():
        if not ok:
            raise ConfigError("bad_value", option="--" + option.replace("_", "-"),
                              value=getattr(cfg, option), hint=hint)
    if not cfg.prompt.strip():
        raise ConfigError("bad_value", option="--prompt", value='""', hint="Write a prompt.")


GENERATE_FIELDS = tuple(f.name for f in fields(GenerateConfig))
