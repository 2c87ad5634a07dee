"""The writing loop: `n` variants of one prompt, sampled side by side, a token at a time.

transformers' `generate` serves every model and every kind of search. The app asks one thing of it:
n copies of one prompt, no padding, sampling. A loop of its own does that with less per token, which
on a CPU is most of the gap to the memory-bandwidth limit (bench/qwen_cpu.py, docs/PERFORMANCE.md):

- the prompt's keys and values are computed once for all variants, and what it shares with the
  previous request (the system message of the same scenario, or all of it when written again) is
  not computed again at all (`PromptCache`);
- top-k before top-p: top-p sorts only the k kept logits, not the whole vocabulary;
- a variant that has finished leaves the batch, so the others run on fewer rows;
- one query token attends on a CPU without SDPA's flash kernel, which is slower than two plain
  matrix products for it (`ATTENTION`).

The sampling is `generate`'s: the repetition penalty over the prompt and the text so far, then
the given logits processors, then temperature, top-k and top-p.
"""
from __future__ import annotations

import copy
import inspect
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

ATTENTION = "wenan_sdpa"  # SDPA, except one query token on a CPU (`_attention`)
MIN_PART = 16             # a shorter first turn is read with the rest, not as a part of its own


def _attention(module, query, key, value, attention_mask, dropout=0.0, scaling=None, is_causal=None, **kwargs):
    """transformers' SDPA attention; for one query token on a CPU, softmax(q·kᵀ)·v with the query heads
    grouped by their key/value head (no repeated keys): SDPA's CPU kernel for a single query is slower."""
    import torch
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    plain = query.shape[2] == 1 and query.device.type == "cpu" and not dropout and not kwargs.get("output_attentions")
    extras = ("softcap", "s_aux", "sinks", "position_bias")
    if not plain or any(kwargs.get(k) is not None for k in extras) or \
            (attention_mask is not None and attention_mask.dtype != torch.bool):
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout, scaling=scaling,
                                      is_causal=is_causal, **kwargs)
    batch, heads, _, dim = query.shape
    kv_heads, length = key.shape[1], key.shape[2]
    q = query.reshape(batch, kv_heads, heads // kv_heads, dim)
    # oneDNN's bf16 matmul keeps a primitive per shape, and the keys grow by one each step: without it the
    # memory stays flat (it grew by ~1.5 MB a step on the stand-in), at the same speed
    mkldnn, torch.backends.mkldnn.enabled = torch.backends.mkldnn.enabled, False
    try:
        # (batch, kv heads, length, group): the keys as they are stored on the left, so none is copied
        scores = torch.matmul(key, q.transpose(-1, -2)) * (scaling if scaling is not None else dim ** -0.5)
        if attention_mask is not None:  # True where a query may attend: (batch, 1 or heads, 1, length)
            mask = attention_mask[..., -length:]
            mask = mask.reshape(batch, 1, length, 1) if mask.shape[1] == 1 else \
                mask.reshape(batch, kv_heads, -1, length).transpose(-1, -2)
            scores = scores.masked_fill(~mask, float("-inf"))
        probs = torch.softmax(scores, dim=-2, dtype=torch.float32).to(value.dtype)
        out = torch.matmul(probs.transpose(-1, -2), value)
    finally:
        torch.backends.mkldnn.enabled = mkldnn
    return out.reshape(batch, 1, heads, value.shape[-1]), None


_registered = False


def use_fast_attention(model) -> None:
    """Switch a model that attends with SDPA to `ATTENTION` (the same masks, the same results)."""
    global _registered
    if getattr(model.config, "_attn_implementation", None) != "sdpa":
        return
    if not _registered:
        from transformers import AttentionInterface
        from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, sdpa_mask

        AttentionInterface.register(ATTENTION, _attention)
        ALL_MASK_ATTENTION_FUNCTIONS.register(ATTENTION, sdpa_mask)
        _registered = True
    try:
        model.set_attn_implementation(ATTENTION)
    except (ValueError, ImportError, NotImplementedError) as err:  # a model class that takes no custom attention
        log.info("keeping SDPA for %s: %s", type(model).__name__, err)


@dataclass(frozen=True)
class Sampling:
    """How the next token is chosen from the logits; temperature 0 takes the likeliest."""
    temperature: float = 0.8
    top_k: int = 50             # 0: no top-k
    top_p: float = 1.0
    repetition_penalty: float = 1.0
    min_new_tokens: int = 0     # the stop tokens are held back until this many were written

    def pick(self, logits, seen, step: int, stop_ids: Sequence[int], processors, history, generator):
        """The next token of each row. `logits` (rows, vocab) fp32; `seen` (rows, vocab) bool, the
        tokens of the prompt and the text so far; `history` (rows, length) the ids so far, for the
        logits processors."""
        import torch

        if self.repetition_penalty != 1.0:
            p = self.repetition_penalty
            logits = torch.where(seen, torch.where(logits < 0, logits * p, logits / p), logits)
        for processor in processors or ():
            logits = processor(history, logits)
        if step < self.min_new_tokens and stop_ids:
            logits[:, list(stop_ids)] = float("-inf")
        if self.temperature <= 0:
            return logits.argmax(dim=-1)
        probs, indices = self.distribution(logits)
        return indices.gather(-1, torch.multinomial(probs, 1, generator=generator))[:, 0]

    def distribution(self, logits):
        """(probabilities, token ids) of the tokens that temperature, top-k and top-p leave, likeliest first."""
        import torch

        logits = logits / self.temperature
        if 0 < self.top_k < logits.shape[-1]:
            values, indices = logits.topk(self.top_k, dim=-1)  # sorted, largest first
        else:
            values, indices = logits.sort(dim=-1, descending=True)
        probs = torch.softmax(values, dim=-1)
        if self.top_p < 1.0:
            # a token stays while the tokens likelier than it hold less than top_p (the first always)
            drop = probs.cumsum(dim=-1) - probs >= self.top_p
            probs = probs.masked_fill(drop, 0.0)
            probs = probs / probs.sum(dim=-1, keepdim=True)
        return probs, indices


class PromptCache:
    """The keys and values of the last prompt a model read, so that the next one computes only what
    it doesn't share with it. One prompt is kept (the seller's last request); it goes with the model.

    A prompt is read in two parts: its first turn (for a chat model the system message, which the
    same scenario repeats), then the rest. The parts are the same whether a part was kept or is
    computed afresh, so a kept part gives exactly the keys and values a fresh reading would: a
    request written again with the same seed writes the same text. (Reading from any other point
    would round differently, and sampling from those logits can then choose other tokens.)
    """

    def __init__(self, turn_ends: Sequence[int] = ()):
        self.turn_ends = frozenset(turn_ends)  # the tokens that end a turn: a prompt's first part ends after one
        self.ids: tuple[int, ...] = ()
        self.cache = None
        self.lock = threading.Lock()

    def parts(self, ids: Sequence[int]) -> list[int]:
        """Where each part of `ids` ends: after the first turn (when it ends before the prompt does), and at the end."""
        first = next((i + 1 for i, t in enumerate(ids) if t in self.turn_ends), len(ids))
        return [first, len(ids)] if MIN_PART <= first < len(ids) else [len(ids)]

    def prefill(self, model, ids: Sequence[int]):
        """A one-row cache holding `ids`: the parts the kept prompt has in common with them, and the rest computed."""
        from transformers import DynamicCache

        ids = tuple(ids)
        ends = self.parts(ids)
        with self.lock:
            kept = 0
            if self.cache is not None and _croppable(self.cache):
                shared = set(self.parts(self.ids)) & set(ends)
                kept = max((end for end in shared if self.ids[:end] == ids[:end]), default=0)
            cache = copy.deepcopy(self.cache) if kept else None
        if cache is None:
            cache = DynamicCache(config=model.config)
        elif kept < len(self.ids):
            cache.crop(kept - cache.get_seq_length())
        start = kept
        for end in ends:
            if end > start:
                _forward(model, ids[start:end], cache)
                start = end
        with self.lock:
            self.ids, self.cache = ids, copy.deepcopy(cache) if _croppable(cache) else None
        return cache

    def clear(self) -> None:
        with self.lock:
            self.ids, self.cache = (), None


def _croppable(cache) -> bool:
    """Only plain layers are cut back safely (a sliding window's layer drops what it no longer needs)."""
    from transformers.cache_utils import DynamicLayer

    return all(type(layer) is DynamicLayer for layer in cache.layers)


def _forward(model, ids: Sequence[int], cache) -> None:
    import torch

    x = torch.tensor([list(ids)], dtype=torch.long, device=model.device)
    kwargs = {"logits_to_keep": 1} if model._supports_logits_to_keep() else {}
    model(input_ids=x, use_cache=True, **{_cache_argument(model): cache}, **kwargs)


def _cache_argument(model) -> str:
    """The keyword `forward` takes the cache as: `cache`, `past_key_values` before transformers 5.2x."""
    return "cache" if "cache" in inspect.signature(type(model).forward).parameters else "past_key_values"


def decode(model, prompt_ids: Sequence[int], n: int, max_new_tokens: int, sampling: Sampling, *,
           stop_ids: Sequence[int], on_tokens: Callable[[list[int], list[int]], None],
           cancel: threading.Event, seed: int, prompts: PromptCache | None = None, processors=()) -> None:
    """Sample `n` continuations of `prompt_ids` at once. After each step `on_tokens(rows, tokens)` gets
    the new token of every row still writing; a row ends at a stop token (which it doesn't pass on),
    all end at `max_new_tokens` or when `cancel` is set."""
    import torch

    device = model.device
    generator = torch.Generator(device=device).manual_seed(seed)
    prompts = prompts or PromptCache()
    with torch.inference_mode():
        if len(prompt_ids) > 1:
            cache = prompts.prefill(model, prompt_ids[:-1])
            cache.batch_repeat_interleave(n)
        else:
            from transformers import DynamicCache

            cache = DynamicCache(config=model.config)
        rows = torch.arange(n, device=device)
        tokens = torch.tensor([prompt_ids[-1]] * n, dtype=torch.long, device=device)
        seen = None
        history = torch.tensor([list(prompt_ids)] * n, dtype=torch.long, device=device) if processors else None
        stops = torch.tensor(sorted(set(stop_ids)) or [-1], device=device)
        cache_argument = _cache_argument(model)
        for step in range(max_new_tokens):
            if cancel.is_set():
                return
            logits = model(input_ids=tokens[:, None], use_cache=True, **{cache_argument: cache}).logits[:, -1].float()
            if seen is None:  # the tokens the repetition penalty holds back: the prompt's, then the text's
                seen = torch.zeros(logits.shape, dtype=torch.bool, device=device)
                seen[:, torch.tensor([i for i in prompt_ids if i < logits.shape[-1]], device=device)] = True
            tokens = sampling.pick(logits, seen, step, stop_ids, processors, history, generator)
            seen[torch.arange(len(rows), device=device), tokens] = True
            if history is not None:
                history = torch.cat([history, tokens[:, None]], dim=1)
            stopped = torch.isin(tokens, stops)
            writing = (~stopped).nonzero()[:, 0]
            if len(writing):
                on_tokens(rows[writing].tolist(), tokens[writing].tolist())
            if len(writing) == 0:
                return
            if len(writing) < len(rows):  # finished rows leave the batch
                rows, tokens, seen = rows[writing], tokens[writing], seen[writing]
                history = history[writing] if history is not None else None
                cache.batch_select_indices(writing)
