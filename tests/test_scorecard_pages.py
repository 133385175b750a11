"""AppTests of the interviewer's pages (My interviews, Scorecard) and the scheduler's panels on
Candidate and Trainees, on the sample data with its demo panels (dashboard/demo/panels.py)."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import grant, open_tab
from conftest import signed_in_app as app_as

from dashboard.core import labels
from dashboard.demo import panels
from dashboard.scorecards import interviews
from dashboard.store import db

R03_SAYS = panels._SAYS["learning"][1]  # in R03's submitted card on the "drafted" interview


def seats(db_file) -> pl.DataFrame:
    store = db.Store.open(db_file)
    try:
        return store.query("panel_seat_list", interview_id=None)
    finally:
        store.close()


def email_of(db_file, rater_id: str) -> str:
    store = db.Store.open(db_file)
    try:
        return panels._emails(store)[rater_id]
    finally:
        store.close()


def interview_with(db_file, rater: str, status: str, purpose: str = "hiring") -> str:
    """The seeded interview where `rater`'s seat has this status."""
    frame = interviews.with_status(seats(db_file), interviews.today())
    mine = frame.filter(
        (pl.col("rater_id") == rater) & (pl.col("status") == status) & (pl.col("purpose") == purpose)
    )
    return mine["interview_id"][0]


def page_text(at) -> str:
    """Everything a page put on screen as text (tables included), for checks of what is shown."""
    parts = []
    for kind in ("text", "markdown", "caption", "error", "success", "info", "warning", "header", "subheader"):
        parts += [str(e.value) for e in at.get(kind)]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    parts += [e.label for e in at.expander]
    return "\n".join(parts)


def as_interviewer(db_file, monkeypatch, rater="R01", page=None):
    email = email_of(db_file, rater)
    grant(db_file, email, "interviewer")
    return app_as(db_file, email.upper(), monkeypatch, page)


def open_card(db_file, monkeypatch, interview_id, rater="R01"):
    at = as_interviewer(db_file, monkeypatch, rater)
    at.session_state["scorecard_interview"] = interview_id
    at.session_state["scorecard_rater"] = rater
    at.switch_page("views/scorecard.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_my_interviews_lists_upcoming_and_past_panels_with_each_status(panels_db, monkeypatch):
    at = as_interviewer(panels_db, monkeypatch, page="views/my_interviews.py")
    assert not at.exception
    upcoming, past = (f.value for f in at.dataframe)
    status, purpose = labels.heading("status"), labels.heading("purpose")  # tables show headings
    assert sorted(upcoming[status]) == ["not started", "not started"]
    assert sorted(past[status]) == ["draft", "overdue", "submitted"]
    assert "midpoint" in set(upcoming[purpose])
    at.button(key="my_interviews_open").click().run()
    assert not at.exception
    assert at.title[0].value == "Scorecard"


def test_an_interviewer_who_is_no_rater_is_told_so(panels_db, monkeypatch):
    grant(panels_db, "stranger@example.org", "interviewer")
    at = app_as(panels_db, "stranger@example.org", monkeypatch, "views/my_interviews.py")
    assert "No rater in Vocation's data has the address stranger@example.org" in page_text(at)


def test_confirm_conflict_then_score_needs_evidence_then_submit_shows_the_panel(panels_db, monkeypatch):
    interview_id = interview_with(panels_db, "R01", "overdue")
    at = open_card(panels_db, monkeypatch, interview_id)
    assert "Conflict of interest" in page_text(at)
    assert not at.radio  # the form opens only after the check
    at.checkbox(key="scorecard_no_conflict").check().run()
    at.button(key="scorecard_confirm").click().run()
    prefix = f"scorecard_{interview_id}_R01"
    at.radio(key=f"{prefix}_balance_score").set_value(3).run()
    at.button(key="scorecard_submit").click().run()
    assert [e.value for e in at.error] == ["a score needs at least one verbatim excerpt for this theme"]
    at.text_area(key=f"{prefix}_balance_0_text").input("<b>I</b> swim at dawn before clinic.").run()
    at.button(key="scorecard_submit").click().run()
    assert not at.exception and not at.error
    shown = page_text(at)
    assert "Submitted." in shown and "Balance between work and nonwork passions: 3" in shown
    assert "<b>I</b> swim at dawn before clinic." in shown  # typed markup stays text
    assert at.dataframe[0].value.shape[0] == 6  # the panel's cards side by side, theme rows


def test_a_rater_sees_nothing_of_another_card_until_submitting_their_own(panels_db, monkeypatch):
    interview_id = interview_with(panels_db, "R01", "draft")  # R03 has submitted
    at = open_card(panels_db, monkeypatch, interview_id)
    assert R03_SAYS not in page_text(at)
    assert at.radio(key=f"scorecard_{interview_id}_R01_balance_score").value == 2  # the draft, reloaded
    at.button(key="scorecard_submit").click().run()
    assert not at.error, [e.value for e in at.error]
    assert R03_SAYS in page_text(at)


def test_recusal_from_the_page_shows_on_the_supervisors_candidate_view(panels_db, monkeypatch):
    interview_id = interview_with(panels_db, "R01", "not started")
    at = open_card(panels_db, monkeypatch, interview_id)
    at.button(key="scorecard_recuse").click().run()
    assert "say why you recuse yourself" in page_text(at)
    at.text_input(key="scorecard_recusal_reason").input("She is my cousin.").run()
    at.button(key="scorecard_recuse").click().run()
    assert "You recused yourself" in page_text(at)
    store = db.Store.open(panels_db)
    application = store.query("interview_for_id", interview_id=interview_id)["application_id"][0]
    store.close()
    grant(panels_db, "sup@example.org", "supervisor", ("P01",))
    sup = app_as(panels_db, "sup@example.org", monkeypatch)
    sup.session_state["candidate_application_id"] = application
    sup.switch_page("views/candidate.py").run()
    assert not sup.exception
    text = page_text(sup)
    assert "She is my cousin." in text and "recused" in text
    assert "Overdue scorecards in your programs (n = 1" in text


def test_a_supervisor_schedules_from_the_candidate_page(panels_db, monkeypatch):
    grant(panels_db, "sup@example.org", "supervisor", ("P01",))
    store = db.Store.open(panels_db)
    application = store.query("open_applications_for_program", program_id="P01")["application_id"][-1]
    store.close()
    at = app_as(panels_db, "sup@example.org", monkeypatch)
    at.session_state["candidate_application_id"] = application
    at.switch_page("views/candidate.py").run()
    at.button(key="FormSubmitter:candidate_schedule_form-Schedule").click().run()
    assert "give the interview date (YYYY-MM-DD)" in page_text(at)
    assert "a panel has 1 to 4 raters (got 0)" in page_text(at)
    at.date_input(key="candidate_schedule_date").set_value("2026-12-15")
    at.multiselect(key="candidate_schedule_panel").set_value(["R02", "R06"])
    at.button(key="FormSubmitter:candidate_schedule_form-Schedule").click().run()
    assert not at.exception
    assert "Scheduled interview VI" in page_text(at)
    assert seats(panels_db).filter(pl.col("rater_id") == "R06").height == 1


def test_the_training_director_sees_the_recusal_on_trainees(panels_db, monkeypatch):
    grant(panels_db, "td@example.org", "training_director", ("*",))
    at = app_as(panels_db, "td@example.org", monkeypatch, "views/trainees.py")
    frame = seats(panels_db).filter(pl.col("purpose") == "midpoint")
    store = db.Store.open(panels_db)
    program = store.query("interview_for_id", interview_id=frame["interview_id"][0])["program_id"][0]
    store.close()
    at.selectbox(key="trainees_program").set_value(program).run()
    open_tab(at, "trainees_tab", "One trainee")
    at.selectbox(key="trainees_person").set_value(frame["person_id"][0]).run()
    assert not at.exception
    assert "I was this trainee's clinical supervisor last year." in page_text(at)


@pytest.mark.parametrize("page", ["views/my_interviews.py", "views/scorecard.py"])
def test_demo_mode_has_an_interviewer_role(page, panels_db, monkeypatch):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VOCATION_DB", str(panels_db))
    monkeypatch.setenv("VOCATION_DEMO", "1")
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["role"] = "interviewer"
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    if page.endswith("my_interviews.py"):
        assert len(at.dataframe) == 2 and at.dataframe[0].value.shape[0] == 2


def _pick_the_last(panels_db, monkeypatch):
    """R01 on My interviews, the last interview of the box picked (not the first, the default):
    the app, the pick (interview|rater) and its label."""
    at = as_interviewer(panels_db, monkeypatch, page="views/my_interviews.py")
    box = at.selectbox(key="my_interviews_pick")
    keys = [f"{i}|R01" for i in seats(panels_db).filter(pl.col("rater_id") == "R01")["interview_id"]]
    target = next(k for k in keys if box.format_func(k) == box.options[-1])
    assert box.value != target
    label = box.options[-1]
    box.set_value(target).run()
    return at, target, label


def _opens(at, target: str) -> None:
    at.button(key="my_interviews_open").click().run()
    assert not at.exception
    assert (at.session_state["scorecard_interview"], at.session_state["scorecard_rater"]) == tuple(
        target.split("|")
    )


def test_a_pick_made_as_the_list_changes_underneath_keeps_the_interview_picked(panels_db, monkeypatch):
    # The browser keeps the picked interview as the label it drew, and sends it with every click.
    # Should the label change between two runs (an import renamed the person; the card was
    # submitted in another tab), Streamlit finds no such label and falls back to the first
    # interview: "Open the scorecard" would open somebody else's card.
    at, target, label = _pick_the_last(panels_db, monkeypatch)
    app = db._app_stores[db.Store(None, panels_db).path]
    db.transaction(app, lambda cur: cur.execute("update people set full_name = 'Renamed ' || full_name"))
    _opens(at, target)
    assert f"Renamed {label.split(' · ')[1]}" in page_text(at)


def test_my_interviews_keeps_the_pick_across_pages(panels_db, monkeypatch):
    # Streamlit forgets a box's state when another page is opened; the page keeps the pick itself
    at, target, _ = _pick_the_last(panels_db, monkeypatch)
    at.switch_page("views/interview_kit.py").run()
    at.switch_page("views/my_interviews.py").run()
    assert not at.exception
    assert at.selectbox(key="my_interviews_pick").value == target
    _opens(at, target)
