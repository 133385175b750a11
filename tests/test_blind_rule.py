"""The blind rule, where data is read: until a rater has submitted their own scorecard for an
interview, nothing of any other rater's card for that person (scores, excerpts, consensus, and
the ratings of that person's other interviews) reaches them, whatever other roles they hold:
Screening, Candidate, Compare, Trainees, Curriculum and Reliability all leave that person out."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import grant
from conftest import signed_in_app as app_as

from dashboard.core import labels
from dashboard.core.access import ALL_PROGRAMS, Scope
from dashboard.core.contract import THEMES
from dashboard.demo import panels
from dashboard.hiring import screening
from dashboard.reliability import inter_rater
from dashboard.scorecards import blind_rule, cards, interviews
from dashboard.store import db
from dashboard.training import tracking


@pytest.fixture
def store(panels_db):
    s = db.Store.open(panels_db)
    yield s
    s.close()


def demo_rater(store, roles) -> Scope:
    """Sample rater R01 (on pending panels) who also holds these roles."""
    return Scope(panels.demo_interviewer_email(store), tuple(roles))


def pending(store, status: str) -> dict:
    """The seeded hiring interview where R01's seat has this status."""
    seats = interviews.with_status(store.query("panel_seat_list", interview_id=None), interviews.today())
    row = seats.filter((pl.col("rater_id") == "R01") & (pl.col("status") == status)).row(0, named=True)
    return interviews.interview(store, row["interview_id"])


def test_hidden_people_are_those_with_a_pending_seat_of_the_signed_in_rater(store):
    me = demo_rater(store, [("interviewer", "")])
    hidden = set(blind_rule.hidden_person_ids(store, me))
    expected = {pending(store, s)["person_id"] for s in ("draft", "overdue", "not started")}
    midpoint = store.query("panel_seat_list", interview_id=None).filter(pl.col("purpose") == "midpoint")
    assert hidden == expected | {midpoint["person_id"][0]}
    assert pending(store, "submitted")["person_id"] not in hidden  # R01 submitted: not blind any more
    assert blind_rule.hidden_person_ids(store, Scope("someone.else@example.org", ())) == []


def test_a_supervisor_on_a_pending_panel_sees_nothing_of_that_person_anywhere(store):
    me = demo_rater(store, [("supervisor", "P01"), ("interviewer", "")])
    boss = Scope("boss@example.org", (("supervisor", "P01"),))
    drafted = pending(store, "draft")  # R03 submitted a card; R01 has only a draft
    app_id, person = drafted["application_id"], drafted["person_id"]

    theirs = screening.ranked_applicants(store, boss, "P01")
    assert theirs.filter(pl.col("application_id") == app_id)["supporting"][0] > 0  # there is evidence
    ranked = screening.ranked_applicants(store, me, "P01")
    row = ranked.filter(pl.col("application_id") == app_id).row(0, named=True)
    assert all(row[t] is None for t in THEMES) and row["supporting"] is None and row["mean_score"] is None
    assert row["raters_differ"] == blind_rule.HIDDEN_NOTE
    hidden_at = ranked["person_id"].is_in(blind_rule.hidden_person_ids(store, me)).arg_true().min()
    assert ranked.slice(hidden_at)["person_id"].is_in(blind_rule.hidden_person_ids(store, me)).all()  # last

    detail = screening.candidate_detail(store, me, app_id)
    assert (
        detail.hidden
        and detail.excerpts.is_empty()
        and detail.ratings.is_empty()
        and detail.profile.is_empty()
    )
    assert not screening.candidate_detail(store, boss, app_id).excerpts.is_empty()

    other = ranked.filter(~pl.col("person_id").is_in([person]))["application_id"][0]
    compared = screening.compare(store, me, [app_id, other])
    mine = compared.profiles.filter(pl.col("applicant") == compared.table.columns[1])
    assert mine["value"].is_null().all()

    # the panel's cards on Candidate, and the card side by side on the scorecard, stay empty
    assert cards.submitted_cards(store, me, drafted["interview_id"]).is_empty()
    assert interviews.person_panels(store, me, "supervisor", person).hidden

    # once R01 submits, the person is visible again
    me_rater = demo_rater(store, [("interviewer", "")])
    card = panels.demo_card({"balance": 2})
    cards.submit(store, me_rater, drafted["interview_id"], "R01", card)
    assert not screening.candidate_detail(store, me, app_id).excerpts.is_empty()
    assert not cards.submitted_cards(store, me, drafted["interview_id"]).is_empty()


def test_reliability_leaves_out_the_people_the_reader_is_blind_to(store):
    everyone = Scope("boss@example.org", (("supervisor", ALL_PROGRAMS),))
    me = demo_rater(store, [("supervisor", ALL_PROGRAMS), ("interviewer", "")])
    hidden = blind_rule.hidden_person_ids(store, me)
    person_of = dict(store.con.execute("select interview_id, person_id from interviews").fetchall())
    seen = inter_rater.ratings(store, me, "supervisor")
    assert not seen["interview_id"].replace_strict(person_of).is_in(hidden).any()
    assert (
        inter_rater.ratings(store, everyone, "supervisor")["interview_id"]
        .replace_strict(person_of)
        .is_in(hidden)
        .any()
    )
    queue = inter_rater.disagreement_queue(store, me, "supervisor")
    assert inter_rater.disagreement_count(store, me, "supervisor") == queue.height
    assert not queue["interview_id"].replace_strict(person_of).is_in(hidden).any()
    drafted = pending(store, "draft")
    assert inter_rater.rater_evidence(store, me, "supervisor", drafted["interview_id"], "learning").is_empty()
    assert not inter_rater.rater_evidence(
        store, everyone, "supervisor", drafted["interview_id"], "learning"
    ).is_empty()
    consensus = inter_rater.consensus_in_force(store, me, "supervisor")
    assert not consensus["interview_id"].replace_strict(person_of).is_in(hidden).any()
    inter_rater.theme_reliability(store, me, "supervisor")  # the statistics run without them
    inter_rater.rater_calibration(store, me, "supervisor")


def test_reliability_reads_first_submissions_and_other_pages_the_amendment(store):
    done = pending(store, "submitted")
    me = demo_rater(store, [("interviewer", "")])
    cards.amend(
        store,
        me,
        done["interview_id"],
        "R01",
        panels.demo_card({"balance": 0}),
        "The recording was clearer",
    )
    boss = Scope("boss@example.org", (("supervisor", ALL_PROGRAMS),))
    independent = inter_rater.ratings(store, boss, "supervisor").filter(
        (pl.col("interview_id") == done["interview_id"]) & (pl.col("rater_id") == "R01")
    )
    assert dict(zip(independent["theme"], independent["score"], strict=True)) == {
        "balance": 3,
        "adaptiveness": 1,
        "beliefs": 3,
    }
    row = screening.ranked_applicants(store, boss).filter(pl.col("application_id") == done["application_id"])
    assert row["balance"][0] == 1.5  # (0 amended + 3) / 2


def test_a_training_director_on_a_pending_panel_sees_no_scores_of_that_trainee(store):
    midpoint = (
        store.query("panel_seat_list", interview_id=None)
        .filter(pl.col("purpose") == "midpoint")
        .row(0, named=True)
    )
    me = demo_rater(store, [("training_director", midpoint["program_id"]), ("interviewer", "")])
    boss = Scope("td@example.org", (("training_director", midpoint["program_id"]),))
    enrollment = store.query(
        "enrollments_for_person", person_id=midpoint["person_id"], program_ids=[midpoint["program_id"]]
    ).row(0, named=True)
    assert not tracking.trainee_trajectory(store, boss, midpoint["person_id"]).is_empty()
    assert tracking.trainee_trajectory(store, me, midpoint["person_id"]).is_empty()
    cells = tracking.cohort_heatmap(store, me, enrollment["cohort_id"]).filter(
        pl.col("person_id") == midpoint["person_id"]
    )
    assert set(cells["label"]) == {blind_rule.HIDDEN_NOTE} and cells["latest_score"].is_null().all()
    plan = tracking.development_plan(store, me, midpoint["person_id"])
    assert plan.weakest.is_empty() and plan.excerpts.is_empty()


def test_the_screening_page_of_a_supervisor_who_rates_shows_the_note(panels_db, monkeypatch):
    store = db.Store.open(panels_db)
    email = panels.demo_interviewer_email(store)
    drafted = pending(store, "draft")
    store.close()
    grant(panels_db, email, "supervisor", ("P01",))
    at = app_as(panels_db, email, monkeypatch, "views/screening.py")
    assert not at.exception
    at.number_input(key="screening_page").set_value(at.number_input(key="screening_page").max).run()
    shown = at.dataframe[0].value
    note = shown[shown[labels.heading("raters_differ")] == blind_rule.HIDDEN_NOTE]  # tables show headings
    assert len(note) >= 1 and note[[labels.heading(t) for t in THEMES]].isna().all().all()
    at.session_state["candidate_application_id"] = drafted["application_id"]
    at.switch_page("views/candidate.py").run()
    assert not at.exception
    assert any(blind_rule.HIDDEN_NOTE in w.value for w in at.warning)
    assert panels._SAYS["learning"][1] not in " ".join(str(f.value.to_csv()) for f in at.dataframe)
