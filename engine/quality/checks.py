"""Quality checks on generated copy: absolute terms, copying, repetition, length, keywords,
and claims the seller never made.

Each check returns `Flag`s: small frozen records that name the check, the span of the
variant it concerns, and a message key, so the CLI, the batch sheet and the desktop app
can show them in either language. `rank_variants` puts the cleanest variants first.

Thresholds, and why:
- Copying: a span of >= 20 normalised characters (Chinese) or >= 50 (other text, where
  20 characters is only 3-4 words) found verbatim in the training copy. Brand names and
  stock slogans are shorter; a whole copied clause or sentence is not.
- Repetition: the same 4+ Chinese characters 3+ times, or the same 3+ English words twice
  or more (at least one of them not a stop word). Copy says the product name twice
  naturally; three times in one variant, or a repeated English phrase, is a loop.
- Lengths and absolute terms come from the lists in resources/checks/ (see engine.quality.checklists).
- Claims (engine.quality.claims): a figure, price, count, certification, material or origin
  that nothing the seller gave backs. Where an absolute term already covers the span
  ("100%满意", "clinically proven") that flag stands alone: one span, one fix.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from .checklists import CJK_CLASS, absolute_terms, fold, is_cjk_text, platform_key, rules_for
from .claims import claim_support, unsupported_claims
from .memorisation import MemoIndex

COPY_MIN_CJK = 20         # normalised characters; see the module docstring
COPY_MIN_OTHER = 50
REPEAT_CJK_CHARS = 4
REPEAT_CJK_TIMES = 3
REPEAT_EN_WORDS = 3
REPEAT_EN_TIMES = 2

# Ranking cost of one flag of each severity; the score shown is 100 minus the total.
PENALTY = {"error": 25, "warn": 10, "info": 2}

_STOP_WORDS = frozenset(
    "a all an and any are as at be been but by can do for from has have how i if in into is it it's its "
    "just more most my no not of on one or our out so than that the their them then there these they "
    "this those to up us very was we were what when which who will with you your".split())
_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")


@dataclass(frozen=True)
class Flag:
    """One problem found in a variant. `span` is [start, end) in the variant, or None."""
    check: str                # "absolute_terms" | "copied" | "repetition" | "length" | "keyword_missing"
                              # | "unsupported_claim"
    severity: str             # "error" | "warn" | "info"
    span: tuple[int, int] | None
    match: str                # the flagged text (or the missing keyword)
    suggestion: str | None    # softer wording that can replace `match`, when there is one
    message_key: str          # a key of engine.common.messages.MESSAGES
    params: tuple[tuple[str, object], ...] = ()  # the message's placeholders, as (name, value) pairs

    def message(self, lang: str | None = None) -> str:
        """The plain-language message, in `lang` ("en"/"zh") or the user's language."""
        from ..common.errors import current_language
        from ..common.messages import MESSAGES

        en, zh = MESSAGES[self.message_key]
        return (zh if (lang or current_language()) == "zh" else en).format(**dict(self.params))

    def to_dict(self) -> dict:
        """A JSON-able dict, with the message in the user's language."""
        return {"check": self.check, "severity": self.severity,
                "span": list(self.span) if self.span else None, "match": self.match,
                "suggestion": self.suggestion, "message_key": self.message_key,
                "params": dict(self.params), "message": self.message()}


@dataclass(frozen=True)
class CheckContext:
    """What the checks need to know about the request behind the variants."""
    scenario: str | None = None           # a key of engine.writing.scenarios.SCENARIOS
    platform: str | None = None           # as the seller wrote it: "淘宝", "JD", "Amazon"…
    keywords: Sequence[str] = ()          # must-include keywords
    memo: MemoIndex | None = field(default=None, compare=False)  # the model's training index
    product: str | None = None            # the product name, which may repeat without a flag
    # What the seller gave as true: the request's fields and prompt, the facts box, examples (a
    # sheet row's cells). A claim none of them (nor the training copy) states is flagged. None:
    # the request is unknown, so the claims check does not run.
    facts: Sequence[str] | None = None


def _flag(check: str, severity: str, span: tuple[int, int] | None, match: str, key: str,
          replacement: str | None = None, **params) -> Flag:
    return Flag(check, severity, span, match, replacement, key,
                tuple(dict(params, match=match, suggestion=replacement or "").items()))


# ---- 1. absolute terms ----

def check_absolute_terms(text: str) -> list[Flag]:
    """Absolute claims (最佳, 第一, No. 1…) outside the listed exceptions, longest match first."""
    lists = absolute_terms()
    folded = fold(text)
    allowed = [m.span() for p in lists.exceptions for m in p.finditer(folded)]
    hits = []
    for term in lists.terms:
        for m in term.pattern.finditer(folded):
            s, e = m.span()
            if s == e or any(a <= s and e <= b for a, b in allowed):
                continue
            hits.append((s, e, term, m))
    taken: list[tuple[int, int]] = []
    flags = []
    # Longest first, a listed word before the generic "最*" of the same length, then earliest.
    for s, e, term, m in sorted(hits, key=lambda h: (h[0] - h[1], "*" in h[2].term, h[0])):
        if any(s < b and a < e for a, b in taken):
            continue
        taken.append((s, e))
        suggestion = term.suggestion
        if suggestion and m.groups():  # "最*" -> "很*": repeat the matched character
            suggestion = suggestion.replace("*", m.group(1))
        key = "check_absolute_term" if suggestion else "check_absolute_term_remove"
        flags.append(_flag("absolute_terms", term.severity, (s, e), text[s:e], key, suggestion,
                           category=term.category))
    return sorted(flags, key=lambda f: f.span)


# ---- 2. copying the training data ----

def check_copied(text: str, memo: MemoIndex | None) -> list[Flag]:
    """Spans repeated verbatim from the training copy, if the model has an index."""
    if memo is None:
        return []
    flags = []
    for span in memo.copied_spans(text):
        if span.chars >= (COPY_MIN_CJK if span.cjk else COPY_MIN_OTHER):
            flags.append(_flag("copied", "warn", (span.start, span.end), text[span.start:span.end],
                               "check_copied", chars=span.chars))
    return flags


# ---- 3. repetition ----

def _count_apart(starts: list[int], length: int) -> int:
    """How many of the occurrences at `starts` fit without overlapping."""
    count, free = 0, -1
    for s in starts:
        if s >= free:
            count, free = count + 1, s + length
    return count


def _repeats(units: list[str], n: int, times: int, usable) -> list[tuple[int, int, int]]:
    """(last occurrence, units long, count) of maximal sequences of >= n units seen >= times.

    `units` are characters or words; occurrences are counted without overlap. A sequence
    lying wholly inside the occurrences of one already reported (such as a rotation of a
    looping phrase) is not reported again.
    """
    found: list[tuple[int, int, int]] = []
    covered: set[int] = set()
    seen: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(units) - n + 1):  # dicts keep first-seen order: leftmost phrases come first
        seen.setdefault(tuple(units[i:i + n]), []).append(i)
    for gram, starts in seen.items():
        if not usable(gram) or _count_apart(starts, n) < times:
            continue
        if all(covered.issuperset(range(s, s + n)) for s in starts):
            continue
        length = n
        while True:  # grow the phrase to the right while it still repeats often enough
            longer: dict[tuple[str, ...], list[int]] = {}
            for s in starts:
                if s + length < len(units):
                    longer.setdefault(tuple(units[s:s + length + 1]), []).append(s)
            best = max(longer.values(), key=lambda ss: _count_apart(ss, length + 1), default=None)
            if best is None or _count_apart(best, length + 1) < times:
                break
            starts, length = best, length + 1
        for s in starts:
            covered.update(range(s, s + length))
        found.append((starts[-1], length, _count_apart(starts, length)))
    return found


def check_repetition(text: str, allowed: Sequence[str] = ()) -> list[Flag]:
    """Phrases repeated within the variant; the span is the last repeat, the one to cut.

    A phrase found inside one of `allowed` (the product name, the must-include keywords)
    is not flagged: copy names its product more than once on purpose.
    """
    exempt = [_keyword_form(a) for a in allowed if a and a.strip()]
    flags = []

    def report(s: int, e: int, count: int) -> None:
        if not any(_keyword_form(text[s:e]) in a for a in exempt):
            flags.append(_flag("repetition", "warn", (s, e), text[s:e], "check_repetition", count=count))

    chars = list(text)
    for start, length, count in _repeats(chars, REPEAT_CJK_CHARS, REPEAT_CJK_TIMES,
                                         lambda g: all(_CJK_CHAR.match(c) for c in g)):
        report(start, start + length, count)
    words = list(_WORD.finditer(fold(text)))
    for start, length, count in _repeats([w.group() for w in words], REPEAT_EN_WORDS, REPEAT_EN_TIMES,
                                         lambda g: sum(w not in _STOP_WORDS for w in g) >= 2):
        report(words[start].start(), words[start + length - 1].end(), count)
    return sorted(flags, key=lambda f: f.span)


# ---- 4. length limits ----

def gbk_width(text: str) -> int:
    """Length as Taobao-style backends count it: 1 per ASCII character, 2 per other character."""
    return sum(1 if ord(c) < 128 else 2 for c in text)


def _cut_index(text: str, limit: int, unit: str) -> int:
    """Where `text` first goes past `limit` in `unit`, so the flag can mark the overflow."""
    if unit == "chars":
        return limit
    if unit == "bytes":
        width = 0
        for i, c in enumerate(text):
            width += 1 if ord(c) < 128 else 2
            if width > limit:
                return i
        return len(text)
    words = list(re.finditer(r"[A-Za-z0-9][A-Za-z0-9'\-]*", text))
    return words[limit].start() if len(words) > limit else len(text)


def check_length(text: str, scenario: str | None, platform: str | None) -> list[Flag]:
    """Limits from length_limits.tsv for this scenario and platform (or its "*" row)."""
    if not scenario:
        return []
    lang = "zh" if is_cjk_text(text) else "en"
    flags = []
    for rule in rules_for(scenario, platform_key(platform), lang):
        actual = {"chars": len(text), "bytes": gbk_width(text),
                  "words": len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'\-]*", text))}
        for unit, limit in (("chars", rule.max_chars), ("bytes", rule.max_bytes), ("words", rule.max_words)):
            if limit is not None and actual[unit] > limit:
                cut = _cut_index(text, limit, unit)
                flags.append(_flag("length", "error", (cut, len(text)), text[cut:], f"check_too_long_{unit}",
                                   limit=limit, actual=actual[unit], platform=rule.platform, scenario=scenario))
    return flags


# ---- 5. must-include keywords ----

def _keyword_form(text: str) -> str:
    # NFKC folds full-width forms; casefold covers Latin case; spacing is not meaningful.
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def split_keywords(value: str) -> list[str]:
    """Keywords from one form field: "竹纤维、吸水、柔软" or "soy wax, white tea"."""
    return [k.strip() for k in re.split(r"[、,，;；/|\n]+", value or "") if k.strip()]


def check_keywords(text: str, keywords: Sequence[str]) -> list[Flag]:
    """One flag per must-include keyword that the variant lacks."""
    form = _keyword_form(text)
    flags = []
    for keyword in keywords:
        wanted = _keyword_form(keyword)
        if wanted and wanted not in form:
            flags.append(_flag("keyword_missing", "warn", None, keyword.strip(), "check_keyword_missing",
                               keyword=keyword.strip()))
    return flags


# ---- 6. claims the seller never made ----

def check_claims(text: str, ctx: CheckContext, skip: Sequence[tuple[int, int]] = ()) -> list[Flag]:
    """Figures, prices, counts, certifications, materials and origins that neither `ctx.facts`
    (with the product, platform and keywords) nor the training copy states.

    A claim overlapping a `skip` span (an absolute term's) is left to that flag.
    """
    if ctx.facts is None:
        return []
    support = claim_support([*ctx.facts, ctx.product or "", ctx.platform or "", *ctx.keywords])
    trusted = [(s.start, s.end) for s in ctx.memo.copied_spans(text)] if ctx.memo is not None else []
    claims = unsupported_claims(text, support, trusted=trusted, skip=skip)
    return [_flag("unsupported_claim", "warn", c.span, c.text, f"check_unsupported_{c.kind}", kind=c.kind)
            for c in claims]


# ---- all checks, scores and ranking ----

def check_variant(text: str, ctx: CheckContext = CheckContext()) -> list[Flag]:
    """Every check on one variant, flags with a span in text order, then the others."""
    absolute = check_absolute_terms(text)
    flags = (absolute + check_copied(text, ctx.memo)
             + check_repetition(text, [ctx.product or "", *ctx.keywords])
             + check_length(text, ctx.scenario, ctx.platform) + check_keywords(text, ctx.keywords)
             + check_claims(text, ctx, [f.span for f in absolute]))
    return sorted(flags, key=lambda f: (f.span is None, f.span or (0, 0)))


def check_variants(texts: Sequence[str], ctx: CheckContext = CheckContext()) -> list[list[Flag]]:
    """`check_variant` for each text."""
    return [check_variant(t, ctx) for t in texts]


def penalty(flags: Sequence[Flag]) -> int:
    """Total cost of the flags; lower is cleaner."""
    return sum(PENALTY.get(f.severity, 0) for f in flags)


def score(flags: Sequence[Flag]) -> int:
    """A 0-100 quality score for display: 100 means no flags."""
    return max(0, 100 - penalty(flags))


def rank_variants(texts: Sequence[str], flags: Sequence[Sequence[Flag]]) -> list[int]:
    """Indices of `texts`, cleanest first; equal ones keep their order."""
    if len(texts) != len(flags):
        raise ValueError("one list of flags per text")
    return sorted(range(len(texts)), key=lambda i: penalty(flags[i]))


def flag_text(flag: Flag | Mapping, lang: str | None = None) -> str:
    """One flag in words: its message in `lang` ("en"/"zh") or the user's language.

    A flag may come back from the history or a batch journal as `Flag.to_dict()` output;
    a dict of any other shape is summarised rather than dropped.
    """
    if isinstance(flag, Flag):
        return flag.message(lang)
    if not isinstance(flag, Mapping):
        return str(flag)
    try:
        return flags_from_dicts([flag])[0].message(lang)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return _summarise_foreign(flag)


def flags_summary(flags: Iterable[Flag | Mapping], lang: str | None = None) -> str:
    """The flags as one line of text, for a spreadsheet cell or the terminal; "" when there are none."""
    return "; ".join(flag_text(f, lang) for f in flags)


# Key names the quality checks may use for a flag's name and for what it found.
_FLAG_NAME_KEYS = ("check", "kind", "code", "type", "name", "rule", "id")
_FLAG_DETAIL_KEYS = ("terms", "matches", "found", "missing", "words", "detail", "message", "value")


def _summarise_foreign(flag: Mapping) -> str:
    """A flag dict of a shape the checks don't write (an older version, a script), e.g. "too_long: 120 > 100"."""
    name = next((str(flag[k]) for k in _FLAG_NAME_KEYS if flag.get(k) not in (None, "")), "")
    detail = next((flag[k] for k in _FLAG_DETAIL_KEYS if flag.get(k) not in (None, "", [], ())), None)
    if isinstance(detail, (list, tuple)):
        detail = ", ".join(map(str, detail))
    if name and detail is not None:
        return f"{name}: {detail}"
    if name or detail is not None:
        return name or str(detail)
    return json.dumps(dict(flag), ensure_ascii=False, sort_keys=True)  # unknown: shown whole, never dropped


def flags_from_dicts(items: Sequence[Mapping]) -> list[Flag]:
    """Flags back from `Flag.to_dict()` output (as stored in a batch journal)."""
    return [Flag(d["check"], d["severity"], tuple(d["span"]) if d.get("span") else None, d["match"],
                 d.get("suggestion"), d["message_key"], tuple(d.get("params", {}).items())) for d in items]
