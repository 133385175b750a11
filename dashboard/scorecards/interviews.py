"""Interviews scheduled in Vocation and their panels: scheduling, adding a rater, each seat's
status, the interviewer's own panels and the overdue list.

A supervisor schedules hiring interviews for applications in their programs; a training director
schedules intake, midpoint, exit and annual reviews for trainees and staff of their programs.
Every write is one transaction, audited as `schedule`. An interview scheduled here is app-owned:
its row in `interviews` and its key in `app_interviews` are never touched by an import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from dashboard.core.access import AccessDenied, Scope, readable_programs
from dashboard.core.contract import PURPOSES
from dashboard.notify import interview_mail, outbox, trainee_mail
from dashboard.scorecards import blind_rule
from dashboard.store import audit, db

PANEL_MIN, PANEL_MAX = 1, 4
OVERDUE_DAYS = 2  # a card not submitted this many days after the interview date is overdue
REVIEW_PURPOSES = tuple(p for p in PURPOSES if p != "hiring")
STATUSES = ("not started", "draft", "submitted", "recused", "overdue")
STATUS_RULE = (
    "Status: not started, draft (saved, not submitted), submitted, recused, or overdue "
    f"(not submitted {OVERDUE_DAYS} days after the interview date)."
)


class ScheduleError(ValueError):
    """A scheduling request broke one or more rules; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def role_for(purpose: str) -> str:
    """Who schedules and oversees an interview of this purpose."""
    return "supervisor" if purpose == "hiring" else "training_director"


def today() -> date:
    """Today's date (one place, so that tests and the page agree)."""
    return date.today()


# --- statuses (pure) ----------------------------------------------------------------------


def seat_status(seat: str, latest_version: int | None, interview_date: date, on: date) -> str:
    """One seat's status: recused, submitted, overdue, draft or not started."""
    if seat == "recused":
        return "recused"
    if latest_version is not None and latest_version >= 1:
        return "submitted"
    if on >= interview_date + timedelta(days=OVERDUE_DAYS):
        return "overdue"
    return "draft" if latest_version == 0 else "not started"


def with_status(seats: pl.DataFrame, on: date) -> pl.DataFrame:
    """Seats with a `status` column (see seat_status)."""
    submitted = pl.col("latest_version").fill_null(-1) >= 1
    due = pl.col("interview_date") + pl.duration(days=OVERDUE_DAYS) <= pl.lit(on)
    status = (
        pl.when(pl.col("seat_status") == "recused")
        .then(pl.lit("recused"))
        .when(submitted)
        .then(pl.lit("submitted"))
        .when(due)
        .then(pl.lit("overdue"))
        .when(pl.col("latest_version") == 0)
        .then(pl.lit("draft"))
        .otherwise(pl.lit("not started"))
    )
    return seats.with_columns(status.alias("status"))


# --- who is who ---------------------------------------------------------------------------


def my_rater_ids(store, scope: Scope) -> list[str]:
    """The rater ids whose email is the signed-in person's (case-insensitive)."""
    return store.query("raters_for_email", email=scope.email)["rater_id"].to_list()


def interviewer_raters(store, scope: Scope) -> list[str]:
    """The signed-in interviewer's rater ids; AccessDenied without the interviewer role."""
    scope.require("interviewer")
    return my_rater_ids(store, scope)


def rater_choices(store) -> dict[str, str]:
    """Every rater id with a label, for panel pickers."""
    raters = store.query("rater_list")
    return {r: f"{n} ({r})" for r, n in raters.select("rater_id", "full_name").iter_rows()}


def interview(store, interview_id: str) -> dict | None:
    """One interview (any origin) with person and program, or None."""
    rows = store.query("interview_for_id", interview_id=interview_id)
    return rows.row(0, named=True) if rows.height else None


def require_overseer(store, scope: Scope, row: dict) -> str:
    """The role through which `scope` oversees this interview; AccessDenied when none does."""
    role = role_for(row["purpose"])
    if not scope.has(role) or row["program_id"] not in readable_programs(store, scope, role):
        raise AccessDenied(f"interview {row['interview_id']} is not in your programs")
    return role


# --- scheduling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What a scheduler asks for: an application, or a person, program and purpose."""

    on: date | str | None  # text (from the command line) is checked here
    panel: tuple[str, ...]
    application_id: str | None = None
    person_id: str | None = None
    program_id: str | None = None
    purpose: str | None = None


def _check_panel(store, panel: tuple[str, ...], problems: list[str]) -> None:
    """A panel is 1-4 different raters that exist."""
    known = set(store.query("rater_list")["rater_id"].to_list())
    if not PANEL_MIN <= len(panel) <= PANEL_MAX:
        problems.append(f"a panel has {PANEL_MIN} to {PANEL_MAX} raters (got {len(panel)})")
    if len(set(panel)) != len(panel):
        problems.append("a rater is named twice on the panel")
    problems += [f"--panel {r}: no rater has this id" for r in dict.fromkeys(panel) if r not in known]


def _resolve(store, scope: Scope, req: Request, problems: list[str]) -> dict:
    """The person, program, application and purpose of the request, with its scope checked."""
    if req.application_id and (req.person_id or req.program_id):
        problems.append("give an application, or a person with a program and purpose, not both")
    if req.application_id:
        if req.purpose not in (None, "hiring"):
            problems.append(f"an application's interview is a hiring interview, not {req.purpose}")
        ids = readable_programs(store, scope, "supervisor") if scope.has("supervisor") else []
        found = store.query("application_for_id", application_id=req.application_id, program_ids=ids)
        if found.is_empty():
            raise AccessDenied(f"the application {req.application_id} is not in your programs")
        app = found.row(0, named=True)
        return {"person_id": app["person_id"], "program_id": app["program_id"], "purpose": "hiring"}
    if not (req.person_id and req.program_id and req.purpose):
        problems.append("give --application ID, or --person ID with --program ID and --purpose")
        return {}
    if req.purpose not in REVIEW_PURPOSES:
        problems.append(f"purpose {req.purpose!r} is not one of: {', '.join(REVIEW_PURPOSES)}")
    ids = readable_programs(store, scope, "training_director") if scope.has("training_director") else []
    if req.program_id not in ids:
        raise AccessDenied(f"the program {req.program_id} is not one of your programs")
    if store.query("memberships_for_person", person_id=req.person_id, program_id=req.program_id).is_empty():
        problems.append(f"{req.person_id} is no trainee or staff member of {req.program_id}")
    return {"person_id": req.person_id, "program_id": req.program_id, "purpose": req.purpose}


def schedule(store, scope: Scope, req: Request) -> str:
    """Schedule an interview with its panel in one audited transaction; returns its id."""
    return schedule_and_tell(store, scope, req)[0]


def schedule_and_tell(store, scope: Scope, req: Request) -> tuple[str, outbox.Queued]:
    """Schedule (see `schedule`), queueing in the same transaction an invitation to each panel rater
    with an email and, for a review, one to self-assess to the trainee reviewed (notify/trainee_mail.py);
    returns the id and what was queued."""
    settings, off = outbox.mail_settings()
    problems: list[str] = []
    what = _resolve(store, scope, req, problems)
    on = req.on
    if isinstance(on, str):
        try:
            on = date.fromisoformat(on.strip())
        except ValueError:
            problems.append(f"the date {req.on!r} is not a date as YYYY-MM-DD")
    elif on is None:
        problems.append("give the interview date (YYYY-MM-DD)")
    _check_panel(store, req.panel, problems)
    if problems:
        raise ScheduleError(problems)

    def work(cur) -> tuple[str, outbox.Queued]:
        interview_id = db.run_in(cur, "app_interview_next_id")["interview_id"][0]
        db.run_in(
            cur,
            "app_interview_insert",
            interview_id=interview_id,
            application_id=req.application_id,
            interview_date=on,
            scheduled_by=scope.email,
            **what,
        )
        for rater_id in req.panel:
            db.run_in(
                cur, "panel_seat_insert", interview_id=interview_id, rater_id=rater_id, added_by=scope.email
            )
        db.refresh_interview(cur, interview_id)  # its application's row counts its interviews
        panel = ", ".join(req.panel)
        obj = f"{interview_id}: {what['purpose']} of {what['person_id']} on {on}, panel {panel}"
        audit.record_in(cur, scope, "schedule", obj, len(req.panel), role=role_for(what["purpose"]))
        if settings is None:
            return interview_id, outbox.Queued(off_reason=off)
        queued = interview_mail.queue_invitations(cur, settings, interview_id, scope.email)
        return interview_id, queued.plus(trainee_mail.queue_self_invitation(cur, settings, interview_id))

    done = db.transaction(store, work, name="schedule")
    return done


def add_to_panel(store, scope: Scope, interview_id: str, rater_id: str) -> outbox.Queued:
    """Seat one more rater (for instance after a recusal); at most four active seats. The rater is
    sent an invitation (queued in the same transaction) when they have an email and mail is on."""
    settings, off = outbox.mail_settings()
    row = interview(store, interview_id)
    if row is None or not row["app_owned"]:
        raise ScheduleError([f"interview {interview_id} was not scheduled in Vocation"])
    role = require_overseer(store, scope, row)

    def work(cur) -> outbox.Queued:
        seats = db.run_in(cur, "panel_seats_for_interviews", interview_ids=[interview_id])
        active = seats.filter(pl.col("seat_status") != "recused")
        problems = []
        if rater_id in active["rater_id"].to_list():
            problems.append(f"{rater_id} already sits on this panel")
        elif active.height >= PANEL_MAX:
            problems.append(f"the panel already has {PANEL_MAX} raters")
        _check_panel(store, (rater_id,), problems)
        if problems:
            raise ScheduleError(problems)
        db.run_in(
            cur, "panel_seat_insert", interview_id=interview_id, rater_id=rater_id, added_by=scope.email
        )
        audit.record_in(cur, scope, "schedule", f"{interview_id}: add {rater_id} to the panel", 1, role=role)
        if settings is None:
            return outbox.Queued(off_reason=off)
        return interview_mail.queue_invitations(cur, settings, interview_id, scope.email, [rater_id])

    queued = db.transaction(store, work, name="schedule_add")
    return queued


# --- reading panels -----------------------------------------------------------------------


def my_panels(store, scope: Scope, on: date | None = None) -> pl.DataFrame:
    """The signed-in interviewer's panel seats, each with its status, soonest first."""
    scope.require("interviewer")
    return with_status(store.query("panel_seats_for_email", email=scope.email), on or today())


def panel_seats(store, interview_ids: list[str], on: date | None = None) -> pl.DataFrame:
    """Every seat of these interviews with its status (callers check the reader's scope)."""
    return with_status(
        store.query("panel_seats_for_interviews", interview_ids=list(interview_ids)), on or today()
    )


@dataclass(frozen=True)
class PanelView:
    """A person's interviews scheduled in Vocation, their seats, and the submitted cards shown."""

    interviews: pl.DataFrame
    seats: pl.DataFrame
    hidden: bool  # the reader sits on a pending panel for this person: no card contents


def person_panels(
    store, scope: Scope, role: str, person_id: str, application_id: str | None = None
) -> PanelView:
    """The panels of a person's interviews in the reader's programs (scores come from scorecards)."""
    ids = readable_programs(store, scope, role)
    rows = store.query(
        "scheduled_interviews_for_person", person_id=person_id, program_ids=ids, application_id=application_id
    )
    seats = panel_seats(store, rows["interview_id"].to_list())
    return PanelView(rows, seats, blind_rule.is_hidden(store, scope, person_id))


def overdue(store, scope: Scope, role: str, on: date | None = None) -> pl.DataFrame:
    """Seats in the reader's programs whose card is overdue (purpose decides whose list it is)."""
    due_before = (on or today()) - timedelta(days=OVERDUE_DAYS)
    rows = store.query(
        "overdue_seats_for_programs", program_ids=readable_programs(store, scope, role), due_before=due_before
    )
    mine = pl.col("purpose") == "hiring" if role == "supervisor" else pl.col("purpose") != "hiring"
    return rows.filter(mine)
