"""Scheduling, panels and scorecards on a real copy of the sample database: every rule, the
transaction (nothing written on a broken rule), materializing into ratings and excerpts, the
first submission kept for Reliability, the importer's respect for app-owned rows, the
interviewer role, and concurrent submits while an import runs."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest
from conftest import ROOT, SAMPLE, table_checksums

from dashboard.core.access import AccessDenied, Scope
from dashboard.hiring import screening
from dashboard.ingest.importer import import_batch
from dashboard.ops import users
from dashboard.scorecards import cards, interviews
from dashboard.scorecards.cards import Card, CardError, Excerpt
from dashboard.store import audit, db

SUPERVISOR = Scope("sup@example.org", (("supervisor", "P01"),))
DIRECTOR = Scope("td@example.org", (("training_director", "P02"),))
ADMIN = Scope("admin@example.org", (("admin", ""),))
TODAY = date.today()


@pytest.fixture
def store(db_file):
    s = db.Store.open(db_file)
    yield s
    s.close()


def rater_email(store, rater_id: str) -> str:
    return store.query("rater_list").filter(pl.col("rater_id") == rater_id)["email"][0]


def rater_scope(store, rater_id: str) -> Scope:
    """The signed-in interviewer who is this rater (matched by email, here in upper case)."""
    return Scope(rater_email(store, rater_id).upper(), (("interviewer", ""),))


def open_application(store, program: str = "P01", nth: int = 0) -> dict:
    rows = store.con.execute(
        "select application_id, person_id from applications where program_id = $p and status = 'open'"
        " order by application_id",
        {"p": program},
    ).fetchall()
    return {"application_id": rows[nth][0], "person_id": rows[nth][1]}


def schedule_hiring(store, panel=("R01", "R02"), on=TODAY - timedelta(days=1), nth=0) -> str:
    app = open_application(store, nth=nth)
    return interviews.schedule(
        store, SUPERVISOR, interviews.Request(on, tuple(panel), application_id=app["application_id"])
    )


GOOD = Card(
    {"balance": 3, "learning": 0, "fit": None},
    (
        Excerpt("balance", "supports", "I run with a club on Sundays; it keeps me whole."),
        Excerpt("learning", "counter", "I stopped going to trainings years ago."),
    ),
)


def confirm_and_submit(store, interview_id, rater_id, card=GOOD) -> int:
    who = rater_scope(store, rater_id)
    cards.confirm_no_conflict(store, who, interview_id, rater_id)
    return cards.submit(store, who, interview_id, rater_id, card)


# --- scheduling -----------------------------------------------------------------------------


def test_scheduling_writes_the_interview_its_panel_and_an_audit_entry(store):
    interview_id = schedule_hiring(store)
    row = interviews.interview(store, interview_id)
    assert row["app_owned"] and row["purpose"] == "hiring" and row["program_id"] == "P01"
    seats = interviews.panel_seats(store, [interview_id])
    assert seats["rater_id"].to_list() == ["R01", "R02"]
    assert set(seats["status"]) == {"not started"}
    log = audit.read_log(store, ADMIN, action="schedule")
    assert log.height == 1 and interview_id in log["object"][0] and log["who"][0] == SUPERVISOR.email


def test_scheduling_lists_every_broken_rule_and_writes_nothing(store):
    before = table_checksums(store.con)
    app = open_application(store)
    req = interviews.Request("2026-02-30", ("R01", "R01", "R99"), application_id=app["application_id"])
    with pytest.raises(interviews.ScheduleError) as err:
        interviews.schedule(store, SUPERVISOR, req)
    assert err.value.problems == [
        "the date '2026-02-30' is not a date as YYYY-MM-DD",
        "a rater is named twice on the panel",
        "--panel R99: no rater has this id",
    ]
    five = interviews.Request(
        TODAY, ("R01", "R02", "R03", "R04", "R05"), application_id=app["application_id"]
    )
    with pytest.raises(interviews.ScheduleError, match="1 to 4 raters"):
        interviews.schedule(store, SUPERVISOR, five)
    with pytest.raises(interviews.ScheduleError, match="1 to 4 raters"):
        interviews.schedule(
            store, SUPERVISOR, interviews.Request(TODAY, (), application_id=app["application_id"])
        )
    assert table_checksums(store.con) == before


def test_scheduling_is_refused_outside_the_schedulers_programs(store):
    other = open_application(store, program="P02")
    with pytest.raises(AccessDenied):
        interviews.schedule(
            store, SUPERVISOR, interviews.Request(TODAY, ("R01",), application_id=other["application_id"])
        )
    with pytest.raises(AccessDenied):  # a training director does not schedule hiring interviews
        interviews.schedule(
            store, DIRECTOR, interviews.Request(TODAY, ("R01",), application_id=other["application_id"])
        )


def test_a_training_director_schedules_a_trainees_review_but_not_a_strangers(store):
    trainee = store.con.execute(
        "select e.person_id from enrollments e join cohorts c using (cohort_id) where c.program_id = 'P02'"
        " order by 1 limit 1"
    ).fetchall()[0][0]
    req = interviews.Request(TODAY, ("R03",), person_id=trainee, program_id="P02", purpose="midpoint")
    interview_id = interviews.schedule(store, DIRECTOR, req)
    assert interviews.interview(store, interview_id)["purpose"] == "midpoint"
    stranger = open_application(store)["person_id"]
    bad = interviews.Request(TODAY, ("R03",), person_id=stranger, program_id="P02", purpose="hiring")
    with pytest.raises(interviews.ScheduleError) as err:
        interviews.schedule(store, DIRECTOR, bad)
    assert any("purpose 'hiring'" in p for p in err.value.problems)
    assert any("no trainee or staff member of P02" in p for p in err.value.problems)


def test_add_to_panel_after_a_recusal_and_at_most_four(store):
    interview_id = schedule_hiring(store, panel=("R01", "R02", "R03", "R04"))
    with pytest.raises(interviews.ScheduleError, match="already has 4"):
        interviews.add_to_panel(store, SUPERVISOR, interview_id, "R05")
    cards.recuse(store, rater_scope(store, "R02"), interview_id, "R02", "She was my supervisee in 2024.")
    interviews.add_to_panel(store, SUPERVISOR, interview_id, "R05")
    seats = interviews.panel_seats(store, [interview_id])
    assert dict(zip(seats["rater_id"], seats["status"], strict=True))["R02"] == "recused"
    assert "R05" in seats["rater_id"].to_list()
    assert seats.filter(pl.col("rater_id") == "R02")["recusal_reason"][0] == "She was my supervisee in 2024."


# --- statuses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seat", "version", "days_ago", "expected"),
    [
        ("seated", None, -3, "not started"),
        ("confirmed", 0, 1, "draft"),
        ("confirmed", 0, 2, "overdue"),
        ("seated", None, 5, "overdue"),
        ("confirmed", 1, 9, "submitted"),
        ("confirmed", 3, 9, "submitted"),
        ("recused", None, 9, "recused"),
    ],
)
def test_seat_status(seat, version, days_ago, expected):
    on = date(2026, 6, 10)
    interview_date = on - timedelta(days=days_ago)
    assert interviews.seat_status(seat, version, interview_date, on) == expected
    frame = pl.DataFrame(
        {"seat_status": [seat], "latest_version": [version], "interview_date": [interview_date]},
        schema_overrides={"latest_version": pl.Int32},
    )
    assert interviews.with_status(frame, on)["status"][0] == expected


# --- the card's rules -----------------------------------------------------------------------


def test_a_score_without_an_excerpt_is_refused_beside_its_theme_and_nothing_is_written(store):
    interview_id = schedule_hiring(store)
    who = rater_scope(store, "R01")
    cards.confirm_no_conflict(store, who, interview_id, "R01")
    before = table_checksums(store.con)
    card = Card({"balance": 3, "fit": 2}, (Excerpt("balance", "supports", "I garden."),))
    with pytest.raises(CardError) as err:
        cards.submit(store, who, interview_id, "R01", card)
    assert err.value.problems == [("fit", "a score needs at least one verbatim excerpt for this theme")]
    assert table_checksums(store.con) == before


def test_every_value_rule_is_reported_once():
    card = Card(
        {"balance": 7, "nonsense": 1, "fit": True},
        (Excerpt("fit", "maybe", " ", "hobby"), Excerpt("balance", "supports", "x" * 2001, "feedback")),
    )
    problems = cards.check_card(card, {"feedback": "adaptiveness", "hobbies": "balance"}, final=False)
    assert problems == [
        ("balance", "score 7 is not a whole number from 0 to 4"),
        ("nonsense", "is not a theme (balance, adaptiveness, transcendence, learning, fit, beliefs)"),
        ("fit", "score True is not a whole number from 0 to 4"),
        ("fit", "excerpt 1: sub-theme 'hobby' is not a sub-theme"),
        ("fit", "excerpt 1: stance 'maybe' is not one of: supports, counter"),
        ("fit", "excerpt 1: the text is empty"),
        ("balance", "excerpt 2: sub-theme 'feedback' belongs to another theme"),
        ("balance", "excerpt 2: the text is longer than 2000 characters"),
    ]
    assert cards.check_card(Card(), {}, final=True) == [
        ("", "score at least one theme (the others are 'not assessed')")
    ]


def test_cli_syntax_parses_subthemes_and_flags_contradictions():
    card, problems = cards.parse_cli(
        ["balance=3", "fit=x", "balance=2"],
        ["learning", "balance"],
        ["balance/hobbies:supports:I paint: oils, mostly", "broken"],
    )
    assert card.scores == {"balance": 3, "learning": None}
    assert card.excerpts == (Excerpt("balance", "supports", "I paint: oils, mostly", "hobbies"),)
    assert [m for _, m in problems] == [
        "--score 'fit=x': write THEME=N with N a whole number from 0 to 4",
        "is given twice",
        "has a score and is marked not assessed",
        "--excerpt 'broken': write THEME[/SUBTHEME]:STANCE:TEXT",
    ]


# --- draft, submit, amend -------------------------------------------------------------------


def test_the_form_opens_only_after_a_conflict_check_and_only_for_the_raters_own_seat(store):
    interview_id = schedule_hiring(store)
    who = rater_scope(store, "R01")
    with pytest.raises(CardError, match="confirm you have no conflict"):
        cards.save_draft(store, who, interview_id, "R01", GOOD)
    with pytest.raises(AccessDenied):  # R01 may not write R02's card
        cards.save_draft(store, who, interview_id, "R02", GOOD)
    with pytest.raises(AccessDenied):
        cards.own_card(store, who, interview_id, "R02")
    outsider = rater_scope(store, "R07")
    with pytest.raises(CardError, match="not on the panel"):
        cards.confirm_no_conflict(store, outsider, interview_id, "R07")


def test_draft_submit_materializes_ratings_excerpts_and_scores(store):
    interview_id = schedule_hiring(store)
    app = open_application(store)
    who = rater_scope(store, "R01")
    cards.confirm_no_conflict(store, who, interview_id, "R01")
    cards.save_draft(store, who, interview_id, "R01", Card({"balance": 2}))
    mine = cards.own_card(store, who, interview_id, "R01")
    assert not mine.submitted and mine.card.scores == {"balance": 2}
    assert (
        store.con.execute(
            "select count(*) from ratings where interview_id = $i", {"i": interview_id}
        ).fetchall()[0][0]
        == 0
    )
    cards.submit(store, who, interview_id, "R01", GOOD)
    ratings = store.con.execute(
        "select theme, score from ratings where interview_id = $i order by theme", {"i": interview_id}
    ).fetchall()
    assert ratings == [("balance", 3), ("learning", 0)]  # 0 is a score; fit (not assessed) is absent
    stored = store.con.execute(
        "select s.theme, s.score from app_scorecard_scores s join app_scorecards c using (scorecard_id)"
        " where c.interview_id = $i and s.theme = 'fit'",
        {"i": interview_id},
    ).fetchall()
    assert stored == [("fit", None)]
    texts = store.con.execute(
        "select text from excerpts where interview_id = $i", {"i": interview_id}
    ).fetchall()
    assert len(texts) == 2
    scores = store.con.execute(
        "select theme, score from interview_theme_scores where interview_id = $i order by theme",
        {"i": interview_id},
    ).fetchall()
    assert scores == [("balance", 3.0), ("learning", 0.0)]
    row = screening.ranked_applicants(store, SUPERVISOR, "P01").filter(
        pl.col("application_id") == app["application_id"]
    )
    assert row["balance"][0] == 3.0  # Screening reads the in-app rating like an imported one
    assert store.con.execute("select count(*) from app_scorecards where version = 0").fetchall()[0][0] == 0
    assert audit.read_log(store, ADMIN, action="submit").height == 1


def test_submitting_twice_is_refused_and_an_amendment_keeps_the_first_submission(store):
    interview_id = schedule_hiring(store)
    confirm_and_submit(store, interview_id, "R01")
    who = rater_scope(store, "R01")
    with pytest.raises(CardError, match="already submitted"):
        cards.submit(store, who, interview_id, "R01", GOOD)
    changed = Card({"balance": 4}, (Excerpt("balance", "supports", "Sundays are sacred to me."),))
    with pytest.raises(CardError, match="needs a reason"):
        cards.amend(store, who, interview_id, "R01", changed, " ")
    cards.amend(store, who, interview_id, "R01", changed, "Typed 3 for 4 by mistake")
    latest = store.con.execute(
        "select theme, score from ratings where interview_id = $i", {"i": interview_id}
    ).fetchall()
    assert latest == [("balance", 4)]
    first = store.con.execute(
        "select theme, score from ratings_independent where interview_id = $i order by theme",
        {"i": interview_id},
    ).fetchall()
    assert first == [("balance", 3), ("learning", 0)]  # Reliability's independent rating
    versions = store.query("scorecard_versions_for_seat", interview_id=interview_id, rater_id="R01")
    assert versions["version"].to_list() == [1, 2] and versions["reason"][1] == "Typed 3 for 4 by mistake"
    assert audit.read_log(store, ADMIN, action="amend").height == 1


def test_a_card_is_submitted_from_the_interview_day_on(store):
    interview_id = schedule_hiring(store, on=TODAY + timedelta(days=2))
    who = rater_scope(store, "R01")
    cards.confirm_no_conflict(store, who, interview_id, "R01")
    cards.save_draft(store, who, interview_id, "R01", GOOD)  # a draft at any time
    with pytest.raises(CardError, match="submit from that day"):
        cards.submit(store, who, interview_id, "R01", GOOD)


def test_a_recusal_needs_a_reason_is_audited_and_ends_the_seat(store):
    interview_id = schedule_hiring(store)
    who = rater_scope(store, "R02")
    with pytest.raises(CardError, match="say why"):
        cards.recuse(store, who, interview_id, "R02", "")
    cards.recuse(store, who, interview_id, "R02", "Former client of mine")
    with pytest.raises(CardError, match="recused"):
        cards.confirm_no_conflict(store, who, interview_id, "R02")
    assert audit.read_log(store, ADMIN, action="recusal")["object"][0] == f"{interview_id}: R02 recused"


def test_panel_cards_are_shown_side_by_side_only_once_submitted(store):
    interview_id = schedule_hiring(store)
    a, b = rater_scope(store, "R01"), rater_scope(store, "R02")
    confirm_and_submit(store, interview_id, "R01")
    cards.confirm_no_conflict(store, b, interview_id, "R02")
    cards.save_draft(store, b, interview_id, "R02", Card({"fit": 1}))
    assert cards.submitted_cards(store, b, interview_id).is_empty()  # B is blind until B submits
    shown = cards.submitted_cards(store, a, interview_id)
    assert set(shown["rater_id"]) == {"R01"}  # B's draft is B's alone
    confirm_and_submit(
        store, interview_id, "R02", Card({"fit": 1}, (Excerpt("fit", "counter", "I want a desk job."),))
    )
    wide = cards.side_by_side(cards.submitted_cards(store, b, interview_id))
    assert wide.height == 6 and wide.width == 3
    fit = wide.filter(pl.col("theme") == "fit").row(0)
    assert "[counter] I want a desk job." in " ".join(str(v) for v in fit)


# --- the command line -----------------------------------------------------------------------


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_schedules_records_and_lists(db_file, store):
    app = open_application(store)
    store.close()
    on = (TODAY - timedelta(days=1)).isoformat()
    done = run_cli("interviews", "schedule", "--application", app["application_id"], "--on", on,
                   "--panel", "R01", "--panel", "R02", "--db", str(db_file))  # fmt: skip
    assert done.returncode == 0, done.stderr
    interview_id = done.stdout.strip().splitlines()[-1]
    assert interview_id.startswith("VI")
    bad = run_cli("scorecard", "record", "--interview", interview_id, "--rater", "R01", "--score", "fit=5",
                  "--score", "balance=2", "--excerpt", "fit:maybe:x", "--db", str(db_file))  # fmt: skip
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "error: fit: score 5 is not a whole number from 0 to 4",
        "error: fit: excerpt 1: stance 'maybe' is not one of: supports, counter",
        "error: balance: a score needs at least one verbatim excerpt for this theme",
    ]
    ok = run_cli("scorecard", "record", "--interview", interview_id, "--rater", "R01", "--score", "fit=3",
                 "--not-assessed", "beliefs", "--excerpt", "fit/motivation:supports:This clinic is why I trained.",
                 "--db", str(db_file))  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    listed = run_cli(
        "scorecard", "list", "--interview", interview_id, "--format", "json", "--db", str(db_file)
    )
    rows = pl.read_json(listed.stdout.encode())
    assert dict(zip(rows["rater_id"], rows["status"], strict=True)) == {
        "R01": "submitted",
        "R02": "not started",
    }
    refused = run_cli("interviews", "schedule", "--person", "U00001", "--program", "P01", "--purpose", "exit",
                      "--on", "tomorrow", "--db", str(db_file))  # fmt: skip
    assert refused.returncode == 1
    assert "error: the date 'tomorrow' is not a date as YYYY-MM-DD" in refused.stderr
    assert "error: a panel has 1 to 4 raters (got 0)" in refused.stderr


def test_users_add_interviewer_needs_a_rater_with_that_email(store):
    with pytest.raises(users.UserChangeError, match="no rater has the email"):
        users.grant_role(store, ADMIN, "nobody@example.org", "interviewer")
    with pytest.raises(users.UserChangeError, match="give it no --program"):
        users.grant_role(store, ADMIN, rater_email(store, "R01"), "interviewer", ["P01"])
    assert users.grant_role(store, ADMIN, rater_email(store, "R01").upper(), "interviewer") == 1


# --- the importer and app-owned rows --------------------------------------------------------


def test_an_import_refuses_rows_colliding_with_app_owned_ones_and_never_changes_them(store, tmp_path):
    interview_id = schedule_hiring(store)
    confirm_and_submit(store, interview_id, "R01")
    owned = table_checksums(store.con)
    (tmp_path / "ratings.csv").write_text(f"interview_id,rater_id,theme,score\n{interview_id},R03,fit,2\n")
    report = import_batch([tmp_path / "ratings.csv"], store.con)
    assert not report.ok and not report.written
    problem = report.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "ratings.csv",
        2,
        "interview_id",
        interview_id,
    )
    assert "made in Vocation" in problem.rule
    assert table_checksums(store.con) == owned
    # re-importing the whole sample leaves the app's rows as they were
    again = import_batch([SAMPLE], store.con)
    assert again.ok, again.text()
    after = table_checksums(store.con)
    for table in ("app_interviews", "app_panel_seats", "app_scorecards", "app_scorecard_scores"):
        assert after[table] == owned[table]
    assert (
        store.con.execute(
            "select count(*) from ratings where interview_id = $i", {"i": interview_id}
        ).fetchall()[0][0]
        == 2
    )


def test_an_import_may_add_coded_evidence_to_an_app_interview_under_a_key_of_its_own(store, tmp_path):
    interview_id = schedule_hiring(store)
    (tmp_path / "excerpts.csv").write_text(
        "excerpt_id,interview_id,rater_id,theme,subtheme,stance,text\n"
        f"QX1,{interview_id},R02,fit,,supports,Coded later from the recording\n"
    )
    report = import_batch([tmp_path / "excerpts.csv"], store.con)
    assert report.ok and report.written, report.text()
    texts = store.con.execute(
        "select text from excerpts where interview_id = $i", {"i": interview_id}
    ).fetchall()
    assert texts == [("Coded later from the recording",)]


def test_rater_email_is_checked_on_import(store, tmp_path):
    (tmp_path / "raters.csv").write_text(
        "rater_id,full_name,email\nR90,New Rater,not-an-address\nR91,Other,\n"
    )
    report = import_batch([tmp_path / "raters.csv"], store.con)
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(2, "email", "is not an email address")]


def test_two_raters_submit_at_the_same_moment_while_an_import_runs(db_file, store):
    interview_id = schedule_hiring(store, panel=("R01", "R02"))
    for rater in ("R01", "R02"):
        cards.confirm_no_conflict(store, rater_scope(store, rater), interview_id, rater)
    app_store = db.Store(store.con, db_file, cached=True)  # one connection shared by threads, as the app
    start, errors = threading.Barrier(3), []

    def rate(rater):
        try:
            start.wait()
            cards.submit(app_store, rater_scope(store, rater), interview_id, rater, GOOD)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def load():
        try:
            start.wait()
            report = import_batch([SAMPLE], store.con.cursor())
            assert report.ok and report.written
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=rate, args=(r,)) for r in ("R01", "R02")] + [
        threading.Thread(target=load)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    kept = store.con.execute(
        "select rater_id, count(*) from ratings where interview_id = $i group by 1 order by 1",
        {"i": interview_id},
    ).fetchall()
    assert kept == [("R01", 2), ("R02", 2)]
    n_scores = store.con.execute(
        "select max(n_raters) from interview_theme_scores where interview_id = $i", {"i": interview_id}
    ).fetchall()[0][0]
    assert n_scores == 2


def test_a_database_from_before_the_interviewer_role_is_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "create table app_user_roles (email varchar not null, role varchar not null check (role in"
        " ('supervisor', 'training_director', 'leadership', 'admin')), program_id varchar not null default '',"
        " added_by varchar, added_at timestamp not null, primary key (email, role, program_id))"
    )
    con.execute("insert into app_user_roles values ('a@b.org', 'admin', '', 'x', now())")
    con.execute("create table raters (rater_id varchar primary key, full_name varchar not null)")
    con.close()
    con = db.connect(path)
    con.execute("insert into app_user_roles values ('c@d.org', 'interviewer', '', 'x', now())")
    assert con.execute("select count(*) from app_user_roles").fetchall()[0][0] == 2
    cols = [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = 'raters'"
        ).fetchall()
    ]
    assert cols == ["rater_id", "full_name", "email"]
    con.close()


def test_many_first_submissions_at_once_leave_the_materialized_tables_equal_to_their_views(db_file, store):
    ids = [schedule_hiring(store, nth=n) for n in range(4)]
    scopes = {r: rater_scope(store, r) for r in ("R01", "R02")}
    for interview_id in ids:
        for rater, who in scopes.items():
            cards.confirm_no_conflict(store, who, interview_id, rater)
    app_store = db.Store(store.con, db_file, cached=True)  # one connection shared by threads, as the app
    jobs = [(i, r) for i in ids for r in scopes]
    start, errors = threading.Barrier(len(jobs)), []

    def rate(interview_id, rater):
        try:
            start.wait()
            cards.submit(app_store, scopes[rater], interview_id, rater, GOOD)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=rate, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for table in ("interview_theme_scores", "application_scores", "rating_patterns", "hire_profiles"):
        stored = store.con.sql(f"select * from {table} except all select * from {table}_live").fetchall()  # noqa: S608
        live = store.con.sql(f"select * from {table}_live except all select * from {table}").fetchall()  # noqa: S608
        assert (stored, live) == ([], []), table
