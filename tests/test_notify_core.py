"""The database-free core of notify/: settings, messages, iCalendar parts, and sending to a real SMTP
server (aiosmtpd on a free localhost port: plain, STARTTLS and implicit TLS with a trustme certificate,
AUTH, a refused recipient, a 451, a stopped server, a silent one)."""

from __future__ import annotations

import email
import inspect
import socket
import typing
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as DEFAULT_POLICY
from zoneinfo import ZoneInfo

import icalendar
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from dashboard.notify import messages
from dashboard.notify.messages import OverdueCard
from dashboard.notify.settings import SettingsError, SmtpSettings, smtp_settings
from dashboard.notify.smtp import next_attempt, send

SENDER = "Vocation <vocation@riverside.example.org>"
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
LINK = "http://localhost:8501/scorecard?interview=VI0001"


class Store:
    """An SMTP handler keeping every envelope; refuses one mailbox (550) and, if asked, every message (451)."""

    def __init__(self, busy: bool = False):
        self.envelopes = []
        self.busy = busy

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.busy:
            return "451 4.3.0 Try again later"
        self.envelopes.append(envelope)
        return "250 2.0.0 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"ann", b"right")
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def server_tls(ca):
    """The server side's TLS context with a certificate for 127.0.0.1 signed by the test CA."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def trust_ca(ca, tmp_path, monkeypatch):
    """The client trusts the test CA the production way: SSL_CERT_FILE read by create_default_context."""
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    monkeypatch.setenv("SSL_CERT_FILE", str(path))


def _serve(handler, **kwargs) -> Iterator[tuple[Store, int]]:
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def plain():
    yield from _serve(Store())


@pytest.fixture
def busy():
    yield from _serve(Store(busy=True))


@pytest.fixture
def starttls(server_tls):
    yield from _serve(
        Store(),
        tls_context=server_tls,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )


@pytest.fixture
def implicit_tls(server_tls):
    yield from _serve(Store(), ssl_context=server_tls)


def _settings(port: int, security: str = "none", username: str = "", password: str = "") -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, security, username, password, SENDER)


def _invitation(start=date(2026, 5, 12), end=None, **overrides) -> EmailMessage:
    fields = dict(
        message_id="<outbox-1.interview-VI0001@vocation>",
        sender=SENDER,
        rater_email="ann.lee@riverside.example.org",
        rater_name="Ann Lee",
        interview_id="VI0001",
        program_name="Riverside Counseling",
        start=start,
        end=end,
        scheduled_by_name="Sam Ortiz",
        link=LINK,
        sent_at=NOW,
    )
    return messages.interview_invitation(**{**fields, **overrides})


def _received(store: Store) -> EmailMessage:
    (envelope,) = store.envelopes
    return email.message_from_bytes(envelope.content, policy=DEFAULT_POLICY)


def _event(message: EmailMessage) -> tuple[icalendar.Calendar, icalendar.Event, EmailMessage]:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return calendar, event, part


# --- sending -------------------------------------------------------------------------------------


def test_plain_server_receives_an_all_day_invitation(plain):
    store, port = plain
    result = send(_settings(port), _invitation())
    assert (result.status, result.code) == ("sent", 250) and "accepted" in result.reply
    (envelope,) = store.envelopes
    assert envelope.mail_from == "vocation@riverside.example.org"
    assert envelope.rcpt_tos == ["ann.lee@riverside.example.org"]
    message = _received(store)
    assert message["Message-ID"] == "<outbox-1.interview-VI0001@vocation>"
    assert message["Subject"] == "Interview invitation: VI0001, Tuesday 12 May 2026, Riverside Counseling"
    assert message["From"].addresses[0].addr_spec == "vocation@riverside.example.org"
    assert message["Date"].datetime == NOW
    calendar, event, part = _event(message)
    assert part.get_param("method") == "REQUEST" and part.get_content_charset() == "utf-8"
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == "interview-VI0001@riverside.example.org"
    assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
    assert event["DTSTART"].dt == date(2026, 5, 12) and not isinstance(event["DTSTART"].dt, datetime)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event["DTEND"].dt == date(2026, 5, 13)
    assert event["ORGANIZER"] == "mailto:vocation@riverside.example.org"
    attendee = event["ATTENDEE"]
    assert attendee == "mailto:ann.lee@riverside.example.org"
    assert (attendee.params["ROLE"], attendee.params["PARTSTAT"], attendee.params["RSVP"]) == (
        "REQ-PARTICIPANT",
        "NEEDS-ACTION",
        "TRUE",
    )
    assert event["URL"] == LINK and LINK in event["DESCRIPTION"] and "DTSTAMP" in event
    assert LINK in message.get_body(("plain",)).get_content()


def test_starttls_verifies_the_certificate_and_logs_in(starttls, trust_ca):
    store, port = starttls
    start = datetime(2026, 5, 12, 9, 30, tzinfo=ZoneInfo("America/Chicago"))
    moved = messages.interview_moved(
        message_id="<outbox-2.interview-VI0001@vocation>",
        sender=SENDER,
        rater_email="ann.lee@riverside.example.org",
        rater_name="Ann Lee",
        interview_id="VI0001",
        program_name="Riverside Counseling",
        start=start,
        end=start + timedelta(hours=1),
        previous_start=date(2026, 5, 11),
        sequence=1,
        link=LINK,
        sent_at=NOW,
    )
    assert send(_settings(port, "starttls", "ann", "right"), moved).status == "sent"
    calendar, event, _ = _event(_received(store))
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 1
    assert event["UID"] == "interview-VI0001@riverside.example.org"
    assert event["DTSTART"].dt == start and event["DTSTART"].params["TZID"] == "America/Chicago"
    assert calendar.walk("VTIMEZONE"), "a TZID needs its VTIMEZONE"


def test_wrong_password_is_permanent_with_the_535_reply(starttls, trust_ca):
    store, port = starttls
    result = send(_settings(port, "starttls", "ann", "wrong"), _invitation())
    assert (result.status, result.code) == ("permanent", 535) and "535" in result.reply
    assert store.envelopes == []


def test_an_untrusted_certificate_is_permanent(starttls):
    store, port = starttls  # no trust_ca: the trustme CA is unknown to the default context
    result = send(_settings(port, "starttls", "ann", "right"), _invitation())
    assert result.status == "permanent" and "certificate" in result.reply
    assert store.envelopes == []


def test_starttls_missing_on_the_server_is_permanent_never_plain(plain):
    store, port = plain
    assert send(_settings(port, "starttls"), _invitation()).status == "permanent"
    assert store.envelopes == []


def test_implicit_tls(implicit_tls, trust_ca):
    store, port = implicit_tls
    assert send(_settings(port, "ssl"), _invitation()).status == "sent"
    assert _received(store)["To"].addresses[0].addr_spec == "ann.lee@riverside.example.org"


def test_a_refused_mailbox_is_permanent(plain):
    store, port = plain
    result = send(_settings(port), _invitation(rater_email="gone@riverside.example.org"))
    assert (result.status, result.code) == ("permanent", 550) and "Mailbox unavailable" in result.reply


def test_a_451_is_temporary(busy):
    _, port = busy
    result = send(_settings(port), _invitation())
    assert (result.status, result.code) == ("temporary", 451) and "451" in result.reply


def test_a_stopped_server_is_temporary():
    result = send(_settings(_free_port()), _invitation(), timeout=2)
    assert result.status == "temporary" and result.code is None


def test_a_silent_server_times_out_as_temporary():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        result = send(_settings(silent.getsockname()[1]), _invitation(), timeout=0.5)
    assert result.status == "temporary"


def test_cancellation_keeps_the_uid_and_raises_the_sequence(plain):
    store, port = plain
    for builder in (messages.interview_cancelled, messages.rater_recused):
        message = builder(
            message_id="<outbox-3.interview-VI0001@vocation>",
            sender=SENDER,
            rater_email="ann.lee@riverside.example.org",
            rater_name="Ann Lee",
            interview_id="VI0001",
            program_name="Riverside Counseling",
            start=date(2026, 5, 12),
            sequence=2,
            link="http://localhost:8501/my_interviews",
            sent_at=NOW,
        )
        assert send(_settings(port), message).sent
        calendar, event, part = _event(_received(store))
        store.envelopes.clear()
        assert part.get_param("method") == calendar["METHOD"] == "CANCEL"
        assert event["UID"] == "interview-VI0001@riverside.example.org"
        assert (event["SEQUENCE"], event["STATUS"]) == (2, "CANCELLED")


# --- messages ------------------------------------------------------------------------------------

ALLOWED_TYPES = {str, int, date, datetime, date | datetime, date | datetime | None, datetime | None}
ALLOWED_NAMES = {
    "message_id",
    "sender",
    "rater_email",
    "rater_name",
    "scheduler_email",
    "scheduler_name",
    "trainee_email",
    "trainee_name",
    "to_email",
    "to_name",
    "scheduled_by_name",
    "interview_id",
    "program_name",
    "stage",
    "start",
    "end",
    "previous_start",
    "interview_date",
    "due_on",
    "sent_at",
    "sequence",
    "card_count",
    "cards",
    "link",
    "base_url",
}
FORBIDDEN = ("score", "excerpt", "decision", "note", "demograph", "race", "sex", "text", "body", "comment")


def test_builders_can_take_only_ids_names_dates_programs_and_links():
    for builder in messages.BUILDERS:
        hints = typing.get_type_hints(builder)
        for name, parameter in inspect.signature(builder).parameters.items():
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, f"{builder.__name__}({name})"
            assert name in ALLOWED_NAMES, f"{builder.__name__} takes {name}"
            assert not any(word in name for word in FORBIDDEN), f"{builder.__name__} takes {name}"
            if name == "cards":
                assert hints[name] == Sequence[OverdueCard]
            else:
                assert hints[name] in ALLOWED_TYPES, f"{builder.__name__}({name}: {hints[name]})"
    assert typing.get_type_hints(OverdueCard) == {
        "interview_id": str,
        "interview_date": date,
        "program_name": str,
    }


def test_overdue_cards_come_in_one_message_with_a_link_each():
    cards = [
        OverdueCard("VI0007", date(2026, 4, 20), "Riverside Counseling"),
        OverdueCard("VI0003", date(2026, 4, 2), "Hillside Youth"),
    ]
    message = messages.overdue_reminder(
        message_id="<outbox-9.overdue-R01@vocation>",
        sender=SENDER,
        rater_email="ann.lee@riverside.example.org",
        rater_name="Ann Lee",
        cards=cards,
        base_url="http://localhost:8501",
        sent_at=NOW,
    )
    assert message["Subject"] == "Scorecards overdue: 2 interviews"
    text = message.get_body(("plain",)).get_content()
    assert text.index("VI0003") < text.index("VI0007")
    assert "http://localhost:8501/scorecard?interview=VI0003" in text
    assert "VI0007, Monday 20 April 2026, Riverside Counseling" in text
    assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]


def test_every_builder_makes_a_plain_subject_and_a_link():
    common = dict(message_id="<outbox-5.x@vocation>", sender=SENDER, sent_at=NOW, link=LINK)
    trainee = dict(
        trainee_email="t@example.org",
        trainee_name="Tia",
        program_name="Riverside",
        stage="midpoint",
        due_on=date(2026, 6, 1),
    )
    built = [
        messages.panel_complete(
            **common,
            scheduler_email="sam@example.org",
            scheduler_name="Sam Ortiz",
            interview_id="VI0001",
            program_name="Riverside",
            interview_date=date(2026, 5, 12),
            card_count=3,
        ),
        messages.self_assessment_invitation(**common, **trainee),
        messages.self_assessment_reminder(**common, **trainee),
        messages.smtp_test_message(**common, to_email="admin@example.org"),
    ]
    subjects = [m["Subject"] for m in built]
    assert subjects == [
        "Panel complete: interview VI0001, Riverside",
        "Self-assessment invitation: midpoint, Riverside",
        "Self-assessment reminder: midpoint, Riverside",
        "Vocation test message",
    ]
    for message in built:
        assert LINK in message.get_body(("plain",)).get_content()
        assert message["Auto-Submitted"] == "auto-generated"
    with pytest.raises(ValueError, match="stage"):
        messages.self_assessment_invitation(**common, **{**trainee, "stage": "verdict"})


def test_line_breaks_in_names_and_ids_never_make_headers(plain):
    store, port = plain
    hostile = _invitation(
        rater_name="Ann\r\nBcc: evil@attacker.example",
        interview_id="VI0001\r\nX-Evil: yes",
        program_name="Riverside\nCc: evil@attacker.example",
    )
    assert send(_settings(port), hostile).sent
    (envelope,) = store.envelopes
    assert envelope.rcpt_tos == ["ann.lee@riverside.example.org"]
    received = _received(store)
    assert received["Bcc"] is None and received["Cc"] is None and received["X-Evil"] is None
    assert "\n" not in received["Subject"] and "VI0001 X-Evil: yes" in received["Subject"]
    assert [a.addr_spec for a in received["To"].addresses] == ["ann.lee@riverside.example.org"]
    for bad in ("ann@example.org\r\nBcc: evil@attacker.example", "ann@example.org, evil@attacker.example"):
        with pytest.raises(ValueError):
            _invitation(rater_email=bad)
    with pytest.raises(ValueError):
        _invitation(message_id="<a@b>\r\nBcc: evil@attacker.example")
    with pytest.raises(ValueError):
        _invitation(link="javascript:alert(1)")


def test_html_alternative_escapes_values():
    message = _invitation(program_name="<script>alert(1)</script> & Co")
    html_part = message.get_body(("html",)).get_content()
    assert "<script>" not in html_part and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html_part


def test_a_timed_interview_needs_a_timezone():
    with pytest.raises(ValueError, match="timezone"):
        _invitation(start=datetime(2026, 5, 12, 9, 30))
    utc = _invitation(start=datetime(2026, 5, 12, 14, 0, tzinfo=UTC))
    _, event, _ = _event(utc)
    assert event["DTSTART"].to_ical() == b"20260512T140000Z"
    assert event["DTEND"].dt == datetime(2026, 5, 12, 15, 0, tzinfo=UTC)


# --- settings and retries ------------------------------------------------------------------------

SECRETS = {
    "smtp": {
        "host": "mail.riverside.example.org",
        "port": 2525,
        "security": "ssl",
        "username": "vocation",
        "password": "from-secrets",
        "sender": SENDER,
    }
}


def test_settings_from_secrets_and_environment_overrides():
    settings, reason = smtp_settings(SECRETS, {})
    assert reason == "" and settings.port == 2525 and settings.security == "ssl"
    assert settings.base_url == "http://localhost:8501" and settings.sender_domain == "riverside.example.org"
    assert "from-secrets" not in repr(settings)
    environ = {
        "VOCATION_SMTP_HOST": "relay.example.org",
        "VOCATION_SMTP_PORT": "587",
        "VOCATION_SMTP_SECURITY": "STARTTLS",
        "VOCATION_SMTP_USER": "other",
        "VOCATION_SMTP_PASSWORD": "from-env",
        "VOCATION_SMTP_FROM": "noreply@example.org",
        "VOCATION_BASE_URL": "https://vocation.example.org/",
    }
    settings, _ = smtp_settings(SECRETS, environ)
    assert settings == SmtpSettings(
        "relay.example.org",
        587,
        "starttls",
        "other",
        "from-env",
        "noreply@example.org",
        "https://vocation.example.org",
    )
    defaults, _ = smtp_settings({"smtp": {"host": "h", "sender": "a@b.org", "security": "none"}}, {})
    assert (defaults.port, defaults.username) == (25, "")


def test_mail_is_off_without_a_host_or_sender():
    settings, reason = smtp_settings({}, {})
    assert settings is None and "host" in reason
    settings, reason = smtp_settings({"smtp": {"host": "mail.example.org"}}, {})
    assert settings is None and "sender" in reason
    settings, _ = smtp_settings({}, {"VOCATION_SMTP_HOST": "h", "VOCATION_SMTP_FROM": "a@b.org"})
    assert settings.security == "starttls" and settings.port == 587


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"VOCATION_SMTP_SECURITY": "tls"}, "security must be one of starttls, ssl, none"),
        ({"VOCATION_SMTP_PORT": "smtp"}, "port must be a whole number"),
        ({"VOCATION_SMTP_PORT": "70000"}, "port must be a whole number"),
        ({"VOCATION_SMTP_FROM": "vocation"}, "sender must be an email address"),
        ({"VOCATION_SMTP_HOST": "h\r\nx"}, "one line"),
        ({"VOCATION_BASE_URL": "localhost:8501"}, "VOCATION_BASE_URL"),
    ],
)
def test_bad_settings_say_what_is_wrong(override, message):
    with pytest.raises(SettingsError, match=message):
        smtp_settings(SECRETS, override)


def test_retry_schedule_backs_off_then_gives_up_after_a_day():
    first = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    waits = [next_attempt(n, first) - first for n in range(1, 8)]
    assert waits == [timedelta(minutes=m) for m in (1, 6, 21, 51, 111, 171, 231)]
    last = max(n for n in range(1, 100) if next_attempt(n, first) is not None)
    assert next_attempt(last, first) - first <= timedelta(hours=24)
    assert next_attempt(last + 1, first) is None
    assert next_attempt(last, first) - first > timedelta(hours=23)
