"""Which cached reads a write makes stale (store/versions.py): a small write recomputes the reads of
the tables it wrote and no others; an import, or any write of unknown tables, recomputes them all;
a memoized function is recomputed when a table it has read changes."""

from __future__ import annotations

import pytest
from test_scorecards import ADMIN

from dashboard.ops import users
from dashboard.store import db, versions


@pytest.fixture
def app(db_file):
    db.enable_streamlit_cache()
    db.clear_caches()
    store = db.Store.open(db_file)
    yield db.Store(store.con, db_file, cached=True)  # the app's kind of store: cached reads
    store.close()


def test_the_tables_a_statement_writes_are_read_from_its_sql():
    assert versions.tables_written("insert into app_outbox by name select 1") == {"app_outbox"}
    assert versions.tables_written("-- a note\nupdate app_panel_seats set status = 'x'") == {
        "app_panel_seats"
    }
    both = "delete from scores where x = 1;\ninsert or replace into main.hire_profiles select 1"
    assert versions.tables_written(both) == {"scores", "hire_profiles"}
    assert versions.tables_written("create or replace table t as select 1") == {"t"}
    assert versions.tables_written("-- a read\nselect * from people") == set()
    assert versions.tables_written("with x as (select 1) select * from x") == set()
    assert versions.tables_written("copy people from 'x.csv'") is None  # not recognised: every table
    assert versions.tables_written("checkpoint") is None


def test_a_query_reads_the_tables_behind_the_views_it_names(app):
    read = app.tables_read("screening_ranked_by_application")
    assert read and {"application_scores", "app_decisions"} <= read
    # a view counts as the tables it reads
    live = versions.tables_read(app.path, "select * from application_scores_live")
    assert {"applications", "interviews"} <= live and "application_scores_live" not in live
    assert app.tables_read("program_list") == frozenset({"programs", "sites"})


def test_a_grant_recomputes_the_reads_of_roles_and_not_the_others(app):
    programs, roles = app.query("program_list"), app.query("user_roles_list")
    before = db.data_version(app.path)
    users.grant_role(app, ADMIN, "new.person@example.org", "leadership")
    assert db.data_version(app.path) > before
    assert app.query("program_list") is programs  # served from the cache: programs did not change
    again = app.query("user_roles_list")
    assert again is not roles and "new.person@example.org" in set(again["email"])


def test_a_write_of_unknown_tables_recomputes_every_read(app):
    programs = app.query("program_list")
    db.bump_version(app.path)  # an import, a forwarded command
    assert app.query("program_list") is not programs


calls: list[str] = []


@db.memoize
def _programs_and_roles(store) -> tuple[int, int]:
    calls.append("computed")
    return store.query("program_list").height, store.query("user_roles_list").height


@db.memoize
def _outer(store) -> int:
    return _programs_and_roles(store)[1]


def test_a_memoized_function_is_recomputed_when_a_table_it_read_changes(app):
    calls.clear()
    assert _outer(app) == _programs_and_roles(app)[1]
    assert _outer(app) == _programs_and_roles(app)[1]  # learned its tables (one more computation)
    settled = len(calls)
    db.bump_version(app.path, ["outcomes"])  # a table neither reads
    assert _outer(app) == _programs_and_roles(app)[1] and len(calls) == settled
    users.grant_role(app, ADMIN, "another.person@example.org", "leadership")
    assert _outer(app) == _programs_and_roles(app)[1]
    assert len(calls) == settled + 1  # recomputed once, and the enclosing one saw the change
    assert "app_user_roles" in versions.memo_tables(f"{__name__}._outer")


def test_after_a_write_the_warmer_recomputes_the_stale_reads_before_anyone_asks(app, monkeypatch):
    from dashboard.store import warmer

    monkeypatch.setattr(warmer, "_thread", object())  # as if started; the rounds run here, by hand
    monkeypatch.setattr(warmer, "_recent", type(warmer._recent)())
    monkeypatch.setitem(db._app_stores, app.path, app)
    ran: list[str] = []
    real = db.run_query
    monkeypatch.setattr(db, "run_query", lambda con, name, **p: (ran.append(name), real(con, name, **p))[1])
    app.query("program_list"), app.query("user_roles_list")  # a page's reads, remembered
    users.grant_role(app, ADMIN, "warm.person@example.org", "leadership")
    assert warmer._wake.is_set()  # the write woke it
    warmer._wake.clear()
    ran.clear()
    assert warmer.warm_once() == 2
    assert ran == ["user_roles_list"]  # only the stale read was computed again
    ran.clear()
    assert "warm.person@example.org" in set(app.query("user_roles_list")["email"])
    assert ran == []  # the page finds it ready
