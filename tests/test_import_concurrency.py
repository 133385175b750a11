"""Nobody waits behind an import (store/write_gate.py): small writes made while an import's
transaction is open commit at once; the import stays all or nothing; each submitted card reaches
the materialized tables exactly once (its refresh noted during the import and replayed after it);
killed in between, nothing is lost and the next opening replays what was noted."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from ops_helpers import env, wait_for_line
from test_crash_safety import _changed_export
from test_derived import _assert_derived_equal_live as assert_derived_equal_live
from test_scorecards import ADMIN, GOOD, rater_scope, schedule_hiring

from dashboard.core.access import Scope
from dashboard.hiring import screening
from dashboard.ingest import writer
from dashboard.ingest.importer import import_batch
from dashboard.ops import users
from dashboard.reliability import inter_rater
from dashboard.scorecards import cards
from dashboard.store import db

RATERS = ("R01", "R02")


@pytest.fixture
def store(db_file):
    s = db.Store.open(db_file)
    yield s
    s.close()


def _seated(store, count: int) -> list[str]:
    """`count` interviews scheduled yesterday, both raters' conflict checks confirmed."""
    ids = [schedule_hiring(store, panel=RATERS, nth=n) for n in range(count)]
    for interview_id in ids:
        for rater in RATERS:
            cards.confirm_no_conflict(store, rater_scope(store, rater), interview_id, rater)
    return ids


def _import_with_writes_inside(store, export, writes) -> tuple[dict, object]:
    """Import `export` on a cursor of the store's connection; once every table is written and
    before the transaction commits, run `writes()` in another thread and wait (at most 30 s) for it."""
    seen: dict = {}

    def progress(_fraction: float, what: str) -> None:
        if what != "updating scores" or "inside" in seen:
            return
        worker = threading.Thread(target=writes)
        start_at = time.perf_counter()
        worker.start()
        worker.join(30)
        seen["inside"] = not worker.is_alive()  # done while the import's transaction was open
        seen["seconds"] = time.perf_counter() - start_at
        probe = store.con.cursor()  # what others see now: the small writes, not the import
        seen["sites_meanwhile"] = probe.execute("select count(*) from sites where site_id = 'S55'").fetchall()
        seen["pending_meanwhile"] = probe.execute("select count(*) from app_pending_refresh").fetchall()
        probe.close()

    report = import_batch([export], store.con.cursor(), progress=progress)
    return seen, report


def test_small_writes_during_an_import_commit_before_it_ends_and_both_end_complete(
    db_file, store, tmp_path, monkeypatch
):
    attempts = []
    write_batch = writer.write_batch
    monkeypatch.setattr(writer, "write_batch", lambda *a, **k: attempts.append(1) or write_batch(*a, **k))
    ids = _seated(store, 4)
    scopes = {r: rater_scope(store, r) for r in RATERS}
    app = db.Store(store.con, db_file, cached=True)  # one connection shared by threads, as the app
    application = store.con.execute("select application_id from applications order by 1 limit 1").fetchall()[
        0
    ][0]
    queue = inter_rater.disagreement_queue(store, Scope.system(), "supervisor").row(0, named=True)
    errors: list[BaseException] = []
    jobs = [(i, r) for i in ids for r in RATERS]  # eight first submissions at once

    def writes() -> None:
        gate = threading.Barrier(len(jobs))

        def rate(interview_id: str, rater: str) -> None:
            try:
                gate.wait()
                cards.submit(app, scopes[rater], interview_id, rater, GOOD)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        raters = [threading.Thread(target=rate, args=job) for job in jobs]
        for t in raters:
            t.start()
        try:
            users.grant_role(app, ADMIN, "granted.during@example.org", "leadership")
            screening.record_decision(app, Scope.system(), application, "advance", "during the import")
            theme = queue["theme"]
            inter_rater.record_consensus(
                app, Scope.system(), "supervisor", queue["interview_id"], theme, 2, "during"
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        for t in raters:
            t.join()

    export = _changed_export(tmp_path)
    seen, report = _import_with_writes_inside(store, export, writes)
    assert errors == []
    assert report.ok and report.written, report.text()
    assert seen["inside"], "the small writes waited for the import"
    assert len(attempts) == 1  # the import met no conflict: it was not written again
    assert seen["sites_meanwhile"] == [(0,)]  # the import had not committed yet
    assert seen["pending_meanwhile"] == [(len(jobs) + 1,)]  # each card and the consensus, noted
    con = store.con
    # the import, whole
    assert con.execute("select count(*) from sites where site_id = 'S55'").fetchall() == [(1,)]
    people = con.execute(
        "select count(*), count(*) filter (full_name like 'Renamed %') from people"
    ).fetchall()
    assert people[0][0] == people[0][1]
    # each card's ratings once in the sources and in the materialized tables; every table equals its view
    kept = con.execute(
        "select count(*) from ratings where list_contains($ids, interview_id)", {"ids": ids}
    ).fetchall()
    assert kept == [(len(jobs) * 2,)]  # GOOD scores two themes
    n_raters = con.execute(
        "select interview_id, count(*), min(n_raters), max(n_raters) from interview_theme_scores"
        " where list_contains($ids, interview_id) and n_raters > 0 group by 1",
        {"ids": ids},
    ).fetchall()
    assert sorted(r[1:] for r in n_raters) == [(2, 2, 2)] * len(ids)
    assert_derived_equal_live(con)
    assert con.execute("select count(*) from app_pending_refresh").fetchall() == [(0,)]
    # the other small writes
    assert con.execute(
        "select count(*) from app_user_roles where email = 'granted.during@example.org'"
    ).fetchall()
    assert con.execute("select count(*) from app_decisions where note = 'during the import'").fetchall() == [
        (1,)
    ]
    assert con.execute("select count(*) from app_consensus where note = 'during'").fetchall() == [(1,)]


def test_an_import_that_fails_still_replays_the_refreshes_noted_meanwhile(
    db_file, store, tmp_path, monkeypatch
):
    (interview_id,) = _seated(store, 1)
    who = rater_scope(store, "R01")

    def writes() -> None:
        cards.submit(store, who, interview_id, "R01", GOOD)

    def fail(*_args) -> None:
        raise RuntimeError("the import's refresh failed")

    monkeypatch.setattr(db, "refresh_derived_tables", fail)
    with pytest.raises(RuntimeError):
        _import_with_writes_inside(store, _changed_export(tmp_path), writes)
    monkeypatch.undo()
    con = store.con
    assert con.execute("select count(*) from sites where site_id = 'S55'").fetchall() == [
        (0,)
    ]  # all or nothing
    assert con.execute(
        "select max(n_raters) from interview_theme_scores where interview_id = $i", {"i": interview_id}
    ).fetchall() == [(1,)]
    assert con.execute("select count(*) from app_pending_refresh").fetchall() == [(0,)]
    assert_derived_equal_live(con)


KILLED = """
import sys, threading, time
from dashboard.ingest import importer, writer
from dashboard.scorecards import cards
from dashboard.core.access import Scope
from dashboard.store import db
path, export, interview_id, email = sys.argv[1:5]
paused = threading.Event()

def pause(label):
    if label == "import":
        paused.set()
        time.sleep(120)

writer.pause_for_tests = pause  # inside the import's transaction, everything written, not committed
store = db.Store.open(path)
threading.Thread(target=lambda: importer.import_batch([export], store.con.cursor()), daemon=True).start()
assert paused.wait(120)
cards.submit(store, Scope(email, (("interviewer", ""),)), interview_id, "R01", GOOD)
print("card committed", file=sys.stderr, flush=True)
time.sleep(120)
"""


def test_killed_during_an_import_after_a_card_committed_the_card_is_kept_once_and_the_import_absent(
    db_file, store, tmp_path
):
    (interview_id,) = _seated(store, 1)
    email = rater_scope(store, "R01").email
    store.close()
    export = _changed_export(tmp_path)
    proc = _start_killed(db_file, export, interview_id, email)
    try:
        wait_for_line(proc.stderr, "card committed", proc)
    finally:
        proc.kill()
        proc.wait()
    con = db.connect(db_file)  # opening replays the refresh the card noted
    try:
        assert con.execute("select count(*) from sites where site_id = 'S55'").fetchall() == [(0,)]
        assert con.execute(
            "select count(*) from ratings where interview_id = $i", {"i": interview_id}
        ).fetchall() == [(2,)]
        assert con.execute(
            "select max(n_raters) from interview_theme_scores where interview_id = $i", {"i": interview_id}
        ).fetchall() == [(1,)]
        assert con.execute("select count(*) from app_pending_refresh").fetchall() == [(0,)]
        assert_derived_equal_live(con)
    finally:
        con.close()


def _start_killed(db_file, export, interview_id: str, email: str):
    """The KILLED script in its own process, with this test folder on its path (for GOOD)."""
    script = "from test_scorecards import GOOD\n" + KILLED
    return subprocess.Popen(
        [sys.executable, "-c", script, str(db_file), str(export), interview_id, email],
        cwd=db.ROOT,
        env=env(PYTHONPATH=f"{db.ROOT}:{db.ROOT / 'tests'}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_database_from_before_the_pending_refreshes_opens_with_the_table_added(db_file):
    con = db.connect(db_file)
    con.execute("drop table app_pending_refresh")
    con.close()
    con = db.connect(db_file)
    try:
        assert con.execute("select count(*) from app_pending_refresh").fetchall() == [(0,)]
    finally:
        con.close()


def test_a_write_open_when_the_import_has_committed_does_not_make_it_write_again(store, tmp_path):
    imports = store.con.execute("select count(*) from app_imports").fetchall()[0][0]
    other = store.con.cursor()
    other.begin()
    other.execute("insert into app_meta values ('open meanwhile', 'x')")  # DuckDB then refuses a checkpoint
    try:
        report = import_batch([_changed_export(tmp_path)], store.con.cursor())
    finally:
        other.rollback()
        other.close()
    assert report.written and report.counts["people"]["updated"] > 0, report.text()
    assert store.con.execute("select count(*) from app_imports").fetchall() == [(imports + 1,)]


def test_cached_reads_move_to_the_new_version_as_soon_as_the_import_commits(store, tmp_path, monkeypatch):
    # a page reading between the commit and the import's end must not cache the new rows under the
    # old version (beside reads of the old rows cached before): the version moves at the commit
    path, seen = store.path, []
    checkpoint = writer._checkpoint
    monkeypatch.setattr(
        writer, "_checkpoint", lambda con: (seen.append(db.data_version(path)), checkpoint(con))
    )
    before = db.data_version(path)
    report = import_batch([_changed_export(tmp_path)], store.con.cursor())
    assert report.written
    assert seen and seen[0] > before  # already bumped at the first step after the commit
    assert db.data_version(path) >= seen[0]


def test_a_small_write_waiting_during_the_replay_goes_in_between_two_interviews(store, monkeypatch):
    # Python's locks are not first come, first served: the replay gives way after each interview, so
    # a small write waits for one interview's refresh, not for all of them
    from dashboard.store import write_gate

    for n in range(6):
        store.con.execute(db.sql_text("pending_refresh_insert"), {"interview_id": f"replay-{n}"})

    def refresh(cur, interview_id) -> None:  # a refresh's Python work, holding the GIL for 0.1 s
        until = time.perf_counter() + 0.1
        while time.perf_counter() < until:
            pass

    monkeypatch.setattr(write_gate, "refresh_derived", refresh)
    got: dict[str, float] = {}

    def small_write() -> None:
        time.sleep(0.15)  # the replay is under way
        with db.WRITE_LOCK:
            got["write"] = time.perf_counter()

    writer_thread = threading.Thread(target=small_write)
    writer_thread.start()
    assert write_gate.replay_pending(store.con, db.WRITE_LOCK) == 6
    ended = time.perf_counter()
    writer_thread.join()
    assert ended - got["write"] > 0.2  # in at least two interviews before the replay's end
