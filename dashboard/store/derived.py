"""The materialized tables (queries/schema.sql: interview_theme_scores, application_scores,
rating_patterns, hire_profiles), each equal to its `*_live` view: refreshing them and recording
whether they are current. store/db.py re-exports these names (`db.refresh_derived` and so on)."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from dashboard.core.query_files import sql_text
from dashboard.store import versions

# the materialized tables and the queries that refill them whole, in order: a later one may read an
# earlier one (application_scores and hire_profiles read interview_theme_scores)
MATERIALIZED = (
    ("interview_theme_scores", "scores_refresh_all"),
    ("application_scores", "application_scores_refresh_all"),
    ("rating_patterns", "rating_patterns_refresh_all"),
    ("hire_profiles", "hire_profiles_refresh_all"),
)

# app_meta key and value saying the materialized tables are filled as this version defines them
DERIVED_KEY = "derived_tables"
DERIVED_VERSION = "5"  # bump when a materialized table's definition changes: refilled on open


def refresh_derived(con: duckdb.DuckDBPyConnection, interview_id: str | None = None) -> None:
    """Recompute every materialized table from its sources: all of them, or what one interview
    touches.

    The tables (schema.sql; each equals its `*_live` view, which the tests check):
    interview_theme_scores (per interview and theme), application_scores (per application:
    Screening, Compare), rating_patterns (per program, theme, quarter: Reliability) and
    hire_profiles (per hire: Evidence).
    Call after any write to ratings, excerpts, consensus, interviews or app_consensus: an import
    (all), a consensus recorded or a scorecard submitted (`interview_id`). The caller owns the
    transaction, so the tables change together with their sources.
    """
    if interview_id is None:
        for _, query in MATERIALIZED:
            con.execute(sql_text(query))
        return
    # the interview's application, person, program and quarter, as constants: DuckDB then filters
    # the live views by them before aggregating (through a subquery it would work out the whole view)
    rows = con.execute(sql_text("interview_for_id"), {"interview_id": interview_id}).fetchall()
    found = dict(zip([d[0] for d in con.description], rows[0], strict=True)) if rows else {}
    application, person = found.get("application_id"), found.get("person_id")
    program_quarter = {"program_id": found.get("program_id"), "quarter": found.get("quarter")}
    for name, params in (
        ("scores_delete_for_interview", {"interview_id": interview_id}),
        ("scores_insert_for_interview", {"interview_id": interview_id}),
        ("application_scores_delete_for_interview", {"interview_id": interview_id}),
        ("application_scores_insert_for_application", {"application_id": application}),
        ("rating_patterns_delete_for_program_quarter", program_quarter),
        ("rating_patterns_insert_for_program_quarter", program_quarter),
        ("hire_profiles_delete_for_interview", {"interview_id": interview_id}),
        ("hire_profiles_insert_for_person", {"person_id": person}),
    ):
        # on `con` itself, not a cursor: inside the caller's transaction, seeing its writes
        con.execute(sql_text(name), params)


def refresh_derived_tables(con: duckdb.DuckDBPyConnection, changed: Iterable[str] | None = None) -> list[str]:
    """Refresh the materialized tables and record that they are current (the caller owns the
    transaction); returns the tables refreshed.

    `changed`: the tables a batch changed (an import: those with a row inserted or updated). Then
    only the materialized tables reading one of them are refreshed, each after those it reads (a
    coded project's excerpts: application_scores alone, about 1 s at scale 1,000 against 11 s for
    all four). All four when `changed` is None or the tables were not current before."""
    if changed is not None and derived_current(con):
        refreshed = refresh_derived_for(con, changed)
    else:
        refresh_derived(con)
        refreshed = [table for table, _ in MATERIALIZED]
    con.execute(sql_text("app_meta_upsert"), {"key": DERIVED_KEY, "value": DERIVED_VERSION})
    return refreshed


def refresh_derived_for(con: duckdb.DuckDBPyConnection, changed: Iterable[str]) -> list[str]:
    """Refresh, in order, each materialized table whose live view reads a table in `changed` (a
    refreshed table counts as changed for the ones after it); returns those refreshed. What a view
    reads comes from DuckDB's catalog (store/versions.py: relations), which may say more than it
    reads, never less; a view not found is refreshed."""
    reads = versions.relations(con)
    changed = {t.lower() for t in changed}
    refreshed = []
    for table, query in MATERIALIZED:
        sources = reads.get(f"{table}_live")
        if sources is None or sources & changed:
            con.execute(sql_text(query))
            changed.add(table)
            refreshed.append(table)
    return refreshed


def mark_derived_stale(con: duckdb.DuckDBPyConnection) -> None:
    """Record that the materialized tables lag their sources: the next opening refreshes them."""
    con.execute(sql_text("app_meta_upsert"), {"key": DERIVED_KEY, "value": "stale"})


def refresh_scores(con: duckdb.DuckDBPyConnection, interview_id: str | None = None) -> None:
    """The earlier name of `refresh_derived` (every materialized table, not only the scores)."""
    refresh_derived(con, interview_id)


def derived_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the materialized tables are filled as DERIVED_VERSION defines them (not stale)."""
    found = con.execute(sql_text("app_meta_for_key"), {"key": DERIVED_KEY}).fetchall()
    return bool(found) and found[0][-1] == DERIVED_VERSION


def recreate_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Make the materialized tables anew and fill them (the caller owns the transaction)."""
    con.execute(sql_text("derived_recreate"))
    refresh_derived_tables(con)
