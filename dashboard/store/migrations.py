"""Bring a database made by an earlier version up to the current schema, on opening it.

Each step finds what it changes in DuckDB's catalog, so it runs once and is a no-op after; each
runs in one transaction, so a crash part-way leaves the database as it was (and the next opening
tries again). New tables need no step: the schema's `create table if not exists` adds them to an
older database on opening (the mail tables app_outbox, app_mail_preferences and
app_interview_calendar came so; tests/test_mail.py opens a database without them).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from dashboard.core.access import ROLES
from dashboard.core.contract import TABLES
from dashboard.core.query_files import sql_text

Transaction = Callable[[duckdb.DuckDBPyConnection, Callable[[], None]], None]


def upgrade(con: duckdb.DuckDBPyConnection, in_transaction: Transaction) -> None:
    """Run every step the database needs (before the schema's `create ... if not exists`)."""
    if con.execute(
        "select count(*) from duckdb_views() where view_name = 'interview_theme_scores'"
    ).fetchall()[0][0]:
        con.execute("drop view interview_theme_scores")  # a database from before it was materialized
    _rebuild(con, in_transaction, _roles_before_current(con))
    _rebuild(con, in_transaction, _declared_contract_keys(con))


def _roles_before_current(con: duckdb.DuckDBPyConnection) -> list[str]:
    """app_user_roles, when its CHECK does not list every role yet (interviewer, then trainee)."""
    found = con.execute(
        "select expression from duckdb_constraints()"
        " where table_name = 'app_user_roles' and constraint_type = 'CHECK'"
    ).fetchall()
    return ["app_user_roles"] if found and any(f"'{r}'" not in found[0][0] for r in ROLES) else []


def _declared_contract_keys(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The contract tables that still declare their key as a primary key (before scale 1,000:
    DuckDB holds such an index in memory for the whole import transaction)."""
    names = [t.name for t in TABLES]
    found = con.execute(
        "select distinct table_name from duckdb_constraints()"
        " where constraint_type = 'PRIMARY KEY' and database_name = current_database()"
        " and schema_name = 'main' and list_contains($names, table_name)",
        {"names": names},
    ).fetchall()
    return sorted(r[0] for r in found)


def _rebuild(con: duckdb.DuckDBPyConnection, in_transaction: Transaction, tables: list[str]) -> None:
    """Recreate `tables` as the schema declares them now, keeping every row, in one transaction."""
    if not tables:
        return
    allowed = {t.name for t in TABLES} | {"app_user_roles"}  # the identifiers formatted in below
    if not set(tables) <= allowed:
        raise ValueError(f"not a table an upgrade rebuilds: {sorted(set(tables) - allowed)}")

    def work() -> None:
        for name in tables:
            con.execute(f"alter table {name} rename to {name}_before_upgrade")
        con.execute(sql_text("schema"))
        for name in tables:
            con.execute(f"insert into {name} by name select * from {name}_before_upgrade")  # noqa: S608
            con.execute(f"drop table {name}_before_upgrade")

    in_transaction(con, work)
