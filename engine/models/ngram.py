"""A character n-gram with interpolated Kneser–Ney smoothing: the classical counting model a
neural model trained from scratch has to beat, and in seconds.

Each line is one sample: it is read after `order - 1` start marks and ends with an end-of-line
character, which the model predicts like any other. The alphabet is every character of the
training lines, the end of line, and one unknown character that stands for all the others; the
probabilities over it sum to 1 in every context (Chen & Goodman 1998, interpolated, one discount
per order from the counts of counts).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

START = "\x02"   # pads the context before a line's first character
EOL = "\n"       # ends every line; predicted like a character
UNK = "\x00"     # every character the training lines do not have


@dataclass
class _Order:
    """The counts of one order: the n-grams' (continuation) counts and their contexts' totals."""
    counts: Counter = field(default_factory=Counter)   # n-gram -> count
    totals: Counter = field(default_factory=Counter)   # context -> sum of its n-grams' counts
    types: Counter = field(default_factory=Counter)    # context -> how many distinct characters follow it
    discount: float = 0.75


class CharKneserNey:
    """Interpolated Kneser–Ney over characters, of a given order (4: three characters of context)."""

    def __init__(self, lines: list[str], order: int = 4):
        if order < 1:
            raise ValueError("order must be at least 1")
        self.order = order
        self.alphabet = sorted(set("".join(lines)) - {START, UNK, EOL}) + [EOL, UNK]
        self._known = set(self.alphabet)
        self._orders = [_Order() for _ in range(order)]  # index k-1 holds the k-grams
        self._count(lines)

    # ---- counting ----

    def _count(self, lines: list[str]) -> None:
        n = self.order
        top = self._orders[n - 1].counts
        for line in lines:
            s = START * (n - 1) + self._clean(line) + EOL
            top.update(s[i - n + 1:i + 1] for i in range(n - 1, len(s)))
        # Lower orders count distinct left neighbours (continuation counts), not occurrences.
        for k in range(n - 1, 0, -1):
            lower = self._orders[k - 1].counts
            lower.update(gram[1:] for gram in self._orders[k].counts)
        for level in self._orders:
            for gram, c in level.counts.items():
                level.totals[gram[:-1]] += c
                level.types[gram[:-1]] += 1
            hist = Counter(c for c in level.counts.values() if c <= 2)
            n1, n2 = hist[1], hist[2]
            level.discount = n1 / (n1 + 2 * n2) if n1 and n2 else 0.75

    def _clean(self, text: str) -> str:
        return text.replace(EOL, " ").replace(START, " ")

    # ---- probabilities ----

    def prob(self, context: str, char: str) -> float:
        """P(char | the characters before it on its line); `char` outside the alphabet counts as unknown."""
        if char not in self._known:
            char = UNK
        history = (START * (self.order - 1) + self._clean(context))[-(self.order - 1):] if self.order > 1 else ""
        p = 1.0 / len(self.alphabet)
        for k in range(1, self.order + 1):
            h = history[len(history) - (k - 1):] if k > 1 else ""
            level = self._orders[k - 1]
            total = level.totals.get(h, 0)
            if total == 0:
                continue  # a context never seen: the lower order's estimate stands
            d = level.discount
            p = (max(level.counts.get(h + char, 0) - d, 0.0) + d * level.types[h] * p) / total
        return p

    def distribution(self, context: str) -> dict[str, float]:
        """P(c | context) for every character c of the alphabet."""
        return {c: self.prob(context, c) for c in self.alphabet}

    def line_bits(self, line: str) -> tuple[float, int]:
        """(bits to encode `line` and its end of line, characters counted including the end of line)."""
        text = self._clean(line) + EOL
        bits = 0.0
        for i, char in enumerate(text):
            bits -= math.log2(self.prob(text[:i][-(self.order - 1):] if self.order > 1 else "", char))
        return bits, len(text)


def bits_per_char(model: CharKneserNey, lines: list[str]) -> float:
    """Held-out bits per character over `lines`, each line's end counted as one character."""
    bits = chars = 0
    for line in lines:
        b, n = model.line_bits(line)
        bits, chars = bits + b, chars + n
    return bits / max(chars, 1)
