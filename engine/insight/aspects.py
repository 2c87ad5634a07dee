"""Finding what reviews talk about: aspect words from the data, grouped.

A candidate is a noun-like word (jieba's dictionary tag for Chinese, a noun's company for
English: "the", "my", an opinion word before it, "is"/"was" after it) that is no stop word
and no opinion word. It counts when it stands in a clause with an opinion: "面料很舒服" makes
面料 a candidate, "收到了" does not. The best supported candidates are grouped:

- by shared head: 外包装 and 包装盒 join 包装, 物流速度 joins 物流;
- by seed synonyms, when the data has both words (快递 and 物流): `aspect_seeds.tsv`;
- by the distinctive opinion words they share (偏大/偏小 for 尺码 and 码数), generic praise
  such as 好 and 不错 left out.

Segmenting costs most of the time, so at most `DISCOVERY_CHARS` characters of reviews,
spread evenly over the file, are segmented here; every review is counted afterwards.
"""
from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

from .lexicon import lexicon, read_words
from .segment import chinese_words, english_lemma, english_words, is_aspect_tagged, is_chinese_word

DISCOVERY_CHARS = 250_000   # about 2 s of jieba on a slow, busy core
MAX_GROUPS = 40
MAX_CANDIDATES = 120
OPINION_SIMILARITY = 0.9    # cosine of distinctive-opinion profiles that groups two words
OPINION_PROFILE_MIN = 8     # co-occurrences a word needs before its profile is trusted
NOUN_EVIDENCE = 0.25        # share of an English word's uses that must look like a noun's
_DETERMINERS = frozenset("the a an this that these those my our your his her its their some no any every each".split())
_COPULAS = frozenset("is was are were seems seemed feels felt looks looked works worked smells".split())


@dataclass(frozen=True)
class AspectGroup:
    """One aspect: its name and every word counted as a mention of it."""
    name: str
    terms: tuple[str, ...]


@dataclass
class Parsed:
    """A review split for counting: its sentences, clauses and each clause's opinions."""
    sentences: list
    clauses: list
    opinions: list            # per clause: list[Opinion]


@lru_cache(maxsize=1)
def _stops() -> tuple[frozenset[str], frozenset[str]]:
    return read_words("stop_zh.txt"), read_words("stop_en.txt")


@lru_cache(maxsize=1)
def _seeds() -> list[tuple[str, ...]]:
    from .lexicon import _read_tsv

    return [tuple(row) for row in _read_tsv("aspect_seeds.tsv")]


def min_support(reviews: int) -> int:
    """Reviews with an opinion a word needs to become an aspect: 1 in a tiny file, 0.2 % in a big one."""
    if reviews < 30:
        return 1
    if reviews < 300:
        return 2
    return max(3, round(reviews * 0.002))


class _Counts:
    def __init__(self) -> None:
        self.support: Counter = Counter()            # reviews where the word stands beside an opinion
        self.opinions: dict[str, Counter] = defaultdict(Counter)
        self.forms: dict[str, Counter] = defaultdict(Counter)  # English lemma → the spellings seen
        self.uses: Counter = Counter()               # English: occurrences
        self.nounish: Counter = Counter()            # English: occurrences in a noun's company
        self.pairs: dict[str, tuple[str, str]] = {}  # "battery life" → ("battery", "life")


def _chinese_candidates(text: str, start: int, end: int, stop: frozenset[str]) -> list[str]:
    """The aspect-like Chinese words of one clause. Only clauses with an opinion are segmented."""
    lx = lexicon()
    out = []
    for word, _offset in chinese_words(text, start, end):
        if word in lx.aspect_nouns or (is_chinese_word(word) and is_aspect_tagged(word) and word not in stop
                                       and not lx.is_opinion(word) and word[0] not in "不没无别未"):
            out.append(word)  # a word that starts with a negator (不理, 没用) says how, not what
    return out


def _english_candidates(text: str, start: int, end: int, stop: frozenset[str], counts: _Counts) -> list[str]:
    lx = lexicon()
    words = list(english_words(text, start, end))
    out = []
    for i, (word, _offset) in enumerate(words):
        if len(word) < 3 or word in stop or lx.is_opinion(word) or word in lx.en_negators or word.endswith("ly") \
                or (word.endswith("ed") and len(word) > 4):
            continue
        lemma = english_lemma(word)
        before = words[i - 1][0] if i else ""
        after = words[i + 1][0] if i + 1 < len(words) else ""
        nounish = before in _DETERMINERS or lx.is_opinion(before) or after in _COPULAS or before.isdigit()
        counts.uses[lemma] += 1
        counts.forms[lemma][word] += 1
        counts.nounish[lemma] += nounish
        out.append(lemma)
        # Two nouns in a row often name one thing: "battery life", "customer service". The pair
        # is judged by its second word's company: "the battery life is" yes, "screen scratches easily" no.
        if before and before not in stop and not lx.is_opinion(before) and len(before) >= 3 \
                and not before.endswith("ly") and not before.isdigit():
            pair = f"{before} {word}"
            counts.forms[pair][pair] += 1
            counts.uses[pair] += 1
            counts.nounish[pair] += nounish
            counts.pairs[pair] = english_lemma(before), lemma
            out.append(pair)
    return out


def count_candidates(texts: Sequence[str], parsed: Sequence[Parsed], *, cancel: threading.Event,
                     on_step: Callable[[int], None]) -> _Counts | None:
    """Candidate words of the sampled reviews; None when cancelled."""
    stop_zh, stop_en = _stops()
    counts = _Counts()
    for n, (text, p) in enumerate(zip(texts, parsed)):
        if cancel.is_set():
            return None
        if n % 50 == 0:
            on_step(n)
        supported: set[str] = set()
        for clause, opinions in zip(p.clauses, p.opinions):
            if not opinions:
                continue
            segment = text[clause.start:clause.end]
            words = [] if segment.isascii() else _chinese_candidates(text, clause.start, clause.end, stop_zh)
            if any("a" <= ch <= "z" or "A" <= ch <= "Z" for ch in segment):
                words += _english_candidates(text, clause.start, clause.end, stop_en, counts)
            for word in words:
                if word not in supported:
                    supported.add(word)
                    for o in opinions:
                        counts.opinions[word][o.text.lower()] += 1
        counts.support.update(supported)
    return counts


# ---- grouping ----

class _Groups:
    """Union-find over candidate words; each group is named by its best supported word."""

    def __init__(self, words: list[str]) -> None:
        self.parent = {w: w for w in words}

    def find(self, w: str) -> str:
        while self.parent[w] != w:
            self.parent[w] = self.parent[self.parent[w]]
            w = self.parent[w]
        return w

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for w in self.parent:
            out[self.find(w)].append(w)
        return out


def _cosine(a: Counter, b: Counter) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def group_candidates(counts: _Counts, reviews: int, sampled: int) -> list[AspectGroup]:
    """The aspects: supported candidates, grouped and named, best supported first."""
    need = max(1, round(min_support(reviews) * sampled / max(1, reviews)))
    words = [w for w, n in sorted(counts.support.items(), key=lambda kv: (-kv[1], kv[0])) if n >= need]
    words = [w for w in words if w not in counts.uses or counts.nounish[w] >= NOUN_EVIDENCE * counts.uses[w]]
    # A word found only inside a pair is the pair: "life" in "battery life".
    paired = {counts.pairs[w][1] for w in words if w in counts.pairs
              and counts.support[w] >= 0.8 * counts.support[counts.pairs[w][1]]}
    words = [w for w in words if w not in paired][:MAX_CANDIDATES]
    groups = _Groups(words)
    chosen = set(words)
    by_support = sorted(words, key=lambda w: (-counts.support[w], w))
    for seed in _seeds():
        present = [w for w in seed if w in chosen]
        for w in present[1:]:
            groups.union(present[0], w)
    _group_by_opinions(counts, by_support, groups)
    # Shared head: a word inside another joins it (外包装 and 包装盒 join 包装, 物流速度 joins 物流;
    # "battery life" joins "battery"), so each mention counts for one aspect, as a substring count would.
    for long in by_support:
        for short in by_support:
            if short != long and (short in long if " " not in long else long.startswith(short + " ")):
                groups.union(short, long)

    result = []
    for root, members in groups.members().items():
        members.sort(key=lambda w: (-counts.support[w], w))
        support = sum(counts.support[w] for w in members)
        terms: list[str] = []
        for w in members:
            terms += sorted(counts.forms[w], key=lambda f: (-counts.forms[w][f], f)) if w in counts.forms else [w]
        top = members[0]
        name = top if len(members) < 2 or counts.support[members[1]] < 0.3 * counts.support[top] \
            else f"{top}/{members[1]}"
        result.append((support, AspectGroup(name, tuple(dict.fromkeys(terms)))))
    result.sort(key=lambda x: (-x[0], x[1].name))
    return [g for _, g in result[:MAX_GROUPS]]


def _group_by_opinions(counts: _Counts, words: list[str], groups: _Groups) -> None:
    """Join words that draw the same distinctive opinions (偏大/偏小 for 尺码 and 码数)."""
    if len(words) < 3:
        return
    spread = Counter(o for w in words for o in counts.opinions[w])
    generic = {o for o, n in spread.items() if n >= 0.3 * len(words)}
    profiles = {w: Counter({o: n for o, n in counts.opinions[w].items() if o not in generic}) for w in words}
    # A profile of one word ("很快" for 物流 and for 充电) says too little to group by.
    trusted = [w for w in words if sum(profiles[w].values()) >= OPINION_PROFILE_MIN and len(profiles[w]) >= 3]
    for i, a in enumerate(trusted):
        for b in trusted[i + 1:]:
            if _cosine(profiles[a], profiles[b]) >= OPINION_SIMILARITY:
                groups.union(a, b)
