"""An import's cached reads worked out before its commit, so that the pages find them ready after it.

At an import's commit every cached read of a table it wrote goes stale at once. Before this, the
sessions and the background refill (store/warmer.py) worked them all out again together in the
second after the commit, while DuckDB wrote the batch into the file, and queries of 30 ms took over
a second (docs/performance.md). Now, as the last step of the import's transaction, the app's recent
reads run again on the import's own connection, which sees the batch, and are cached under the
versions the commit will publish (store/versions.py: Ahead, publish). Until the commit the pages go
on reading the old versions' cached reads; from the commit they find the new ones ready. A read of a
table another write changed meanwhile is not found (that table gets a new stamp) and is worked out
as before.

- Only where the app warms its cache (its own process: warmer.started), and not for a batch whose
  materialized tables are refreshed after its commit (writer.INLINE_REFRESH_ROWS).
- At most BUDGET_S seconds; whatever is left is refilled after the commit, as before. The writer
  lifts the import's memory cap first (the batch is written by then; the pages' reads are not capped).
- The same after the refreshes an import replays once it has ended (the cards submitted meanwhile:
  store/write_gate.py): `publish_after` works the reads out on a snapshot that holds them, then
  moves the materialized tables' versions.
- A read that fails is skipped. Should the failure have ended the import's transaction (DuckDB ends
  a transaction after some errors, running out of memory among them), the import fails with
  TransactionException, which the importer tries again (ingest/importer.py), and no read is worked
  out ahead for PAUSE_S seconds.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable

import duckdb

from dashboard.core import timing
from dashboard.store import db, versions, warmer

BUDGET_S = 10.0
PAUSE_S = 600.0
_failed_at: float | None = None
log = logging.getLogger(__name__)


class _OwnConnection:
    """The import's connection lent to a store: its reads run inside the import's transaction (a
    cursor would be a connection of its own, outside it), and closing it does nothing."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def cursor(self) -> _OwnConnection:
        return self

    def close(self) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._con, name)


def begin_at_snapshot(con: duckdb.DuckDBPyConnection, path: str) -> dict[str, int]:
    """Begin a transaction on `con` and return the cached reads' versions (store/versions.py) that
    its DuckDB snapshot holds: both are taken under WRITE_LOCK, where no small write commits."""
    with db.WRITE_LOCK:
        con.begin()
        con.execute("select count(*) from app_imports").fetchall()  # DuckDB's snapshot is taken by now
        return versions.snapshot(path)


def work_out(con: duckdb.DuckDBPyConnection, ahead: versions.Ahead, budget_s: float = BUDGET_S) -> int:
    """Run the app's recent reads on `con` (inside the import's open transaction) and cache them
    under `ahead`'s versions; returns how many ran. See the module's docstring."""
    global _failed_at
    if not warmer.started() or (_failed_at is not None and time.monotonic() - _failed_at < PAUSE_S):
        return 0
    store = db.Store(_OwnConnection(con), ahead.path, cached=True)
    deadline, done = time.monotonic() + budget_s, 0
    with versions.pinned(ahead), warmer.replaying_on(store), warmer.warming():
        for key, call in warmer.recent_calls():
            if time.monotonic() > deadline:
                timing.count("ahead_out_of_time")
                break
            start = time.perf_counter()
            try:
                call()
                done += 1
                timing.count("ahead_reads", time.perf_counter() - start)  # VOCATION_TIMING
            except Exception as exc:  # noqa: BLE001 - a read that fails here is worked out after the commit
                log.debug("working out %r ahead of the import's commit failed", key, exc_info=True)
                if not _usable(con):
                    _failed_at = time.monotonic()
                    raise duckdb.TransactionException(
                        f"working out the app's reads before the import's commit ended its transaction ({exc})"
                    ) from exc
    return done


def _usable(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the open transaction on `con` still takes statements."""
    try:
        con.execute("select 1").fetchall()
        return True
    except duckdb.Error:
        return False


def publish_after(con: duckdb.DuckDBPyConnection, path: str, tables: Iterable[str]) -> None:
    """Writes to `tables` have committed and their versions have not moved yet (the refreshes
    replayed after an import): work out the recent reads on a snapshot that holds those writes,
    under the versions about to be published, then publish them. Whatever fails here, the versions
    move."""
    tables = list(tables)
    pending = None
    try:
        cur = con.cursor()
        try:
            pending = versions.Ahead(path, begin_at_snapshot(cur, path), tables)
            work_out(cur, pending)
        finally:
            with contextlib.suppress(duckdb.Error):
                cur.rollback()
            cur.close()
    except Exception:  # noqa: BLE001 - the reads are then worked out after, as before
        log.debug("working out the reads after the replayed refreshes failed", exc_info=True)
    finally:
        if pending is not None:
            versions.publish(pending)
        else:
            versions.bump(path, tables)
