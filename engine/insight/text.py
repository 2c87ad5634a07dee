"""A review's text as shown and quoted, and its sentences and clauses with their offsets.

Quotes are cut from the text this module returns, so a quote is always a verbatim
substring of it: the cell with HTML tags and entities decoded (an export that writes
"&amp;" stored the "&" the buyer typed), trimmed, and nothing else changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..common.paths import resources_dir
from ..data import CleanOptions, clean_text

_HTML_ONLY = CleanOptions(normalize_whitespace=False, strip_html=True, mask_pii=False, min_chars=1, dedupe=False)

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")

# A sentence ends at 。！？!?；; … ~ or a line break, or at a full stop that is not a decimal point.
_SENTENCE_END = re.compile(r"[。！？!?；;…\n~～]+|\.+(?!\d)")
# Inside a sentence, a clause ends at a comma or at a space beside Chinese ("物流很快 质量很好"),
# and a new one starts at a contrast word: "虽然物流快，但是做工差" praises one and blames the other.
_CLAUSE_SEP = re.compile(r"[，,]+|(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_CONTRAST = re.compile(r"(?<!不)但是?|可是|不过|然而|只是|可惜|就是(?=有点|有些|太|略|稍|不|没)"
                       r"|\b(?:but|however|although|though|except)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    sentence: int   # index of the sentence it belongs to


def review_text(cell: str) -> str:
    """The review as it is shown and quoted: HTML decoded, outer whitespace trimmed."""
    if "<" in cell or "&" in cell:
        cell = clean_text(cell, _HTML_ONLY)
    return cell.strip()


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def has_latin(text: str) -> bool:
    return _LATIN.search(text) is not None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence, its closing punctuation left out."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append(_trimmed(text, start, m.start()))
        start = m.end()
    spans.append(_trimmed(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def clauses(text: str, sentence_spans: list[tuple[int, int]] | None = None) -> list[Clause]:
    """The clauses of every sentence, in order."""
    out: list[Clause] = []
    for index, (s_start, s_end) in enumerate(sentence_spans if sentence_spans is not None else sentences(text)):
        cuts: list[tuple[int, int]] = []  # (end of one clause, start of the next)
        for m in _CLAUSE_SEP.finditer(text, s_start, s_end):
            cuts.append((m.start(), m.end()))
        for m in _CONTRAST.finditer(text, s_start, s_end):
            if m.start() > s_start:
                cuts.append((m.start(), m.start()))
        start = s_start
        for cut_end, next_start in sorted(cuts):
            if cut_end > start:
                a, b = _trimmed(text, start, cut_end)
                if b > a:
                    out.append(Clause(a, b, index))
            start = max(start, next_start)
        a, b = _trimmed(text, start, s_end)
        if b > a:
            out.append(Clause(a, b, index))
    return out


@lru_cache(maxsize=1)
def _placeholders() -> frozenset[str]:
    lines = (resources_dir() / "insight" / "placeholders.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(_placeholder_key(line) for line in lines if line.strip() and not line.startswith("#"))


def _placeholder_key(text: str) -> str:
    return re.sub(r"[\s。.!！,，]+", "", text).lower()


def is_placeholder(text: str) -> bool:
    """A text the platform filled in because the buyer wrote nothing (系统默认好评)."""
    return len(text) < 40 and _placeholder_key(text) in _placeholders()
