"""The messages an interview's events queue, each inside the event's own transaction (`cur`):
invitations when it is scheduled (or a rater is added), updates when it moves, cancellations when
it is cancelled or a rater recuses, and a note to the scheduler when its panel is complete.

Only raters with an email get a message; the others are named in the result (`Queued`), so the
page or the command can say whom to tell. The messages carry ids, names, dates, the program and
links: nothing of any scorecard, decision or person's data beyond that (notify/messages.py)."""

from __future__ import annotations

from datetime import date, datetime

from dashboard.notify import messages
from dashboard.notify.compose import page_link
from dashboard.notify.outbox import Queued, queue_in
from dashboard.notify.settings import SmtpSettings
from dashboard.store import db


def _one(cur, name: str, **params) -> dict | None:
    rows = db.run_in(cur, name, **params)
    return rows.row(0, named=True) if rows is not None and rows.height else None


def interview_fields(cur, interview_id: str) -> dict:
    """The interview's id, program name and date, read inside the transaction (cancelled ones too)."""
    row = _one(cur, "interview_for_id", interview_id=interview_id)
    if row is None:
        row = _one(cur, "interview_calendar_for_id", interview_id=interview_id) or {}
    return {
        "interview_id": interview_id,
        "program_name": row.get("program_name") or row.get("program_id") or "",
        "start": row.get("interview_date"),
        "purpose": row.get("purpose"),
        "application_id": row.get("application_id"),
    }


def sequence(cur, interview_id: str) -> int:
    """The interview's calendar SEQUENCE now (0 until its first move)."""
    row = _one(cur, "interview_calendar_for_id", interview_id=interview_id)
    return int(row["sequence"]) if row else 0


def _seats(cur, interview_id: str, rater_ids: list[str] | None = None) -> list[dict]:
    seats = db.run_in(cur, "panel_mail_list", interview_id=interview_id).to_dicts()
    return [s for s in seats if rater_ids is None or s["rater_id"] in rater_ids]


def _to_panel(cur, settings, kind, interview_id, seats, build, now) -> Queued:
    """Queue `build(seat, **common)` to each seat with an email; name those without one."""
    queued, missing = 0, []
    for seat in seats:
        if not seat["rater_email"]:
            missing.append(f"{seat['rater_name']} ({seat['rater_id']})")
            continue
        queue_in(
            cur,
            settings,
            kind,
            seat["rater_email"],
            lambda s=seat, **common: build(s, **common),
            interview_id=interview_id,
            now=now,
        )
        queued += 1
    return Queued(queued, tuple(missing))


def queue_invitations(
    cur,
    settings: SmtpSettings,
    interview_id: str,
    scheduled_by: str,
    rater_ids: list[str] | None = None,
    now: datetime | None = None,
) -> Queued:
    """An invitation (METHOD:REQUEST) to each active panel rater (or only `rater_ids`), at the
    interview's current SEQUENCE: 0 when it is new, the last move's for a rater added after a move
    (a calendar ignores an update older than the version it holds)."""
    fields = interview_fields(cur, interview_id)
    seq = sequence(cur, interview_id)
    seats = [s for s in _seats(cur, interview_id, rater_ids) if s["seat_status"] != "recused"]
    link = page_link(settings.base_url, "scorecard", interview=interview_id)
    by = scheduled_by if "@" in scheduled_by else "Your program"

    def build(seat, **common):
        return messages.interview_invitation(
            rater_email=seat["rater_email"],
            rater_name=seat["rater_name"],
            interview_id=interview_id,
            program_name=fields["program_name"],
            start=fields["start"],
            scheduled_by_name=by,
            link=link,
            sequence=seq,
            **common,
        )

    return _to_panel(cur, settings, "invitation", interview_id, seats, build, now)


def queue_moved(
    cur, settings: SmtpSettings, interview_id: str, previous: date, seq: int, now: datetime | None = None
) -> Queued:
    """An update (same UID, METHOD:REQUEST, SEQUENCE `seq`) to each active panel rater."""
    fields = interview_fields(cur, interview_id)
    seats = [s for s in _seats(cur, interview_id) if s["seat_status"] != "recused"]
    link = page_link(settings.base_url, "scorecard", interview=interview_id)

    def build(seat, **common):
        return messages.interview_moved(
            rater_email=seat["rater_email"],
            rater_name=seat["rater_name"],
            interview_id=interview_id,
            program_name=fields["program_name"],
            start=fields["start"],
            previous_start=previous,
            sequence=seq,
            link=link,
            **common,
        )

    return _to_panel(cur, settings, "moved", interview_id, seats, build, now)


def queue_cancellations(
    cur,
    settings: SmtpSettings,
    interview_id: str,
    seq: int,
    why: str = "cancelled",
    rater_ids: list[str] | None = None,
    now: datetime | None = None,
) -> Queued:
    """METHOD:CANCEL (SEQUENCE `seq`) to the panel (cancelled) or to the raters who recused."""
    builder = {"cancelled": messages.interview_cancelled, "recused": messages.rater_recused}[why]
    fields = interview_fields(cur, interview_id)
    seats = _seats(cur, interview_id, rater_ids)
    if why == "cancelled":
        seats = [s for s in seats if s["seat_status"] != "recused"]  # they were told when they recused
    link = page_link(settings.base_url, "my_interviews")

    def build(seat, **common):
        return builder(
            rater_email=seat["rater_email"],
            rater_name=seat["rater_name"],
            interview_id=interview_id,
            program_name=fields["program_name"],
            start=fields["start"],
            sequence=seq,
            link=link,
            **common,
        )

    return _to_panel(cur, settings, why, interview_id, seats, build, now)


def queue_if_panel_complete(
    cur, settings: SmtpSettings, interview_id: str, now: datetime | None = None
) -> Queued:
    """When every active seat's card is submitted: a note to whoever scheduled (if an address)."""
    seats = [s for s in _seats(cur, interview_id) if s["seat_status"] != "recused"]
    if not seats or not all(s["submitted"] for s in seats):
        return Queued()
    scheduler = _one(cur, "app_interview_scheduler", interview_id=interview_id) or {}
    to = (scheduler.get("scheduled_by") or "").strip()
    if "@" not in to or " " in to:
        return Queued(0, (to or "the scheduler",))
    fields = interview_fields(cur, interview_id)
    if fields["purpose"] == "hiring":
        link = page_link(settings.base_url, "candidate", application=fields["application_id"] or "")
    else:
        link = page_link(settings.base_url, "trainees")

    def build(**common):
        return messages.panel_complete(
            scheduler_email=to,
            scheduler_name=to,
            interview_id=interview_id,
            program_name=fields["program_name"],
            interview_date=fields["start"],
            card_count=len(seats),
            link=link,
            **common,
        )

    queue_in(cur, settings, "panel_complete", to, build, interview_id=interview_id, now=now)
    return Queued(1)
