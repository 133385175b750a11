"""Import step 3, writing: upsert every table of a checked batch and record the import, all in
one transaction (a failure part-way leaves the database as it was)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import duckdb

from dashboard.core.contract import LOAD_ORDER, TABLES_BY_NAME, Table
from dashboard.core.pause_points import pause_for_tests
from dashboard.ingest.checker import stage_name
from dashboard.store import db, versions
from dashboard.store.ahead import begin_at_snapshot, publish_after
from dashboard.store.ahead import work_out as work_out_ahead
from dashboard.store.derived import MATERIALIZED

MATERIALIZED_TABLES = [table for table, _ in MATERIALIZED]


def _upsert(con: duckdb.DuckDBPyConnection, table: Table, stage: str) -> dict[str, int]:
    """Insert new keys and update changed rows of one table from its stage; return the counts."""
    # Identifiers below are allow-listed (a contract table, its columns, its stage); values come
    # from the stage, a temp table the check step filled.
    if TABLES_BY_NAME.get(table.name) is not table or stage != stage_name(table.name):
        raise ValueError(f"no import stage {stage!r} for a contract table {table.name!r}")
    cols = ", ".join(table.column_names)
    if not con.execute(f"select count(*) from (select 1 from {table.name} limit 1)").fetchall()[0][0]:  # noqa: S608
        # an empty table (a first import): every row is new. A plain insert keeps the file's order
        # (rows of one interview stay together, so its look-ups read few row groups) and needs
        # no join; the check step has refused duplicate keys already
        con.execute(f"insert into {table.name} ({cols}) select {cols} from {stage}")  # noqa: S608
        inserted = con.execute(f"select count(*) from {stage}").fetchall()[0][0]  # noqa: S608
        return {"inserted": inserted, "updated": 0, "unchanged": 0}
    key = list(table.key)
    others = [c for c in table.column_names if c not in key]
    on = " and ".join(f"i.{k} = t.{k}" for k in key)
    differs = " or ".join(f"i.{c} is distinct from t.{c}" for c in others) or "false"
    counts_sql = (
        f"create or replace temp table incoming_state as "  # noqa: S608 - contract identifiers
        f"select i.*, case when t.{key[0]} is null then 'inserted' "
        f"when {differs} then 'updated' else 'unchanged' end as _state "
        f"from {stage} i left join {table.name} t on {on}"
    )
    con.execute(counts_sql)
    # keys are not declared (queries/schema.sql): changed rows are updated by key, new ones added
    if others:
        sets = ", ".join(f"{c} = i.{c}" for c in others)
        keyed = " and ".join(f"{table.name}.{k} = i.{k}" for k in key)
        con.execute(
            f"update {table.name} set {sets} from incoming_state i "  # noqa: S608
            f"where i._state = 'updated' and {keyed}"
        )
    con.execute(
        f"insert into {table.name} ({cols}) select {cols} from incoming_state "  # noqa: S608
        "where _state = 'inserted'"
    )
    rows = con.execute("select _state, count(*) from incoming_state group by _state").fetchall()
    con.execute("drop table incoming_state")
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    counts.update(dict(rows))
    return counts


# Above this many rows the materialized tables are refreshed just after the import commits, in a
# transaction of their own: inside it, DuckDB would hold the batch's new rows and the refresh's
# work in memory at once.
INLINE_REFRESH_ROWS = 2_000_000


def write_batch(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, str],
    counts: dict[str, dict[str, int]],
    record: dict,
    progress: Callable[[float, str], None] | None,
    cap: str | None = None,
    unlimited: str | None = None,
) -> None:
    """Write every table of the batch and the import record inside one transaction.

    `cap` limits DuckDB's memory meanwhile, so a large batch is written through to disk. The
    materialized tables are refreshed inside the same transaction, or, for a batch of more than
    INLINE_REFRESH_ROWS rows, in the next one: the import's transaction then marks them stale
    (app_meta), so that should that refresh fail, the next opening of the database redoes it.
    `unlimited` is DuckDB's memory limit outside the import, for a refresh the cap is too tight for
    (the limit in force when this is called may already be the import's cap).
    """
    order = [t for t in LOAD_ORDER if t in staged]
    # DuckDB would otherwise buffer a large batch in memory; a cap makes it write through to disk
    previous = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    con.execute("set memory_limit = $limit", {"limit": cap or previous})
    window = None
    path = ""
    try:
        # small writes go on meanwhile; their materialized refreshes wait for the window's end
        with db.import_window(con) as window:
            path = str(Path(window.path).resolve())
            ahead = _write(con, path, staged, order, counts, record, progress, unlimited or previous)
            # committed: cached reads are of the old data from now on (pages read the new rows at
            # once; a read cached under the old version beside them would mix the two). The reads
            # of the tables it wrote, worked out before the commit, are found from now on.
            if ahead is not None:
                versions.publish(ahead)
            else:
                db.bump_version(window.path)
                _checkpoint(con)
                if progress:
                    progress(0.95, "updating scores")
                _refresh_after_commit(con, unlimited or previous)
                db.bump_version(window.path)
    finally:
        if window is not None and window.replayed:  # cards submitted meanwhile, now refreshed
            replayed = [*MATERIALIZED_TABLES, "app_pending_refresh"]
            publish_after(con, path, replayed)
        con.execute("set memory_limit = $limit", {"limit": previous})
    _checkpoint(con)
    if progress:
        progress(1.0, "done")


def _checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write the committed batch into the database file now, unless a small write is open meanwhile
    (DuckDB refuses then; it checkpoints by itself later). Never an error of the import, which has
    committed: raised, the importer would write the batch again."""
    try:
        con.execute("checkpoint")
    except duckdb.TransactionException:
        pass


# DuckDB's threads while the materialized tables are refreshed after a large import. With two,
# each sorts and hashes its share of the rows at once: at scale 1,000 the process then peaked at
# 1.9-2.1 GB, of which DuckDB counted only its 1 GB cap; with one, 1.3 GB (the refresh 12 s -> 17 s).
REFRESH_THREADS = 1


def _refresh_after_commit(con: duckdb.DuckDBPyConnection, unlimited: str) -> None:
    """Refresh the materialized tables after a large import committed, under its memory cap or,
    should that be too tight, without it, on REFRESH_THREADS of DuckDB's threads (the setting is
    the database's: pages reading meanwhile run each query on its own thread). The import is
    written whatever happens here: a failure is not the import's (the caller must not write it
    again); the tables stay marked stale and the next opening of the database refreshes them."""
    threads = con.execute("select current_setting('threads')").fetchall()[0][0]
    con.execute("set threads = $n", {"n": REFRESH_THREADS})
    try:
        _refresh_capped(con, unlimited)
    finally:
        con.execute("set threads = $n", {"n": threads})


def _refresh_capped(con: duckdb.DuckDBPyConnection, unlimited: str) -> None:
    """The refresh after a large import, under the import's cap, then without it if too tight."""
    # its own transaction on a cursor, inside the import's window (no WRITE_LOCK: small writes go on)
    try:
        db.transaction(con, db.refresh_derived_tables, name="import_refresh", lock=False)
        return
    except duckdb.OutOfMemoryException:
        con.execute("set memory_limit = $limit", {"limit": unlimited})
    try:
        db.transaction(con, db.refresh_derived_tables, name="import_refresh", lock=False)
    except duckdb.Error as exc:
        raise RefreshAfterImportError(
            f"The import was written, but updating the scores failed ({exc}); they are updated "
            "when the app next starts."
        ) from exc


class RefreshAfterImportError(RuntimeError):
    """The import committed; refreshing the materialized tables after it failed."""


def _in_transaction(con: duckdb.DuckDBPyConnection, path: str, work: Callable[[dict], None]) -> None:
    """Run `work(snapshot)` in one transaction (rolled back if it fails). Inside db.import_window,
    not under db.WRITE_LOCK: small writes commit meanwhile (store/write_gate.py says why that is
    safe). `snapshot`: the cached reads' versions the transaction's snapshot holds (ahead.py)."""
    snapshot = begin_at_snapshot(con, path)
    try:
        work(snapshot)
        con.commit()
    except BaseException:
        # a commit that failed (out of memory, say) has already ended the transaction
        with contextlib.suppress(duckdb.TransactionException):
            con.rollback()
        raise


def _write(
    con: duckdb.DuckDBPyConnection,
    path: str,
    staged: dict[str, str],
    order: list[str],
    counts: dict[str, dict[str, int]],
    record: dict,
    progress: Callable[[float, str], None] | None,
    unlimited: str,
) -> versions.Ahead | None:
    """The import's transaction on the database at `path`. When the materialized tables were
    refreshed inside it, returns the versions its commit publishes (the app's recent reads worked
    out under them: store/ahead.py, without the import's memory cap, `unlimited` being DuckDB's
    limit outside the import: the pages' reads are not capped, and one out of memory here would
    end the import's transaction); None when they are refreshed after the commit."""
    rows = 0
    ahead = None

    def work(snapshot: dict) -> None:
        nonlocal rows, ahead
        for i, name in enumerate(order):
            if progress:
                progress(i / max(len(order), 1), f"writing {name}")
            counts[name] = write_table(con, TABLES_BY_NAME[name], staged[name])
            rows += sum(counts[name].values())
        written = ["app_imports", "app_meta"]
        inline = rows <= INLINE_REFRESH_ROWS
        if inline:
            if progress:
                progress(0.95, "updating scores")
            # only the materialized tables that read a table this batch changed (store/derived.py)
            changed = [name for name, c in counts.items() if c["inserted"] + c["updated"]]
            written += changed + db.refresh_derived_tables(con, changed)
        else:
            db.mark_derived_stale(con)
        totals = {k: sum(c[k] for c in counts.values()) for k in ("inserted", "updated", "unchanged")}
        con.execute(
            db.sql_text("app_imports_insert"),  # on `con`: inside this transaction
            {**record, **totals, "summary": json.dumps(counts)},
        )
        if inline:
            ahead = versions.Ahead(path, snapshot, written)
            if progress:
                progress(0.97, "preparing the pages")
            con.execute("set memory_limit = $limit", {"limit": unlimited})  # the batch is written
            work_out_ahead(con, ahead)
        pause_for_tests("import")  # the crash tests stop the import here, before its commit

    _in_transaction(con, path, work)
    return ahead


def write_table(con: duckdb.DuckDBPyConnection, table: Table, stage: str) -> dict[str, int]:
    """Upsert one table's rows from its stage (a seam the failure-injection tests patch)."""
    return _upsert(con, table, stage)
