"""What a review's events queue to the reviewed trainee, each inside the event's own transaction
(`cur`): an invitation to self-assess when the review is scheduled, a short update when it moves,
a note when it is cancelled. The overdue reminder (once per review, ever) is queued by
scorecards/reminders.py with the scorecards' daily round.

A review (intake, midpoint, exit, annual) gets these only when the reviewed person is a trainee of
its program (enrolled in one of its cohorts: only then do they self-assess it) and has an email
in `people` that nobody else shares (a shared address can sign no trainee in, see ops/users.py).
The self-assessment is due on the review's date; it is overdue, like a scorecard, when it is not
submitted OVERDUE_DAYS after it (scorecards/interviews.py)."""

from __future__ import annotations

from datetime import date, datetime

from dashboard.notify import self_messages
from dashboard.notify.compose import page_link
from dashboard.notify.outbox import Queued, queue_in
from dashboard.notify.settings import SmtpSettings
from dashboard.store import db

REVIEWS = self_messages.STAGES


def self_assessment_link(base_url: str, interview_id: str | None = None) -> str:
    """The Self-assessment page, opened at one review when `interview_id` is given."""
    if interview_id is None:
        return page_link(base_url, "self_assessment")
    return page_link(base_url, "self_assessment", interview=interview_id)


def trainee_for(cur, person_id: str, program_id: str) -> dict | None:
    """The reviewed trainee's address and name, or None when they get no mail about this review."""
    rows = db.run_in(cur, "trainee_mail_for_person", person_id=person_id, program_id=program_id)
    if rows is None or not rows.height:
        return None
    row = rows.row(0, named=True)
    if not row["email"] or not row["enrolled"] or row["sharing"] != 1:
        return None
    return {"trainee_email": row["email"], "trainee_name": row["full_name"] or person_id}


def _review(cur, interview_id: str) -> dict | None:
    rows = db.run_in(cur, "interview_for_id", interview_id=interview_id)
    if rows is None or not rows.height:
        return None
    row = rows.row(0, named=True)
    return row if row["purpose"] in REVIEWS else None


def queue_self_invitation(
    cur, settings: SmtpSettings, interview_id: str, now: datetime | None = None
) -> Queued:
    """The invitation to self-assess, to the reviewed trainee (none for a hiring interview)."""
    row = _review(cur, interview_id)
    who = row and trainee_for(cur, row["person_id"], row["program_id"])
    if not who:
        return Queued()

    def build(**common):
        return self_messages.self_assessment_invitation(
            **who,
            program_name=row["program_name"] or row["program_id"],
            stage=row["purpose"],
            start=row["interview_date"],
            due_on=row["interview_date"],
            link=self_assessment_link(settings.base_url, interview_id),
            **common,
        )

    queue_in(cur, settings, "self_assessment_invitation", who["trainee_email"], build, interview_id, now=now)
    return Queued(1)


def queue_self_moved(
    cur, settings: SmtpSettings, interview_id: str, previous: date, now: datetime | None = None
) -> Queued:
    """The review moved: a short update to the reviewed trainee, with the new date."""
    row = _review(cur, interview_id)
    who = row and trainee_for(cur, row["person_id"], row["program_id"])
    if not who:
        return Queued()

    def build(**common):
        return self_messages.self_assessment_moved(
            **who,
            program_name=row["program_name"] or row["program_id"],
            stage=row["purpose"],
            start=row["interview_date"],
            previous_start=previous,
            due_on=row["interview_date"],
            link=self_assessment_link(settings.base_url, interview_id),
            **common,
        )

    queue_in(cur, settings, "self_assessment_moved", who["trainee_email"], build, interview_id, now=now)
    return Queued(1)


def queue_self_cancelled(cur, settings: SmtpSettings, review: dict, now: datetime | None = None) -> Queued:
    """The review is cancelled (`review`: its row as read before it left `interviews`)."""
    if review.get("purpose") not in REVIEWS or review.get("interview_date") is None:
        return Queued()
    who = trainee_for(cur, review["person_id"], review["program_id"])
    if not who:
        return Queued()

    def build(**common):
        return self_messages.self_assessment_cancelled(
            **who,
            program_name=review.get("program_name") or review["program_id"],
            stage=review["purpose"],
            start=review["interview_date"],
            link=self_assessment_link(settings.base_url),
            **common,
        )

    interview_id = review["interview_id"]
    queue_in(cur, settings, "self_assessment_cancelled", who["trainee_email"], build, interview_id, now=now)
    return Queued(1)
