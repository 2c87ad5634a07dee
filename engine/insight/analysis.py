"""Counting: how many reviews mention each aspect, praising or criticising it, in which words.

Every number comes from here. A review mentions an aspect when its text contains one of the
aspect's terms (so a brute-force substring count agrees); the mention's polarity comes from
the opinion words of its clause ("物流很快，但是做工一般" praises 物流 and criticises 做工),
negation applied, and, when the file has a rating column, from the rating:

- a 4-5 star (好评) or 1-2 star (差评) review gives its polarity to every aspect it mentions,
  except in a review that both praises and criticises, where a clause that says the
  opposite of the rating keeps its own words' polarity;
- a middle rating (3 stars, 中评) or no rating leaves it to the words; no opinion, neutral.
"""
from __future__ import annotations

import bisect
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from .aspects import DISCOVERY_CHARS, AspectGroup, Parsed, count_candidates, group_candidates
from .lexicon import lexicon, trie_regex
from .reviews import Review
from .text import clauses, sentences

QUOTE_MAX = 60            # characters: longer sentences are quoted by their clause
CLAUSE_MAX = 80           # a clause longer than this (a cell without punctuation) is cut around the mention
EXAMPLES = 3
PHRASES = 5
PROGRESS_EVERY_S = 0.1


@dataclass(frozen=True)
class InsightEvent:
    """Progress: sent as the work goes, about ten times a second at most."""
    phase: str                # "reading" | "finding" | "counting" | "refining" | "done"
    done: int                 # reviews handled in this phase
    total: int
    elapsed_s: float


@dataclass(frozen=True)
class Example:
    row: int                  # the row a seller finds the review on (see engine.insight.reviews)
    index: int                # 0-based data row
    quote: str                # a verbatim substring of that review's text
    polarity: int             # +1, 0, -1 as counted


@dataclass(frozen=True)
class Phrase:
    text: str                 # the aspect word and the opinion as written, e.g. 做工精细, 线头多, 物流不快
    count: int


@dataclass(frozen=True)
class Aspect:
    name: str
    terms: tuple[str, ...]    # the words counted as mentions
    mentions: int             # reviews that mention it
    positive: int             # of which praise it
    negative: int             # of which criticise it
    positive_phrases: tuple[Phrase, ...]
    negative_phrases: tuple[Phrase, ...]
    examples: tuple[Example, ...]
    reviews: tuple[int, ...] = ()      # positions in Insight.reviews of every review that mentions it
    polarities: tuple[int, ...] = ()   # the counted polarity of each of those
    label: str = ""           # a chat model's name for it (AI-generated); the counted name stays in `name`
    summary: str = ""         # a chat model's one-line summary (AI-generated)

    @property
    def neutral(self) -> int:
        return self.mentions - self.positive - self.negative

    @property
    def positive_share(self) -> float:
        return self.positive / self.mentions if self.mentions else 0.0

    @property
    def negative_share(self) -> float:
        return self.negative / self.mentions if self.mentions else 0.0

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class Insight:
    reviews: tuple[Review, ...]        # the reviews analysed
    aspects: tuple[Aspect, ...]        # most mentioned first
    rated: bool                        # polarity came from a rating column
    cancelled: bool = False
    elapsed_s: float = 0.0
    refined_by: str = ""               # the chat model that named and summarised the aspects, if any
    groups: tuple[AspectGroup, ...] = field(default=(), repr=False)

    @property
    def selling_points(self) -> tuple[Aspect, ...]:
        """Praised often: aspects praised at least as often as criticised, most praise first."""
        found = [a for a in self.aspects if a.positive and a.positive >= a.negative]
        return tuple(sorted(found, key=lambda a: (-a.positive, -a.positive_share, a.name)))

    @property
    def pain_points(self) -> tuple[Aspect, ...]:
        """Criticised often: every criticised aspect, most criticism first."""
        found = [a for a in self.aspects if a.negative]
        return tuple(sorted(found, key=lambda a: (-a.negative, -a.negative_share, a.name)))

    def aspect(self, name: str) -> Aspect | None:
        return next((a for a in self.aspects if a.name == name), None)


# ---- the pipeline ----

def parse(text: str) -> Parsed:
    lx = lexicon()
    spans = sentences(text)
    parts = clauses(text, spans)
    return Parsed(spans, parts, [lx.opinions(text, c.start, c.end) for c in parts])


class _Progress:
    def __init__(self, on_event: Callable[[InsightEvent], None], started: float) -> None:
        self.on_event, self.started, self.last, self.phase = on_event, started, 0.0, ""

    def __call__(self, phase: str, done: int, total: int, force: bool = False) -> None:
        now = time.monotonic()
        if force or phase != self.phase or now - self.last >= PROGRESS_EVERY_S:  # each phase is announced
            self.last, self.phase = now, phase
            self.on_event(InsightEvent(phase, done, total, now - self.started))


def analyze(reviews: Sequence[Review], *, groups: Sequence[AspectGroup] | None = None, rated: bool | None = None,
            on_event: Callable[[InsightEvent], None] = lambda e: None,
            cancel: threading.Event | None = None) -> Insight:
    """Find the aspects of `reviews` (or count the given `groups`) and count them.

    `rated` says whether polarity comes from ratings; by default, when any review has one.
    Cancelling returns an Insight with `cancelled` set and no aspects.
    """
    started = time.monotonic()
    cancel = cancel or threading.Event()
    progress = _Progress(on_event, started)
    reviews = tuple(reviews)
    rated = any(r.rated is not None for r in reviews) if rated is None else rated
    total = len(reviews)
    parsed: list[Parsed] = []
    for n, review in enumerate(reviews):
        if cancel.is_set():
            return Insight(reviews, (), rated, True, time.monotonic() - started)
        parsed.append(parse(review.text))
        progress("reading", n, total)
    if groups is None:
        sample = _sample(reviews)
        counts = count_candidates([reviews[i].text for i in sample], [parsed[i] for i in sample], cancel=cancel,
                                  on_step=lambda n: progress("finding", n, len(sample)))
        if counts is None:
            return Insight(reviews, (), rated, True, time.monotonic() - started)
        groups = group_candidates(counts, total, len(sample))
    aspects = _count(reviews, parsed, list(groups), rated, cancel, progress)
    if aspects is None:
        return Insight(reviews, (), rated, True, time.monotonic() - started)
    progress("done", total, total, force=True)
    return Insight(reviews, tuple(aspects), rated, False, time.monotonic() - started, groups=tuple(groups))


def _sample(reviews: Sequence[Review]) -> list[int]:
    """Reviews to segment: all of them, or an even spread of DISCOVERY_CHARS characters."""
    chars = sum(len(r.text) for r in reviews)
    if chars <= DISCOVERY_CHARS:
        return list(range(len(reviews)))
    step = chars / DISCOVERY_CHARS
    picked, budget = [], 0.0
    for i, review in enumerate(reviews):
        budget += len(review.text)
        if budget >= step:
            budget -= step
            picked.append(i)
    return picked


# ---- counting ----

def _term_regexes(groups: list[AspectGroup]) -> tuple[re.Pattern | None, re.Pattern | None, dict[str, int]]:
    owner: dict[str, int] = {}
    for g, group in enumerate(groups):
        for term in group.terms:
            owner.setdefault(term.lower() if term.isascii() else term, g)
    cjk = [t for t in owner if not t.isascii()]
    latin = [t for t in owner if t.isascii()]
    # Lookaheads find a term at every position, overlaps included: "包装" inside "外包装" and
    # "quality" after "sound" are found, so a review mentions an aspect exactly when it contains a term.
    return (re.compile("(?=(" + trie_regex(cjk) + "))") if cjk else None,
            re.compile(r"\b(?=(" + trie_regex(latin) + r")\b)", re.IGNORECASE) if latin else None, owner)


@dataclass
class _Tally:
    reviews: list = field(default_factory=list)
    polarities: list = field(default_factory=list)
    phrases: Counter = field(default_factory=Counter)       # (phrase, sign)
    candidates: list = field(default_factory=list)          # (score, position, Example)


def _count(reviews: tuple[Review, ...], parsed: list[Parsed], groups: list[AspectGroup], rated: bool,
           cancel: threading.Event, progress) -> list[Aspect] | None:
    cjk_re, latin_re, owner = _term_regexes(groups)
    tallies = [_Tally() for _ in groups]
    total = len(reviews)
    for position, (review, p) in enumerate(zip(reviews, parsed)):
        if cancel.is_set():
            return None
        progress("counting", position, total)
        text = review.text
        found = []
        if cjk_re is not None and not text.isascii():
            found += [(m.start(1), m.end(1), owner[m.group(1)]) for m in cjk_re.finditer(text)]
        if latin_re is not None:
            found += [(m.start(1), m.end(1), owner[m.group(1).lower()]) for m in latin_re.finditer(text)]
        if not found:
            continue
        found.sort()
        kept = []  # "包装" inside "外包装" is the same mention of the same aspect
        for m in found:
            if not any(k[2] == m[2] and k[0] <= m[0] and m[1] <= k[1] for k in kept[-3:]):
                kept.append(m)
        _tally_review(review, position, p, kept, rated, tallies)
    aspects = [_aspect(group, tally) for group, tally in zip(groups, tallies) if tally.reviews]
    return sorted(aspects, key=lambda a: (-a.mentions, -(a.positive + a.negative), a.name))


def _tally_review(review: Review, position: int, p: Parsed, found: list, rated: bool, tallies: list[_Tally]) -> None:
    text = review.text
    starts = [c.start for c in p.clauses]
    signs = {o.value > 0 for ops in p.opinions for o in ops}
    mixed = len(signs) == 2
    per_group: dict[int, list] = {}
    for k, (start, end, g) in enumerate(found):
        c = max(0, bisect.bisect_right(starts, start) - 1)
        if not p.clauses or not (p.clauses[c].start <= start < p.clauses[c].end):
            continue  # inside punctuation or a separator; no clause holds it
        prev_end = found[k - 1][1] if k and _same_clause(p, starts, found[k - 1][0], c) else p.clauses[c].start
        next_start = found[k + 1][0] if k + 1 < len(found) and _same_clause(p, starts, found[k + 1][0], c) \
            else p.clauses[c].end
        ops = _assigned(p, c, start, end, prev_end, next_start, found, starts)
        value = sum(o.value for o in ops)
        per_group.setdefault(g, []).append((start, end, c, ops, value))
    for g, mentions in per_group.items():
        words = sum(1 if v > 0 else -1 if v < 0 else 0 for *_, v in mentions)
        word_sign = (words > 0) - (words < 0)
        polarity = _polarity(review.rated if rated else None, word_sign, mixed)
        tally = tallies[g]
        tally.reviews.append(position)
        tally.polarities.append(polarity)
        seen = set()
        for start, end, c, ops, value in mentions:
            if ops:
                phrase = _phrase(text, start, end, ops[0], p.clauses[c])
                key = (phrase, 1 if ops[0].value > 0 else -1)
                if key not in seen:
                    seen.add(key)
                    tally.phrases[key] += 1
        start, end, c, ops, value = max(mentions, key=lambda m: abs(m[4]))
        quote = _quote(text, p, c, start, end)
        clear = (value > 0) - (value < 0) == polarity and polarity != 0
        score = (clear, 6 <= len(quote) <= QUOTE_MAX, -abs(len(quote) - 24))
        tally.candidates.append((score, position, Example(review.row, review.index, quote, polarity)))


def _same_clause(p: Parsed, starts: list[int], offset: int, c: int) -> bool:
    k = bisect.bisect_right(starts, offset) - 1
    return k == c


def _assigned(p: Parsed, c: int, start: int, end: int, prev_end: int, next_start: int, found, starts) -> list:
    """The opinions that speak of the mention text[start:end] in clause c."""
    ops = p.opinions[c]
    overlapping = [o for o in ops if o.start < end and start < o.end]
    if overlapping:
        return overlapping
    after = [o for o in ops if start < o.start and o.start >= end and o.start < next_start]
    if after:
        return after
    before = [o for o in ops if o.end <= start and o.start >= prev_end]
    if before:
        return before[-1:]
    # "快递的话，很快就到了": the opinion may follow in the next clause of the sentence
    if not ops and c + 1 < len(p.clauses) and p.clauses[c + 1].sentence == p.clauses[c].sentence:
        nxt = p.clauses[c + 1]
        if not any(nxt.start <= s < nxt.end for s, _e, _g in found):
            return p.opinions[c + 1]
    return []


def _polarity(rated: int | None, words: int, mixed: bool) -> int:
    if rated in (1, -1):
        return words if (mixed and words == -rated) else rated
    return words


_NOUN_TAIL = re.compile(r"(?:有点|有些|很|太|比较|特别|超|非常)?(?:多|大|明显|严重|重)")


def _phrase(text: str, start: int, end: int, opinion, clause) -> str:
    """The aspect word with its opinion, as written: 做工 + 不太好 → 做工不太好; 色差大 stays 色差大;
    a complaint noun takes the words around it: 有线头, 线头有点多."""
    if opinion.start < end and start < opinion.end:
        a, b = min(start, opinion.start), max(end, opinion.end)
        if (a, b) == (start, end):  # the noun alone: 线头
            tail = _NOUN_TAIL.match(text, b, clause.end)
            if tail:
                b = tail.end()
            elif a > clause.start and text[a - 1] == "有":
                a -= 1
        return text[a:b]
    term, words = text[start:end], opinion.text
    if term.isascii() and words.isascii():
        pair = (words, term) if opinion.start < start else (term, words)
        return " ".join(pair).lower()
    return term + words if opinion.start >= end else words + term


def _quote(text: str, p: Parsed, c: int, start: int, end: int) -> str:
    """The sentence that mentions it, or its clause when the sentence is long; always a substring of text."""
    clause = p.clauses[c]
    s_start, s_end = p.sentences[clause.sentence]
    if s_end - s_start <= QUOTE_MAX:
        return text[s_start:s_end]
    if clause.end - clause.start <= CLAUSE_MAX:
        return text[clause.start:clause.end]
    half = CLAUSE_MAX // 2
    a = max(clause.start, min(start - half, clause.end - CLAUSE_MAX))
    b = min(clause.end, a + CLAUSE_MAX)
    return text[a:b].strip()


def _aspect(group: AspectGroup, tally: _Tally) -> Aspect:
    pos = sum(1 for v in tally.polarities if v > 0)
    neg = sum(1 for v in tally.polarities if v < 0)
    phrases = {1: [], -1: []}
    for (text, sign), n in sorted(tally.phrases.items(), key=lambda kv: (-kv[1], kv[0][0])):
        phrases[sign].append(Phrase(text, n))
    return Aspect(group.name, group.terms, len(tally.reviews), pos, neg, tuple(phrases[1][:PHRASES]),
                  tuple(phrases[-1][:PHRASES]), _examples(tally.candidates, 1 if pos >= neg else -1),
                  tuple(tally.reviews), tuple(tally.polarities))


def _examples(candidates: list, main: int) -> tuple[Example, ...]:
    """Two quotes of the main polarity and one of the other, where there are such; distinct texts."""
    ranked = sorted(candidates, key=lambda x: (x[0], -x[1]), reverse=True)
    chosen: list[Example] = []
    quotes: set[str] = set()

    def take(want, limit):
        for _score, _pos, ex in ranked:
            if len(chosen) >= limit:
                return
            if want(ex) and ex.quote not in quotes:
                quotes.add(ex.quote)
                chosen.append(ex)

    take(lambda ex: ex.polarity == main, 2)
    take(lambda ex: ex.polarity == -main, 3)
    take(lambda ex: True, EXAMPLES)
    return tuple(chosen)


def regroup(insight: Insight, groups: Sequence[AspectGroup], *, on_event=lambda e: None,
            cancel: threading.Event | None = None) -> Insight:
    """Count the same reviews again under other groups (a chat model's grouping): numbers from counting only."""
    result = analyze(insight.reviews, groups=groups, rated=insight.rated, on_event=on_event, cancel=cancel)
    return replace(result, refined_by=insight.refined_by)
