"""Packing text into blocks and masking prompts out of the loss."""
from __future__ import annotations

import pytest
import torch
from conftest import PAIRS, SAMPLE

from engine.data import Sample, load_data
from engine.models import PromptStyle
from engine.training.blocks import IGNORE, encode_blocks, encode_pair_blocks, encode_text_blocks


def test_text_is_packed_without_padding(trained_tokenizer):
    tok = trained_tokenizer
    samples = [Sample(f"青禾竹纤维毛巾第{i}号，柔软吸水。") for i in range(60)]
    ids, labels = encode_text_blocks(tok, samples, 32)
    assert ids.shape[1] == 32 and ids.shape[0] >= 5
    assert (ids == labels).all()
    flat = ids.flatten().tolist()
    assert flat[0] == tok.eos_token_id  # every sample starts after an EOS
    assert flat.count(tok.eos_token_id) >= ids.numel() // 40  # separators, not padding runs
    assert tok.decode(flat[1:20]).startswith("青禾竹纤维毛巾第0号")


def test_pairs_train_on_the_copy_only(trained_tokenizer):
    tok = trained_tokenizer
    style = PromptStyle.for_tokenizer(tok)
    assert style.kind == "scratch"
    samples = [Sample("柔软吸水的好毛巾", prompt="场景：广告语\n产品：毛巾"), Sample("Soft towels.", prompt="Scenario: Ad slogan")]
    ids, labels = encode_pair_blocks(tok, style, samples, 64)
    assert ids.shape[0] == 1  # both examples fit in one block
    row_ids, row_labels = ids[0].tolist(), labels[0].tolist()
    trained = [t for t, l in zip(row_ids, row_labels) if l != IGNORE]
    text = tok.decode(trained)
    assert "柔软吸水的好毛巾" in text and "Soft towels." in text
    assert "场景" not in text and "Scenario" not in text
    prompt_ids = style.prompt_ids(tok, "场景：广告语\n产品：毛巾")
    assert row_ids[: len(prompt_ids)] == prompt_ids
    assert all(l == IGNORE for l in row_labels[: len(prompt_ids)])


def test_long_pairs_are_cut_to_the_block(trained_tokenizer):
    tok = trained_tokenizer
    style = PromptStyle.for_tokenizer(tok)
    ids, labels = encode_pair_blocks(tok, style, [Sample("好" * 300, prompt="长" * 300)], 64)
    assert ids.shape == (1, 64)
    assert (labels != IGNORE).sum() > 0


# ---- the chunked encoding gives exactly the blocks of the plain one ----

def _reference_text_blocks(tok, samples, block_size):
    """The straightforward packing: one list of every token, then cut into blocks."""
    import torch
    stream = [tok.eos_token_id]
    for ids in tok([s.text for s in samples], add_special_tokens=False)["input_ids"]:
        stream += ids + [tok.eos_token_id]
    n_blocks = len(stream) // block_size
    if n_blocks == 0:
        return torch.tensor([stream])
    return torch.tensor(stream[: n_blocks * block_size]).view(n_blocks, block_size)


def _reference_pair_blocks(tok, style, samples, block_size):
    """The straightforward packing of pairs: every row as a list, padded at the end."""
    import torch
    eos = tok.eos_token_id
    rows, cur = [], ([], [])
    for s in samples:
        prompt = style.prompt_ids(tok, s.prompt) if s.prompt else [tok.bos_token_id or eos]
        copy = tok.encode(s.text, add_special_tokens=False) + [eos]
        if len(prompt) + len(copy) > block_size:
            prompt = prompt[-(block_size // 2):]
            copy = copy[: block_size - len(prompt)]
        if len(cur[0]) + len(prompt) + len(copy) > block_size:
            rows.append(cur)
            cur = ([], [])
        cur = (cur[0] + prompt + copy, cur[1] + [IGNORE] * len(prompt) + copy)
    rows.append(cur)
    width = min(block_size, max(len(r[0]) for r in rows))
    ids = torch.tensor([r[0] + [eos] * (width - len(r[0])) for r in rows])
    labels = torch.tensor([r[1] + [IGNORE] * (width - len(r[1])) for r in rows])
    return ids, labels


@pytest.mark.parametrize("chunk", [(7, 10_000), (1000, 300), (1000, 1_000_000)])  # (samples, chars)
def test_chunked_encoding_matches_the_reference(trained_tokenizer, monkeypatch, chunk):
    from engine.training import blocks as batching
    monkeypatch.setattr(batching, "CHUNK_SAMPLES", chunk[0])
    monkeypatch.setattr(batching, "CHUNK_CHARS", chunk[1])
    tok = trained_tokenizer
    style = PromptStyle.for_tokenizer(tok)
    text = list(load_data(SAMPLE).samples)
    pairs = list(load_data(PAIRS, text_column="copy", prompt_column="prompt").samples)
    assert len(text) > 100 and len(pairs) > 50 and all(s.prompt for s in pairs)

    for block in (32, 128):
        ids, labels = encode_blocks(tok, style, text, block)
        expected = _reference_text_blocks(tok, text, block)
        assert ids.dtype == labels.dtype == torch.long and ids.is_contiguous()
        assert torch.equal(ids, expected) and torch.equal(labels, expected)

        ids, labels = encode_blocks(tok, style, pairs, block)
        expected_ids, expected_labels = _reference_pair_blocks(tok, style, pairs, block)
        assert ids.dtype == labels.dtype == torch.long and ids.is_contiguous() and labels.is_contiguous()
        assert torch.equal(ids, expected_ids) and torch.equal(labels, expected_labels)

    short = [Sample("毛巾"), Sample("柔软")]  # less than one block: kept as one short row
    ids, labels = encode_blocks(tok, style, short, 128)
    assert torch.equal(ids, _reference_text_blocks(tok, short, 128)) and ids.shape[0] == 1
    few = pairs[:2]  # narrower than a block: the rows are as wide as the longest
    ids, labels = encode_blocks(tok, style, few, 512)
    expected_ids, expected_labels = _reference_pair_blocks(tok, style, few, 512)
    assert ids.shape[1] < 512 and torch.equal(ids, expected_ids) and torch.equal(labels, expected_labels)


def test_encoding_holds_only_one_chunk_as_python_ints(trained_tokenizer):
    """A Python list of every token costs 50-75 bytes a token (measured); chunking keeps that bounded."""
    import tracemalloc
    tok, style = trained_tokenizer, PromptStyle.for_tokenizer(trained_tokenizer)
    samples = [Sample(f"青禾竹纤维毛巾第{i}号，柔软吸水，洗脸擦手都合适。") for i in range(30_000)]
    pairs = [Sample(s.text, prompt="写一句毛巾广告") for s in samples[:15_000]]
    encode_text_blocks(tok, samples[:10], 128)  # first calls allocate caches that are not the data's
    encode_pair_blocks(tok, style, pairs[:10], 128)
    tracemalloc.start()
    try:
        ids, _ = encode_text_blocks(tok, samples, 128)
        _, text_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        pair_ids, _ = encode_pair_blocks(tok, style, pairs, 128)
        _, pair_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Tensors live outside Python's allocator, so this is the Python ints and lists alone:
    # less than 8 bytes a token means no list ever held every token.
    assert text_peak < ids.numel() * 8, (text_peak, ids.numel())
    assert pair_peak < pair_ids.numel() * 8, (pair_peak, pair_ids.numel())
