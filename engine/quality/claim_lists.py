"""The editable list behind the claims check, read from resources/checks/claim_terms.tsv.

Like the other lists (engine.quality.checklists), a file of the same name under
`<data dir>/checks/` replaces the bundled one, and the list is read again when it changes.
The file's own header explains each section; this module turns them into patterns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .checklists import _bad, _rows, _stamp, compile_term, fold, list_path

LIST_FILE = "claim_terms.tsv"
NUMBER_KINDS = ("number", "percent", "price", "count")
TERM_KINDS = ("certification", "material", "origin")
KINDS = NUMBER_KINDS + TERM_KINDS
_SECTIONS = ("units", "prefixes", "terms", "places", "origin_before", "origin_after", "exceptions")


@dataclass(frozen=True)
class Unit:
    """A unit after a number (or a word before one): 500 毫升 is 500 x factor in `canonical`."""
    text: str                 # folded
    kind: str                 # one of NUMBER_KINDS
    canonical: str
    factor: float
    digits_only: bool         # Chinese numerals do not read with it (十分 is "very")


@dataclass(frozen=True)
class ClaimTerm:
    """A certification, award, material or origin word; terms sharing a key back each other."""
    term: str
    kind: str                 # one of TERM_KINDS
    key: str
    also: tuple[str, ...]     # broader keys it backs too (纯棉 backs "cotton")
    pattern: re.Pattern
    regex: bool               # a "re:" term: its key takes the digits of the match (ISO 9001 ≠ ISO 14001)


@dataclass(frozen=True, eq=False)  # hashed by identity: a changed file is a new object
class ClaimLists:
    """Every section of claim_terms.tsv, compiled for folded text."""
    units: dict[str, Unit]          # folded unit -> Unit
    prefixes: dict[str, Unit]       # folded word before a number -> Unit
    unit_pattern: str               # an alternation of the units, longest first
    prefix_pattern: str
    terms: tuple[ClaimTerm, ...]
    places: dict[str, str]          # folded, space-free name -> key
    places_re: re.Pattern           # any listed place
    origin_res: tuple[re.Pattern, re.Pattern]  # 产自 + place, place + 进口 (group "place")
    exceptions: tuple[re.Pattern, ...]


def claim_lists() -> ClaimLists:
    """The claims list in use now."""
    return _claim_lists(*_stamp(list_path(LIST_FILE)))


def squash(text: str) -> str:
    """Folded text without spaces or hyphens: how list entries and matches are looked up."""
    return re.sub(r"[\s\-]+", "", fold(text))


def _alternation(words) -> str:
    """One regex alternative per word, longest first; Latin words match whole words only."""
    ordered = sorted({fold(w) for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(f"(?:{compile_term(w).pattern})" for w in ordered) or "(?!)"


def _unit_alternative(text: str) -> str:
    body = r"\s?".join(re.escape(part) for part in text.split(" "))
    return body + ("(?![a-z])" if re.search(r"[a-z]$", text) else "")


def _unit_alternation(units) -> str:
    ordered = sorted((u.text for u in units), key=lambda t: (-len(t), t))
    return "|".join(_unit_alternative(t) for t in ordered) or "(?!)"


@lru_cache(maxsize=4)
def _claim_lists(path_str: str, _version: tuple[int, int]) -> ClaimLists:
    path = Path(path_str)
    rows: dict[str, list[tuple[int, list[str]]]] = {name: [] for name in _SECTIONS}
    for number, section, cells in _rows(path):
        if section not in rows:
            raise _bad(path, number, "a line under one of the sections " + ", ".join(f"[{s}]" for s in _SECTIONS))
        rows[section].append((number, cells))
    units = _units(path, rows["units"], "unit<TAB>kind<TAB>canonical<TAB>factor<TAB>any|digits")
    prefixes = _units(path, rows["prefixes"], "word<TAB>kind<TAB>canonical<TAB>factor")
    places: dict[str, str] = {}
    place_pattern = _alternation(cells[0] for _, cells in rows["places"])
    for number, cells in rows["places"]:
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise _bad(path, number, "name<TAB>key")
        places[squash(cells[0])] = cells[1].lower()
    return ClaimLists(
        units, prefixes,
        _unit_alternation(units.values()), _unit_alternation(prefixes.values()),
        tuple(_term(path, number, cells) for number, cells in rows["terms"]),
        places, re.compile(place_pattern), _origin_patterns(place_pattern, rows),
        tuple(_pattern(path, number, cells[0]) for number, cells in rows["exceptions"] if cells[0]))


def _origin_patterns(places: str, rows: dict) -> tuple[re.Pattern, re.Pattern]:
    before = _alternation(cells[0] for _, cells in rows["origin_before"])
    after = _alternation(cells[0] for _, cells in rows["origin_after"])
    return (re.compile(rf"(?:{before})[\s:：]{{0,2}}(?P<place>{places})"),
            re.compile(rf"(?P<place>{places})[\s\-]?(?:{after})"))


def _units(path: Path, rows: list[tuple[int, list[str]]], shape: str) -> dict[str, Unit]:
    found = {}
    for number, cells in rows:
        cells = (cells + [""] * 5)[:5]
        try:
            factor = float(cells[3] or 1)
        except ValueError:
            raise _bad(path, number, shape) from None
        if not cells[0] or cells[1] not in NUMBER_KINDS or not cells[2] or cells[4] not in ("", "any", "digits"):
            raise _bad(path, number, shape + " (kind: " + ", ".join(NUMBER_KINDS) + ")")
        text = fold(cells[0])
        found[re.sub(r"\s+", "", text)] = Unit(text, cells[1], cells[2], factor, cells[4] == "digits")
    return found


def _pattern(path: Path, number: int, term: str) -> re.Pattern:
    if term.startswith("re:"):
        try:
            return re.compile(term[3:])
        except re.error as err:
            raise _bad(path, number, f"a valid regular expression after re: ({err})") from None
    return compile_term(term)


def _term(path: Path, number: int, cells: list[str]) -> ClaimTerm:
    cells = (cells + [""] * 4)[:4]
    if not cells[0] or cells[1] not in TERM_KINDS:
        raise _bad(path, number, "term<TAB>kind<TAB>key<TAB>also (kind: " + ", ".join(TERM_KINDS) + ")")
    regex = cells[0].startswith("re:")
    key = (cells[2] or squash(cells[0])).lower()
    also = tuple(k.strip().lower() for k in cells[3].split(",") if k.strip())
    return ClaimTerm(cells[0], cells[1], key, also, _pattern(path, number, cells[0]), regex)
