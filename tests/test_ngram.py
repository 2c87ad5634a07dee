"""The character n-gram baseline (engine.models.ngram): a proper distribution, and a real model."""
from __future__ import annotations

import math

import pytest

from engine.models.ngram import EOL, UNK, CharKneserNey, bits_per_char

from conftest import SAMPLE


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_probabilities_sum_to_one_over_the_alphabet(lines, order):
    model = CharKneserNey(lines[:300], order)
    assert EOL in model.alphabet and UNK in model.alphabet
    seen = lines[0][:6]
    for context in ("", seen[:1], seen, "质量很好", "zzq", "\U0001F600\U0001F600"):
        dist = model.distribution(context)
        assert len(dist) == len(model.alphabet)
        assert math.fsum(dist.values()) == pytest.approx(1.0, abs=1e-9)
        assert min(dist.values()) > 0


def test_held_out_bits_are_below_uniform_and_fall_with_order(lines):
    train, held = lines[:-40], lines[-40:]
    uniform = math.log2(len(CharKneserNey(train, 1).alphabet))
    bpc = {order: bits_per_char(CharKneserNey(train, order), held) for order in (1, 3)}
    assert bpc[1] < uniform
    assert bpc[3] < bpc[1]


def test_line_bits_are_the_sum_of_each_characters_bits(lines):
    model = CharKneserNey(lines[:200], 3)
    line = lines[5][:20] + "\u2603"  # an unknown character is scored as UNK
    bits, chars = model.line_bits(line)
    text = line + EOL
    expected = -sum(math.log2(model.prob(text[:i], c)) for i, c in enumerate(text))
    assert chars == len(line) + 1
    assert bits == pytest.approx(expected)
