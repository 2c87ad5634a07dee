"""Drafting copy: N variants from one batched `generate` call, streamed as they grow."""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field, fields, replace
from typing import Callable

from ..common.errors import ConfigError
from ..common.events import TextEvent
from ..common.options import at_least, positive, within
from ..common.memory import memory_advice
from ..data.examples import index_for_file, index_for_model
from ..models.device import choose_device, load_dtype
from ..models.discovery import device_profile
from ..models.library import ModelRef, resolve_model
from ..models.loading import load_adapter, load_causal_lm, load_tokenizer, max_positions
from ..models.prompt_style import PromptStyle
from ..models.scratch import COPY, PROMPT
from .briefing import request_language, system_message
from .decoding import PromptCache, Sampling, decode, use_fast_attention
from .scenarios import SCENARIOS


MAX_VARIANTS = 16  # sampled together in one batch
MAX_EXAMPLES = 8   # of the shop's own copy shown to the model; more crowd out the request


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
    scenario: str | None = None       # a key of scenarios.SCENARIOS: a chat model is told the task and its limit
    platform: str | None = None       # as the seller wrote it ("淘宝", "Amazon"): its length limit
    examples: str | None = None       # a file of the shop's own copy; None: a trained model's own samples
    n_examples: int = 3               # how many of them, the closest to the request, the model is shown


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
    drafted_by: str = "trained"   # "base": a pretrained model as found, no training here; "trained": trained here
    examples_used: tuple[str, ...] = ()  # the shop's own copy the model was shown, closest first
    examples_source: str = ""     # the name of the file they came from ("" when none were shown); for a trained
                                  # model without --examples, the file it was trained on
    chat: bool = False            # prompted through the model's chat template, with the system message


@dataclass
class LoadedModel:
    model: object
    tokenizer: object
    style: PromptStyle
    text_format: bool         # trained on plain text: the prompt is the opening of the copy
    device: str               # torch device string
    device_name: str          # what the user sees
    stop_ids: tuple[int, ...]
    identity: str = ""        # ModelRef.identity: tells a retrained model of the same name apart
    folder: str = ""          # where it was loaded from (a trained model's own samples are kept there)
    trained: bool = False     # trained in this app (it has a model card), not a base as found
    data_file: str = ""       # a trained model's data file, by name
    ngram: object = None      # a scratch model's n-gram partner (models.token_ngram): writing samples the mixture
    prompts: PromptCache = field(default_factory=PromptCache)  # the last prompt's keys and values


_cache: dict[tuple, LoadedModel] = {}
_cache_lock = threading.Lock()


def _locate(name_or_path: str, device: str, convert: bool = True) -> tuple[ModelRef | None, tuple]:
    """The model and its cache key (a retrained or edited model gets a new key).

    Not a library model: a base by the name `bases` prints, or a folder or .gguf path, checked
    and refused when it can't fit (models.discovery); a GGUF is converted on first use unless
    `convert` is False, and then the model is None until it has been.
    """
    ref = resolve_model(name_or_path, purpose="write", device=device_profile(device), convert=convert)
    if ref is None:
        return None, (name_or_path, 0, device)
    return ref, (ref.identity, ref.stamp(), device)


def is_loaded(name_or_path: str, device: str = "auto") -> bool:
    """Whether the next request for this model finds it in memory."""
    with _cache_lock:
        return _locate(name_or_path, device, convert=False)[1] in _cache


def load_model(name_or_path: str, device: str = "auto", *, reserve_for_gui: bool = False) -> LoadedModel:
    """A library model (by name) or a local folder, kept in memory for the next request."""
    ref, key = _locate(name_or_path, device)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        choice = choose_device(device, reserve_for_gui=reserve_for_gui)
        _cache.clear()  # one model at a time, and the old one is gone before the new one takes memory
        with memory_advice(choice.kind, "load_out_of_memory", device=choice.name, model=name_or_path):
            loaded = _load(ref, choice)
        _cache[key] = loaded
        return loaded


def _load(ref: ModelRef, choice) -> LoadedModel:
    dtype = load_dtype(choice, "write")
    tokenizer = load_tokenizer(ref.folder)
    card = ref.card
    if card is not None and card.is_lora:
        model = load_adapter(card.adapter_base(), ref.folder, dtype=dtype)
        model = model.merge_and_unload()  # one plain model generates faster than base + adapter
    else:
        model = load_causal_lm(ref.folder, dtype=dtype)
    model.to(choice.kind).eval()
    use_fast_attention(model)
    stop = set()
    for ids in (model.generation_config.eos_token_id, tokenizer.eos_token_id,
                tokenizer.convert_tokens_to_ids(PROMPT) if PROMPT in tokenizer.get_vocab() else None,
                tokenizer.convert_tokens_to_ids(COPY) if COPY in tokenizer.get_vocab() else None):
        stop.update(ids if isinstance(ids, list) else [ids] if ids is not None else [])
    style = PromptStyle(card.style) if card is not None and card.style else PromptStyle.for_tokenizer(tokenizer)
    ngram = None
    if card is not None and card.base.kind == "scratch":
        from ..models.token_ngram import TokenKneserNey  # numpy: not on the app's start-up path
        ngram = TokenKneserNey.load(ref.folder)
    return LoadedModel(model, tokenizer, style, card is not None and card.is_text, choice.kind, choice.name,
                       tuple(sorted(stop)), ref.identity, str(ref.folder), card is not None,
                       card.data.file if card is not None else "", ngram, PromptCache(turn_ends=stop))


def read_ahead(name_or_path: str, cfg: GenerateConfig, lang: str, device: str = "auto", *,
               reserve_for_gui: bool = False) -> bool:
    """Load a chat model and read the system message its next request will begin with (`cfg` as the
    form is set, its prompt not yet written; `lang` the language it will likely be in), so that request
    computes only its own part and its first text comes sooner (`PromptCache`). Nothing for a text model,
    when a request was written since loading (its prompt is the better one to keep), or when the
    examples are past copy without requests (they are quoted in the system message, which then differs
    from one request to the next). Returns whether it read anything."""
    lm = load_model(name_or_path, device, reserve_for_gui=reserve_for_gui)
    if lm.text_format or lm.style.kind != "chat" or lm.prompts.ids:
        return False
    index = _example_index(lm, cfg)
    examples = index.examples if index is not None else []
    if not all(e.prompt for e in examples):
        return False
    # any of the pairs gives the system message the request's will have: they only announce the turns
    ids = lm.style.prompt_ids(lm.tokenizer, "", system=_system(lm, cfg, lang, examples[:1]), examples=[])
    import torch

    with torch.inference_mode():
        lm.prompts.prefill(lm.model, ids)
    return True


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


class _VariantStreamer:
    """Receives the new tokens of the variants still writing; sends each variant's new text.

    Byte-level tokens can split a character's UTF-8 bytes; the incomplete tail
    decodes to U+FFFD, so text is held back until the character is whole.
    Bytes that never form a character (a stray continuation byte, a lead byte
    cut short, an unfinished character when generation ends) are dropped, from
    the stream and the final text alike: copy never shows a U+FFFD box.
    """

    def __init__(self, tokenizer, n: int, on_text: Callable[[TextEvent], None], opening: str, started: float):
        self.tokenizer, self.on_text = tokenizer, on_text
        self.tokens: list[list[int]] = [[] for _ in range(n)]
        self.sent = [""] * n
        self.opening, self.started = opening, started
        self.first_text_s: float | None = None

    def add(self, rows: list[int], tokens: list[int]) -> None:
        """The new token of each row still writing."""
        for i, token in zip(rows, tokens):
            self.tokens[i].append(token)
            self._flush(i)

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


def generate(name_or_path: str, cfg: GenerateConfig, *, on_text: Callable[[TextEvent], None] = lambda e: None,
             cancel: threading.Event | None = None, device: str = "auto",
             reserve_for_gui: bool = False) -> GenerateResult:
    """Sample `cfg.n` variants for `cfg.prompt`, streaming text through `on_text`."""
    _check(cfg)
    started = time.perf_counter()
    cancel = cancel or threading.Event()
    lm = load_model(name_or_path, device, reserve_for_gui=reserve_for_gui)
    tok = lm.tokenizer
    examples, source = _examples(lm, cfg)
    limit = max_positions(lm.model.config.to_dict()) or 4096
    prompt_ids, opening, shown = _prompt(lm, cfg, examples, limit)
    max_new = max(1, min(cfg.max_new_tokens, limit - len(prompt_ids)))
    prompt_cut = len(prompt_ids) > limit - max_new
    prompt_ids = prompt_ids[-(limit - max_new):]  # the end holds the chat template's turn to answer

    seed = cfg.seed if cfg.seed is not None else random.randrange(2**31)
    streamer = _VariantStreamer(tok, cfg.n, on_text, opening, started)
    sampling = Sampling(cfg.temperature, cfg.top_k, cfg.top_p, cfg.repetition_penalty,
                        min_new_tokens=min(max_new, lm.model.generation_config.min_new_tokens or 0))
    # The loaded model stays cached on out of memory: a retry with fewer variants or tokens needs no reload.
    with memory_advice(lm.device, "generate_out_of_memory", device=lm.device_name, n=cfg.n, max_new_tokens=max_new):
        decode(lm.model, prompt_ids, cfg.n, max_new, sampling, stop_ids=lm.stop_ids, on_tokens=streamer.add,
               cancel=cancel, seed=seed, prompts=lm.prompts, processors=_mixture(lm))
    variants, indices, seen = [], [], set()
    for i in range(cfg.n):
        text = streamer.text(i).strip()
        if text and text not in seen:
            seen.add(text)
            variants.append(text)
            indices.append(i)
    return GenerateResult(variants, indices, seed, time.perf_counter() - started,
                          streamer.first_text_s, cancel.is_set(), lm.device_name, max_new,
                          max_new < cfg.max_new_tokens, prompt_cut, "trained" if lm.trained else "base",
                          tuple(e.text for e in examples[:shown]), source if shown else "",
                          lm.style.kind == "chat" and not lm.text_format)


def _mixture(lm: LoadedModel) -> tuple:
    """A scratch model writes from its mixture with its n-gram, which predicts unseen copy better."""
    if lm.ngram is None:
        return ()
    from ..models.token_ngram import mix_processor
    return (mix_processor(lm.ngram),)


def _examples(lm: LoadedModel, cfg: GenerateConfig) -> tuple[list, str]:
    """The shop's copy closest to the request, and the name of the file it came from."""
    index = _example_index(lm, cfg)
    if index is None:
        return [], ""
    return index.select(cfg.prompt, cfg.n_examples), index.source


def _example_index(lm: LoadedModel, cfg: GenerateConfig):
    """The index of the shop's copy a request's examples come from: the chosen file, or a trained
    model's own samples; None when the request shows none."""
    if cfg.n_examples == 0 or lm.style.kind == "scratch":
        return None
    return index_for_file(cfg.examples) if cfg.examples else index_for_model(lm.folder, source=lm.data_file)


def _system(lm: LoadedModel, cfg: GenerateConfig, lang: str, shown: list) -> str:
    """The system message of a request showing `shown`: request → copy pairs follow as earlier turns,
    past copy without a request is quoted in it (chat models)."""
    listed = [e.text for e in shown if not e.prompt] if lm.style.kind == "chat" else ()
    return system_message(cfg.scenario, cfg.platform, lang, listed=listed, example_turns=any(e.prompt for e in shown))


def _prompt(lm: LoadedModel, cfg: GenerateConfig, examples: list, limit: int) -> tuple[list[int], str, int]:
    """(prompt ids, the opening of a text model's copy, how many examples fitted). Examples are dropped,
    the least close first, until the prompt leaves room for the copy (at least half the asked length)."""
    tok, lang = lm.tokenizer, request_language(cfg.prompt)
    opening = " ".join(cfg.prompt.split()) if lm.text_format else ""

    def build(shown: list) -> list[int]:
        if lm.text_format:
            return lm.style.text_prefix_ids(tok, opening, examples=shown)
        return lm.style.prompt_ids(tok, cfg.prompt.strip(), system=_system(lm, cfg, lang, shown), examples=shown)

    room = limit - max(1, min(cfg.max_new_tokens, limit) // 2)
    for shown in range(len(examples), 0, -1):
        ids = build(examples[:shown])
        if len(ids) <= room:
            return ids, opening, shown
    return build([]), opening, 0


def _check(cfg: GenerateConfig) -> None:
    within("-n", cfg.n, 1, MAX_VARIANTS)
    within("--max-new-tokens", cfg.max_new_tokens, 1, 4096)
    within("--temperature", cfg.temperature, 0, 3)
    positive("--top-p", cfg.top_p)
    within("--top-p", cfg.top_p, 0, 1)
    at_least("--top-k", cfg.top_k, 0)  # 0 turns it off
    within("--repetition-penalty", cfg.repetition_penalty, 0.5, 3)
    within("--n-examples", cfg.n_examples, 0, MAX_EXAMPLES)
    if cfg.scenario is not None and cfg.scenario not in SCENARIOS:
        raise ConfigError("bad_value", option="--scenario", value=cfg.scenario,
                          hint="Use one of: " + ", ".join(SCENARIOS) + ".")
    if not cfg.prompt.strip():
        raise ConfigError("bad_value", option="--prompt", value='""', hint="Write a prompt.")


GENERATE_FIELDS = tuple(f.name for f in fields(GenerateConfig))
