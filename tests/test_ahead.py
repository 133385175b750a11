"""An import's cached reads worked out before its commit (store/ahead.py): after the commit the pages
find the new rows without working anything out; a read of a table another write changed meanwhile
is worked out again (never the import's snapshot passed off as newer); a failure there never costs
the import."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from test_crash_safety import _changed_export
from test_import_concurrency import _seated
from test_scorecards import ADMIN, GOOD, rater_scope

from dashboard.ingest import writer
from dashboard.ingest.importer import import_batch
from dashboard.ops import users
from dashboard.scorecards import cards
from dashboard.store import ahead, db, versions, warmer


@pytest.fixture
def app(db_file, monkeypatch):
    """The app's kind of store, its recent reads remembered as the app's process does (no
    background thread runs them here)."""
    db.enable_streamlit_cache()
    db.clear_caches()
    opened = db.Store.open(db_file)
    store = db.Store(opened.con, db_file, cached=True)
    monkeypatch.setitem(db._app_stores, store.path, store)
    monkeypatch.setattr(warmer, "_thread", object())
    monkeypatch.setattr(warmer, "_recent", OrderedDict())
    monkeypatch.setattr(ahead, "_failed_at", None)
    yield store
    warmer._wake.clear()
    opened.close()


@pytest.fixture
def queries_run(monkeypatch):
    """The named queries actually run against DuckDB (not served from the cache)."""
    ran: list[str] = []
    run_query = db.run_query
    monkeypatch.setattr(db, "run_query", lambda con, name, **p: ran.append(name) or run_query(con, name, **p))
    return ran


@db.memoize
def _site_rows(store) -> int:
    counts = store.query("table_counts")
    return int(counts.filter(table_name="sites")["row_count"][0])


def _sites(store) -> int:
    return int(store.query("table_counts").filter(table_name="sites")["row_count"][0])


def test_after_an_import_the_pages_find_its_new_rows_ready(app, tmp_path, queries_run):
    sites, roles = _sites(app), app.query("user_roles_list")
    assert _site_rows(app) == sites
    report = import_batch([_changed_export(tmp_path)], app.con.cursor())
    assert report.written, report.text()
    queries_run.clear()
    assert _sites(app) == sites + 1  # the new site, read under the versions the commit published
    assert _site_rows(app) == sites + 1
    assert app.query("user_roles_list") is roles  # a table the import did not write: not recomputed
    assert queries_run == []  # all worked out before the commit
    fresh = db.run_query(app.con, "table_counts")
    assert app.query("table_counts").equals(fresh)


def test_a_read_of_a_table_written_meanwhile_is_worked_out_again(app, tmp_path, monkeypatch, queries_run):
    # another write commits after the import's snapshot, before its commit: a role granted (a table
    # the import does not write) and a row of app_meta (one it does). What was worked out ahead of
    # those tables lacks them, so it must not be found.
    roles = app.query("user_roles_list")
    assert app.query("app_meta_for_key", key="meanwhile").height == 0
    sites = _sites(app)
    work_out = writer.work_out_ahead

    def with_writes_first(con, pending):
        users.grant_role(app, ADMIN, "new.person@example.org", "leadership")
        db.transaction(app, lambda cur: cur.execute("insert into app_meta values ('meanwhile', 'x')"))
        return work_out(con, pending)

    monkeypatch.setattr(writer, "work_out_ahead", with_writes_first)
    assert import_batch([_changed_export(tmp_path)], app.con.cursor()).written
    queries_run.clear()
    again = app.query("user_roles_list")
    assert again is not roles and "new.person@example.org" in set(again["email"])
    assert app.query("app_meta_for_key", key="meanwhile").height == 1
    assert _sites(app) == sites + 1
    assert set(queries_run) == {"user_roles_list", "app_meta_for_key"}  # table_counts was ready


def test_a_read_that_ends_the_import_s_transaction_costs_nothing_but_a_second_try(app, tmp_path, monkeypatch):
    sites = _sites(app)
    attempts = []
    write_batch = writer.write_batch
    monkeypatch.setattr(writer, "write_batch", lambda *a, **k: attempts.append(1) or write_batch(*a, **k))

    def breaks_the_transaction():  # a key that exists: DuckDB aborts the transaction
        db._replay_store(app.path).con.execute(
            "insert into app_meta select * from app_meta limit 1"
        ).fetchall()

    warmer.remember(("a read that fails",), breaks_the_transaction)
    warmer.remember(("a read that raises",), lambda: 1 / 0)  # skipped; the import goes on
    report = import_batch([_changed_export(tmp_path)], app.con.cursor())
    assert report.written and len(attempts) == 2  # tried again, without working reads out ahead
    assert ahead._failed_at is not None
    assert _sites(app) == sites + 1
    assert db.run_query(app.con, "table_counts").filter(table_name="sites")["row_count"][0] == sites + 1


def test_a_card_submitted_during_the_import_is_in_the_reads_worked_out_after_its_refresh(
    app, tmp_path, monkeypatch, queries_run
):
    # the card's materialized rows wait for the import's end (store/write_gate.py); the reads of
    # those tables are worked out once the refresh is replayed, before their versions move
    (interview_id,) = _seated(app, 1)
    scores = app.query("panel_scores_for_interviews", interview_ids=[interview_id])
    assert scores.is_empty()
    sites = _sites(app)
    work_out = writer.work_out_ahead

    def with_a_submit_first(con, pending):
        cards.submit(app, rater_scope(app, "R01"), interview_id, "R01", GOOD)
        return work_out(con, pending)

    monkeypatch.setattr(writer, "work_out_ahead", with_a_submit_first)
    assert import_batch([_changed_export(tmp_path)], app.con.cursor()).written
    queries_run.clear()
    scores = app.query("panel_scores_for_interviews", interview_ids=[interview_id])
    assert sorted(scores["theme"]) == ["balance", "learning"]  # GOOD rates two themes
    assert _sites(app) == sites + 1
    assert queries_run == []  # both worked out before their versions moved


def test_the_kept_stamp_is_published_only_for_tables_nobody_else_moved(tmp_path):
    path = str(tmp_path / "x.duckdb")
    versions.bump(path, ["people", "sites"])
    snapshot = versions.snapshot(path)
    pending = versions.Ahead(path, snapshot, ["people", "app_imports"])
    with versions.pinned(pending):
        expected = versions.key(path, frozenset({"people", "sites"}))
        moved_meanwhile = versions.key(path, frozenset({"app_imports", "sites"}))
    versions.bump(path, ["sites"])  # another write, after the snapshot
    versions.publish(pending)
    assert versions.key(path, frozenset({"people"})) == (0, pending.stamp)
    assert versions.key(path, frozenset({"people", "sites"})) != expected  # sites moved meanwhile
    assert versions.key(path, frozenset({"app_imports", "sites"})) != moved_meanwhile
    versions.bump(path, ["app_imports"])
    versions.bump(path, ["app_imports"])
    assert versions.key(path, frozenset({"app_imports"})) != (0, pending.stamp)  # stamps never repeat


def test_the_reads_are_worked_out_without_the_import_s_memory_cap(app, tmp_path, monkeypatch):
    # the pages' reads run uncapped; one out of memory inside the import's transaction would end it
    monkeypatch.setenv("VOCATION_IMPORT_MEMORY", "300MB")
    seen = {}
    work_out = writer.work_out_ahead

    def noting_the_limit(con, pending):
        seen["limit"] = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
        return work_out(con, pending)

    def noting_the_cap(*args):
        seen.setdefault("cap", args[0].execute("select current_setting('memory_limit')").fetchall()[0][0])
        return real_write_table(*args)

    real_write_table = writer.write_table
    monkeypatch.setattr(writer, "write_table", noting_the_cap)
    monkeypatch.setattr(writer, "work_out_ahead", noting_the_limit)
    assert import_batch([_changed_export(tmp_path)], app.con.cursor()).written
    after = app.con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    assert seen["cap"] == "286.1 MiB"  # the batch was written under the cap (300 MB)
    assert seen["limit"] == after  # the reads: under the limit in force outside the import
