"""Generation: batched variants, UTF-8-safe streaming, seeds, cancel and caching."""
from __future__ import annotations

import os
import threading

import pytest

from engine.common import ConfigError, TextEvent
from engine.writing import GenerateConfig, generate, load_model
from engine.writing import generation as gen


def test_variants_stream_whole_characters_and_match_the_result(tiny_model):
    deltas: dict[int, list[str]] = {}
    cfg = GenerateConfig(prompt="这款保温杯", n=4, max_new_tokens=60, temperature=1.3, top_k=0, seed=11)
    result = generate(tiny_model, cfg, on_text=lambda e: deltas.setdefault(e.index, []).append(e.delta))
    assert 1 <= len(result.variants) <= 4 and result.seed == 11 and not result.cancelled
    for index, text in zip(result.indices, result.variants):
        streamed = "".join(deltas[index])
        assert streamed.strip() == text
        assert text.startswith("这款保温杯")  # a plain-text model continues the opening words
    assert result.first_text_s is not None and result.first_text_s <= result.elapsed_s


def _byte_tokens(tok, data: bytes) -> list[int]:
    """One byte-level token per byte, through GPT-2's byte-to-character table (which every byte has)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in printable]
    char = {**{b: chr(b) for b in printable}, **{b: chr(256 + n) for n, b in enumerate(others)}}
    ids = [tok.convert_tokens_to_ids(char[b]) for b in data]
    assert tok.unk_token_id not in ids and None not in ids
    return ids


def _stream(tok, stop_ids, opening: str, tokens: list[int]) -> tuple[list[str], str]:
    """Feed `tokens` one at a time to the streamer; the deltas it sent and its final text."""
    got: list[TextEvent] = []
    streamer = gen._VariantStreamer(tok, 1, got.append, opening, 0.0)
    for token in tokens:
        streamer.add([0], [token])
    return [e.delta for e in got], streamer.text(0)


def test_streamer_holds_back_a_split_character(tiny_model):
    lm = load_model(tiny_model)
    tok = lm.tokenizer
    # 鑫 is rare in the sample, so its three UTF-8 bytes are separate byte-level tokens
    pieces = tok.encode("鑫", add_special_tokens=False)
    assert len(pieces) >= 2
    deltas, text = _stream(tok, lm.stop_ids, "", pieces[:-1])
    assert deltas == [] and text == ""  # nothing until the character is whole
    deltas, text = _stream(tok, lm.stop_ids, "", pieces)
    assert deltas == ["鑫"] and text == "鑫"


def test_bytes_that_form_no_character_are_dropped_and_the_rest_is_exact(tiny_model):
    lm = load_model(tiny_model)
    tok = lm.tokenizer
    # A; a lead byte with no continuation; B; a lone continuation byte; 鑫 in three pieces; C;
    # and the first two bytes of 中 when generation ends
    data = b"A" + b"\xe9" + b"B" + b"\x80" + "鑫".encode() + b"C" + "中".encode()[:2]
    deltas, text = _stream(tok, lm.stop_ids, "这款", _byte_tokens(tok, data))
    assert deltas == ["这款A", "B", "鑫", "C"]  # whole characters, each sent once, the opening with the first
    assert text == "这款AB鑫C"  # what the result and the history keep: no U+FFFD, nothing else lost


def test_the_prompt_is_read_once_and_all_variants_step_together(tiny_model):
    lm = load_model(tiny_model)
    lm.prompts.clear()  # not the prompt an earlier test left
    shapes = []
    hook = lm.model.register_forward_pre_hook(lambda m, args, kwargs: shapes.append(tuple(kwargs["input_ids"].shape)),
                                              with_kwargs=True)
    try:
        generate(tiny_model, GenerateConfig(prompt="青禾竹纤维毛巾，吸水快，手感软", n=5, max_new_tokens=8, seed=1))
    finally:
        hook.remove()
    assert shapes[0][0] == 1 and shapes[0][1] > 3  # the prompt, one row for all variants
    steps = shapes[1:]
    assert 1 <= len(steps) <= 8 and steps[0] == (5, 1)  # then one token for every variant at a time
    assert all(rows <= 5 and length == 1 for rows, length in steps)


def test_same_seed_same_text(tiny_model):
    cfg = GenerateConfig(prompt="Our bamboo towel", n=3, max_new_tokens=24, seed=42)
    first = generate(tiny_model, cfg).variants
    again = generate(tiny_model, cfg).variants
    other = generate(tiny_model, GenerateConfig(prompt="Our bamboo towel", n=3, max_new_tokens=24, seed=43)).variants
    assert first == again
    assert first != other


def test_greedy_duplicates_are_dropped(tiny_model):
    result = generate(tiny_model, GenerateConfig(prompt="青禾", n=3, max_new_tokens=10, temperature=0))
    assert len(result.variants) == 1 and result.indices == [0]


def test_cancel_takes_effect_within_one_token(tiny_model):
    cancel = threading.Event()
    tokens_after_cancel = []

    def on_text(e: TextEvent) -> None:
        if cancel.is_set():
            tokens_after_cancel.append(e)
        cancel.set()

    result = generate(tiny_model, GenerateConfig(prompt="青禾", n=2, max_new_tokens=200, temperature=1.0, seed=5),
                      on_text=on_text, cancel=cancel)
    assert result.cancelled
    lm = load_model(tiny_model)
    # the token being sampled when cancel came is still delivered; nothing after it
    per_variant = [sum(e.index == i for e in tokens_after_cancel) for i in range(2)]
    assert max(per_variant) <= 2, tokens_after_cancel
    assert all(len(lm.tokenizer.encode(v[2:], add_special_tokens=False)) <= 3 for v in result.variants)


def test_loaded_model_is_cached_until_it_changes(tiny_model, wenan_home):
    first = load_model(tiny_model)
    assert load_model(tiny_model) is first
    meta = wenan_home / "models" / tiny_model / "wenan.json"
    os.utime(meta, ns=(meta.stat().st_atime_ns, meta.stat().st_mtime_ns + 10**9))
    assert load_model(tiny_model) is not first


@pytest.mark.parametrize("field,value", [("n", 0), ("temperature", -1), ("top_p", 0), ("max_new_tokens", 0),
                                         ("prompt", "  ")])
def test_bad_parameters_are_refused(tiny_model, field, value):
    from dataclasses import replace
    cfg = replace(GenerateConfig(prompt="青禾"), **{field: value})
    with pytest.raises(ConfigError) as err:
        generate(tiny_model, cfg)
    assert "Invalid value" in str(err.value)


def test_presets_change_sampling():
    cfg = gen.with_preset(GenerateConfig(prompt="x"), "creative")
    assert cfg.temperature > gen.with_preset(cfg, "safe").temperature
    with pytest.raises(ConfigError):
        gen.with_preset(cfg, "wild")


def test_chat_template_is_used_for_chat_models(qwen2_base):
    from engine.models import PromptStyle, load_tokenizer
    tok = load_tokenizer(qwen2_base)
    style = PromptStyle.for_tokenizer(tok)
    assert style.kind == "chat"
    text = tok.decode(style.prompt_ids(tok, "写一句广告语"))
    assert text.startswith("<|im_start|>user") and text.endswith("<|im_start|>assistant\n")
    result = generate(str(qwen2_base), GenerateConfig(prompt="写一句广告语", n=2, max_new_tokens=6, seed=2))
    assert not any("<|im_start|>" in v or "写一句广告语" in v for v in result.variants)
