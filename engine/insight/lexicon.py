"""Opinion words: which words in a clause praise or criticise, with negation applied.

Chinese: `resources/insight/opinion_zh.tsv`, written for this project from shop-review
language (做工精细, 线头多, 色差大, 物流慢). English: VADER's lexicon (vaderSentiment, MIT,
~7,500 words) with `opinion_en.tsv` laid over it for shop words VADER lacks or misreads
(fast shipping, runs small, stopped working). Emoji: `opinion_emoji.tsv`.

Words are found with one regex per language built as a trie, so a clause is scanned once
whatever the size of the lexicon; the longest entry wins ("快递" is not the praise "快").
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from ..common.paths import resources_dir
from .text import has_cjk, has_latin

_FOLDER = "insight"
# VADER valences run from -4 to 4; weaker words ("ok" 0.9, "fine" 0.8) are too faint to call.
VADER_MIN = 1.0
VADER_STRONG = 2.5
# Words an English negator may reach: "not very good", "isn't that sturdy".
EN_NEGATION_WINDOW = 3
ZH_NEGATION_WINDOW = 6  # characters: 一点都不 + 太 fits


@dataclass(frozen=True)
class Opinion:
    start: int      # the span in the review text, its negator included
    end: int
    value: int      # signed strength after negation: +2, +1, -1, -2
    text: str       # text[start:end], e.g. "不太好", "色差大", "not sturdy"


def trie_regex(words) -> str:
    """A regex that matches any of `words`, longest first, without backtracking through them all."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not end else "(?:" + "|".join(branches) + ")"
        return body + "?" if end and branches else body

    return build(trie)


def _read_tsv(name: str) -> list[list[str]]:
    path = resources_dir() / _FOLDER / name
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows


def read_words(name: str) -> frozenset[str]:
    """A whitespace-separated word list from resources/insight, comments left out."""
    path = resources_dir() / _FOLDER / name
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def _vader_lexicon() -> dict[str, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer().lexicon


class Lexicon:
    """The opinion words of both languages, ready to scan clauses with."""

    def __init__(self) -> None:
        zh: dict[str, int] = {}
        self.aspect_nouns: set[str] = set()  # 色差, 线头: complaints that are also aspects
        for word, value, *tag in _read_tsv("opinion_zh.tsv"):
            zh[word] = int(value)
            if tag and tag[0] == "n":
                self.aspect_nouns.add(word)
        for emoji, value in _read_tsv("opinion_emoji.tsv"):
            zh[emoji] = int(value)
        negators = _read_tsv("negators.tsv")
        zh_neg = [w for kind, w in negators if kind == "zh"]
        between = [w for kind, w in negators if kind == "between"]
        self.en_negators = frozenset(w for kind, w in negators if kind == "en")

        en: dict[str, int] = {}
        for word, valence in _vader_lexicon().items():
            if re.fullmatch(r"[a-z][a-z' -]*[a-z]", word) and abs(valence) >= VADER_MIN \
                    and word not in self.en_negators:
                en[word] = (2 if valence >= VADER_STRONG else 1) if valence > 0 else (-2 if valence <= -VADER_STRONG else -1)
        for word, value in _read_tsv("opinion_en.tsv"):
            en[word.lower()] = int(value)

        self.zh_values = zh
        self.en_values = en
        self._zh_re = re.compile(trie_regex(zh))
        self._en_re = re.compile(r"\b(?:" + trie_regex(en) + r")\b", re.IGNORECASE)
        self._zh_neg = re.compile("(?:" + trie_regex(zh_neg) + ")(?:" + trie_regex(between) + "){0,2}$")
        self._en_word = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")

    def is_opinion(self, word: str) -> bool:
        """A word that is itself praise or criticism (never an aspect, unless it is an aspect noun)."""
        return bool(self.zh_values.get(word) or self.en_values.get(word.lower()))

    def opinions(self, text: str, start: int, end: int) -> list[Opinion]:
        """The opinions in text[start:end] (one clause), in order, negation applied."""
        found: list[Opinion] = []
        clause = text[start:end]
        if not clause.isascii():
            matches = list(self._zh_re.finditer(text, start, end))
            for k, m in enumerate(matches):
                value = self.zh_values[m.group()]
                # 好 before another opinion only makes it stronger: 面料好闷 is stuffy, 好好用 useful
                if m.group().endswith("好") and k + 1 < len(matches) and matches[k + 1].start() == m.end() \
                        and self.zh_values[matches[k + 1].group()]:
                    continue
                if not value:
                    continue
                s = m.start()
                neg = self._zh_neg.search(text, max(start, s - ZH_NEGATION_WINDOW), s)
                if neg is not None:
                    value, s = -value, neg.start()
                found.append(Opinion(s, m.end(), value, text[s:m.end()]))
        if has_latin(clause):
            for m in self._en_re.finditer(text, start, end):
                value = self.en_values[m.group().lower()]
                if not value:
                    continue
                s = m.start()
                before = list(self._en_word.finditer(text, start, s))[-EN_NEGATION_WINDOW:]
                for word in before:
                    lowered = word.group().lower()
                    if lowered in self.en_negators or lowered.endswith("n't"):
                        value, s = -value, word.start()  # the phrase starts at it: "not sturdy"
                        break
                found.append(Opinion(s, m.end(), value, text[s:m.end()]))
            if len(found) > 1 and has_cjk(clause):
                found.sort(key=lambda o: o.start)
        return found


_lexicon: Lexicon | None = None
_lock = threading.Lock()


def lexicon() -> Lexicon:
    """The shared lexicon, built on first use (about 0.3 s: VADER's file and two regexes)."""
    global _lexicon
    with _lock:
        if _lexicon is None:
            _lexicon = Lexicon()
        return _lexicon
