"""The materialized tables (interview_theme_scores, application_scores, rating_patterns,
hire_profiles) always equal their live views: after an import, a recorded consensus, a submitted or
amended scorecard, changed ratings and excerpts of one interview (`db.refresh_derived(con,
interview_id)`), on opening a database from before they existed, and after a backup is restored.
The pages' queries that read them answer as the live rules do, the blind rule included."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.core.access import Scope
from dashboard.core.contract import THEMES
from dashboard.reliability import inter_rater
from dashboard.store import db

DERIVED = {
    "interview_theme_scores": ("interview_id", "theme"),
    "application_scores": ("application_id",),
    "rating_patterns": ("program_id", "theme", "quarter", "n_0", "n_1", "n_2", "n_3", "n_4"),
    "hire_profiles": ("person_id", "program_id", "hired_on"),
}


def _assert_derived_equal_live(con) -> None:
    for table, key in DERIVED.items():
        stored = con.sql(f"select * from {table}").pl().sort(key)  # noqa: S608 - fixed names
        live = con.sql(f"select * from {table}_live").pl().sort(key)  # noqa: S608
        assert stored.height > 0, table
        assert_frame_equal(stored, live, check_exact=False, rel_tol=1e-12), table


def _hiring_interview(con) -> tuple[str, str]:
    """The latest hiring interview of an application of P01 that has ratings (and the application)."""
    return con.execute(
        "select interview_id, application_id from interviews"
        " where purpose = 'hiring' and program_id = 'P01'"
        " and interview_id in (select interview_id from ratings where theme = 'balance')"
        " qualify row_number() over (partition by application_id"
        "   order by interview_date desc, interview_id desc) = 1"
        " order by interview_id limit 1"
    ).fetchall()[0]


def test_an_import_leaves_every_materialized_table_equal_to_its_view(store):
    _assert_derived_equal_live(store.con)


def test_a_recorded_consensus_refreshes_its_application(store):
    con = store.con
    interview_id, application_id = _hiring_interview(con)
    before = con.execute(
        "select balance from application_scores where application_id = ?", [application_id]
    ).fetchall()[0][0]
    new = 0 if before is None or before >= 2 else 4
    scope = Scope("sup@example.org", (("supervisor", "P01"),))
    inter_rater.record_consensus(store, scope, "supervisor", interview_id, "balance", new, "panel")
    _assert_derived_equal_live(con)
    after = con.execute(
        "select balance from application_scores where application_id = ?", [application_id]
    ).fetchall()[0][0]
    assert after == new  # the latest hiring interview of this application is the one changed
    ranked = store.query("screening_ranked_by_application", program_ids=["P01"], high_score=3)
    assert ranked.filter(pl.col("application_id") == application_id)["balance"][0] == new


def test_changed_ratings_and_excerpts_of_one_interview_refresh_what_they_touch(store):
    con = store.con
    interview_id, _ = _hiring_interview(con)
    con.begin()
    con.execute("update ratings set score = 4 - score where interview_id = ?", [interview_id])
    con.execute("delete from excerpts where interview_id = ? and stance = 'counter'", [interview_id])
    db.refresh_derived(con, interview_id)
    con.commit()
    _assert_derived_equal_live(con)


def test_an_older_database_is_filled_when_opened(db_file):
    con = db.connect(db_file)
    con.execute("delete from application_scores")
    con.execute("delete from rating_patterns")
    con.execute("delete from hire_profiles")
    con.execute("delete from app_meta where key = ?", [db.DERIVED_KEY])
    con.close()
    con = db.connect(db_file)
    _assert_derived_equal_live(con)
    con.close()


@pytest.mark.parametrize("programs", [["P01"], ["P01", "P02", "P03"]])
def test_rating_patterns_by_theme_equals_the_rule_on_the_ratings(store, programs):
    # the query before materializing, kept here as the oracle
    oracle = store.con.sql(
        """
        with units as (
            select r.theme,
                strftime(i.interview_date, '%Y') || '-Q' || cast(quarter(i.interview_date) as varchar)
                    as quarter,
                count(*) filter (where r.score = 0) as n_0, count(*) filter (where r.score = 1) as n_1,
                count(*) filter (where r.score = 2) as n_2, count(*) filter (where r.score = 3) as n_3,
                count(*) filter (where r.score = 4) as n_4,
            from ratings r join interviews i on i.interview_id = r.interview_id
            where list_contains($programs, i.program_id)
            group by r.theme, r.interview_id, i.interview_date
        )
        select theme, quarter, n_0, n_1, n_2, n_3, n_4, count(*) as n_units from units
        group by all order by all
        """,
        params={"programs": programs},
    ).pl()
    got = store.query("rating_patterns_by_theme", program_ids=programs)
    assert got.height > 0
    assert_frame_equal(got, oracle)


def test_screening_scores_match_the_latest_hiring_interview(store):
    ranked = store.query("screening_ranked_by_application", program_ids=["P01", "P02"], high_score=3)
    latest = store.con.sql(
        """
        select s.application_id, s.theme, s.score from interview_theme_scores s
        join applications a using (application_id)
        where s.purpose = 'hiring' and a.program_id in ('P01', 'P02')
        qualify row_number() over (
            partition by s.application_id, s.theme order by s.interview_date desc, s.interview_id desc
        ) = 1
        """
    ).pl()
    wide = latest.pivot(on="theme", index="application_id", values="score")
    joined = ranked.join(wide, on="application_id", how="left", suffix="_oracle")
    assert joined.height == ranked.height > 0
    for theme in THEMES:
        expected = joined[f"{theme}_oracle"].round(2) if f"{theme}_oracle" in joined.columns else None
        if expected is None:
            assert joined[theme].is_null().all()
            continue
        diff = (joined[theme] - expected).abs().fill_null(0)
        assert diff.max() <= 0.005 + 1e-9, theme
        assert (joined[theme].is_null() == expected.is_null()).all(), theme
    counts = store.con.sql(
        """
        select i.application_id, count(*) filter (where e.stance = 'supports') as s,
            count(*) filter (where e.stance = 'counter') as c
        from excerpts e join interviews i using (interview_id)
        where i.purpose = 'hiring' group by 1
        """
    ).pl()
    check = ranked.join(counts, on="application_id", how="left").with_columns(
        pl.col("s").fill_null(0), pl.col("c").fill_null(0)
    )
    assert (check["supporting"] == check["s"]).all() and (check["counter"] == check["c"]).all()


def _meta(con) -> str:
    return con.execute("select value from app_meta where key = ?", [db.DERIVED_KEY]).fetchall()[0][0]


def test_a_large_import_refreshes_just_after_its_commit(tmp_path, monkeypatch):
    from conftest import SAMPLE

    from dashboard.ingest import importer, writer

    monkeypatch.setattr(writer, "INLINE_REFRESH_ROWS", 0)  # every batch counts as large
    real, threads = db.refresh_derived_tables, []

    def noting_threads(con):
        threads.append(con.execute("select current_setting('threads')").fetchall()[0][0])
        return real(con)

    monkeypatch.setattr(db, "refresh_derived_tables", noting_threads)
    con = db.connect(tmp_path / "large.duckdb")
    con.execute("set threads = 2")
    assert importer.import_batch([SAMPLE], con).written
    _assert_derived_equal_live(con)
    assert _meta(con) == db.DERIVED_VERSION
    # on one of DuckDB's threads (half the memory at scale 1,000), and the setting given back
    assert threads == [writer.REFRESH_THREADS] == [1]
    assert con.execute("select current_setting('threads')").fetchall()[0][0] == 2
    con.close()


def test_a_refresh_that_fails_after_a_large_import_is_redone_on_opening(tmp_path, monkeypatch):
    from conftest import SAMPLE

    from dashboard.ingest import importer, writer

    monkeypatch.setattr(writer, "INLINE_REFRESH_ROWS", 0)

    def failing(con):
        raise RuntimeError("power cut")

    path = tmp_path / "cut.duckdb"
    con = db.connect(path)
    monkeypatch.setattr(db, "refresh_derived_tables", failing)
    with pytest.raises(RuntimeError):
        importer.import_batch([SAMPLE], con)
    assert con.execute("select count(*) from ratings").fetchall()[0][0] > 0  # the import committed
    assert con.execute("select count(*) from application_scores").fetchall()[0][0] == 0
    assert _meta(con) == "stale"
    con.close()
    monkeypatch.undo()
    con = db.connect(path)
    _assert_derived_equal_live(con)
    assert _meta(con) == db.DERIVED_VERSION
    con.close()


def test_a_refresh_out_of_memory_after_a_large_import_is_redone_without_the_cap_not_rewritten(
    tmp_path, monkeypatch
):
    """The import has committed when the refresh after it runs out of memory under the import's
    cap: the refresh is tried again without the cap, and the import is not written a second time
    (it once was, as if nothing had been written: twice the work, and more memory)."""
    import duckdb
    from conftest import SAMPLE

    from dashboard.ingest import importer, writer

    monkeypatch.setattr(writer, "INLINE_REFRESH_ROWS", 0)
    real, refreshes, writes = db.refresh_derived_tables, [], []
    real_write = writer.write_table

    def tight_once(con):
        refreshes.append(con.execute("select current_setting('memory_limit')").fetchall()[0][0])
        if len(refreshes) == 1:
            raise duckdb.OutOfMemoryException("could not allocate block")
        real(con)

    def counted(con, table, stage):
        writes.append(table.name)
        return real_write(con, table, stage)

    monkeypatch.setattr(db, "refresh_derived_tables", tight_once)
    monkeypatch.setattr(writer, "write_table", counted)
    monkeypatch.setenv("VOCATION_IMPORT_MEMORY", "300MB")
    con = db.connect(tmp_path / "oom.duckdb")
    outside = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    report = importer.import_batch([SAMPLE], con)
    assert report.written and sum(c["inserted"] for c in report.counts.values()) > 0
    assert len(writes) == len(set(writes))  # each table written once
    # the second without any import cap: the limit outside the import (once it was the check's 1 GB)
    assert len(refreshes) == 2 and abs(_bytes(refreshes[1]) / _bytes(outside) - 1) < 0.01
    assert _bytes(refreshes[0]) < 0.5 * _bytes(outside)
    _assert_derived_equal_live(con)
    assert _meta(con) == db.DERIVED_VERSION
    con.close()


def _bytes(limit: str) -> float:
    """DuckDB's memory limit as shown ('286.1 MiB', '18.7 GiB') in bytes."""
    number, unit = limit.split()
    return float(number) * {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[unit]


# --- with the scorecards, the blind rule and backups ----------------------------------------


def test_a_submitted_scorecard_counts_its_first_submission_in_rating_patterns(store):
    from test_scorecards import GOOD, confirm_and_submit, rater_scope, schedule_hiring

    from dashboard.scorecards import cards
    from dashboard.scorecards.cards import Card

    interview_id = schedule_hiring(store, panel=("R01", "R02"))
    _assert_derived_equal_live(store.con)  # the application's row counts the scheduled interview
    for rater in ("R01", "R02"):
        confirm_and_submit(store, interview_id, rater)
    _assert_derived_equal_live(store.con)
    patterns = store.query("rating_patterns_by_theme", program_ids=["P01"])
    amended = Card({**GOOD.scores, "balance": 0}, GOOD.excerpts)
    cards.amend(store, rater_scope(store, "R01"), interview_id, "R01", amended, "typo")
    _assert_derived_equal_live(store.con)
    # the amendment changes the ratings (and the scores) but not the independent patterns
    assert store.con.execute(
        "select score from ratings where interview_id = ? and rater_id = 'R01' and theme = 'balance'",
        [interview_id],
    ).fetchall() == [(0,)]
    assert_frame_equal(store.query("rating_patterns_by_theme", program_ids=["P01"]), patterns)


def test_a_reader_blinded_to_someone_gets_patterns_without_that_persons_interviews(store):
    con = store.con
    ids = ("P01",)
    whole = inter_rater._patterns(store, ids, ())
    live = store.query("rating_patterns_by_theme_blind", program_ids=list(ids), hidden_person_ids=[])
    assert_frame_equal(whole, live)  # the materialized sum answers as the live rule does
    person = con.execute(
        "select i.person_id from interviews i join ratings r using (interview_id)"
        " where i.program_id = 'P01' group by 1 order by count(distinct i.interview_id) desc, 1 limit 1"
    ).fetchall()[0][0]
    units = con.execute(
        "select count(*) from (select distinct r.interview_id, r.theme from ratings_independent r"
        " join interviews i using (interview_id) where i.person_id = ? and i.program_id = 'P01')",
        [person],
    ).fetchall()[0][0]
    blinded = inter_rater._patterns(store, ids, (person,))
    assert units > 0
    assert blinded["n_units"].sum() == whole["n_units"].sum() - units


@pytest.mark.parametrize("stale", [False, True])
def test_a_restored_backup_has_its_materialized_tables_equal_to_their_views(store, tmp_path, stale):
    from dashboard.ops import backup, backup_schedule

    interview_id, _ = _hiring_interview(store.con)
    scope = Scope("sup@example.org", (("supervisor", "P01"),))
    inter_rater.record_consensus(store, scope, "supervisor", interview_id, "balance", 4, "panel")
    if stale:  # as if the backup ran between a large import's commit and its refresh
        store.con.execute("delete from rating_patterns")
        db.mark_derived_stale(store.con)
    backup.create_backup(store, Scope.system(), tmp_path / "backups")
    (folder,) = backup_schedule.complete_backups(tmp_path / "backups")
    restored = tmp_path / "restored.duckdb"
    backup.restore_backup(folder, restored)
    con = db.connect(restored)  # opening refreshes stale or older materialized tables
    try:
        _assert_derived_equal_live(con)
        assert _meta(con) == db.DERIVED_VERSION
    finally:
        con.close()


def test_a_page_read_that_finds_no_memory_during_an_import_is_tried_again(tmp_path, monkeypatch):
    """DuckDB's memory limit is the process's: while an import in the app caps it, a page's query
    may run out of memory for a moment (the load test saw it as an error on Overview); it waits
    and tries again instead."""
    import threading

    import duckdb

    from dashboard.core import query_files

    con = db.connect(tmp_path / "x.duckdb")
    hungry = "-- hungry: a list held whole in memory\n-- params: none\nselect len(list(range)) as n from range(3000000)"
    monkeypatch.setattr(
        db, "sql_text", lambda name: hungry if name == "hungry" else query_files.sql_text(name)
    )
    con.execute("set memory_limit = '8MB'")  # as tight as an import's cap leaves it
    with pytest.raises(duckdb.OutOfMemoryException):
        con.cursor().sql(hungry).pl()
    threading.Timer(0.2, lambda: con.execute("set memory_limit = '1GB'")).start()  # the import ends
    assert db.run_query(con, "hungry")["n"][0] == 3_000_000
    con.close()


def _import_changed(store, tmp_path, monkeypatch, files: dict[str, str]) -> tuple[list[str], object]:
    """Import CSVs (name -> text) through the importer; the materialized tables it refreshed."""
    from dashboard.ingest.importer import import_batch
    from dashboard.store import derived

    seen: list[list[str]] = []
    real = derived.refresh_derived_for

    def spy(con, changed):
        seen.append(real(con, changed))
        return seen[-1]

    monkeypatch.setattr(derived, "refresh_derived_for", spy)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    report = import_batch([tmp_path / n for n in files], store.con, imported_by="test")
    assert report.ok and report.written, report.text()
    return (seen[0] if seen else None), report


def test_an_import_refreshes_only_the_materialized_tables_that_read_what_it_changed(
    store, tmp_path, monkeypatch
):
    """Excerpts alone (a coded project's, say) refresh application_scores only, not the 8 s of
    interview_theme_scores at scale 1,000; a changed rating refreshes all four, in order; an
    outcome alone refreshes none. Every table equals its live view after each."""
    con = store.con
    interview_id, _ = _hiring_interview(con)
    excerpt = con.execute(
        "select excerpt_id, interview_id, rater_id, theme, coalesce(subtheme, ''), stance"
        " from excerpts where interview_id = ? order by excerpt_id limit 1",
        [interview_id],
    ).fetchall()[0]
    row = ",".join(excerpt) + ',"A new passage, imported from a coded project."'
    header = "excerpt_id,interview_id,rater_id,theme,subtheme,stance,text\n"
    new = row.replace(excerpt[0], "E9999999", 1)
    refreshed, _ = _import_changed(store, tmp_path, monkeypatch, {"excerpts.csv": header + new + "\n"})
    assert refreshed == ["application_scores"]
    _assert_derived_equal_live(con)

    rater, theme, score = con.execute(
        "select rater_id, theme, score from ratings where interview_id = ? order by 1, 2 limit 1",
        [interview_id],
    ).fetchall()[0]
    ratings = f"interview_id,rater_id,theme,score\n{interview_id},{rater},{theme},{4 - score}\n"
    refreshed, _ = _import_changed(store, tmp_path, monkeypatch, {"ratings.csv": ratings})
    assert refreshed == ["interview_theme_scores", "application_scores", "rating_patterns", "hire_profiles"]
    _assert_derived_equal_live(con)

    person, measured_on, measure = con.execute(
        "select person_id, measured_on, measure from outcomes order by 1, 2, 3 limit 1"
    ).fetchall()[0]
    outcome = f"person_id,measured_on,measure,value\n{person},{measured_on},{measure},12.5\n"
    refreshed, _ = _import_changed(store, tmp_path, monkeypatch, {"outcomes.csv": outcome})
    assert refreshed == []
    _assert_derived_equal_live(con)
    assert db.derived_current(con)


def test_an_import_refreshes_every_materialized_table_when_they_were_stale(store, tmp_path, monkeypatch):
    """Tables marked stale (a refresh after a large import that failed) are refilled whole by the
    next import, whatever it changed."""
    from dashboard.store import derived

    con = store.con
    con.execute("delete from rating_patterns")
    derived.mark_derived_stale(con)
    called: list = []
    monkeypatch.setattr(derived, "refresh_derived_for", lambda *a: called.append(a) or [])
    person, measured_on, measure = con.execute(
        "select person_id, measured_on, measure from outcomes order by 1, 2, 3 limit 1"
    ).fetchall()[0]
    (tmp_path / "outcomes.csv").write_text(
        f"person_id,measured_on,measure,value\n{person},{measured_on},{measure},13.5\n"
    )
    from dashboard.ingest.importer import import_batch

    report = import_batch([tmp_path / "outcomes.csv"], con, imported_by="test")
    assert report.ok and report.written, report.text()
    assert called == []
    _assert_derived_equal_live(con)
    assert db.derived_current(con)
