"""Trainees as users: the trainee role, self-assessments (rules, writes, blind both ways), My growth,
Self-assessment, the training director's self vs panel, the command and report, the migration."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import duckdb
import polars as pl
import pytest
from conftest import ROOT, grant, open_tab, signed_in_app, table_checksums

from dashboard.core.access import AccessDenied, Scope, trainee_person_ids
from dashboard.demo import self_assessments as demo_sa
from dashboard.ops import backup, users
from dashboard.store import db
from dashboard.training import self_assessment, self_view
from dashboard.training.self_rules import REPORT_COLUMNS, SelfAssessment, SelfAssessmentError

GOOD = SelfAssessment({"balance": 3, "learning": 2}, {"balance": "I left on time.", "learning": "I asked."})


@pytest.fixture(scope="session")
def trainee_db_file(seeded_db_file, tmp_path_factory):
    """The sample database with its demo panels and demo self-assessments."""
    path = tmp_path_factory.mktemp("trainees") / "vocation.duckdb"
    shutil.copy(seeded_db_file, path)
    store = db.Store.open(path)
    assert demo_sa.seed(store) > 20
    store.close()
    return path


@pytest.fixture
def tdb(trainee_db_file, tmp_path):
    path = tmp_path / "vocation.duckdb"
    shutil.copy(trainee_db_file, path)
    return path


@pytest.fixture
def tstore(tdb, store_at):
    return store_at(tdb)


def me(store) -> tuple[str, Scope]:
    """The demo trainee's person id and scope."""
    email = demo_sa.demo_trainee_email(store)
    return demo_sa.demo_trainee(store), Scope(email, (("trainee", ""),), trainee_person_ids(store, email))


def review(store, person: str, purpose: str) -> str:
    rows = store.query(
        "reviews_for_people", person_ids=[person], program_ids=["P01", "P02", "P03", "P04", "P05", "P06"]
    )
    return rows.filter(pl.col("purpose") == purpose)["interview_id"][0]


# --- the role ----------------------------------------------------------------------------------


def test_users_add_trainee_refuses_bad_addresses_and_writes_nothing(tstore, tdb):
    admin = Scope.system()
    con = tstore.con
    con.execute("insert into people values ('U99998', 'Twin One', 'twin@example.org')")
    con.execute("insert into people values ('U99999', 'Twin Two', 'TWIN@example.org')")
    before = table_checksums(con)
    cases = {
        "nobody@example.org": "no person has the email",
        "ximena.mbeki.1@example.org": "has no enrollment",
        "twin@example.org": "shared by 2 people",
    }
    for email, message in cases.items():
        with pytest.raises(users.UserChangeError, match=message):
            users.grant_role(tstore, admin, email, "trainee")
    with pytest.raises(users.UserChangeError, match="give no --program"):
        users.grant_role(tstore, admin, demo_sa.demo_trainee_email(tstore), "trainee", ["P04"])
    assert table_checksums(con) == before
    email = demo_sa.demo_trainee_email(tstore).upper()
    assert users.grant_role(tstore, admin, email, "trainee") == 1
    assert trainee_person_ids(tstore, email) == (demo_sa.demo_trainee(tstore),)


def test_a_trainee_reads_no_program_and_only_their_own_reviews(tstore):
    person, scope = me(tstore)
    from dashboard.core.access import readable_programs
    from dashboard.training import tracking

    with pytest.raises(AccessDenied):
        readable_programs(tstore, scope, "trainee")
    with pytest.raises(AccessDenied):
        tracking.cohorts(tstore, scope)
    reviews = self_view.my_reviews(tstore, scope)
    assert reviews.height >= 2 and set(reviews["person_id"]) == {person}
    assert set(self_view.my_self_vs_panel(tstore, scope)["person_id"]) <= {person}


# --- writes ------------------------------------------------------------------------------------


def test_bad_self_assessments_are_refused_with_a_message_and_nothing_written(tstore):
    person, scope = me(tstore)
    other = "U00401"
    theirs = review(tstore, other, "intake")
    mine = review(tstore, person, "midpoint")
    before = table_checksums(tstore.con)
    no_example = SelfAssessment({"balance": 3}, {})
    with pytest.raises(SelfAssessmentError, match="needs an example"):
        self_assessment.submit(tstore, scope, mine, person, no_example)
    with pytest.raises(AccessDenied, match="only your own reviews"):
        self_assessment.submit(tstore, scope, theirs, other, GOOD)  # another person's review
    with pytest.raises(SelfAssessmentError, match="not a review of"):
        self_assessment.submit(tstore, scope, theirs, person, GOOD)  # a review not theirs
    admin = Scope.system()
    with pytest.raises(SelfAssessmentError, match="not a review of"):
        self_assessment.submit(tstore, admin, theirs, person, GOOD, paper=True)
    with pytest.raises(SelfAssessmentError, match="has no enrollment"):
        hiring = tstore.query("interviews_for_person", person_id="U00001", program_ids=["P05"])
        tstore.con.execute("update interviews set purpose = 'annual' where interview_id = 'I000001'")
        self_assessment.submit(tstore, admin, "I000001", "U00001", GOOD, paper=True)
    tstore.con.execute("update interviews set purpose = 'hiring' where interview_id = 'I000001'")
    assert hiring is not None
    assert table_checksums(tstore.con) == before


def test_draft_submit_amend_keep_the_first_submission_and_audit(tstore):
    person, scope = me(tstore)
    mine = review(tstore, person, "midpoint")
    self_assessment.save_draft(tstore, scope, mine, person, SelfAssessment({"fit": 2}, {}))
    self_assessment.submit(tstore, scope, mine, person, GOOD)
    with pytest.raises(SelfAssessmentError, match="already submitted"):
        self_assessment.submit(tstore, scope, mine, person, GOOD)
    with pytest.raises(SelfAssessmentError, match="needs a reason"):
        self_assessment.amend(tstore, scope, mine, person, GOOD, " ")
    changed = SelfAssessment({"balance": 4}, {"balance": "A better example."})
    self_assessment.amend(tstore, scope, mine, person, changed, "I remembered a better example")
    versions = tstore.query("self_assessment_versions_for_review", interview_id=mine, person_id=person)
    assert versions["version"].to_list() == [1, 2]
    first = tstore.query(
        "self_assessment_scores_for_ids", self_assessment_ids=[int(versions["self_assessment_id"][0])]
    )
    assert first.filter(pl.col("theme") == "balance")["score"][0] == 3
    log = tstore.con.execute(
        "select count(*) from app_audit_log where action = 'self_assessment' and who = $w", {"w": scope.email}
    ).fetchall()
    assert log[0][0] == 3


def test_self_scores_never_enter_ratings(tstore):
    person, scope = me(tstore)
    before = {t: table_checksums(tstore.con)[t] for t in ("ratings", "excerpts")}
    scores = tstore.con.execute("select count(*), sum(hash(t)) from interview_theme_scores t").fetchall()
    self_assessment.submit(tstore, scope, review(tstore, person, "midpoint"), person, GOOD)
    assert {t: table_checksums(tstore.con)[t] for t in before} == before
    assert (
        tstore.con.execute("select count(*), sum(hash(t)) from interview_theme_scores t").fetchall() == scores
    )


# --- blind both ways ---------------------------------------------------------------------------


def test_the_trainee_sees_panel_scores_only_after_submitting_and_a_complete_panel(tstore):
    person, scope = me(tstore)
    mine = review(tstore, person, "midpoint")  # imported, panel complete, a draft seeded
    reviews = self_view.my_reviews(tstore, scope)
    assert not reviews.filter(pl.col("interview_id") == mine)["released"][0]
    assert mine not in self_view.my_trajectory(tstore, scope)["interview_id"].to_list()
    self_assessment.submit(tstore, scope, mine, person, GOOD)
    assert mine in self_view.my_trajectory(tstore, scope)["interview_id"].to_list()
    shown = self_view.my_self_vs_panel(tstore, scope).filter(pl.col("interview_id") == mine)
    assert shown["panel_score"].is_not_null().any()
    pending = tstore.query("panel_seat_list", interview_id=None).filter(pl.col("person_id") == person)
    app_review = pending["interview_id"][0]  # the demo midpoint: R01's card still owed
    self_assessment.submit(tstore, scope, app_review, person, GOOD)
    row = self_view.my_reviews(tstore, scope).filter(pl.col("interview_id") == app_review)
    assert not row["panel_complete"][0] and not row["released"][0]


def test_a_rater_sees_the_self_assessment_only_after_submitting_their_card(tstore, tdb):
    from dashboard.demo import panels
    from dashboard.scorecards import cards

    person, scope = me(tstore)
    seat = tstore.query("panel_seat_list", interview_id=None).filter(pl.col("person_id") == person)
    interview_id = seat["interview_id"][0]
    self_assessment.submit(tstore, scope, interview_id, person, GOOD)
    rater = panels.demo_rater(tstore)
    who = panels._as_rater(tstore, rater)
    assert self_assessment.for_rater(tstore, who, interview_id, rater) is None
    cards.confirm_no_conflict(tstore, who, interview_id, rater)
    cards.save_draft(tstore, who, interview_id, rater, panels.demo_card({"balance": 2}))
    assert self_assessment.for_rater(tstore, who, interview_id, rater) is None
    tstore.con.execute(
        "update interviews set interview_date = current_date where interview_id = $i", {"i": interview_id}
    )
    cards.submit(tstore, who, interview_id, rater, panels.demo_card({"balance": 2}))
    shown = self_assessment.for_rater(tstore, who, interview_id, rater)
    assert shown.filter(pl.col("theme") == "balance")["example"][0] == "I left on time."
    # and now the panel is complete: the trainee sees its scores
    assert self_view.my_reviews(tstore, scope).filter(pl.col("interview_id") == interview_id)["released"][0]


# --- the training director and the report ------------------------------------------------------


def test_cohort_gaps_show_over_rating_at_intake_shrinking_at_exit(tstore):
    td = Scope("td@example.org", (("training_director", "P02"),))
    summary = self_view.cohort_gap_summary(tstore, td, "P02")
    learning = summary.intake_exit.filter(pl.col("theme") == "learning").row(0, named=True)
    assert learning["intake_gap"] > learning["exit_gap"] and learning["intake_n"] >= 5
    with pytest.raises(AccessDenied):
        self_view.cohort_gap_summary(tstore, td, "P04")


def test_report_columns_and_blanks(tdb):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard",
            "report",
            "self-assessment",
            "--program",
            "P02",
            "--db",
            str(tdb),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    frame = pl.read_csv(out.encode())
    assert tuple(frame.columns) == REPORT_COLUMNS and frame.height > 20
    both = frame.filter(pl.col("self_score").is_not_null() & pl.col("panel_score").is_not_null())
    assert ((both["self_score"] - both["panel_score"]).round(2) == both["gap"]).all()
    assert frame.filter(pl.col("self_score").is_null())["gap"].is_null().all()
    js = subprocess.run(
        [sys.executable, "-m", "dashboard", "report", "self-assessment", "--program", "P02", "--cohort", "C01",
         "--format", "json", "--db", str(tdb)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    ).stdout  # fmt: skip
    assert set(json.loads(js)[0]) == set(REPORT_COLUMNS)


def test_the_record_command_refuses_a_score_without_an_example(tdb):
    store = db.Store.open(tdb)
    person = demo_sa.demo_trainee(store)
    mine = review(store, person, "midpoint")
    store.close()
    run = [
        sys.executable,
        "-m",
        "dashboard",
        "self-assessment",
        "record",
        "--interview",
        mine,
        "--person",
        person,
    ]
    bad = subprocess.run(
        [*run, "--score", "fit=3", "--db", str(tdb)], capture_output=True, text=True, cwd=ROOT
    )
    assert bad.returncode == 1 and "needs an example" in bad.stderr
    ok = subprocess.run(
        [*run, "--score", "fit=3", "--example", "fit:I chose this clinic.", "--not-assessed", "beliefs", "--db", str(tdb)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr


# --- the migration and the backup --------------------------------------------------------------


def test_a_database_from_before_the_trainee_role_opens_with_everything_kept(tmp_path, sample_db_file):
    path = tmp_path / "old.duckdb"
    shutil.copy(sample_db_file, path)
    con = duckdb.connect(str(path))
    con.execute("drop table app_self_assessment_scores")
    con.execute("drop table app_self_assessments")
    con.execute("drop table app_user_roles")
    con.execute(
        "create table app_user_roles (email varchar not null, role varchar not null check (role in ('supervisor',"
        " 'training_director', 'leadership', 'admin', 'interviewer')), program_id varchar not null default '',"
        " added_by varchar, added_at timestamp not null, primary key (email, role, program_id))"
    )
    con.execute("insert into app_user_roles values ('a@b.org', 'admin', '', 'x', now())")
    people = con.execute("select count(*) from people").fetchall()
    con.close()
    con = db.connect(path)
    con.execute("insert into app_user_roles values ('c@d.org', 'trainee', '', 'x', now())")
    assert con.execute("select count(*) from app_user_roles").fetchall()[0][0] == 2
    assert con.execute("select count(*) from people").fetchall() == people
    assert con.execute("select count(*) from app_self_assessments").fetchall()[0][0] == 0
    con.close()


def test_self_assessments_are_in_the_backup(tstore, tmp_path):
    result = backup.create_backup(tstore, Scope.system(), tmp_path / "b")
    manifest = json.loads((result.path / "manifest.json").read_text())
    rows = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert rows["app_self_assessments"] > 20 and rows["app_self_assessment_scores"] > 100


# --- pages -------------------------------------------------------------------------------------


def everything_sent(at) -> str:
    """Every value of every element the page sent (tables, labels, options, texts)."""
    parts = []
    for kind in ("text", "markdown", "caption", "error", "success", "info", "warning", "header",
                 "subheader", "title", "selectbox", "radio", "text_area", "text_input", "button"):  # fmt: skip
        for e in at.get(kind):
            parts += [str(getattr(e, a, "")) for a in ("value", "label", "options", "help", "placeholder")]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    parts += [str(e.proto) for e in at.get("arrow_vega_lite_chart")]
    parts += [e.label for e in at.expander]
    return "\n".join(parts)


def as_trainee(tdb, monkeypatch, page):
    store = db.Store.open(tdb)
    email, person = demo_sa.demo_trainee_email(store), demo_sa.demo_trainee(store)
    names = pl.DataFrame(
        store.con.execute("select person_id, full_name from people").fetchall(),
        schema=["person_id", "full_name"],
        orient="row",
    )
    store.close()
    grant(tdb, email, "trainee")
    at = signed_in_app(tdb, email, monkeypatch, page)
    assert not at.exception, [e.message for e in at.exception]
    return at, person, names


@pytest.mark.parametrize("page", ["views/my_growth.py", "views/self_assessment.py", "views/home.py"])
def test_trainee_pages_send_no_other_persons_name(page, tdb, monkeypatch):
    at, person, names = as_trainee(tdb, monkeypatch, page)
    sent = everything_sent(at)
    others = names.filter(pl.col("person_id") != person)
    leaked = [n for n in others["full_name"] if n in sent]
    assert leaked == []
    if page.endswith("my_growth.py"):
        assert "My trajectory" in sent and len(at.dataframe) >= 3


def test_a_trainee_navigation_has_only_their_pages(tdb, monkeypatch):
    from dashboard.ui import navigation

    scope = Scope("t@example.org", (("trainee", ""),), ("U00400",))
    assert [p.key for p in navigation.pages_for(scope)] == ["home", "my_growth", "self_assessment"]
    at, _, _ = as_trainee(tdb, monkeypatch, None)
    for refused in ("views/reliability.py", "views/screening.py", "views/trainees.py"):
        with pytest.raises(Exception):  # noqa: B017 - AppTest refuses a page not in the navigation
            at.switch_page(refused).run()
            assert not at.exception
            raise AssertionError("opened")


def test_the_self_assessment_page_submits_and_then_shows_the_panel(tdb, monkeypatch):
    at, person, _ = as_trainee(tdb, monkeypatch, "views/self_assessment.py")
    store = db.Store.open(tdb)
    mine = review(store, person, "midpoint")
    store.close()
    at.selectbox(key="self_review").set_value(mine).run()
    prefix = f"self_{mine}"
    at.radio(key=f"{prefix}_learning_score").set_value(3)
    at.text_area(key=f"{prefix}_learning_example").set_value("")
    at.button(key="self_submit").click().run()
    assert any("needs an example" in e.value for e in at.error)
    at.text_area(key=f"{prefix}_learning_example").set_value("I asked for feedback on a recording.")
    at.button(key="self_submit").click().run()
    assert not at.exception
    assert "The panel's scores beside mine" in everything_sent(at)


def test_the_training_director_sees_self_vs_panel_on_trainees(tdb, monkeypatch):
    grant(tdb, "td@example.org", "training_director", ("P02",))
    at = signed_in_app(tdb, "td@example.org", monkeypatch, "views/trainees.py")
    open_tab(at, "trainees_tab", "Self vs panel")
    sent = everything_sent(at)
    assert "Mean gap per theme at intake and at exit" in sent, sent[-3000:]
    assert any(f.value.shape[0] == 6 for f in at.dataframe), [f.value.columns for f in at.dataframe]


def test_demo_mode_offers_the_trainee_role(tdb, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VOCATION_DB", str(tdb))
    monkeypatch.setenv("VOCATION_DEMO", "1")
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["role"] = "trainee"
    at.run()
    at.switch_page("views/my_growth.py").run()
    assert not at.exception and "My trajectory" in everything_sent(at)
