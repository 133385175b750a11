"""The benchmark's scorecard part: demo panels in the benchmark database, the interviewer who
opens My interviews and the Scorecard, and the time a Submit takes on the page (target 300 ms).
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from dashboard.demo import panels
from dashboard.scorecards import cards, interviews
from dashboard.store import db

SUBMIT_TARGET_MS = 300.0


def prepare(db_file) -> str:
    """Seed the demo panels (once) and grant the demo rater (R01) the interviewer role; returns
    their email."""
    store = db.Store.open(db_file)
    try:
        panels.seed(store)
        email = panels.demo_interviewer_email(store)
        store.con.execute(
            "insert into app_user_roles (email, role, program_id, added_by, added_at)"
            " values ($email, 'interviewer', '', 'bench', now()) on conflict do nothing",
            {"email": email},
        )
        return email
    finally:
        store.close()


def prepare_trainee(db_file) -> str:
    """Seed the demo trainee's self-assessments (once) and grant them the trainee role; returns
    their email (My growth and Self-assessment are timed for them)."""
    from dashboard.demo import self_assessments

    store = db.Store.open(db_file)
    try:
        self_assessments.seed(store, others=False)
        email = self_assessments.demo_trainee_email(store)
        store.con.execute(
            "insert into app_user_roles (email, role, program_id, added_by, added_at)"
            " values ($email, 'trainee', '', 'bench', now()) on conflict do nothing",
            {"email": email},
        )
        return email
    finally:
        store.close()


def page_state(db_file, key: str) -> dict:
    """The Scorecard page opened on R01's draft (the heaviest state: the whole form, reloaded)."""
    if key != "scorecard":
        return {}
    store = db.Store.open(db_file)
    try:
        seats = store.query("panel_seat_list", interview_id=None)
        rater = panels.demo_rater(store)
        # a card with a draft saved, whatever its status today (a draft turns "overdue" two days
        # after the interview: a run across midnight found none)
        mine = seats.filter((seats["rater_id"] == rater) & (seats["latest_version"] == 0))
        return {"scorecard_interview": mine["interview_id"][0], "scorecard_rater": rater}
    finally:
        store.close()


def fresh_seats(db_file, runs: int) -> tuple[str, list[str]]:
    """`runs` new interviews with the demo rater (R01) on the panel, conflict checked: one card to
    submit each; returns the rater and the interviews."""
    store = db.Store.open(db_file)
    try:
        rater = panels.demo_rater(store)
        program = panels.demo_program(store)
        apps = store.query("open_applications_for_program", program_id=program)["application_id"].to_list()
        scheduler = panels.SEEDER
        me = panels._as_rater(store, rater)
        made = []
        for app in apps[-runs:]:
            req = interviews.Request(date.today() - timedelta(days=1), (rater,), application_id=app)
            made.append(interviews.schedule(store, scheduler, req))
            cards.confirm_no_conflict(store, me, made[-1], rater)
        return rater, made
    finally:
        store.close()


def time_submit(app_path: str, db_file, email: str, runs: int = 5) -> dict:
    """Median time of pressing Submit on the Scorecard page (validate, write, refresh, redraw)."""
    from streamlit.testing.v1 import AppTest

    times, error = [], ""
    rater, seats = fresh_seats(db_file, runs)
    for interview_id in seats:
        at = AppTest.from_file(app_path, default_timeout=600)
        at.user = {"is_logged_in": True, "email": email}
        at.run()
        at.session_state["scorecard_interview"] = interview_id
        at.session_state["scorecard_rater"] = rater
        at.switch_page("views/scorecard.py").run()
        prefix = f"scorecard_{interview_id}_{rater}"
        at.radio(key=f"{prefix}_balance_score").set_value(3).run()
        at.text_area(key=f"{prefix}_balance_0_text").input("I keep Sundays for my garden.").run()
        at.button(key="scorecard_submit").click()
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception or not at.success:
            error = str(at.exception[0].value) if at.exception else "the submit did not succeed"
    return {"submit_ms": round(statistics.median(times) * 1000, 1), "submit_error": error}
