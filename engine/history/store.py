"""Generation history: every run and its variants, searchable, with undoable deletes.

One SQLite file, `history.sqlite3` in the data folder (schema and file safety in
history_schema). Every write is one transaction. A `History` may be shared by
the GUI thread and a worker thread: calls are serialised by a lock.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..common import paths
from ..common.errors import HistoryError, HistoryNewerError
from ..writing.generation import GenerateConfig
from .query import ORDER, SELECT, VISIBLE, RunRecord, VariantRow, iso_utc, variant_row, where_clause
from .schema import FILE_NAME, open_database, translate

__all__ = ["History", "HistoryError", "HistoryNewerError", "RerunRequest", "RunRecord", "UndoToken",
           "VariantRow", "default_path"]

# Deletes are undoable for the life of the History that made them; rows a crashed
# session left soft-deleted are purged on a later open once this old, so another
# running copy of the app keeps its undo for a while.
STALE_DELETE_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class RerunRequest:
    """Everything needed to send the same request again: same prompt, parameters and seed."""

    model: str
    config: GenerateConfig
    scenario: str | None
    fields: dict | None


@dataclass(frozen=True)
class UndoToken:
    """Returned by a delete; pass it to History.undo to bring the rows back."""

    kind: str                    # "runs" or "variants"
    ids: tuple[int, ...]         # the rows this delete hid (already-deleted ones are not included)
    deleted_at: str


def default_path() -> Path:
    """Where the history lives: history.sqlite3 in the data folder (WENAN_HOME overrides it)."""
    return paths.data_dir() / FILE_NAME


def _now() -> str:
    return iso_utc(datetime.now(timezone.utc))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _id_list(ids: Iterable[int]) -> str:
    # Ids travel as one JSON array read with json_each: no limit on how many.
    return json.dumps(sorted({int(i) for i in ids}))


def _variant_items(variants: Sequence[str | Mapping[str, Any]]) -> list[tuple[int, str, str]]:
    items = []
    for position, variant in enumerate(variants):
        if isinstance(variant, str):
            index, text, flags = position, variant, []
        else:
            index, text, flags = variant.get("index", position), variant["text"], variant.get("flags") or []
        if not isinstance(text, str) or not isinstance(flags, list):
            raise TypeError(f"variant {position}: text must be str and flags a list of dicts")
        items.append((int(index), text, _json(flags)))
    return items


class History:
    """The history store. Use as a context manager, or call close().

    A damaged history file is moved aside on open and a new one started:
    `recovered_from` then holds where it went and `recovery_notice()` the words
    to show. A file from a newer Wenan Studio raises HistoryNewerError.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else default_path()
        self._lock = threading.RLock()
        self._tokens: list[UndoToken] = []
        self._conn: sqlite3.Connection | None = None
        conn, self.recovered_from, self.recovery_reason = open_database(self.path)
        conn.row_factory = sqlite3.Row
        self._conn = conn
        with contextlib.suppress(HistoryError):  # housekeeping: a locked file must not stop the app opening
            self.purge_deleted(older_than=STALE_DELETE_AGE)

    def recovery_notice(self, lang: str | None = None) -> str | None:
        """What to tell the user when the old file was set aside on open, else None."""
        if self.recovered_from is None:
            return None
        key = "history_foreign" if self.recovery_reason == "foreign" else "history_recovered"
        return HistoryError(key, path=str(self.path), moved=str(self.recovered_from)).message(lang)

    def close(self) -> None:
        """Purge what this session deleted (its undo ends here) and close the file."""
        with self._lock:
            if self._conn is None:
                return
            try:
                if self._tokens:
                    with self._transaction() as conn:
                        for token in self._tokens:
                            self._purge_token(conn, token)
                        self._drop_empty_runs(conn)
            except HistoryError:
                pass  # e.g. locked by another copy: the next open purges these once stale
            finally:
                self._tokens.clear()
                self._conn.close()
                self._conn = None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so a busy database waits at BEGIN
        # (busy_timeout) instead of failing half-way; reads get one consistent snapshot.
        with self._lock:
            conn = self._conn
            if conn is None:
                raise RuntimeError("History is closed")
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                yield conn
                conn.execute("COMMIT")
            except BaseException as err:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(err, sqlite3.Error):
                    raise translate(err, self.path) from err
                raise

    # ---- recording ----

    def add_run(self, model: str, prompt: str, params: Mapping[str, Any] | GenerateConfig, seed: int,
                variants: Sequence[str | Mapping[str, Any]], scenario: str | None = None,
                fields: Mapping[str, Any] | None = None, created_at: datetime | None = None) -> int:
        """Record one generation and its variants in one transaction; returns the run id.

        `params` is a GenerateConfig or a dict of its fields (prompt and seed are
        stored in their own columns). Each variant is a string or a dict with
        "text", optional "flags" (a list of JSON-able dicts) and optional "index".
        """
        params = dataclasses.asdict(params) if isinstance(params, GenerateConfig) else dict(params)
        params = {k: v for k, v in params.items() if k not in ("prompt", "seed")}
        items = _variant_items(variants)
        stamp = iso_utc(created_at) if created_at is not None else _now()
        with self._transaction() as conn:
            run_id = conn.execute(
                "INSERT INTO runs (created_at, model, scenario, fields, prompt, params, seed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (stamp, model, scenario, None if fields is None else _json(dict(fields)), prompt,
                 _json(params), int(seed))).lastrowid
            conn.executemany("INSERT INTO variants (run_id, idx, text, flags) VALUES (?, ?, ?, ?)",
                             [(run_id, index, text, flags) for index, text, flags in items])
        return run_id

    def set_favorite(self, variant_id: int, favorite: bool = True) -> None:
        """Mark or unmark a variant as a favorite."""
        self._update_variant(variant_id, "favorite = ?", int(bool(favorite)))

    def edit_variant(self, variant_id: int, text: str | None,
                     flags: Sequence[Mapping[str, Any]] | None = None) -> None:
        """Save the user's version of a variant; None (or the original text) reverts to the original.

        `flags` are the quality flags of the text now shown (checks.Flag.to_dict()), so that
        the history and exports describe what the user kept; None leaves the stored flags.
        """
        if flags is None:
            self._update_variant(variant_id, "edited_text = nullif(?, text)", text)
        else:
            self._update_variant(variant_id, "edited_text = nullif(?, text), flags = ?", text, _json(list(flags)))

    def _update_variant(self, variant_id: int, assignment: str, *values: Any) -> None:
        with self._transaction() as conn:
            changed = conn.execute(
                f"UPDATE variants SET {assignment} WHERE id = ? AND deleted_at IS NULL"
                " AND run_id IN (SELECT id FROM runs WHERE deleted_at IS NULL)", (*values, variant_id)).rowcount
        if not changed:
            raise HistoryError("history_variant_missing", id=variant_id)

    # ---- reading ----

    def search(self, query: str = "", *, model: str | None = None, scenario: str | None = None,
               favorites_only: bool = False, since: datetime | None = None, until: datetime | None = None,
               limit: int | None = 200, offset: int = 0) -> list[VariantRow]:
        """Visible variants matching every filter, newest run first.

        Every whitespace-separated term of `query` must occur (case-insensitively
        for Latin letters) in the variant's text, the prompt or the model name.
        `since` is inclusive, `until` exclusive; naive datetimes are local time.
        `limit=None` returns everything.
        """
        where, args = where_clause(query, model, scenario, favorites_only, since, until)
        with self._transaction(write=False) as conn:
            rows = conn.execute(SELECT + where + ORDER + " LIMIT ? OFFSET ?",
                                [*args, -1 if limit is None else limit, offset]).fetchall()
        return [variant_row(r) for r in rows]

    def count(self, query: str = "", *, model: str | None = None, scenario: str | None = None,
              favorites_only: bool = False, since: datetime | None = None, until: datetime | None = None) -> int:
        """How many variants `search` would return with these filters and no limit."""
        where, args = where_clause(query, model, scenario, favorites_only, since, until)
        with self._transaction(write=False) as conn:
            return conn.execute("SELECT count(*) FROM variants v JOIN runs r ON r.id = v.run_id" + where,
                                args).fetchone()[0]

    def get_variants(self, ids: Iterable[int]) -> list[VariantRow]:
        """The visible variants among `ids`, in search order; deleted or unknown ids are skipped."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(SELECT + f" WHERE {VISIBLE} AND v.id IN (SELECT value FROM json_each(?))"
                                + ORDER, (_id_list(ids),)).fetchall()
        return [variant_row(r) for r in rows]

    def get_run(self, run_id: int) -> RunRecord:
        """A run and its visible variants; HistoryError if it does not exist or was deleted."""
        with self._transaction(write=False) as conn:
            run = conn.execute("SELECT * FROM runs WHERE id = ? AND deleted_at IS NULL", (run_id,)).fetchone()
            variants = conn.execute(SELECT + f" WHERE {VISIBLE} AND v.run_id = ?" + ORDER,
                                    (run_id,)).fetchall()
        if run is None:
            raise HistoryError("history_run_missing", id=run_id)
        return RunRecord(id=run["id"], created_at=run["created_at"], model=run["model"], scenario=run["scenario"],
                         fields=None if run["fields"] is None else json.loads(run["fields"]),
                         prompt=run["prompt"], params=json.loads(run["params"]), seed=run["seed"],
                         variants=tuple(variant_row(r) for r in variants))

    def rerun_request(self, run_id: int) -> RerunRequest:
        """The same model, prompt, parameters and seed, ready for generate.generate()."""
        run = self.get_run(run_id)
        known = {f.name for f in dataclasses.fields(GenerateConfig)} - {"prompt", "seed"}
        # Keys a later version stored but this one does not know are dropped, not fatal.
        config = GenerateConfig(prompt=run.prompt, seed=run.seed,
                                **{k: v for k, v in run.params.items() if k in known})
        return RerunRequest(run.model, config, run.scenario, run.fields)

    def models(self) -> list[str]:
        """Model names that have visible variants, for the filter drop-down."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(f"SELECT DISTINCT r.model FROM variants v JOIN runs r ON r.id = v.run_id"
                                f" WHERE {VISIBLE} ORDER BY r.model").fetchall()
        return [r[0] for r in rows]

    # ---- deleting ----

    def delete_runs(self, ids: Iterable[int]) -> UndoToken:
        """Hide runs (and so their variants) at once; `undo(token)` brings them back."""
        return self._soft_delete("runs", ids)

    def delete_variants(self, ids: Iterable[int]) -> UndoToken:
        """Hide single variants; `undo(token)` brings them back."""
        return self._soft_delete("variants", ids)

    def _soft_delete(self, table: str, ids: Iterable[int]) -> UndoToken:
        stamp = _now()
        with self._transaction() as conn:
            hit = [r[0] for r in conn.execute(
                f"SELECT id FROM {table} WHERE deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))",
                (_id_list(ids),))]
            conn.execute(f"UPDATE {table} SET deleted_at = ? WHERE id IN (SELECT value FROM json_each(?))",
                         (stamp, _id_list(hit)))
        token = UndoToken(table, tuple(hit), stamp)
        self._tokens.append(token)
        return token

    def undo(self, token: UndoToken) -> int:
        """Restore what a delete hid; returns how many rows came back (0 once purged)."""
        if token.kind not in ("runs", "variants"):
            raise ValueError(f"not an undo token: {token!r}")
        with self._transaction() as conn:
            restored = conn.execute(
                f"UPDATE {token.kind} SET deleted_at = NULL"
                " WHERE deleted_at = ? AND id IN (SELECT value FROM json_each(?))",
                (token.deleted_at, _id_list(token.ids))).rowcount
        with contextlib.suppress(ValueError):
            self._tokens.remove(token)
        return restored

    def purge_deleted(self, older_than: timedelta | None = None) -> int:
        """Remove deleted rows for good (all, or those deleted more than `older_than` ago).

        Runs left with no variants at all go too. Returns how many variants were removed.
        """
        cutoff = "9999" if older_than is None else iso_utc(datetime.now(timezone.utc) - older_than)
        with self._transaction() as conn:
            doomed = conn.execute(
                "SELECT count(*) FROM variants v JOIN runs r ON r.id = v.run_id"
                " WHERE v.deleted_at <= ?1 OR r.deleted_at <= ?1", (cutoff,)).fetchone()[0]
            conn.execute("DELETE FROM runs WHERE deleted_at <= ?", (cutoff,))  # cascades to variants
            conn.execute("DELETE FROM variants WHERE deleted_at <= ?", (cutoff,))
            if doomed:
                self._drop_empty_runs(conn)
        return doomed

    @staticmethod
    def _purge_token(conn: sqlite3.Connection, token: UndoToken) -> None:
        conn.execute(f"DELETE FROM {token.kind} WHERE deleted_at = ? AND id IN (SELECT value FROM json_each(?))",
                     (token.deleted_at, _id_list(token.ids)))

    @staticmethod
    def _drop_empty_runs(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM runs WHERE NOT EXISTS (SELECT 1 FROM variants WHERE run_id = runs.id)")

    def clear_all(self) -> int:
        """Delete the whole history for good (the UI confirms first); returns how many runs were visible."""
        with self._transaction() as conn:
            visible = conn.execute("SELECT count(*) FROM runs WHERE deleted_at IS NULL").fetchone()[0]
            conn.execute("DELETE FROM runs")  # cascades to variants, whose triggers empty the index
        self._tokens.clear()
        with self._lock, contextlib.suppress(sqlite3.Error):
            # Copy the zeroed pages back and empty the WAL, so cleared text is not left in it.
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return visible
