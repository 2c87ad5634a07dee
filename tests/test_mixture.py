"""A scratch model's n-gram partner (engine.models.token_ngram): a proper distribution, kept with
the model, weighed on validation, and mixed into what the model writes."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from conftest import SAMPLE

from engine.models.token_ngram import NGRAM_FILE, TokenKneserNey, mix_processor
from engine.writing import GenerateConfig, generate


@pytest.fixture(scope="module")
def stream() -> np.ndarray:
    text = SAMPLE.read_text(encoding="utf-8")
    return np.array([ord(c) % 500 for c in text])  # characters standing in for 500 token ids


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_next_token_probabilities_sum_to_one(stream, order):
    ngram = TokenKneserNey.count(stream[:-500], 500, order)
    for context in ([], [int(stream[3])], [int(t) for t in stream[10:13]], [499, 498, 497]):
        p = ngram.next_probs(context)
        assert p.shape == (500,) and p.min() > 0
        assert p.sum() == pytest.approx(1.0, abs=1e-9)


def test_sequence_probabilities_match_one_position_at_a_time(stream):
    ngram = TokenKneserNey.count(stream[:-500], 500, 3)
    held = stream[-300:]
    at_once, buckets = ngram.sequence_probs(held, evidence=True)
    singly = [ngram.next_probs([int(t) for t in held[max(0, t - 2):t]], evidence=True) for t in range(1, len(held))]
    assert at_once == pytest.approx(np.array([p[held[t + 1]] for t, (p, _b) in enumerate(singly)]), rel=1e-9)
    assert buckets.tolist() == [b for _p, b in singly] and len(set(buckets.tolist())) > 2
    uniform_bits = np.log2(500)
    assert -np.mean(np.log2(at_once)) < uniform_bits - 1  # it learnt something


def test_the_weight_is_the_one_that_predicts_validation_best(stream, tmp_path):
    ngram = TokenKneserNey.count(stream, 500, 2)
    rng = np.random.default_rng(0)
    good, poor = rng.uniform(0.2, 0.6, 1000), rng.uniform(0.001, 0.01, 1000)
    assert ngram.choose_weight(good, poor) > 0.8 and ngram.choose_weight(poor, good) < 0.2
    # one weight per evidence bucket: where the n-gram is the better predictor, it gets the larger share
    buckets = np.repeat([3, 8], 500)
    pm = np.concatenate([good[:500], poor[:500]])
    pn = np.concatenate([poor[:500], good[:500]])
    ngram.choose_weight(pm, pn, buckets)
    assert ngram.weights[3] > 0.8 and ngram.weights[8] < 0.2 and ngram.weights[0] == ngram.weight
    ngram.save(tmp_path)
    again = TokenKneserNey.load(tmp_path)
    assert again.weight == ngram.weight and again.weights == ngram.weights and again.order == 2
    assert again.next_probs([5]) == pytest.approx(ngram.next_probs([5]))


def test_a_scratch_model_keeps_its_ngram_and_writes_from_the_mixture(tiny_model, scratch_model_dir):
    card = json.loads((scratch_model_dir / "wenan.json").read_text(encoding="utf-8"))
    mixture = card["hyperparameters"]["mixture"]
    assert (scratch_model_dir / NGRAM_FILE).is_file()
    chosen = mixture["chosen"]
    assert 0 < chosen["weight"] < 1 and chosen["mixture"] <= mixture["model"]
    assert chosen["mixture"] == min(mixture[f"order{k}"]["mixture"] for k in (2, 3, 4))

    ngram = TokenKneserNey.load(scratch_model_dir)
    scores = torch.randn(2, ngram.vocab)
    ids = torch.randint(0, ngram.vocab, (2, 7))
    mixed = mix_processor(ngram)(ids, scores)
    assert torch.logsumexp(mixed, dim=-1) == pytest.approx(torch.zeros(2), abs=1e-5)
    p_ngram, bucket = ngram.next_probs(ids[0, -(ngram.order - 1):].tolist(), evidence=True)
    w = ngram.weights[bucket]
    expected = w * torch.softmax(scores, -1)[0] + (1 - w) * torch.from_numpy(p_ngram).float()
    assert mixed[0].exp() == pytest.approx(expected, abs=1e-6)

    result = generate(tiny_model, GenerateConfig(prompt="夏季", n=2, max_new_tokens=12, seed=3))
    assert result.variants
