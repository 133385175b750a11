"""Scorecards in a real browser: two interviewers on one panel sign in through the local OpenID
Connect provider. B sees nothing of A's submitted evidence before submitting and sees it after;
the supervisor's Screening row for the applicant changes once both have submitted."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_browser_flows import (  # noqa: F401 - fixtures shared with the other browser flows
    CHROMIUM,
    _free_port,
    _serve_signed_in,
    _settle,
    _shot,
    browser,
    page,
    sign_in,
)

from dashboard.core.access import Scope
from dashboard.scorecards import interviews
from dashboard.store import db

pytestmark = pytest.mark.browser

SUPERVISOR = "panel.supervisor@example.org"
A_SAYS = "Saturday mornings I row on the lake; that hour is mine alone and it refills me."
B_SAYS = "I keep my weekends for my choir, and I come back on Monday with room for clients."
SETUP: dict = {}


@pytest.fixture(scope="module")
def panel_app(sample_db_file, tmp_path_factory):
    """The app on a copy of the sample data with one hiring interview, panel R01 (A) and R02 (B)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    from oidc_provider_mock import User, run_server_in_thread

    work = tmp_path_factory.mktemp("scorecards")
    db_path = work / "vocation.duckdb"
    shutil.copy(sample_db_file, db_path)
    store = db.Store.open(db_path)
    raters = store.query("rater_list")
    emails = dict(zip(raters["rater_id"], raters["email"], strict=True))
    apps = store.query("open_applications_for_program", program_id="P01")
    application = apps["application_id"][-1]
    scheduler = Scope(SUPERVISOR, (("supervisor", "P01"),))
    req = interviews.Request(date.today() - timedelta(days=1), ("R01", "R02"), application_id=application)
    SETUP.update(a=emails["R01"], b=emails["R02"], interview=interviews.schedule(store, scheduler, req))
    for email, role, program in ((emails["R01"], "interviewer", ""), (emails["R02"], "interviewer", ""),
                                 (SUPERVISOR, "supervisor", "P01")):  # fmt: skip
        store.con.execute(
            "insert into app_user_roles (email, role, program_id, added_by, added_at)"
            " values ($email, $role, $program, 'tests', now())",
            {"email": email, "role": role, "program": program},
        )
    SETUP["name"] = store.query("interview_for_id", interview_id=SETUP["interview"])["person_name"][0]
    store.close()
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    users = [
        User(sub=e, claims={"email": e, "name": e.split("@")[0]})
        for e in (SETUP["a"], SETUP["b"], SUPERVISOR)
    ]
    with run_server_in_thread(port=_free_port(), user_claims=users) as server:
        provider = f"http://localhost:{server.server_port}"
        yield from _serve_signed_in(work, db_path, provider)


def _new_page(browser):  # noqa: F811 - the shared fixture's function
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    return context, tab


def _screening_count(tab, url: str) -> int:
    """The supervisor's count of applicants with Balance at least 3.5 (the minimum-score filter)."""
    tab.goto(f"{url}/screening")
    _settle(tab)
    box = tab.get_by_label("Balance")
    box.fill("3.50")
    box.press("Enter")
    _settle(tab)
    heading = tab.get_by_role("heading", name=re.compile(r"Applicants \(n = \d+")).inner_text()
    return int(re.search(r"n = (\d+)", heading).group(1))


def _open_my_card(tab, url: str) -> None:
    tab.goto(f"{url}/my_interviews")
    _settle(tab)
    tab.get_by_role("button", name="Open the scorecard").click()
    _settle(tab)
    expect(tab.get_by_role("heading", name="Scorecard")).to_be_visible()


def _confirm_and_submit(tab, says: str, score: str) -> None:
    tab.get_by_text("I have no dual relationship with this person").click()
    _settle(tab)
    tab.get_by_role("button", name="Confirm and open the scorecard").click()
    _settle(tab)
    tab.get_by_test_id("stRadio").first.get_by_text(score, exact=True).click()
    _settle(tab)
    excerpt = tab.get_by_label("Excerpt 1: the person's own words").first
    excerpt.fill(says)
    excerpt.press("Control+Enter")
    _settle(tab)
    tab.get_by_role("button", name="Submit (locks the card)").click()
    _settle(tab)
    expect(tab.get_by_text("Submitted. The panel's submitted cards are below.")).to_be_visible()


def test_two_interviewers_rate_blind_and_the_supervisors_row_changes(browser, panel_app):  # noqa: F811
    sup_context, sup = _new_page(browser)
    sign_in(sup, panel_app, SUPERVISOR)
    before = _screening_count(sup, panel_app)
    _shot(sup, "scorecards-supervisor-before")

    a_context, a = _new_page(browser)
    sign_in(a, panel_app, SETUP["a"])
    _open_my_card(a, panel_app)
    _confirm_and_submit(a, A_SAYS, "4")
    _shot(a, "scorecards-a-submitted")
    a_context.close()

    b_context, b = _new_page(browser)
    sign_in(b, panel_app, SETUP["b"])
    _open_my_card(b, panel_app)
    assert A_SAYS not in b.content()  # nothing of A's card before B submits
    _shot(b, "scorecards-b-before")
    b.get_by_text("I have no dual relationship with this person").click()
    _settle(b)
    b.get_by_role("button", name="Confirm and open the scorecard").click()
    _settle(b)
    assert A_SAYS not in b.content()  # nor once B's form is open
    b.get_by_test_id("stRadio").first.get_by_text("3", exact=True).click()
    _settle(b)
    excerpt = b.get_by_label("Excerpt 1: the person's own words").first
    excerpt.fill(B_SAYS)
    excerpt.press("Control+Enter")
    _settle(b)
    b.get_by_role("button", name="Submit (locks the card)").click()
    _settle(b)
    expect(b.get_by_text("Submitted. The panel's submitted cards are below.")).to_be_visible()
    expect(b.get_by_text(A_SAYS, exact=False).first).to_be_attached()  # A's evidence, now side by side
    _shot(b, "scorecards-b-after")
    assert b.dialogs == []
    b_context.close()

    after = _screening_count(sup, panel_app)
    assert after == before + 1  # the applicant, unrated before, now has Balance (4 + 3) / 2 = 3.5
    _shot(sup, "scorecards-supervisor-after")
    sup_context.close()
