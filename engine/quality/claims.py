"""Claims the seller never made: figures, prices, counts, certifications, materials, origins.

A pretrained model invents facts, and an invented "¥99", "ISO 9001" or "日本进口" is a false
claim under the Advertising Law. `find_claims` finds such spans in a draft; `unsupported_claims`
keeps those that nothing the seller gave backs. The terms and units are in
resources/checks/claim_terms.tsv (see engine.quality.claim_lists).

What backs a claim:
- the support texts: the request's fields, the prompt, the facts box, the seller's examples
  (a sheet row's cells in batch). A claim found in them backs the same claim in a draft by
  its key: numbers by value in a canonical unit ("500ml" = "500 毫升" = "0.5L"), terms by a
  key shared with their synonyms (纯棉 = 全棉 = 100% cotton), origins by the place (日本 = Japan).
  A bare number in the support ("价格：99") backs any figure of that value ("¥99", "99元").
  A term also counts when it appears as words in the support (不锈钢 in "304不锈钢保温杯").
- the training file, through its memo index: a claim inside a passage of ≥ k characters found
  word for word in the training copy is the seller's own wording. The index holds k-character
  windows only, so a short claim cannot be looked up on its own; and a number that occurs
  somewhere in a training file of 10 000 products would not vouch for this one anyway.

What is not a claim: a number with no unit (型号X200, 小米14), a number after a letter or 第
(RTX4090, 第3代), a year (2024年), 一 with a unit (一天, 一件: ordinary words), a Chinese
numeral before a digits-only unit (十分 is "very"), a rough guess (两三次, 三五年), and the
idioms of the [exceptions] section. The product's name is a support text, so a figure that is
part of it (三只松鼠, 小米14天) is backed by it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from .checklists import compile_term, fold
from .claim_lists import ClaimLists, claim_lists, squash

_CN_CLASS = "〇零一二两三四五六七八九十百千万亿"
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_MAGNITUDE = {"万": 10_000, "千": 1000, "百": 100, "亿": 100_000_000, "w": 10_000, "k": 1000}
_DIGITS = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAG = r"\s?[万千百亿](?![克米瓦卡帕])"  # 5千克 is 5 kg, not 5000 克
# Not inside a number (1,000 / 1.5 / 18/8 / 十二), a name (X200, RTX4090, A-500) or an ordinal (第3, #1).
_LEFT = rf"(?<![a-z0-9_#第{_CN_CLASS}])(?<![0-9][.,/])(?<![a-z]-)"
_RANGE = r"\s?[-~～至到×x*]\s?"  # 3-5天, 10到20秒, and sizes: 34×76厘米
_PLUS = r"(?:\s?(?:\+|多|余|以上))?"
_TIGHT_UNITS = ("a", "h", "m", "x", '"')
_BEFORE_NUMBER = r"(?:\s?(?:超过|突破|高达|达到|超|达|破|近|约))?\s?"


@dataclass(frozen=True)
class Claim:
    """A span of a draft that states a checkable fact."""
    kind: str                     # number | percent | price | count | certification | material | origin
    start: int
    end: int
    text: str
    keys: tuple[str, ...]         # each must be backed (a range "3-5天" has one per end)
    values: tuple[float, ...] = ()  # a figure's numbers, which a bare number in the support may back
    backs: tuple[str, ...] = ()   # keys this claim backs when it is found in a support text

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def cn_value(numeral: str) -> float:
    """The value of a Chinese numeral: 三 3, 二十 20, 一百零五 105, 十二万 120000, 万 10000."""
    total = section = number = 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
        else:
            total = ((total + section + number) or 1) * _CN_BIG[ch]
            section = number = 0
    return float(total + section + number)


def _num(i: int, lazy: bool) -> str:
    chinese = f"[{_CN_CLASS}]+?" if lazy else f"[{_CN_CLASS}]+"
    return rf"(?:(?P<d{i}>{_DIGITS})(?P<m{i}>{_MAG})?|(?P<c{i}>{chinese}))"


@lru_cache(maxsize=4)
def _number_patterns(units: str, prefixes: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Numbers with a unit after them, numbers after a word (¥, 百分之, 月销) and "10万+"."""
    after = re.compile(rf"{_LEFT}{_num(1, True)}(?:{_RANGE}{_num(2, True)})?{_PLUS}(?P<sep>[\s\-]?)(?P<unit>{units})")
    before = re.compile(rf"(?<![a-z])(?P<unit>{prefixes}){_BEFORE_NUMBER}{_num(1, False)}"
                        rf"(?:{_RANGE}{_num(2, False)})?{_PLUS}")
    plus = re.compile(rf"{_LEFT}(?P<d1>{_DIGITS})(?P<m1>\s?[万亿wk])\s?\+")
    return after, before, plus


def _key_value(value: float) -> str:
    return repr(round(value, 6))


def _values(m: re.Match) -> list[tuple[float, bool]] | None:
    """(value, written in Chinese numerals) of each number in the match."""
    found = []
    for i in (1, 2):
        if m.groupdict().get(f"d{i}"):
            value = float(m.group(f"d{i}").replace(",", ""))
            magnitude = (m.groupdict().get(f"m{i}") or "").strip()
            found.append((value * _MAGNITUDE.get(magnitude, 1), False))
        elif m.groupdict().get(f"c{i}"):
            found.append((cn_value(m.group(f"c{i}")), True))
    return found or None


def _number_claims(folded: str, text: str, lists: ClaimLists) -> list[Claim]:
    after, before, plus = _number_patterns(lists.unit_pattern, lists.prefix_pattern)
    claims = []
    for pattern, table in ((after, lists.units), (before, lists.prefixes)):
        for m in pattern.finditer(folded):
            unit = table.get(re.sub(r"\s+", "", m.group("unit")))
            values = _values(m)
            if unit is None or values is None:
                continue
            if pattern is after and _not_a_figure(m, unit, values):
                continue
            keys = tuple(f"{unit.kind}:{unit.canonical}:{_key_value(v * unit.factor)}" for v, _ in values)
            generic = tuple(f"{unit.kind}::{_key_value(v * unit.factor)}" for v, _ in values)  # backs "10万+"
            claims.append(Claim(unit.kind, m.start(), m.end(), text[m.start():m.end()], keys,
                                tuple(v for v, _ in values), keys + generic))
    for m in plus.finditer(folded):  # "10万+" with no unit is a sales or fan count
        value = _values(m)[0][0]
        claims.append(Claim("count", m.start(), m.end(), text[m.start():m.end()], (f"count::{_key_value(value)}",),
                            (value,), (f"count::{_key_value(value)}",)))
    return claims


def _not_a_figure(m: re.Match, unit, values: list[tuple[float, bool]]) -> bool:
    """Ordinary words and dates that look like a number with a unit."""
    chinese = any(cn for _, cn in values)
    if chinese and (unit.digits_only or values == [(1.0, True)]):
        return True  # 十分 ("very"); 一天, 一件 are ordinary words
    numeral = (m.group("c1") or "") + (m.group("c2") or "")
    if re.search("[一二两三四五六七八九]{2}", numeral):
        return True  # 两三次, 三五年: a rough guess, not a figure
    if unit.canonical == "times" and m.string[m.end():m.end() + 1].isdigit():
        return True  # 45x45: a size, not "45 times"
    if (m.group("c2") or m.group("c1") or "").endswith("千") and unit.text[:1] in "克米瓦卡":
        return True  # 每千克: the unit 千克 on its own
    if m.group("sep") and unit.text in _TIGHT_UNITS:
        return True  # "5 a day", "3 x 4": these units must touch their number
    digits = m.group("d1") or ""
    return unit.canonical == "year" and not m.group("m1") and re.fullmatch(r"(19|20)\d\d", digits) is not None


def _term_claims(folded: str, text: str, lists: ClaimLists) -> list[Claim]:
    claims = []
    for term in lists.terms:
        for m in term.pattern.finditer(folded):
            if m.start() == m.end():
                continue
            key = term.key + (":" + "".join(re.findall(r"\d", m.group())) if term.regex else "")
            claims.append(Claim(term.kind, m.start(), m.end(), text[m.start():m.end()], (key,),
                                backs=(key, *term.also)))
    return claims


def _place_key(name: str, lists: ClaimLists) -> str:
    return "place:" + lists.places.get(squash(name), squash(name))


def _origin_claims(folded: str, text: str, lists: ClaimLists, materials: Sequence[Claim]) -> list[Claim]:
    """产自新疆, 日本进口, Made in Italy; and a place just before a material (新疆长绒棉, Italian leather)."""
    claims = []
    for pattern in lists.origin_res:
        for m in pattern.finditer(folded):
            key = _place_key(m.group("place"), lists)
            claims.append(Claim("origin", m.start(), m.end(), text[m.start():m.end()], (key,), backs=(key,)))
    starts = {c.start for c in materials}
    for m in lists.places_re.finditer(folded):
        if m.end() in starts or (folded[m.end():m.end() + 1] == " " and m.end() + 1 in starts):
            key = _place_key(m.group(), lists)
            claims.append(Claim("origin", m.start(), m.end(), text[m.start():m.end()], (key,), backs=(key,)))
    return claims


def _candidates(text: str, lists: ClaimLists) -> list[Claim]:
    """Every claim-shaped span, overlaps included."""
    folded = fold(text)
    terms = _term_claims(folded, text, lists)
    materials = [c for c in terms if c.kind == "material"]
    return _number_claims(folded, text, lists) + terms + _origin_claims(folded, text, lists, materials)


def find_claims(text: str) -> list[Claim]:
    """The claims in a draft, in text order: where two overlap the longer one stands
    (100%纯棉 over 100%, 日本进口 over 进口), and none inside an [exceptions] idiom."""
    lists = claim_lists()
    folded = fold(text)
    idioms = [m.span() for p in lists.exceptions for m in p.finditer(folded)]
    taken: list[Claim] = []
    for claim in sorted(_candidates(text, lists), key=lambda c: (c.start - c.end, c.start)):
        if not _overlaps(claim.span, [c.span for c in taken]) and not _overlaps(claim.span, idioms):
            taken.append(claim)
    merged: list[Claim] = []
    for claim in sorted(taken, key=lambda c: c.start):
        last = merged[-1] if merged else None
        if (last and last.kind == claim.kind == "certification"
                and not text[last.end:claim.start].strip() and claim.start - last.end <= 1):
            # one claim, one flag: "ISO 9001认证", "荣获金奖"; the first term says what must be backed
            merged[-1] = Claim(last.kind, last.start, claim.end, text[last.start:claim.end], last.keys,
                               backs=last.backs + claim.backs)
        else:
            merged.append(claim)
    return merged


def _overlaps(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in others)


def _inside(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in others)


# ---- what the seller gave ----

@dataclass(frozen=True)
class ClaimSupport:
    """What the support texts state: claim keys, bare numbers, and the folded text itself."""
    keys: frozenset[str]
    bare: frozenset[str]          # numbers with no unit ("价格：99"), as _key_value strings
    text: str

    def backs(self, claim: Claim) -> bool:
        """True when the support states this claim."""
        if all(k in self.keys for k in claim.keys):
            return True
        if claim.values:
            return all(_key_value(v) in self.bare for v in claim.values)
        pattern = compile_term(fold(claim.text).replace("*", ""))
        return pattern.search(self.text) is not None


def claim_support(texts: Iterable[str]) -> ClaimSupport:
    """The claims that `texts` (fields, facts, examples) back."""
    return _claim_support(tuple(t for t in texts if t and t.strip()), claim_lists())


@lru_cache(maxsize=16)  # every variant of a request is checked against the same texts
def _claim_support(parts: tuple[str, ...], lists: ClaimLists) -> ClaimSupport:
    keys: set[str] = set()
    bare: set[str] = set()
    for part in parts:
        found = _candidates(part, lists)
        for claim in found:
            keys.update(claim.backs)
        folded = fold(part)
        for m in lists.places_re.finditer(folded):
            keys.add(_place_key(m.group(), lists))
        spans = [c.span for c in found]
        for m in re.finditer(rf"{_LEFT}(?:{_DIGITS})(?:{_MAG})?", folded):
            if not _overlaps(m.span(), spans):
                number = re.match(_DIGITS, m.group()).group()
                magnitude = m.group()[len(number):].strip()
                bare.add(_key_value(float(number.replace(",", "")) * _MAGNITUDE.get(magnitude, 1)))
    return ClaimSupport(frozenset(keys), frozenset(bare), "\n".join(fold(p) for p in parts))


def unsupported_claims(text: str, support: ClaimSupport, *, trusted: Sequence[tuple[int, int]] = (),
                       skip: Sequence[tuple[int, int]] = ()) -> list[Claim]:
    """The claims of `text` that `support` does not back.

    `trusted` spans are the seller's own wording (passages found in the training copy).
    A claim overlapping a `skip` span is left to the check that flagged that span.
    """
    return [c for c in find_claims(text)
            if not _overlaps(c.span, skip) and not _inside(c.span, trusted) and not support.backs(c)]
