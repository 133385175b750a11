"""The materialized tables (queries/schema.sql: interview_theme_scores, application_scores,
rating_patterns, hire_profiles), each equal to its `*_live` view: refreshing them and recording
whether they are current. store/db.py re-exports these names (`db.refresh_derived` and so on)."""

from __future__ import annotations

import duckdb

from dashboard.core.query_files import sql_text

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
        con.execute(sql_text("scores_refresh_all"))
        con.execute(sql_text("derived_refresh_all"))
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


def refresh_derived_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Refresh every materialized table and record that they are current (the caller owns the
    transaction)."""
    refresh_derived(con)
    con.execute(sql_text("app_meta_upsert"), {"key": DERIVED_KEY, "value": DERIVED_VERSION})


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
