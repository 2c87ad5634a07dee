"""The writing loop (engine.writing.decoding): the same tokens as transformers' `generate`, the same
kept distribution as its warpers, attention for one query equal to SDPA's, and a prompt cache that
computes only what differs from the last prompt."""
from __future__ import annotations

import threading

import pytest
import torch

from engine.writing.decoding import PromptCache, Sampling, _attention, decode, use_fast_attention


def _decode(model, prompt, n, max_new, sampling, stop_ids=(), prompts=None, seed=0):
    rows: list[list[int]] = [[] for _ in range(n)]
    steps: list[list[int]] = []

    def on_tokens(which, tokens):
        steps.append(which)
        for i, t in zip(which, tokens):
            rows[i].append(t)

    decode(model, prompt, n, max_new, sampling, stop_ids=stop_ids, on_tokens=on_tokens, cancel=threading.Event(),
           seed=seed, prompts=prompts)
    return rows, steps


@pytest.mark.parametrize("fixture", ["qwen2_base", "gpt2_base", "llama_base"])
def test_greedy_variants_equal_generate(request, fixture):
    from engine.models import load_causal_lm

    folder = request.getfixturevalue(fixture)
    reference = load_causal_lm(folder).eval()  # transformers' own SDPA and generate
    model = load_causal_lm(folder).eval()
    use_fast_attention(model)
    assert model.config._attn_implementation == "wenan_sdpa"
    torch.manual_seed(0)
    prompt = torch.randint(5, 200, (30,)).tolist()
    eos = reference.generation_config.eos_token_id
    eos = eos if isinstance(eos, list) else [eos]
    with torch.inference_mode():
        expected = reference.generate(input_ids=torch.tensor([prompt] * 3), max_new_tokens=16, min_new_tokens=16,
                                      do_sample=False, repetition_penalty=1.3, eos_token_id=eos, pad_token_id=0)
    rows, _ = _decode(model, prompt, 3, 16, Sampling(temperature=0, repetition_penalty=1.3, min_new_tokens=16),
                      stop_ids=eos)
    assert rows == expected[:, len(prompt):].tolist()


def test_a_finished_variant_leaves_and_the_others_go_on(qwen2_base):
    from engine.models import load_causal_lm

    model = load_causal_lm(qwen2_base).eval()
    prompt = list(range(10, 40))
    sampling = Sampling(temperature=1.5, top_k=0, top_p=1.0)
    rows, _ = _decode(model, prompt, 3, 12, sampling, seed=4)
    # a token the first variant wrote that the others did not write up to then
    stop = next(t for k, t in enumerate(rows[0]) if all(t not in r[:k + 1] for r in rows[1:]))
    ended_at = rows[0].index(stop)
    again, steps = _decode(model, prompt, 3, 12, sampling, stop_ids=[stop], seed=4)
    assert again[0] == rows[0][:ended_at]  # the same draws up to its stop token, which is not written
    assert all(0 not in which for which in steps[ended_at:])
    # the others write on without it, each to the limit or to its own stop token (never written either)
    assert len(steps) == 12 and all(stop not in r for r in again)
    assert any(len(r) == 12 for r in again[1:])


def test_sampling_keeps_what_generates_warpers_keep():
    from transformers import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    torch.manual_seed(0)
    logits = torch.randn(3, 1000) * 3
    for k, p in ((50, 0.9), (0, 0.8), (20, 1.0), (1000, 0.5)):
        sampling = Sampling(temperature=0.7, top_k=k, top_p=p)
        probs, ids = sampling.distribution(logits)
        ours = torch.zeros_like(logits).scatter_(1, ids, probs)
        scores = TemperatureLogitsWarper(0.7)(None, logits.clone())
        if k:
            scores = TopKLogitsWarper(k)(None, scores)
        if p < 1:
            scores = TopPLogitsWarper(p)(None, scores)
        torch.testing.assert_close(ours, torch.softmax(scores, dim=-1), rtol=0, atol=1e-6)
        assert (ours > 0).sum(dim=-1).min() >= 1


class _Heads(torch.nn.Module):
    """What SDPA reads of an attention layer."""

    def __init__(self, groups: int):
        super().__init__()
        self.num_key_value_groups, self.is_causal = groups, True


@pytest.mark.parametrize("heads,kv_heads,masked", [(14, 2, False), (14, 2, True), (4, 4, True), (4, 4, False)])
def test_attention_for_one_query_equals_sdpa(heads, kv_heads, masked):
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    torch.manual_seed(0)
    q = torch.randn(3, heads, 1, 64)
    k, v = torch.randn(3, kv_heads, 37, 64), torch.randn(3, kv_heads, 37, 64)
    mask = None
    if masked:  # a sliding window's mask: the oldest keys out of reach
        mask = torch.ones(3, 1, 1, 37, dtype=torch.bool)
        mask[..., :5] = False
    module = _Heads(heads // kv_heads)
    ours, _ = _attention(module, q, k, v, mask, scaling=0.125)
    theirs, _ = sdpa_attention_forward(module, q, k, v, mask, scaling=0.125)
    assert ours.shape == theirs.shape == (3, 1, heads, 64)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


def test_prompt_cache_computes_only_the_parts_not_shared_and_exactly_as_afresh(qwen2_base):
    from engine.models import load_causal_lm

    model = load_causal_lm(qwen2_base).eval()
    read: list[int] = []
    model.register_forward_pre_hook(lambda m, args, kwargs: read.append(kwargs["input_ids"].shape[1]),
                                    with_kwargs=True)
    end = 3  # the token that ends a turn
    system = list(range(10, 40)) + [end]  # the first turn: 31 tokens
    first = system + list(range(50, 70))
    second = system + list(range(100, 110))

    def keys(cache):
        return [layer.keys for layer in cache.layers] + [layer.values for layer in cache.layers]

    prompts = PromptCache(turn_ends=[end])
    with torch.inference_mode():
        prompts.prefill(model, first)
        assert read == [31, 20]  # read in two parts
        cache = prompts.prefill(model, second)
        assert read == [31, 20, 10]  # the first turn is not read again
        fresh = PromptCache(turn_ends=[end]).prefill(model, second)
        assert all(torch.equal(a, b) for a, b in zip(keys(cache), keys(fresh)))  # bit for bit
        # what a call does to the cache it was given does not reach the kept one
        cache.batch_repeat_interleave(3)
        cache.crop(-5)
        read.clear()
        again = prompts.prefill(model, second)
        assert read == [] and all(torch.equal(a, b) for a, b in zip(keys(again), keys(fresh)))
        # sharing more than the first turn but not all: only the first turn is kept
        prompts.prefill(model, second[:-2] + [7, 7])
        assert read == [10]
        # another first turn: all read afresh
        read.clear()
        prompts.prefill(model, [11] + second[1:])
        assert read == [31, 10]
        # no turn ends in it: one part, kept only when written again
        plain = PromptCache()
        read.clear()
        plain.prefill(model, first)
        plain.prefill(model, first)
        plain.prefill(model, first[:-1])
        assert read == [51, 50]


def test_writing_the_same_request_again_gives_the_same_drafts(qwen2_base, wenan_home):
    from engine.writing import GenerateConfig, generate
    from engine.writing.generation import load_model

    cfg = GenerateConfig("竹纤维毛巾，吸水快", n=3, max_new_tokens=12, seed=5, scenario="detail")
    cold = generate(str(qwen2_base), cfg)
    assert load_model(str(qwen2_base)).prompts.ids  # the prompt was kept
    warm = generate(str(qwen2_base), cfg)
    assert warm.variants == cold.variants and warm.indices == cold.indices
    # after another request of the same scenario, whose system message is kept
    generate(str(qwen2_base), GenerateConfig("玻璃密封罐，防潮", n=2, max_new_tokens=4, seed=1, scenario="detail"))
    after = generate(str(qwen2_base), cfg)
    assert after.variants == cold.variants


def test_a_chat_model_reads_its_system_message_ahead_and_the_request_only_its_own_part(qwen2_base, wenan_home):
    from engine.writing import GenerateConfig, generate, load_model, read_ahead

    lm = load_model(str(qwen2_base))
    lm.prompts.clear()
    form = GenerateConfig("", n=2, scenario="detail")  # as the Write page is set, nothing written yet
    assert read_ahead(str(qwen2_base), form, "zh")
    system_part = lm.prompts.parts(lm.prompts.ids)[0]
    assert lm.tokenizer.decode(lm.prompts.ids[:system_part]).count("<|im_start|>") == 1  # the system turn alone
    read: list[int] = []
    hook = lm.model.register_forward_pre_hook(lambda m, args, kwargs: read.append(kwargs["input_ids"].shape[1]),
                                              with_kwargs=True)
    try:
        cfg = GenerateConfig("竹纤维毛巾，吸水快", n=2, max_new_tokens=3, seed=2, scenario="detail")
        ahead = generate(str(qwen2_base), cfg)
    finally:
        hook.remove()
    prompt_tokens = len(lm.prompts.ids) + 1  # the last token is the first step's input
    assert read[0] == prompt_tokens - 1 - system_part  # the request's own part, not the system message
    assert not read_ahead(str(qwen2_base), form, "zh")  # a request's prompt is the better one to keep
    lm.prompts.clear()
    assert generate(str(qwen2_base), cfg).variants == ahead.variants  # as written without reading ahead


def test_reading_ahead_follows_the_examples_the_request_will_show(qwen2_base, wenan_home, tmp_path):
    from engine.writing import GenerateConfig, generate, load_model, read_ahead

    pairs = tmp_path / "pairs.csv"
    pairs.write_text("prompt,text\n竹纤维毛巾,软乎乎，吸水快。\n玻璃密封罐,防潮好用，厨房更整洁。\n", encoding="utf-8")
    plain = tmp_path / "copy.txt"
    plain.write_text("软乎乎，吸水快。\n防潮好用，厨房更整洁。\n", encoding="utf-8")
    lm = load_model(str(qwen2_base))
    read: list[int] = []
    hook = lm.model.register_forward_pre_hook(lambda m, args, kwargs: read.append(kwargs["input_ids"].shape[1]),
                                              with_kwargs=True)
    try:
        lm.prompts.clear()
        form = GenerateConfig("", n=1, scenario="slogan", examples=str(pairs))
        assert read_ahead(str(qwen2_base), form, "zh")
        system_part = lm.prompts.parts(lm.prompts.ids)[0]
        read.clear()
        generate(str(qwen2_base), GenerateConfig("竹纤维毛巾", n=1, max_new_tokens=2, scenario="slogan",
                                                 examples=str(pairs)))
        assert read[0] == len(lm.prompts.ids) - system_part  # the system message, example turns announced, kept
        lm.prompts.clear()
        # past copy without requests is quoted in the system message: nothing to read ahead
        assert not read_ahead(str(qwen2_base), GenerateConfig("", scenario="slogan", examples=str(plain)), "zh")
    finally:
        hook.remove()
