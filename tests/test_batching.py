"""Packing text into blocks and masking prompts out of the loss."""
from __future__ import annotations

from engine.batching import IGNORE, PromptStyle, encode_pair_blocks, encode_text_blocks
from engine.dataio import Sample


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
