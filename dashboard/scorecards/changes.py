"""Moving and cancelling an interview scheduled in Vocation, each one audited transaction that also
queues the calendar update or cancellation to the panel (when mail is on).

A review's trainee is told too (notify/trainee_mail.py): a short update when it moves, a note when
it is cancelled. Moving keeps the interview's id, panel and drafts; only its date changes and the calendar SEQUENCE
rises by one. An interview with a submitted scorecard is neither moved nor cancelled: a submitted
card describes the interview as it was held on its date (Reliability and Screening read it), so
the request is refused, naming the raters who submitted, and nothing changes. If the date recorded
was wrong, amend nothing: schedule a new interview for the new date, or correct the date in the
source the interview came from.

Cancelling takes the interview out of `interviews` (no page counts it, no card of it is overdue)
and keeps its row, who cancelled, when and why in app_interview_calendar; seats and drafts stay.
Cancelling it again says when it was cancelled and changes nothing."""

from __future__ import annotations

from datetime import date

from dashboard.core.access import Scope
from dashboard.notify import interview_mail, outbox, trainee_mail
from dashboard.scorecards.interviews import ScheduleError, interview, require_overseer
from dashboard.store import audit, db

REASON_MAX = 500


def _parse_day(on: date | str | None) -> date:
    if isinstance(on, date):
        return on
    try:
        return date.fromisoformat(str(on or "").strip())
    except ValueError:
        raise ScheduleError([f"the date {on!r} is not a date as YYYY-MM-DD"]) from None


def _open_interview(store, scope: Scope, interview_id: str) -> tuple[dict, str]:
    """The interview and the overseeing role; ScheduleError when it cannot change (cancelled,
    imported, unknown); AccessDenied when it is not in the reader's programs."""
    row = interview(store, interview_id)
    if row is None:
        cancelled = store.query_uncached("interview_calendar_for_id", interview_id=interview_id)
        if cancelled.height and cancelled["cancelled_at"][0] is not None:
            c = cancelled.row(0, named=True)
            raise ScheduleError(
                [
                    f"interview {interview_id} was already cancelled on {c['cancelled_at']:%Y-%m-%d %H:%M} "
                    f"by {c['cancelled_by']}; nothing was changed"
                ]
            )
        raise ScheduleError([f"there is no interview {interview_id}"])
    if not row["app_owned"]:
        raise ScheduleError(
            [f"interview {interview_id} was imported, not scheduled in Vocation: change it in its source"]
        )
    return row, require_overseer(store, scope, row)


def _refuse_if_submitted(cur, interview_id: str, doing: str) -> None:
    seats = db.run_in(cur, "panel_mail_list", interview_id=interview_id)
    done = [f"{r['rater_name']} ({r['rater_id']})" for r in seats.iter_rows(named=True) if r["submitted"]]
    if done:
        raise ScheduleError(
            [
                f"interview {interview_id} cannot be {doing}: the scorecard of {', '.join(done)} is "
                "submitted, and a submitted card describes the interview as held on its date. Nothing "
                "was changed; to hold it again, schedule a new interview"
            ]
        )


def move(store, scope: Scope, interview_id: str, on: date | str | None) -> outbox.Queued:
    """Move the interview to `on`; an update goes to each panel rater with an email."""
    new_day = _parse_day(on)
    row, role = _open_interview(store, scope, interview_id)
    if row["interview_date"] == new_day:
        raise ScheduleError([f"interview {interview_id} is already on {new_day}; nothing was changed"])
    settings, off = outbox.mail_settings()

    def work(cur) -> outbox.Queued:
        _refuse_if_submitted(cur, interview_id, "moved")
        seq = int(db.run_in(cur, "interview_move", interview_id=interview_id, interview_date=new_day)[0, 0])
        db.refresh_derived(cur, interview_id)
        obj = f"{interview_id}: moved from {row['interview_date']} to {new_day}"
        audit.record_in(cur, scope, "schedule", obj, 1, role=role)
        if settings is None:
            return outbox.Queued(off_reason=off)
        queued = interview_mail.queue_moved(cur, settings, interview_id, row["interview_date"], seq)
        return queued.plus(trainee_mail.queue_self_moved(cur, settings, interview_id, row["interview_date"]))

    queued = db.transaction(store, work)
    return queued


def cancel(store, scope: Scope, interview_id: str, reason: str | None = None) -> outbox.Queued:
    """Cancel the interview; a calendar cancellation goes to each panel rater with an email (the
    reason is kept for the record and the audit log, never put in a message)."""
    row, role = _open_interview(store, scope, interview_id)
    reason = " ".join((reason or "").split())[:REASON_MAX] or None
    settings, off = outbox.mail_settings()

    def work(cur) -> outbox.Queued:
        _refuse_if_submitted(cur, interview_id, "cancelled")
        fields = interview_mail.interview_fields(cur, interview_id)  # read before the row leaves
        db.run_in(cur, "application_scores_delete_for_interview", interview_id=interview_id)
        result = db.run_in(
            cur, "interview_cancel", interview_id=interview_id, cancelled_by=scope.email, reason=reason
        )
        if row["application_id"]:
            db.run_in(cur, "application_scores_insert_for_application", application_id=row["application_id"])
        obj = f"{interview_id}: cancelled ({row['purpose']} of {row['person_id']} on {row['interview_date']})"
        audit.record_in(cur, scope, "schedule", obj, 1, role=role)
        if settings is None or not fields["start"]:
            return outbox.Queued(off_reason=off)
        queued = interview_mail.queue_cancellations(cur, settings, interview_id, int(result[0, 0]))
        return queued.plus(trainee_mail.queue_self_cancelled(cur, settings, row))

    queued = db.transaction(store, work)
    return queued
