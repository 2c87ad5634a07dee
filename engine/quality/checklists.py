"""The editable lists behind the quality checks, read from resources/checks/*.tsv.

A seller (or a compliance-minded colleague) can change a list without touching code:
a file of the same name under `<data dir>/checks/` replaces the bundled one. Lists are
read once and kept until the file changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..common import paths
from ..common.errors import DataFileError
from ..common.script import CJK_CLASS

SEVERITIES = ("error", "warn", "info")

# Full-width ASCII (U+FF01-FF5E) and the ideographic space fold to their half-width forms.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    """Half-width, lower-case text of the same length, so that spans map back one to one."""
    folded = text.translate(_WIDTH)
    lower = folded.lower()
    if len(lower) == len(folded):
        return lower
    # A few characters (e.g. "İ") lower-case to two; keep those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


def is_cjk_text(text: str) -> bool:
    """True when the text holds any Chinese character: it is then read as Chinese."""
    return re.search(f"[{CJK_CLASS}]", text) is not None


@dataclass(frozen=True)
class Term:
    """One absolute term: a compiled pattern on folded text and its softer wording."""
    term: str
    suggestion: str | None   # None: no safe replacement; remove the claim or back it with proof
    severity: str
    category: str
    pattern: re.Pattern


@dataclass(frozen=True)
class AbsoluteTerms:
    """The [terms] of absolute_terms.tsv and the patterns of its [exceptions]."""
    terms: tuple[Term, ...]
    exceptions: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class LengthRule:
    """One row of length_limits.tsv; a None limit is not checked."""
    scenario: str
    platform: str             # a platform key, or "*"
    lang: str                 # "zh" | "en" | "*"
    max_chars: int | None
    max_bytes: int | None
    max_words: int | None
    notes: str


def compile_term(term: str) -> re.Pattern:
    """A pattern for `term` on folded text.

    "*" is one Chinese character (captured); a space or "-" matches a space, a hyphen or
    nothing; "%" may follow a space; terms that begin or end with a Latin letter or digit
    only match whole words, so "best" misses "bestow" and "#1" misses "#10".
    """
    term = fold(term)
    parts = []
    for ch in term:
        if ch == "*":
            parts.append(f"([{CJK_CLASS}])")
        elif ch in " -":
            parts.append(r"[\s\-]*")
        elif ch == "%":
            parts.append(r"\s*%")
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if re.match(r"[a-z0-9]", term):
        body = r"(?<![a-z0-9])" + body
    if re.search(r"[a-z0-9]$", term):
        body += r"(?![a-z0-9])"
    return re.compile(body)


# ---- reading the files ----

def list_path(name: str) -> Path:
    """The user's copy of a list when there is one, else the bundled one."""
    user = paths.data_dir() / "checks" / name
    return user if user.is_file() else paths.resources_dir() / "checks" / name


def _rows(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line number, section, cells) for each data line; sections are "[name]" lines."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError("file_unreadable", path=str(path), reason=str(err)) from None
    rows, section = [], ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or re.match(r"\s*#(\s|$)", line):  # "# note" is a comment, "#1" a term
            continue
        if re.fullmatch(r"\[\w+\]", line.strip()):
            section = line.strip()[1:-1]
            continue
        rows.append((number, section, [c.strip() for c in line.split("\t")]))
    return rows


def _bad(path: Path, number: int, expected: str) -> DataFileError:
    return DataFileError("checks_list_bad_line", path=str(path), line=number, expected=expected)


def _stamp(path: Path) -> tuple[str, tuple[int, int]]:
    """The cache key of a list file: an edit changes its time or size (or both)."""
    try:
        st = path.stat()
    except OSError:
        return str(path), (0, 0)
    return str(path), (st.st_mtime_ns, st.st_size)


def absolute_terms() -> AbsoluteTerms:
    """The absolute-terms list in use now."""
    return _absolute_terms(*_stamp(list_path("absolute_terms.tsv")))


@lru_cache(maxsize=4)
def _absolute_terms(path_str: str, _version: tuple[int, int]) -> AbsoluteTerms:
    path = Path(path_str)
    terms, exceptions = [], []
    for number, section, cells in _rows(path):
        if section == "exceptions":
            exceptions.append(compile_term(cells[0]))
            continue
        shape = "term<TAB>suggestion<TAB>severity<TAB>category"
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise _bad(path, number, shape)
        severity = cells[2] if len(cells) > 2 and cells[2] else "warn"
        if severity not in SEVERITIES:
            raise _bad(path, number, shape + " (severity: error, warn or info)")
        suggestion = None if cells[1] == "-" else cells[1]
        terms.append(Term(cells[0], suggestion, severity, cells[3] if len(cells) > 3 else "",
                          compile_term(cells[0])))
    return AbsoluteTerms(tuple(terms), tuple(exceptions))


def platform_key(name: str | None) -> str | None:
    """The platforms.tsv key for a platform as the seller wrote it ("淘宝", "JD"), or None."""
    if not name:
        return None
    wanted = re.sub(r"\s+", "", fold(name))
    aliases = _platforms(*_stamp(list_path("platforms.tsv")))
    return aliases.get(wanted)


@lru_cache(maxsize=4)
def _platforms(path_str: str, _version: tuple[int, int]) -> dict[str, str]:
    path = Path(path_str)
    aliases: dict[str, str] = {}
    for number, _section, cells in _rows(path):
        if cells[0] == "key":
            continue  # the header line
        if len(cells) < 1 or not cells[0]:
            raise _bad(path, number, "key<TAB>name,name,...")
        names = [cells[0]] + (cells[1].split(",") if len(cells) > 1 else [])
        for name in names:
            if name.strip():
                aliases[re.sub(r"\s+", "", fold(name))] = cells[0]
    return aliases


def rules_for(scenario: str, platform: str | None, lang: str) -> list[LengthRule]:
    """The rows that apply to `scenario` on `platform` (a platforms.tsv key) for text in `lang`:
    the platform's own rows, or the "*" rows when it has none."""
    rules = [r for r in length_rules() if r.scenario == scenario and r.lang in (lang, "*")]
    return [r for r in rules if platform and r.platform == platform] or [r for r in rules if r.platform == "*"]


def length_rules() -> tuple[LengthRule, ...]:
    """Every row of length_limits.tsv in use now."""
    return _length_rules(*_stamp(list_path("length_limits.tsv")))


@lru_cache(maxsize=4)
def _length_rules(path_str: str, _version: tuple[int, int]) -> tuple[LengthRule, ...]:
    path = Path(path_str)
    rules = []
    shape = "scenario<TAB>platform<TAB>lang<TAB>max_chars<TAB>max_bytes<TAB>max_words<TAB>notes"
    for number, _section, cells in _rows(path):
        if cells[0] == "scenario":
            continue  # the header line
        cells = (cells + [""] * 7)[:7]
        limits = cells[3:6]
        if (not cells[0] or not cells[1] or cells[2] not in ("zh", "en", "*")
                or not any(limits) or not all(c.isdigit() for c in limits if c)):
            raise _bad(path, number, shape)
        rules.append(LengthRule(cells[0], cells[1], cells[2], *(int(c) if c else None for c in limits),
                                cells[6]))
    return tuple(rules)
