"""The history database file: its schema, its migrations, and opening it safely.

Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (in the OS
cache at least) before `COMMIT` returns, so killing the app, even with kill -9,
never loses a committed run. A power cut may roll back the last few commits,
never corrupt the file; fsync-per-commit (FULL) would buy that back for a
history of drafts at a cost every click pays, so we don't.

Damage: a file SQLite cannot read, or that fails `quick_check`, or that belongs
to another program, is renamed aside (with its -wal/-shm) and a fresh one is
started, so the app never crash-loops and nothing is destroyed. A file from a
*newer* Wenan Studio is refused untouched: the newer app will want it back.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from ..common.errors import HistoryError, HistoryNewerError, WenanError

FILE_NAME = "history.sqlite3"
APPLICATION_ID = 0x57454E41  # "WENA": tells our file from another program's SQLite file
BUSY_TIMEOUT_MS = 5000       # another Wenan process (CLI beside the app) may hold the write lock briefly

# ---- migrations: MIGRATIONS[i] takes a database from user_version i to i + 1 ----

V1_BASE = """
PRAGMA application_id = 1464159809;
CREATE TABLE runs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so undo tokens and UI ids stay unambiguous
    created_at TEXT NOT NULL,      -- UTC ISO 8601 with microseconds and +00:00: fixed width, sorts as text
    model      TEXT NOT NULL,
    scenario   TEXT,               -- scenarios.SCENARIOS key; NULL for a free prompt
    fields     TEXT,               -- JSON object of the scenario form; NULL for a free prompt
    prompt     TEXT NOT NULL,      -- the final prompt sent to the model
    params     TEXT NOT NULL,      -- JSON: GenerateConfig fields except prompt and seed
    seed       INTEGER NOT NULL    -- the seed actually used, so a re-run reproduces the batch
);
CREATE INDEX runs_by_time ON runs(created_at);
CREATE TABLE variants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,                   -- position in the generated batch, from 0
    text         TEXT NOT NULL,                      -- what the model wrote; never changed
    flags        TEXT NOT NULL DEFAULT '[]',         -- JSON list of quality-check dicts
    favorite     INTEGER NOT NULL DEFAULT 0,
    ai_generated INTEGER NOT NULL DEFAULT 1 CHECK (ai_generated = 1),  -- the AIGC label, always set
    UNIQUE (run_id, idx)
);
"""

V2_EDITS_AND_SOFT_DELETE = """
ALTER TABLE variants ADD COLUMN edited_text TEXT;  -- the user's version; NULL when unedited
ALTER TABLE variants ADD COLUMN deleted_at TEXT;   -- soft delete: set by delete, cleared by undo
ALTER TABLE runs ADD COLUMN deleted_at TEXT;
CREATE INDEX runs_by_model ON runs(model);
CREATE INDEX runs_deleted ON runs(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX variants_deleted ON variants(deleted_at) WHERE deleted_at IS NOT NULL;
"""

# A regular FTS5 table (it keeps its own copy of the text) rather than an
# external-content or contentless one: those must be told the exact old values
# to delete a row, and one mismatch silently corrupts the index; contentless
# deletes also need SQLite 3.43. A copy of a few MB of drafts is cheap, and a
# delete by rowid can never drift. Trigram makes any 3+ character substring
# searchable, which suits Chinese (no word boundaries). Soft-deleted rows stay
# indexed so that undo is a single UPDATE; searches join them away.
V3_SEARCH_INDEX = """
CREATE VIRTUAL TABLE variant_search USING fts5(text, prompt, model, tokenize = 'trigram');
INSERT INTO variant_search(rowid, text, prompt, model)
    SELECT v.id, coalesce(v.edited_text, v.text), r.prompt, r.model
    FROM variants v JOIN runs r ON r.id = v.run_id;
CREATE TRIGGER variants_search_insert AFTER INSERT ON variants BEGIN
    INSERT INTO variant_search(rowid, text, prompt, model)
        SELECT new.id, coalesce(new.edited_text, new.text), prompt, model FROM runs WHERE id = new.run_id;
END;
CREATE TRIGGER variants_search_update AFTER UPDATE OF text, edited_text ON variants BEGIN
    UPDATE variant_search SET text = coalesce(new.edited_text, new.text) WHERE rowid = new.id;
END;
CREATE TRIGGER variants_search_delete AFTER DELETE ON variants BEGIN
    DELETE FROM variant_search WHERE rowid = old.id;
END;
CREATE TRIGGER runs_search_update AFTER UPDATE OF prompt, model ON runs BEGIN
    UPDATE variant_search SET prompt = new.prompt, model = new.model
        WHERE rowid IN (SELECT id FROM variants WHERE run_id = new.id);
END;
"""

MIGRATIONS: tuple[str, ...] = (V1_BASE, V2_EDITS_AND_SOFT_DELETE, V3_SEARCH_INDEX)
CURRENT_VERSION = len(MIGRATIONS)


class _Damaged(Exception):
    """Internal: the file must be set aside. `reason` is 'corrupt' or 'foreign'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_SQLITE_MAGIC = b"SQLite format 3\x00"

# SQLite primary result codes (the low byte of an extended code).
_CORRUPT, _NOTADB = 11, 26
_BUSY, _LOCKED, _FULL = 5, 6, 13
_READONLY, _CANTOPEN, _PERM, _IOERR = 8, 14, 3, 10


def _code(err: sqlite3.Error) -> int:
    return (getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF


def is_damage(err: sqlite3.Error) -> bool:
    """True when SQLite says the file itself is broken (not locked, not full)."""
    return _code(err) in (_CORRUPT, _NOTADB)


def translate(err: sqlite3.Error, path: Path) -> WenanError:
    """A user-readable error for a failed SQLite call on the history file."""
    code = _code(err)
    if code == _FULL:
        return HistoryError("no_space", path=str(path))
    if code in (_READONLY, _CANTOPEN, _PERM):
        return HistoryError("not_writable", path=str(path))
    if code in (_BUSY, _LOCKED):
        return HistoryError("history_busy", path=str(path))
    return HistoryError("history_unusable", path=str(path), reason=str(err))


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the database to CURRENT_VERSION, one transaction per migration.

    A failing migration rolls back whole: the file stays at the last good version.
    """
    while conn.execute("PRAGMA user_version").fetchone()[0] < CURRENT_VERSION:
        # Take the write lock, then read the version again: another process (the CLI, a
        # second window) may have migrated the file while this one waited for the lock.
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < CURRENT_VERSION:
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit the open transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def _connect(path: Path) -> sqlite3.Connection:
    """Open, vet and migrate `path`. Raises _Damaged when it must be set aside."""
    # check_same_thread=False: History serialises access with its own lock, so the
    # GUI thread and a generation worker can share one connection.
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as err:
        raise translate(err, path) from err
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Read the header before writing anything (journal_mode=WAL writes it):
        # a newer or foreign file must be left exactly as it is.
        # One read transaction, so all of it describes the same moment: another process
        # creating the file could otherwise commit between two reads, and a fresh history
        # seen with tables but no version yet would look foreign and be set aside.
        conn.execute("BEGIN")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            if app_id not in (0, APPLICATION_ID) or (version == 0 and has_tables):
                raise _Damaged("foreign")
            if version > CURRENT_VERSION:
                raise HistoryNewerError("history_newer", path=str(path), version=version,
                                        supported=CURRENT_VERSION)
            if has_tables:
                # quick_check reads every page (milliseconds for a history of drafts) so
                # that damage is found now, not in the middle of a later write.
                problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
                if problems != ["ok"]:
                    raise _Damaged("corrupt")
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")  # only reads: ends the snapshot
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")  # deleted drafts are zeroed, not left in free pages
        migrate(conn)
        return conn
    except sqlite3.Error as err:
        conn.close()
        if is_damage(err):
            raise _Damaged("corrupt") from err
        raise translate(err, path) from err
    except BaseException:
        conn.close()
        raise


def _move_aside(path: Path) -> Path:
    """Rename the file and its -wal/-shm to `<name>.corrupt-<UTC time>`; never overwrite."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while any(Path(f"{target}{s}").exists() for s in ("", "-wal", "-shm")):
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        # The -wal goes first: left at the old name, it could be replayed into the new database.
        for suffix in ("-wal", "-shm", ""):
            source = Path(f"{path}{suffix}")
            if source.exists():
                source.rename(f"{target}{suffix}")
    except OSError as err:
        raise HistoryError("not_writable", path=str(path)) from err
    return target


def _header_ok(path: Path) -> bool:
    """False when the file exists but does not start like any SQLite database."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return True
    except OSError as err:
        raise HistoryError("file_unreadable", path=str(path), reason=err.strerror or str(err)) from err
    return head in (b"", _SQLITE_MAGIC)  # an empty file is a valid, empty database


def open_database(path: Path) -> tuple[sqlite3.Connection, Path | None, str | None]:
    """Open the history at `path`, setting a damaged or foreign file aside.

    Returns the connection, where a bad file was moved (or None) and why
    ('corrupt' or 'foreign'). Raises HistoryNewerError for a newer file and
    HistoryError when the folder cannot be written.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    with _OPEN_LOCK:
        while True:
            try:
                return _open(path)
            except HistoryError as err:
                # Two processes opening a new file at once can get SQLITE_BUSY straight away
                # (SQLite skips the busy wait where waiting could deadlock): try again shortly.
                if err.key != "history_busy" or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


# Opens in one process take turns: first opens of a new file racing in SQLite can meet a
# lock SQLite reports at once rather than waiting (switching to WAL needs the file alone).
# Between processes the snapshot read and the version check in migrate() keep it correct.
_OPEN_LOCK = threading.Lock()


def _open(path: Path) -> tuple[sqlite3.Connection, Path | None, str | None]:
    try:
        if not _header_ok(path):
            # Decided before SQLite opens it: closing a connection to a file it cannot
            # read may delete the -wal and -shm that should go aside with it.
            raise _Damaged("corrupt")
        return _connect(path), None, None
    except _Damaged as damaged:
        reason = damaged.reason
    moved = _move_aside(path)
    try:
        return _connect(path), moved, reason
    except _Damaged as err:  # a brand-new file cannot be damaged; if it is, the disk is the problem
        raise HistoryError("history_unusable", path=str(path), reason=err.reason) from err
