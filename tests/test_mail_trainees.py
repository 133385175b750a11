"""Mail to trainees, end to end on a real SMTP server (the aiosmtpd fixtures of test_mail.py): the
invitation to self-assess when a review is scheduled (with the link that opens that review), the
update and note when it moves or is cancelled, the overdue reminder once per review ever (across
days and `mail send` runs, reminders off respected), nothing for a person without an email or not
enrolled, no score or example in any message; and the rater added after a move invited at the
interview's current SEQUENCE."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import test_mail
from conftest import signed_in_app
from ops_helpers import command
from test_mail import (
    SENDER,
    _database_values,
    _event,
    _schedule,
    _scope,
    _send_all,
)

from dashboard.core.access import Scope
from dashboard.demo import self_assessments as demo_sa
from dashboard.notify import outbox
from dashboard.ops import mail_schedule
from dashboard.scorecards import changes, interviews, reminders
from dashboard.store import db
from dashboard.training import self_assessment
from dashboard.training.self_rules import SelfAssessment

mail_store, smtp = test_mail.mail_store, test_mail.smtp  # the same fixtures: a real SMTP server
TODAY = date.today()
TRAINEE, PROGRAM = "U00401", "P04"  # an active sample trainee with an address of their own
STAFF = "U00002"  # a staff member of P04 with an address and no enrollment
BASE = "http://localhost:8501"
DONE = SelfAssessment({"balance": 3}, {"balance": "Private example: I kept Fridays for my notes."})


def _address(store, person_id: str) -> str:
    return store.con.execute("select email from people where person_id = ?", [person_id]).fetchall()[0][0]


def _review(store, on: date, person=TRAINEE, purpose="midpoint", panel=("R01",)):
    req = interviews.Request(on, panel, person_id=person, program_id=PROGRAM, purpose=purpose)
    return interviews.schedule_and_tell(store, _scope(), req)


def _kinds(store, interview_id: str | None = None) -> list[str]:
    rows = outbox.outbox_list(store, _scope())
    if interview_id is not None:
        rows = rows.filter(pl.col("interview_id") == interview_id)
    return sorted(rows["kind"].to_list())


def _text(message) -> str:
    parts = [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
    return "\n".join(parts) + str(message["Subject"])


def _environment(port: int) -> dict[str, str]:
    return {
        "VOCATION_SMTP_HOST": "127.0.0.1",
        "VOCATION_SMTP_PORT": str(port),
        "VOCATION_SMTP_SECURITY": "none",
        "VOCATION_SMTP_FROM": SENDER,
    }


# --- invitation, move, cancel --------------------------------------------------------------------


def test_scheduling_a_review_invites_the_trainee_with_a_link_to_that_review(mail_store, smtp):
    inbox, _ = smtp
    store, address = mail_store, _address(mail_store, TRAINEE)
    interview_id, queued = _review(store, TODAY + timedelta(days=7))
    assert queued.messages == 2 and "Queued 2 invitations" in queued.text("invitation")
    assert _kinds(store, interview_id) == ["invitation", "self_assessment_invitation"]
    _send_all(store)
    (message,) = inbox.to(address)
    assert message["Subject"] == "Self-assessment invitation: midpoint, " + _program_name(store)
    text = message.get_body(("plain",)).get_content()
    assert f"{BASE}/self_assessment?interview={interview_id}" in text
    day = TODAY + timedelta(days=7)
    assert f"{day:%A} {day.day} {day:%B %Y}" in text and "Hello Hana Szabo" in text
    assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]


def _program_name(store) -> str:
    return store.con.execute("select program_name from programs where program_id = ?", [PROGRAM]).fetchall()[
        0
    ][0]


def test_no_invitation_without_an_email_a_shared_one_or_an_enrollment(mail_store, smtp):
    inbox, _ = smtp
    store = mail_store
    _, staff = _review(store, TODAY + timedelta(days=3), person=STAFF, purpose="annual")
    assert staff.messages == 1  # the rater only: a staff member self-assesses nothing
    store.con.execute("update people set email = null where person_id = ?", [TRAINEE])
    _, nobody = _review(store, TODAY + timedelta(days=4))
    assert nobody.messages == 1
    store.con.execute(
        "update people set email = (select email from people where person_id = 'U00402') where person_id = ?",
        [TRAINEE],
    )
    _, shared = _review(store, TODAY + timedelta(days=5))
    assert shared.messages == 1  # an address two people share can sign no trainee in
    assert "self_assessment_invitation" not in _kinds(store)
    _send_all(store)
    assert {m["To"].addresses[0].addr_spec for m in inbox.messages()} == {_rater(store, "R01")}


def _rater(store, rater_id: str) -> str:
    return store.con.execute("select email from raters where rater_id = ?", [rater_id]).fetchall()[0][0]


def test_moving_and_cancelling_a_review_tells_the_trainee(mail_store, smtp):
    inbox, _ = smtp
    store, address = mail_store, _address(mail_store, TRAINEE)
    interview_id, _ = _review(store, TODAY + timedelta(days=7), purpose="exit")
    moved = changes.move(store, _scope(), interview_id, TODAY + timedelta(days=9))
    assert moved.messages == 2
    cancelled = changes.cancel(store, _scope(), interview_id, "Private reason: the room flooded")
    assert cancelled.messages == 2
    _send_all(store)
    subjects = [m["Subject"] for m in inbox.to(address)]
    day = TODAY + timedelta(days=9)
    assert subjects == [
        f"Self-assessment invitation: exit, {_program_name(store)}",
        f"Review moved: exit, now {day:%A} {day.day} {day:%B %Y}, {_program_name(store)}",
        f"Review cancelled: exit, {day:%A} {day.day} {day:%B %Y}, {_program_name(store)}",
    ]
    moved_text = inbox.to(address)[1].get_body(("plain",)).get_content()
    assert f"self_assessment?interview={interview_id}" in moved_text and "It was:" in moved_text
    assert "flooded" not in _text(inbox.to(address)[2])


# --- the overdue reminder ------------------------------------------------------------------------


def test_the_overdue_reminder_is_sent_once_and_only_once(smtp, db_file):
    inbox, port = smtp
    store = db.Store.open(db_file)
    address = _address(store, TRAINEE)
    late, _ = _review(store, TODAY - timedelta(days=5))
    submitted, _ = _review(store, TODAY - timedelta(days=4), purpose="intake")
    self_assessment.submit(store, Scope.system(), submitted, TRAINEE, DONE, paper=True)
    exit_, _ = _review(store, TODAY - timedelta(days=1), purpose="exit")  # not overdue yet (2 days)
    _review(store, TODAY - timedelta(days=40), purpose="annual")  # too old to remind
    store.close()
    for _ in range(2):
        sent = command("mail", "send", "--db", str(db_file), **_environment(port))
        assert sent.returncode == 0, sent.stderr
    store = db.Store.open(db_file)
    try:
        settings, _ = outbox.mail_settings()
        for days in range(1, 4):  # the next days: `late` is never reminded again; `exit` once, from day 1
            queued = reminders.queue_self_reminders(store, settings, on=TODAY + timedelta(days=days))
            assert queued == (1 if days == 1 else 0)
        rows = outbox.outbox_list(store, _scope()).filter(pl.col("kind") == "self_assessment_reminder")
        assert sorted(rows["interview_id"].to_list()) == sorted([late, exit_])
        mail_schedule.send_round(store, settings, everything=True)
    finally:
        store.close()
    sent = [m for m in inbox.to(address) if m["Subject"].startswith("Self-assessment reminder")]
    assert len(sent) == 2  # one per review, each once, across two `mail send` runs and a send round
    reminder = next(m for m in sent if late in m.get_body(("plain",)).get_content())
    assert reminder["Subject"] == f"Self-assessment reminder: midpoint, {_program_name_at(db_file)}"
    text = reminder.get_body(("plain",)).get_content()
    assert f"{BASE}/self_assessment?interview={late}" in text and "once" in text


def _program_name_at(path) -> str:
    store = db.Store.open(path)
    try:
        return _program_name(store)
    finally:
        store.close()


def test_a_trainee_who_turned_reminders_off_gets_none(mail_store, smtp):
    store = mail_store
    address = _address(store, TRAINEE)
    _review(store, TODAY - timedelta(days=3))
    reminders.set_reminders(store, Scope(address.upper(), frozenset()), False)
    settings, _ = outbox.mail_settings()
    assert reminders.queue_self_reminders(store, settings) == 0
    assert "self_assessment_reminder" not in _kinds(store)
    reminders.set_reminders(store, Scope(address, frozenset()), True)  # on again: still overdue, once
    assert reminders.queue_self_reminders(store, settings) == 1
    assert reminders.queue_self_reminders(store, settings) == 0


# --- privacy -------------------------------------------------------------------------------------


def test_no_trainee_message_holds_a_score_or_an_example(mail_store, smtp):
    inbox, _ = smtp
    store = mail_store
    assert demo_sa.seed(store) > 20  # the sample's self-assessments, with their examples
    address = _address(store, TRAINEE)
    held, _ = _review(store, TODAY - timedelta(days=6), purpose="intake")
    self_assessment.save_draft(store, Scope.system(), held, TRAINEE, DONE, paper=True)  # a draft: still due
    moved, _ = _review(store, TODAY + timedelta(days=3), purpose="exit")
    changes.move(store, _scope(), moved, TODAY + timedelta(days=8))
    changes.cancel(store, _scope(), moved, "Private cancel reason")
    settings, _ = outbox.mail_settings()
    mail_schedule.send_round(store, settings, everything=True)
    values = _database_values(store)
    for example, theme, score in store.con.execute(
        "select example, theme, score from app_self_assessment_scores"
    ).fetchall():
        values |= {example.strip()} if example else set()
        values |= {f"{theme}: {score}", f"{theme} {score}", f"{theme}={score}"}
    assert any("Private example" in v for v in values) and len(values) > 100
    mine = inbox.to(address)
    kinds = {m["Subject"].split(":")[0] for m in mine}
    assert kinds == {
        "Self-assessment invitation",
        "Review moved",
        "Review cancelled",
        "Self-assessment reminder",
    }
    for message in mine:
        text = _text(message)
        leaked = [v for v in values if v in text]
        assert not leaked, f"{message['Subject']}: {leaked[:3]}"


# --- the calendar of a rater added after a move --------------------------------------------------


def test_a_rater_added_after_a_move_is_invited_at_the_current_sequence(mail_store, smtp):
    inbox, _ = smtp
    store = mail_store
    interview_id, _ = _schedule(store, panel=("R01",))
    changes.move(store, _scope(), interview_id, TODAY + timedelta(days=9))
    changes.move(store, _scope(), interview_id, TODAY + timedelta(days=11))
    assert interviews.add_to_panel(store, _scope(), interview_id, "R03").messages == 1
    _send_all(store)
    (invitation,) = inbox.to(_rater(store, "R03"))
    calendar, event = _event(invitation)
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 2
    assert event["DTSTART"].dt == TODAY + timedelta(days=11)
    first = [m for m in inbox.to(_rater(store, "R01")) if m["Subject"].startswith("Interview invitation")]
    assert _event(first[0])[1]["SEQUENCE"] == 0  # a new interview's invitation stays at 0


# --- the page the link opens ---------------------------------------------------------------------


def test_the_link_opens_that_review_and_the_page_turns_the_reminder_off(panels_db, monkeypatch):
    from conftest import grant

    store = db.Store.open(panels_db)
    person, address = demo_sa.demo_trainee(store), demo_sa.demo_trainee_email(store)
    reviews = store.query("reviews_for_people", person_ids=[person], program_ids=[PROGRAM])
    wanted = reviews.filter(pl.col("purpose") == "intake")["interview_id"][0]
    assert reviews["interview_id"][-1] != wanted  # not the one the page opens without a link
    store.close()
    grant(panels_db, address, "trainee")
    at = signed_in_app(panels_db, address, monkeypatch)
    at.query_params["interview"] = wanted
    at.switch_page("views/self_assessment.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="self_review").value == wanted
    toggle = at.toggle(key="self_reminders")
    assert toggle.value is True
    toggle.set_value(False).run()
    store = db.Store.open(panels_db)
    try:
        assert not reminders.reminders_on(store, address)
    finally:
        store.close()
