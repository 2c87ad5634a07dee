"""What the history returns, and the query that finds it.

Search: every whitespace-separated term must occur. Terms of 3+ characters go
to the FTS5 trigram index (any substring, Chinese included); shorter ones,
common in Chinese ("毛巾", "茶"), cannot be matched by trigrams and use
LIKE '%term%' over the same three fields instead. User input never reaches
FTS5 syntax: each term is one quoted string.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

MIN_TRIGRAM = 3  # FTS5 trigram cannot match fewer characters


@dataclass(frozen=True)
class VariantRow:
    """One variant joined with its run, as search, export and the history view use it."""

    id: int
    run_id: int
    index: int                   # position in the generated batch, from 0
    original_text: str           # what the model wrote
    edited_text: str | None      # the user's version, None when unedited
    flags: tuple[dict, ...]      # quality-check results, as given to add_run
    favorite: bool
    created_at: str              # the run's time, UTC ISO 8601
    model: str
    scenario: str | None
    prompt: str
    ai_generated: bool = True    # the AIGC label: always True for anything stored here
    facts: str = ""              # what the seller vouched for with the request (its "facts" field)

    @property
    def text(self) -> str:
        """The text to show and export: the edit when there is one."""
        return self.original_text if self.edited_text is None else self.edited_text


@dataclass(frozen=True)
class RunRecord:
    """One generation request and its visible variants."""

    id: int
    created_at: str
    model: str
    scenario: str | None
    fields: dict | None
    prompt: str
    params: dict                 # GenerateConfig fields except prompt and seed
    seed: int
    variants: tuple[VariantRow, ...]


def iso_utc(moment: datetime) -> str:
    """UTC ISO 8601 with microseconds: fixed width, so it sorts and compares as text.

    Naive datetimes are the user's local time, as a date picker gives them.
    """
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def like_pattern(term: str) -> str:
    """A LIKE pattern matching `term` anywhere, its %, _ and \\ literal (use ESCAPE '\\')."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(term: str) -> str:
    """`term` as one FTS5 string literal."""
    # A double-quoted FTS5 string is literal: AND, OR, NOT, *, ^, : and ( lose their meaning.
    return '"' + term.replace('"', '""') + '"'


SELECT = """
    SELECT v.id, v.run_id, v.idx, v.text, v.edited_text, v.flags, v.favorite, v.ai_generated,
           r.created_at, r.model, r.scenario, r.prompt, r.fields
    FROM variants v JOIN runs r ON r.id = v.run_id
"""
VISIBLE = "v.deleted_at IS NULL AND r.deleted_at IS NULL"
ORDER = " ORDER BY r.created_at DESC, r.id DESC, v.idx ASC"  # newest run first, then batch order


def variant_row(row: sqlite3.Row) -> VariantRow:
    """A VariantRow from one row of SELECT."""
    return VariantRow(id=row["id"], run_id=row["run_id"], index=row["idx"], original_text=row["text"],
                      edited_text=row["edited_text"], flags=tuple(json.loads(row["flags"])),
                      favorite=bool(row["favorite"]), created_at=row["created_at"], model=row["model"],
                      scenario=row["scenario"], prompt=row["prompt"], ai_generated=bool(row["ai_generated"]),
                      facts=_facts(row["fields"]))


def _facts(fields: str | None) -> str:
    """The "facts" field of a run's stored form, "" when there is none (or the JSON is not a form)."""
    try:
        form = json.loads(fields) if fields else None
    except ValueError:
        return ""
    return str(form.get("facts") or "") if isinstance(form, dict) else ""


def where_clause(query: str, model: str | None, scenario: str | None, favorites_only: bool,
             since: datetime | None, until: datetime | None) -> tuple[str, list]:
    clauses, args = [VISIBLE], []
    terms = list(dict.fromkeys(query.split()))  # any whitespace, including the ideographic space
    long_terms = [t for t in terms if len(t) >= MIN_TRIGRAM]
    if long_terms:
        clauses.append("v.id IN (SELECT rowid FROM variant_search WHERE variant_search MATCH ?)")
        args.append(" AND ".join(fts_phrase(t) for t in long_terms))
    for term in terms:
        if len(term) < MIN_TRIGRAM:
            clauses.append("(coalesce(v.edited_text, v.text) LIKE ? ESCAPE '\\'"
                           " OR r.prompt LIKE ? ESCAPE '\\' OR r.model LIKE ? ESCAPE '\\')")
            args += [like_pattern(term)] * 3
    for clause, value in (("r.model = ?", model), ("r.scenario = ?", scenario),
                          ("r.created_at >= ?", since and iso_utc(since)),
                          ("r.created_at < ?", until and iso_utc(until))):
        if value is not None:
            clauses.append(clause)
            args.append(value)
    if favorites_only:
        clauses.append("v.favorite = 1")
    return " WHERE " + " AND ".join(clauses), args
