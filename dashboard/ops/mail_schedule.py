"""Sending mail from the app's process, the `mail` commands' work, and what the Data page says.

When mail settings are present, a thread beside the pages (started like the scheduled backups)
queues the day's overdue reminders (scorecards, and trainees' self-assessments) and sends the outbox's due messages every minute. The same
round runs for `python -m dashboard mail send` (every queued message, retries included)."""

from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass

import polars as pl

from dashboard.core.access import Scope
from dashboard.notify import outbox
from dashboard.notify.settings import SmtpSettings
from dashboard.scorecards import reminders

INTERVAL_S = 60.0
log = logging.getLogger(__name__)


def send_round(store, settings: SmtpSettings, everything: bool = False) -> outbox.SendCounts:
    """Queue today's overdue reminders (once a day per address; a trainee's once per review), then
    send what is due."""
    reminders.queue_reminders(store, settings)
    reminders.queue_self_reminders(store, settings)
    return outbox.send_queued(store, settings, everything=everything)


def _loop(store, stop: threading.Event) -> None:
    while not stop.wait(INTERVAL_S):
        settings, _ = outbox.mail_settings()
        if settings is None:
            continue
        try:
            send_round(store, settings)
        except Exception:  # the sender must survive a busy database or a bad message
            log.exception("sending mail failed; trying again in a minute")


_started: dict[str, threading.Event] = {}


def start_mail_sender(store) -> threading.Event | None:
    """Start the minute's sender for the app's store when mail is configured (once per database)."""
    settings, why = outbox.mail_settings()
    if settings is None:
        log.info("%s", why)
        return None
    if store.path in _started:
        return _started[store.path]
    stop = _started[store.path] = threading.Event()
    thread = threading.Thread(target=_loop, args=(store, stop), name="vocation-mail", daemon=True)
    thread.start()
    atexit.register(_stop, stop, thread)
    return stop


def _stop(stop: threading.Event, thread: threading.Thread) -> None:
    stop.set()
    thread.join(timeout=30)


# --- what the Data page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class MailStatus:
    """Whether mail is on (and through which server), the outbox's counts, the failed messages."""

    on: bool
    settings_text: str
    counts: dict[str, int]
    failed: pl.DataFrame

    def counts_text(self) -> str:
        """'Outbox: 3 queued, 41 sent, 1 failed.'"""
        return "Outbox: " + ", ".join(f"{n} {status}" for status, n in self.counts.items()) + "."


FAILED_COLUMNS = ["outbox_id", "created_at", "kind", "recipient", "subject", "attempts", "last_reply"]


def mail_status(store, scope: Scope) -> MailStatus:
    """Mail on or off (and why), the outbox per status, and each failed message with the reply."""
    scope.require("admin")
    settings, why = outbox.mail_settings()
    if settings is None:
        text = why
    else:
        text = (
            f"Mail is on: through {settings.host}:{settings.port} ({settings.security}) as "
            f"{settings.sender_address}; the queue is sent every minute while the app runs."
        )
    failed = outbox.outbox_list(store, scope, "failed").select(FAILED_COLUMNS)
    return MailStatus(settings is not None, text, outbox.outbox_counts(store), failed)
