"""Import step 3, writing: upsert every table of a checked batch and record the import, all in
one transaction (a failure part-way leaves the database as it was)."""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb
import polars as pl

from dashboard import db
from dashboard.contract import LOAD_ORDER, TABLES_BY_NAME, Table
from dashboard.pause_points import pause_for_tests


def _upsert(con: duckdb.DuckDBPyConnection, table: Table, frame: pl.DataFrame) -> dict[str, int]:
    """Insert new keys and update changed rows of one table; return the counts."""
    # Identifiers below come from the contract (an allow-list); values are bound via the frame.
    con.register("incoming", frame.to_arrow())
    key = list(table.key)
    others = [c for c in table.column_names if c not in key]
    on = " and ".join(f"i.{k} = t.{k}" for k in key)
    differs = " or ".join(f"i.{c} is distinct from t.{c}" for c in others) or "false"
    counts_sql = (
        f"create or replace temp table incoming_state as "  # noqa: S608 - contract identifiers
        f"select i.*, case when t.{key[0]} is null then 'inserted' "
        f"when {differs} then 'updated' else 'unchanged' end as _state "
        f"from incoming i left join {table.name} t on {on}"
    )
    con.execute(counts_sql)
    cols = ", ".join(table.column_names)
    sets = ", ".join(f"{c} = excluded.{c}" for c in others)
    upsert_sql = (
        f"insert into {table.name} ({cols}) select {cols} from incoming_state "  # noqa: S608
        f"where _state <> 'unchanged' on conflict ({', '.join(key)}) do update set {sets}"
    )
    con.execute(upsert_sql)
    rows = con.execute("select _state, count(*) from incoming_state group by _state").fetchall()
    con.execute("drop table incoming_state")
    con.unregister("incoming")
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    counts.update(dict(rows))
    return counts


def write_batch(
    con: duckdb.DuckDBPyConnection,
    typed: dict[str, pl.DataFrame],
    counts: dict[str, dict[str, int]],
    record: dict,
    progress: Callable[[float, str], None] | None,
    cap: str | None = None,
) -> None:
    """Write every table of the batch and the import record inside one transaction.

    `cap` limits DuckDB's memory meanwhile, so a large batch is written through to disk.
    """
    order = [t for t in LOAD_ORDER if t in typed]
    # DuckDB would otherwise buffer a large batch in memory; a cap makes it write through to disk
    previous = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    con.execute("set memory_limit = $limit", {"limit": cap or previous})
    con.begin()
    try:
        for i, name in enumerate(order):
            if progress:
                progress(i / max(len(order), 1), f"writing {name}")
            counts[name] = write_table(con, TABLES_BY_NAME[name], typed[name])
        if progress:
            progress(0.95, "updating scores")
        db.refresh_scores(con)
        totals = {k: sum(c[k] for c in counts.values()) for k in ("inserted", "updated", "unchanged")}
        con.execute(
            db.sql_text("app_imports_insert"),  # on `con`: inside this transaction
            {**record, **totals, "summary": json.dumps(counts)},
        )
        pause_for_tests("import")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.execute("set memory_limit = $limit", {"limit": previous})
    con.execute("checkpoint")
    if progress:
        progress(1.0, "done")


def write_table(con: duckdb.DuckDBPyConnection, table: Table, frame: pl.DataFrame) -> dict[str, int]:
    """Upsert one table's rows (a seam the failure-injection tests patch)."""
    return _upsert(con, table, frame)
