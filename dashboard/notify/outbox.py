"""The outbox: every message Vocation sends is first a row of `app_outbox`, queued in the same
transaction as the event that causes it, then sent by `send_queued` (every minute in the app's
process, or `python -m dashboard mail send`).

A row holds the whole RFC 5322 message as it will be sent, with a stable Message-ID
(<outbox-ID.KIND@sender's domain>). Sending one message: the server's answer is recorded in a
transaction of its own right after it comes — sent; queued again with the next try's time (a
temporary failure: 4xx, no connection; retried with back-off for a day, then failed); or failed
with the server's reply (5xx). A message marked sent is never sent again; a crash between the
server's acceptance and the mark leaves it queued, so it may be sent once more (docs/admin.md).
Without mail settings nothing is queued."""

from __future__ import annotations

import email
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as DEFAULT_POLICY

import polars as pl

from dashboard.core.access import Scope
from dashboard.notify.settings import SettingsError, SmtpSettings, smtp_settings
from dashboard.notify.smtp import GIVE_UP_AFTER, PERMANENT, POLICY, SENT, next_attempt, send
from dashboard.store import audit, db

STATUSES = ("queued", "sent", "failed")
KINDS = (
    "invitation",
    "moved",
    "cancelled",
    "recused",
    "panel_complete",
    "overdue_reminder",
    "self_assessment_invitation",
    "self_assessment_moved",
    "self_assessment_cancelled",
    "self_assessment_reminder",
    "test",
)
SEND_LOCK = threading.Lock()  # the minute's sender and `mail send` never send the same row at once


def mail_settings() -> tuple[SmtpSettings | None, str]:
    """(settings, '') when mail is on; (None, why it is off) — unusable settings also turn it off."""
    try:
        return smtp_settings()
    except SettingsError as exc:
        return None, f"Mail is off: a mail setting is wrong: {exc}."


def utc_now() -> datetime:
    """Now in UTC without a zone (how the outbox stores its times)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Queued:
    """What an event queued: how many messages, who has no email, or why mail is off."""

    messages: int = 0
    without_email: tuple[str, ...] = ()
    off_reason: str = ""

    def plus(self, other: Queued) -> Queued:
        """This event's messages and another's together (the panel's and the trainee's)."""
        return Queued(self.messages + other.messages, self.without_email + other.without_email)

    def text(self, what: str = "message") -> str:
        """The result in a sentence or two for the page or the command line."""
        if self.off_reason:
            return f"{self.off_reason} No {what} was queued; tell the people concerned yourself."
        parts = [f"Queued {self.messages} {what}{'s' if self.messages != 1 else ''} to send."]
        if self.without_email:
            parts.append(
                f"No email for {', '.join(self.without_email)}: nothing was queued for them; "
                "tell them yourself (or add their address to the raters file)."
            )
        return " ".join(parts)


def queue_in(
    cur,
    settings: SmtpSettings,
    kind: str,
    recipient: str,
    build: Callable[..., EmailMessage],
    interview_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """Queue one message inside the caller's transaction; `build(message_id=, sender=, sent_at=)`
    makes it. Returns its outbox id."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of message {kind!r}")
    now = now or utc_now()
    outbox_id = int(db.run_in(cur, "outbox_next_id")["outbox_id"][0])
    message_id = f"<outbox-{outbox_id}.{kind.replace('_', '-')}@{settings.sender_domain}>"
    message = build(message_id=message_id, sender=settings.sender, sent_at=now.replace(tzinfo=UTC))
    db.run_in(
        cur,
        "outbox_insert",
        outbox_id=outbox_id,
        kind=kind,
        recipient=recipient,
        subject=str(message["Subject"]),
        message=message.as_bytes(policy=POLICY),
        message_id=message_id,
        interview_id=interview_id,
        created_at=now,
    )
    return outbox_id


# --- sending -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendCounts:
    """One round of sending: accepted, failed for good, and still waiting for a retry."""

    sent: int
    failed: int
    waiting: int

    def text(self) -> str:
        """The counts in a sentence."""
        return f"Sent {self.sent}, failed {self.failed}, still waiting {self.waiting}."


def _outcome(row: dict, status: str, reply: str, now: datetime) -> dict:
    """The outbox_mark parameters after one try."""
    tries, first = int(row["attempts"]) + 1, row["first_attempt_at"] or now
    retry = None
    if status == "queued":
        retry = next_attempt(tries, first)
        if retry is None or now - first >= GIVE_UP_AFTER:
            retry = None
            status, reply = "failed", f"{reply} (gave up: no delivery within a day of tries)"
    return {
        "outbox_id": row["outbox_id"],
        "status": status,
        "attempts": tries,
        "first_attempt_at": first,
        "last_attempt_at": now,
        "next_attempt_at": retry,
        "last_reply": reply[:2000],
    }


def _try(settings: SmtpSettings, row: dict, now: datetime, timeout: float) -> dict:
    """Send one row's message; the mark to record."""
    try:
        message = email.message_from_bytes(row["message"], policy=DEFAULT_POLICY)
        result = send(settings, message, timeout=timeout)
    except ValueError as exc:  # a message that cannot be sent as it is (never the case when queued here)
        return _outcome(row, "failed", f"not sendable: {exc}", now)
    status = {SENT: "sent", PERMANENT: "failed"}.get(result.status, "queued")
    return _outcome(row, status, result.reply, now)


def send_queued(
    store, settings: SmtpSettings, *, everything: bool = False, now: datetime | None = None, timeout=20.0
) -> SendCounts:
    """Send the queued messages that are due (all queued ones when `everything`), one by one, each
    marked in its own transaction right after the server answers."""
    sent = failed = 0
    with SEND_LOCK:
        now = now or utc_now()
        due = store.query_uncached("outbox_due", now=now, everything=everything)
        for row in due.iter_rows(named=True):
            mark = _try(settings, row, now, timeout)
            db.transaction(store, lambda cur, m=mark: db.run_in(cur, "outbox_mark", **m), name="outbox_mark")
            sent += mark["status"] == "sent"
            failed += mark["status"] == "failed"
        waiting = store.query_uncached("outbox_list", status="queued").height
    return SendCounts(sent, failed, waiting)


def send_test(store, scope: Scope, settings: SmtpSettings, to: str, timeout: float = 20.0):
    """Queue a test message to `to`, send it at once and return the SendResult-like mark."""
    from dashboard.notify import messages
    from dashboard.notify.compose import check_address

    to = check_address(to)

    def work(cur) -> int:
        audit.record_in(cur, scope, "mail", f"test message to {to}", 1, role="admin")
        return queue_in(
            cur,
            settings,
            "test",
            to,
            lambda **common: messages.smtp_test_message(to_email=to, link=settings.base_url, **common),
        )

    outbox_id = db.transaction(store, work)
    with SEND_LOCK:
        row = store.query_uncached("outbox_due", now=utc_now(), everything=True)
        row = row.filter(pl.col("outbox_id") == outbox_id).row(0, named=True)
        mark = _try(settings, row, utc_now(), timeout)
        db.transaction(store, lambda cur: db.run_in(cur, "outbox_mark", **mark), name="outbox_mark")
    return mark


# --- reading ------------------------------------------------------------------------------------


def outbox_list(store, scope: Scope, status: str | None = None) -> pl.DataFrame:
    """The outbox, newest first, without the messages themselves (admin only)."""
    scope.require("admin")
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)} (got {status!r})")
    return store.query_uncached("outbox_list", status=status)


def outbox_counts(store) -> dict[str, int]:
    """Messages per status (every status present, 0 when none)."""
    rows = store.query_uncached("outbox_counts")
    found = dict(zip(rows["status"].to_list(), rows["messages"].to_list(), strict=True))
    return {status: int(found.get(status, 0)) for status in STATUSES}
