"""Overdue reminders and each person's choice about them.

Once a day at most, a rater whose scorecards are overdue (not submitted OVERDUE_DAYS after the
interview, as scorecards/interviews.py defines it) gets one message listing all of them, unless
they turned reminders off on My interviews. A trainee whose self-assessment of a review scheduled
in Vocation is overdue by the same rule (not submitted OVERDUE_DAYS after the review's date) gets
ONE reminder for that review, ever (an app_outbox row of kind self_assessment_reminder for the
review remembers it), unless reminders are off for their address; reviews dated more than
SELF_REMIND_WITHIN days ago are not reminded (mail turned on late never nags about old reviews).
The app's sender (ops/mail_schedule.py) queues both before each round of sending;
`python -m dashboard mail send` does too."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dashboard.core.access import Scope
from dashboard.notify import messages, self_messages
from dashboard.notify.outbox import queue_in, utc_now
from dashboard.notify.settings import SmtpSettings
from dashboard.notify.trainee_mail import self_assessment_link
from dashboard.scorecards.interviews import OVERDUE_DAYS, today
from dashboard.store import audit, db

SELF_REMIND_WITHIN = 30  # days: an overdue self-assessment of an older review is not reminded


def reminders_on(store, email: str) -> bool:
    """Whether this address takes overdue reminders (yes unless turned off)."""
    rows = store.query_uncached("mail_preference_for_email", email=email)
    return bool(rows["reminders"][0]) if rows.height else True


def set_reminders(store, scope: Scope, on: bool) -> None:
    """Turn overdue reminders on or off for the signed-in person's own address (audited)."""
    email = scope.email.strip().lower()
    if "@" not in email:
        raise ValueError("reminders are set per sign-in address; this session has none")

    def work(cur) -> None:
        db.run_in(cur, "mail_preference_upsert", email=email, reminders=bool(on))
        audit.record_in(cur, scope, "mail", f"overdue reminders {'on' if on else 'off'} for {email}", 1)

    db.transaction(store, work)


def _day_start_utc(now: datetime) -> datetime:
    """The start of `now`'s day in this machine's time zone, as naive UTC (`now` is naive UTC)."""
    local = now.replace(tzinfo=UTC).astimezone()
    start = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
    return start.astimezone(UTC).replace(tzinfo=None)


def queue_reminders(
    store, settings: SmtpSettings, on: date | None = None, now: datetime | None = None
) -> int:
    """Queue one reminder per address with overdue cards and none yet today; returns how many."""
    now = now or utc_now()
    due_before = (on or today()) - timedelta(days=OVERDUE_DAYS)
    programs = store.query_uncached("program_list")
    names = dict(zip(programs["program_id"].to_list(), programs["program_name"].to_list(), strict=True))

    def work(cur) -> int:
        late = db.run_in(cur, "overdue_seats_for_programs", program_ids=list(names), due_before=due_before)
        off = set(db.run_in(cur, "reminders_off_list")["email"].to_list())
        by_address: dict[str, list[dict]] = {}
        for row in late.filter(late["rater_email"].is_not_null()).iter_rows(named=True):
            by_address.setdefault(row["rater_email"].strip().lower(), []).append(row)
        queued = 0
        for address, rows in by_address.items():
            sent_today = db.run_in(
                cur, "outbox_reminders_since", recipient=address, since=_day_start_utc(now)
            )
            if address in off or sent_today["reminders"][0] > 0:
                continue
            cards = [
                messages.OverdueCard(r["interview_id"], r["interview_date"], names.get(r["program_id"], ""))
                for r in rows
            ]

            first = rows[0]

            def build(cards=cards, first=first, **common):
                return messages.overdue_reminder(
                    rater_email=first["rater_email"].strip(),
                    rater_name=first["rater_name"],
                    cards=cards,
                    base_url=settings.base_url,
                    **common,
                )

            queue_in(cur, settings, "overdue_reminder", address, build, now=now)
            queued += 1
        return queued

    queued = db.transaction(store, work)
    return queued


def queue_self_reminders(
    store, settings: SmtpSettings, on: date | None = None, now: datetime | None = None
) -> int:
    """Queue one reminder per review whose self-assessment is overdue, once ever; returns how many."""
    now, on = now or utc_now(), on or today()
    due_before = on - timedelta(days=OVERDUE_DAYS)

    def work(cur) -> int:
        late = db.run_in(
            cur,
            "overdue_self_assessments",
            due_before=due_before,
            since=on - timedelta(days=SELF_REMIND_WITHIN),
        )
        off = set(db.run_in(cur, "reminders_off_list")["email"].to_list())
        queued = 0
        for row in late.iter_rows(named=True):
            if row["email"].lower() in off:
                continue

            def build(row=row, **common):
                return self_messages.self_assessment_reminder(
                    trainee_email=row["email"],
                    trainee_name=row["full_name"] or row["person_id"],
                    program_name=row["program_name"],
                    stage=row["purpose"],
                    due_on=row["interview_date"],
                    link=self_assessment_link(settings.base_url, row["interview_id"]),
                    **common,
                )

            queue_in(
                cur, settings, "self_assessment_reminder", row["email"], build, row["interview_id"], now=now
            )
            queued += 1
        return queued

    queued = db.transaction(store, work)
    return queued
