"""Mail end to end: the outbox filled in the same transaction as the interview's events, sent to a
real SMTP server (aiosmtpd on a free localhost port, plain and STARTTLS with a trustme CA), parsed
back with `email` and `icalendar`; retries, permanent failures, reminders once a day, the panel's
completion, the privacy scan against the database, a kill -9 between queueing and sending, the
outbox in a backup, the commands and the pages."""

from __future__ import annotations

import email
import shutil
import ssl
from datetime import date, timedelta
from email.policy import default as DEFAULT_POLICY

import icalendar
import polars as pl
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import signed_in_app
from ops_helpers import command, start_command, wait_for_line
from test_notify_core import _free_port

from dashboard.core.access import Scope
from dashboard.notify import outbox
from dashboard.ops import backup, mail_schedule
from dashboard.scorecards import cards, changes, interviews, reminders
from dashboard.scorecards.card_rules import Card, Excerpt
from dashboard.store import db

SENDER = "Vocation <vocation@county.example.org>"
SUPERVISOR = "sam.ortiz@county.example.org"
TODAY = date.today()


class Inbox:
    """An SMTP handler keeping every message; refuses gone@ mailboxes (550)."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Accepted"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=DEFAULT_POLICY) for e in self.envelopes]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages() if m["To"].addresses[0].addr_spec == address]


def _serve(port=None, **kwargs):
    inbox, port = Inbox(), port or _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return inbox, port, controller


@pytest.fixture
def smtp(monkeypatch):
    """A plain SMTP server and the mail settings pointing at it (through the environment)."""
    inbox, port, controller = _serve()
    for name, value in {
        "VOCATION_SMTP_HOST": "127.0.0.1",
        "VOCATION_SMTP_PORT": str(port),
        "VOCATION_SMTP_SECURITY": "none",
        "VOCATION_SMTP_FROM": SENDER,
    }.items():
        monkeypatch.setenv(name, value)
    yield inbox, port
    controller.stop()


def _auth(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"ann", b"right")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def starttls(monkeypatch, tmp_path):
    """A STARTTLS server with AUTH, its certificate from a trustme CA the client trusts via SSL_CERT_FILE."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    inbox, port, controller = _serve(
        tls_context=context, require_starttls=True, authenticator=_auth, auth_required=True
    )
    for name, value in {
        "VOCATION_SMTP_HOST": "127.0.0.1",
        "VOCATION_SMTP_PORT": str(port),
        "VOCATION_SMTP_SECURITY": "starttls",
        "VOCATION_SMTP_USER": "ann",
        "VOCATION_SMTP_PASSWORD": "right",
        "VOCATION_SMTP_FROM": SENDER,
    }.items():
        monkeypatch.setenv(name, value)
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_store(db_file, store_at):
    return store_at(db_file)


def _scope() -> Scope:
    return Scope(SUPERVISOR, Scope.system().grants)


def _application(store) -> str:
    return store.con.execute("select application_id from applications order by 1 limit 1").fetchall()[0][0]


def _emails(store) -> dict[str, str]:
    return dict(store.con.execute("select rater_id, email from raters").fetchall())


def _schedule(store, panel=("R01", "R02"), on=None):
    req = interviews.Request(on or TODAY + timedelta(days=7), panel, application_id=_application(store))
    return interviews.schedule_and_tell(store, _scope(), req)


def _send_all(store):
    settings, why = outbox.mail_settings()
    assert settings is not None, why
    return outbox.send_queued(store, settings, everything=True)


def _event(message):
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _card() -> Card:
    scores = {t: 3 for t in cards.THEMES}
    excerpts = tuple(Excerpt(t, "supports", f"Said something about {t} at length") for t in cards.THEMES)
    return Card(scores, excerpts)


def _submit(store, interview_id, rater_id):
    cards.submit(store, _scope(), interview_id, rater_id, _card(), paper=True)


# --- the events -------------------------------------------------------------------------------------


def test_schedule_move_cancel_send_invitation_update_and_cancellation(mail_store, starttls):
    inbox, _ = starttls
    store, emails = mail_store, _emails(mail_store)
    interview_id, queued = _schedule(store)
    assert queued.messages == 2 and "Queued 2 invitations" in queued.text("invitation")
    assert _send_all(store) == outbox.SendCounts(2, 0, 0)
    invitation = inbox.to(emails["R01"])[0]
    calendar, event = _event(invitation)
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    uid = event["UID"]
    assert uid == f"interview-{interview_id}@county.example.org"
    assert event["DTSTART"].dt == TODAY + timedelta(days=7)
    assert event["ATTENDEE"] == f"mailto:{emails['R01']}"
    assert invitation["Message-ID"].startswith("<outbox-") and interview_id in invitation["Subject"]

    changes.move(store, _scope(), interview_id, str(TODAY + timedelta(days=9)))
    changes.move(store, _scope(), interview_id, TODAY + timedelta(days=10))
    _send_all(store)
    moved = [m for m in inbox.to(emails["R02"]) if m["Subject"].startswith("Interview moved")]
    assert [_event(m)[1]["SEQUENCE"] for m in moved] == [1, 2]
    assert {_event(m)[1]["UID"] for m in moved} == {uid}
    assert _event(moved[-1])[1]["DTSTART"].dt == TODAY + timedelta(days=10)

    changes.cancel(store, _scope(), interview_id, "the candidate withdrew")
    _send_all(store)
    cancelled = [m for m in inbox.to(emails["R01"]) if m["Subject"].startswith("Interview cancelled")]
    calendar, event = _event(cancelled[0])
    assert calendar["METHOD"] == "CANCEL" and event["UID"] == uid and event["SEQUENCE"] == 3
    assert "withdrew" not in cancelled[0].as_string()  # the reason is never sent
    assert interviews.interview(store, interview_id) is None  # no page counts it any more
    ids = {m["Message-ID"] for m in inbox.messages()}
    assert len(ids) == len(inbox.envelopes) == 8  # each message once, each with its own id


def test_cancelling_twice_and_bad_moves_say_why_and_change_nothing(mail_store, smtp):
    store = mail_store
    interview_id, _ = _schedule(store)
    changes.cancel(store, _scope(), interview_id)
    before = outbox.outbox_counts(store)
    with pytest.raises(interviews.ScheduleError, match="already cancelled on .* nothing was changed"):
        changes.cancel(store, _scope(), interview_id)
    with pytest.raises(interviews.ScheduleError, match="already cancelled"):
        changes.move(store, _scope(), interview_id, "2030-01-01")
    other, _ = _schedule(store)
    with pytest.raises(interviews.ScheduleError, match="not a date as YYYY-MM-DD"):
        changes.move(store, _scope(), other, "next tuesday")
    with pytest.raises(interviews.ScheduleError, match="no interview"):
        changes.cancel(store, _scope(), "VI999999")
    assert outbox.outbox_counts(store)["queued"] == before["queued"] + 2  # only the second's invitations


def test_an_interview_with_a_submitted_card_is_neither_moved_nor_cancelled(mail_store, smtp):
    store = mail_store
    interview_id, _ = _schedule(store, on=TODAY - timedelta(days=1))
    _submit(store, interview_id, "R01")
    day = interviews.interview(store, interview_id)["interview_date"]
    for attempt in (
        lambda: changes.move(store, _scope(), interview_id, TODAY),
        lambda: changes.cancel(store, _scope(), interview_id),
    ):
        with pytest.raises(interviews.ScheduleError, match=r"scorecard of .*\(R01\) is submitted"):
            attempt()
    assert interviews.interview(store, interview_id)["interview_date"] == day
    assert store.con.execute(
        "select count(*) from ratings where interview_id = ?", [interview_id]
    ).fetchall()[0][0]


def test_a_rater_without_email_is_named_and_nothing_is_queued_for_them(mail_store, smtp):
    store = mail_store
    store.con.execute("update raters set email = null where rater_id = 'R02'")
    interview_id, queued = _schedule(store)
    assert queued.messages == 1 and queued.without_email == ("Elena Moreau (R02)",)
    assert "No email for Elena Moreau (R02)" in queued.text("invitation")
    listed = outbox.outbox_list(store, _scope())
    assert listed["recipient"].to_list() == [_emails(store)["R01"]]


def test_without_mail_settings_nothing_is_queued(mail_store, monkeypatch):
    for name in ("VOCATION_SMTP_HOST", "VOCATION_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    interview_id, queued = _schedule(mail_store)
    assert queued.messages == 0 and queued.text().startswith("Mail is off")
    changes.move(mail_store, _scope(), interview_id, TODAY + timedelta(days=30))
    assert outbox.outbox_counts(mail_store) == {"queued": 0, "sent": 0, "failed": 0}


def test_recusal_cancels_for_that_rater_and_the_last_card_tells_the_scheduler(mail_store, smtp):
    inbox, _ = smtp
    store, emails = mail_store, _emails(mail_store)
    interview_id, _ = _schedule(store, panel=("R01", "R02", "R03"), on=TODAY - timedelta(days=1))
    cards.recuse(store, _scope(), interview_id, "R03", "a former client", paper=True)
    _submit(store, interview_id, "R01")
    assert not outbox.outbox_list(store, _scope()).filter(pl.col("kind") == "panel_complete").height
    _submit(store, interview_id, "R02")
    _send_all(store)
    calendar, event = _event(next(m for m in inbox.to(emails["R03"]) if "Recusal" in m["Subject"]))
    assert calendar["METHOD"] == "CANCEL" and event["SEQUENCE"] == 1
    assert "former client" not in inbox.to(emails["R03"])[-1].as_string()
    (note,) = inbox.to(SUPERVISOR)
    assert note["Subject"].startswith(f"Panel complete: interview {interview_id}")
    assert "2 scorecards" in note.get_body(("plain",)).get_content()


def test_reminders_once_a_day_all_cards_in_one_and_off_when_asked(mail_store, smtp):
    inbox, _ = smtp
    store, emails = mail_store, _emails(mail_store)
    first, _ = _schedule(store, panel=("R01", "R02"), on=TODAY - timedelta(days=5))
    second, _ = _schedule(store, panel=("R01",), on=TODAY - timedelta(days=3))
    settings, _ = outbox.mail_settings()
    reminders.set_reminders(store, Scope(emails["R02"].upper(), frozenset()), False)
    assert not reminders.reminders_on(store, emails["R02"])
    now = outbox.utc_now()
    assert reminders.queue_reminders(store, settings, now=now) == 1
    assert reminders.queue_reminders(store, settings, now=now + timedelta(minutes=5)) == 0
    _send_all(store)
    (reminder,) = [m for m in inbox.to(emails["R01"]) if m["Subject"].startswith("Scorecards overdue")]
    assert reminder["Subject"] == "Scorecards overdue: 2 interviews"
    text = reminder.get_body(("plain",)).get_content()
    assert first in text and second in text
    assert not [m for m in inbox.to(emails["R02"]) if "overdue" in m["Subject"]]
    assert reminders.queue_reminders(store, settings, now=now + timedelta(days=1)) == 1  # the next day


# --- sending: failures and retries ------------------------------------------------------------------


def test_wrong_password_fails_with_the_reply_and_shows_on_the_data_page(mail_store, starttls, monkeypatch):
    monkeypatch.setenv("VOCATION_SMTP_PASSWORD", "wrong")
    _schedule(mail_store)
    counts = _send_all(mail_store)
    assert counts == outbox.SendCounts(0, 2, 0)
    failed = outbox.outbox_list(mail_store, _scope(), "failed")
    assert failed["last_reply"].str.contains("535").all()
    status = mail_schedule.mail_status(mail_store, _scope())
    assert status.on and status.failed.height == 2 and status.counts["failed"] == 2


def test_a_refused_address_is_failed_with_the_reply_the_others_sent(mail_store, smtp):
    inbox, _ = smtp
    mail_store.con.execute("update raters set email = 'gone@county.example.org' where rater_id = 'R02'")
    _schedule(mail_store)
    assert _send_all(mail_store) == outbox.SendCounts(1, 1, 0)
    (failed,) = outbox.outbox_list(mail_store, _scope(), "failed").iter_rows(named=True)
    assert failed["recipient"] == "gone@county.example.org" and "550" in failed["last_reply"]
    assert len(inbox.envelopes) == 1


def test_server_down_then_up_delivers_exactly_once(mail_store, monkeypatch):
    port = _free_port()
    monkeypatch.setenv("VOCATION_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VOCATION_SMTP_PORT", str(port))
    monkeypatch.setenv("VOCATION_SMTP_SECURITY", "none")
    monkeypatch.setenv("VOCATION_SMTP_FROM", SENDER)
    _schedule(mail_store, panel=("R01",))
    settings, _ = outbox.mail_settings()
    now = outbox.utc_now()
    assert outbox.send_queued(mail_store, settings, now=now, timeout=2) == outbox.SendCounts(0, 0, 1)
    (row,) = outbox.outbox_list(mail_store, _scope(), "queued").iter_rows(named=True)
    assert row["attempts"] == 1 and row["next_attempt_at"] == now + timedelta(minutes=1)
    assert "cannot reach" in row["last_reply"]
    assert outbox.send_queued(mail_store, settings, now=now + timedelta(seconds=10)).waiting == 1  # not due
    inbox, _, controller = _serve(port)
    try:
        assert outbox.send_queued(mail_store, settings, now=now + timedelta(minutes=2)) == outbox.SendCounts(
            1, 0, 0
        )
        assert outbox.send_queued(mail_store, settings, everything=True) == outbox.SendCounts(0, 0, 0)
        assert len(inbox.envelopes) == 1
    finally:
        controller.stop()


def test_a_temporary_failure_for_a_day_becomes_failed(mail_store, monkeypatch):
    monkeypatch.setenv("VOCATION_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VOCATION_SMTP_PORT", str(_free_port()))
    monkeypatch.setenv("VOCATION_SMTP_SECURITY", "none")
    monkeypatch.setenv("VOCATION_SMTP_FROM", SENDER)
    _schedule(mail_store, panel=("R01",))
    settings, _ = outbox.mail_settings()
    start = outbox.utc_now()
    outbox.send_queued(mail_store, settings, now=start, timeout=1)
    counts = outbox.send_queued(mail_store, settings, now=start + timedelta(hours=25), timeout=1)
    assert counts == outbox.SendCounts(0, 1, 0)
    (row,) = outbox.outbox_list(mail_store, _scope(), "failed").iter_rows(named=True)
    assert "gave up" in row["last_reply"]


# --- privacy ----------------------------------------------------------------------------------------


def _database_values(store) -> set[str]:
    """Every score-in-context, excerpt, decision note and demographic value the database holds."""
    values = set()
    for (text,) in store.con.execute(
        "select text from excerpts union select text from app_scorecard_excerpts"
        " union select note from app_decisions where note is not null"
        " union select note from app_consensus where note is not null"
        " union select recusal_reason from app_panel_seats where recusal_reason is not null"
        " union select cancel_reason from app_interview_calendar where cancel_reason is not null"
    ).fetchall():
        values.add(text.strip())
    for row in store.con.execute("select sex, race_ethnicity from demographics").fetchall():
        values |= {v for v in row if v and len(v) > 3}
    for theme, score in store.con.execute("select distinct theme, score from ratings").fetchall():
        values |= {f"{theme}: {score}", f"{theme} {score}", f"{theme}={score}"}
    return {v for v in values if v}


def test_no_message_holds_a_score_excerpt_decision_demographic_or_note(mail_store, smtp):
    inbox, _ = smtp
    store = mail_store
    store.con.execute(
        "insert into app_decisions values (nextval('app_id_seq'), ?, 'hold', ?, 'x', now())",
        [_application(store), "Private decision note about the candidate"],
    )
    held, _ = _schedule(store, panel=("R01", "R02", "R03"), on=TODAY - timedelta(days=4))
    cards.recuse(store, _scope(), held, "R03", "Private recusal reason", paper=True)
    _submit(store, held, "R01")
    _submit(store, held, "R02")
    moved, _ = _schedule(store)
    changes.move(store, _scope(), moved, TODAY + timedelta(days=20))
    changes.cancel(store, _scope(), moved, "Private cancel reason")
    late, _ = _schedule(store, panel=("R04",), on=TODAY - timedelta(days=6))
    settings, _ = outbox.mail_settings()
    mail_schedule.send_round(store, settings, everything=True)
    kinds = set(outbox.outbox_list(store, _scope())["kind"].to_list())
    assert kinds == {"invitation", "moved", "cancelled", "recused", "panel_complete", "overdue_reminder"}
    values = _database_values(store)
    assert len(values) > 100
    for message in inbox.messages():
        text = "\n".join(
            part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
        ) + str(message["Subject"])
        leaked = [v for v in values if v in text]
        assert not leaked, f"{message['Subject']}: {leaked[:3]}"


# --- crash safety, backups, commands ------------------------------------------------------------------


def test_kill_9_between_queueing_and_sending_loses_nothing(db_file, smtp):
    panels_db = db_file  # no demo panels: no overdue reminders beside the two invitations
    inbox, port = smtp
    environment = {
        "VOCATION_SMTP_HOST": "127.0.0.1",
        "VOCATION_SMTP_PORT": str(port),
        "VOCATION_SMTP_SECURITY": "none",
        "VOCATION_SMTP_FROM": SENDER,
    }
    store = db.Store.open(panels_db)
    application = _application(store)
    store.close()
    schedule = (
        "interviews",
        "schedule",
        "--application",
        application,
        "--on",
        str(TODAY),
        "--panel",
        "R01",
        "--panel",
        "R02",
        "--db",
        str(panels_db),
    )
    proc = start_command(
        *schedule, VOCATION_TEST_PAUSE_IN="outbox_mark", VOCATION_TEST_PAUSE_S="120", **environment
    )
    assert proc.wait(timeout=120) == 0  # scheduled and queued, in one transaction
    send = start_command(
        "mail",
        "send",
        "--db",
        str(panels_db),
        VOCATION_TEST_PAUSE_IN="outbox_mark",
        VOCATION_TEST_PAUSE_S="120",
        **environment,
    )
    try:
        wait_for_line(send.stderr, "paused in outbox_mark", send)  # the first accepted, not yet marked
    finally:
        send.kill()
        send.wait()
    assert send.returncode == -9 and len(inbox.envelopes) == 1
    done = command("mail", "send", "--db", str(panels_db), **environment)
    assert done.returncode == 0, done.stderr
    assert "Sent 2, failed 0, still waiting 0." in done.stdout  # the one not marked may go once more
    recipients = sorted(e.rcpt_tos[0] for e in inbox.envelopes)
    store = db.Store.open(panels_db)
    try:
        assert set(recipients) == {_emails(store)["R01"], _emails(store)["R02"]}
        assert outbox.outbox_counts(store) == {"queued": 0, "sent": 2, "failed": 0}
    finally:
        store.close()
    listed = command("mail", "list", "--status", "sent", "--format", "json", "--db", str(panels_db))
    assert listed.returncode == 0 and listed.stdout.count('"status":"sent"') == 2


def test_the_outbox_is_in_backups_and_restored(mail_store, smtp, tmp_path):
    _schedule(mail_store)
    reminders.set_reminders(mail_store, Scope("ann@county.example.org", frozenset()), False)
    result = backup.create_backup(mail_store, _scope(), tmp_path / "backups")
    names = {t["name"] for t in backup.verify_backup(result.path)["tables"]}
    assert {"app_outbox", "app_mail_preferences", "app_interview_calendar"} <= names
    target = tmp_path / "restored.duckdb"
    backup.restore_backup(result.path, target)
    restored = db.Store.open(target)
    try:
        assert outbox.outbox_counts(restored)["queued"] == 2
        assert (
            restored.con.execute("select message from app_outbox").fetchall()
            == mail_store.con.execute("select message from app_outbox").fetchall()
        )
        assert not reminders.reminders_on(restored, "ann@county.example.org")
    finally:
        restored.close()


def test_a_database_from_before_the_outbox_opens_with_everything_kept(db_file, tmp_path):
    older = tmp_path / "older.duckdb"
    shutil.copy(db_file, older)
    store = db.Store.open(older)
    for table in ("app_outbox", "app_mail_preferences", "app_interview_calendar"):
        store.con.execute(f"drop table {table}")
    people = store.con.execute("select count(*) from people").fetchall()
    store.close()
    store = db.Store.open(older)
    try:
        assert store.con.execute("select count(*) from people").fetchall() == people
        assert outbox.outbox_counts(store) == {"queued": 0, "sent": 0, "failed": 0}
    finally:
        store.close()


def test_commands_move_cancel_and_mail_test(panels_db, smtp):
    inbox, port = smtp
    environment = {
        "VOCATION_SMTP_HOST": "127.0.0.1",
        "VOCATION_SMTP_PORT": str(port),
        "VOCATION_SMTP_SECURITY": "none",
        "VOCATION_SMTP_FROM": SENDER,
    }
    store = db.Store.open(panels_db)
    interview_id, _ = _schedule(store)
    store.close()
    moved = command(
        "interviews",
        "move",
        interview_id,
        "--on",
        str(TODAY + timedelta(days=3)),
        "--db",
        str(panels_db),
        **environment,
    )
    assert moved.returncode == 0 and "Queued 2 calendar messages" in moved.stdout, moved.stderr
    bad = command("interviews", "move", interview_id, "--on", "soon", "--db", str(panels_db))
    assert bad.returncode == 1 and "not a date as YYYY-MM-DD" in bad.stderr
    gone = command("interviews", "cancel", interview_id, "--reason", "no room", "--db", str(panels_db))
    assert gone.returncode == 0 and "Mail is off" in gone.stdout
    again = command("interviews", "cancel", interview_id, "--db", str(panels_db))
    assert again.returncode == 1 and "already cancelled" in again.stderr
    test = command("mail", "test", "--to", "admin@county.example.org", "--db", str(panels_db), **environment)
    assert test.returncode == 0 and "Sent a test message" in test.stdout, test.stderr
    assert inbox.to("admin@county.example.org")[0]["Subject"] == "Vocation test message"
    off = command("mail", "send", "--db", str(panels_db))
    assert off.returncode == 1 and "Mail is off" in off.stderr


# --- pages --------------------------------------------------------------------------------------------


def test_data_page_says_mail_is_off_and_lists_failed_messages(panels_db, monkeypatch):
    from conftest import grant, open_tab

    grant(panels_db, "admin@example.org", "admin")
    at = signed_in_app(panels_db, "admin@example.org", monkeypatch, page="views/data.py")
    open_tab(at, "data_tab", "Mail")
    assert any("Mail is off" in w.value for w in at.warning)


def test_my_interviews_turns_reminders_off(panels_db, monkeypatch):
    from conftest import grant

    from dashboard.demo import panels

    store = db.Store.open(panels_db)
    email_address = panels.demo_interviewer_email(store)
    store.close()
    grant(panels_db, email_address, "interviewer")
    at = signed_in_app(panels_db, email_address, monkeypatch, page="views/my_interviews.py")
    toggle = at.toggle(key="my_interviews_reminders")
    assert toggle.value is True
    toggle.set_value(False).run()
    store = db.Store.open(panels_db)
    try:
        assert not reminders.reminders_on(store, email_address)
    finally:
        store.close()


def test_a_supervisor_moves_then_cancels_on_the_candidate_page(panels_db, monkeypatch, smtp):
    from conftest import grant
    from test_scorecard_pages import page_text

    grant(panels_db, "sup@example.org", "supervisor", ("P01",))
    store = db.Store.open(panels_db)
    application = store.query("open_applications_for_program", program_id="P01")["application_id"][-1]
    interview_id, _ = interviews.schedule_and_tell(
        store,
        _scope(),
        interviews.Request(TODAY + timedelta(days=5), ("R01", "R02"), application_id=application),
    )
    store.close()
    at = signed_in_app(panels_db, "sup@example.org", monkeypatch)
    at.session_state["candidate_application_id"] = application
    at.switch_page("views/candidate.py").run()
    assert at.button(key=f"candidate_cancel_{interview_id}").disabled  # not before "Yes, cancel"
    at.date_input(key=f"candidate_move_day_{interview_id}").set_value(TODAY + timedelta(days=6)).run()
    at.button(key=f"candidate_move_{interview_id}").click().run()
    assert not at.exception
    assert f"Moved {interview_id}" in page_text(at) and "Queued 2 calendar updates" in page_text(at)
    at.checkbox(key=f"candidate_cancel_sure_{interview_id}").check().run()
    at.button(key=f"candidate_cancel_{interview_id}").click().run()
    assert f"Cancelled {interview_id}. Queued 2 calendar cancellations" in page_text(at)
    store = db.Store.open(panels_db)
    try:
        kinds = outbox.outbox_list(store, _scope()).filter(pl.col("interview_id") == interview_id)["kind"]
        assert sorted(kinds.to_list()) == ["cancelled"] * 2 + ["invitation"] * 2 + ["moved"] * 2
    finally:
        store.close()
