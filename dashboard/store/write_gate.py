"""Writes and the import: which write takes which lock, and the materialized refresh a small write
leaves for after an import (docs/development.md, "Writes and the import").

- Small writes (a scorecard step, a decision, a consensus, a grant, a scheduling) take WRITE_LOCK
  for their transaction only (db.transaction): they run one at a time, each for a fraction of a
  second, so two refreshes of the same materialized rows never overlap.
- An import takes IMPORT_LOCK (one import at a time) and not WRITE_LOCK: its long transaction runs
  beside the small writes. DuckDB commits both (optimistic concurrency) as long as they change no
  row in common. The import changes only contract tables' imported rows (app-owned keys are
  refused), app_imports and app_meta's derived key, and refreshes the materialized tables that
  read what it changed (any of them, so small writes treat them all as the import's).
- So that no small write touches a materialized table meanwhile, a small write's refresh of its
  interview's rows (`refresh_interview`) is, while an import writes to the same database, noted in
  app_pending_refresh inside the small write's own transaction instead. When the import ends
  (committed or not), `import_window` replays the noted refreshes, one short transaction per
  interview under WRITE_LOCK, after the import's own refresh: each refresh recomputes the
  interview's rows from their sources (delete, then insert) and forgets the note, so every card
  counts exactly once, however often it is refreshed. Killed in between (or should the replay
  fail), the noted rows stay: the next opening of the database, or the end of the next import,
  replays them (`replay_pending`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.core import timing
from dashboard.core.pause_points import pause_for_tests
from dashboard.core.query_files import sql_text
from dashboard.store import versions
from dashboard.store.derived import refresh_derived

WRITE_LOCK = threading.RLock()  # a small write's transaction (store/db.py: transaction)
IMPORT_LOCK = threading.Lock()  # an import's write: one at a time, beside the small writes
_importing: set[str] = set()  # databases an import is writing to now (changed under WRITE_LOCK)
log = logging.getLogger(__name__)


_RETRIED = (duckdb.TransactionException, duckdb.OutOfMemoryException)  # a small write tries again


def transaction(store_or_con, work, attempts: int = 6, name: str = "", lock: bool = True):
    """Run `work(cur)` as one transaction on a fresh cursor: commit, or roll back and re-raise
    (store/db.py re-exports it as `db.transaction`).

    A cursor is its own DuckDB connection, so app threads sharing the store's connection each get
    their own transaction. A write-write conflict with a concurrent transaction raises
    TransactionException, a moment without memory (an import's cap) OutOfMemoryException: the work
    is then retried, a few times. `name` labels the transaction for the crash tests' pause point
    (pause_for_tests) and for VOCATION_TIMING (core/timing.py). `lock=False` only for an import's
    refresh inside its import_window.
    """
    # Small writes one at a time: two refreshing a program and quarter with no materialized rows yet
    # would each insert their own, unseen by DuckDB as a conflict. Imports: import_window.
    con, retried = getattr(store_or_con, "con", store_or_con), _RETRIED if lock else _RETRIED[:1]
    label = name or getattr(work, "__qualname__", "write")
    with timing.write(label, bool(_importing)) as measured, WRITE_LOCK if lock else contextlib.nullcontext():
        for attempt in range(attempts):
            measured["attempts"] = attempt + 1
            cur = versions.NotingCursor(con.cursor())
            try:
                cur.begin()
                result = work(cur)
                if name:
                    pause_for_tests(name)
                cur.commit()
                # the cached reads of the tables written are stale from now (store/versions.py)
                path = getattr(store_or_con, "path", None) or database_of(con)
                versions.bump(str(Path(path).resolve()), cur.written)
                return result
            except retried:
                _rollback_quietly(cur)
                if attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
            except BaseException:
                _rollback_quietly(cur)
                raise
            finally:
                cur.close()
        raise AssertionError("unreachable")


def _rollback_quietly(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed commit has already ended it)."""
    try:
        cur.rollback()
    except duckdb.Error:
        pass


def database_of(con: duckdb.DuckDBPyConnection) -> str:
    """The file behind a connection or cursor (':memory:' for an in-memory database)."""
    cur = con.cursor()
    try:
        row = cur.execute("select file from pragma_database_list where name = current_database()").fetchall()
    finally:
        cur.close()
    return (row[0][0] if row else "") or ":memory:"


def import_writing(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an import is writing to this connection's database now (ask under WRITE_LOCK)."""
    return bool(_importing) and database_of(con) in _importing


def refresh_interview(cur: duckdb.DuckDBPyConnection, interview_id: str) -> None:
    """Refresh one interview's materialized rows inside the caller's transaction or, while an import
    writes to this database, note them for the refresh that follows the import (same transaction).

    Call under WRITE_LOCK (db.transaction holds it), so that the answer cannot change meanwhile."""
    if import_writing(cur):
        cur.execute(sql_text("pending_refresh_insert"), {"interview_id": interview_id})
    else:
        refresh_derived(cur, interview_id)


@dataclass
class ImportWindow:
    """An import's window: its database file and, once it has closed, how many interviews' refreshes
    noted meanwhile it replayed."""

    path: str
    replayed: int = 0


@contextmanager
def import_window(con: duckdb.DuckDBPyConnection):
    """Hold this around an import's transaction(s): small writes meanwhile defer their refreshes,
    replayed (under WRITE_LOCK, interview by interview) when the block ends, committed or not.

    The window opens under WRITE_LOCK: a small write still in flight commits first, so the
    import's snapshot, taken after, holds it and its refresh."""
    window = ImportWindow(database_of(con))
    with IMPORT_LOCK:
        with WRITE_LOCK:
            _importing.add(window.path)
        try:
            yield window
        finally:
            with WRITE_LOCK:  # a small write deferring its refresh has committed by now
                _importing.discard(window.path)
            try:
                window.replayed = replay_pending(con, WRITE_LOCK)
            except duckdb.Error:  # the noted rows stay: the next opening replays them
                log.exception("replaying the refreshes noted during an import failed")


def replay_pending(con: duckdb.DuckDBPyConnection, lock=None) -> int:
    """Refresh every interview noted in app_pending_refresh and forget it: one short transaction per
    interview (on a cursor of `con`), each under `lock` when given, so that a small write waits for
    one interview's refresh at most. Returns how many; no-op (one small read) when none is noted."""
    cur = con.cursor()
    try:
        ids = [r[0] for r in cur.execute(sql_text("pending_refresh_list")).fetchall()]
    finally:
        cur.close()
    for interview_id in ids:
        with lock or contextlib.nullcontext():
            cur = con.cursor()
            try:
                cur.begin()
                refresh_derived(cur, interview_id)
                cur.execute(sql_text("pending_refresh_delete"), {"interview_ids": [interview_id]})
                cur.commit()
            except BaseException:
                _rollback_quietly(cur)
                raise
            finally:
                cur.close()
        if lock is not None:
            # A lock is not first come, first served: released and taken again at once, it stays
            # here, and a small write waiting for it waited for the whole replay (1.2 s at scale
            # 1,000). Stepping aside a moment lets the waiting write in between two interviews.
            time.sleep(0.002)
    return len(ids)
