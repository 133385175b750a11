"""The messages a trainee gets about their self-assessment at a review: an invitation when the review
is scheduled, a short update when it moves, a note when it is cancelled, and one reminder when the
self-assessment is overdue. Pure builders like those of notify/messages.py (which lists them in
BUILDERS, so tests/test_notify_core.py checks their signatures): they take the trainee's address
and name, the program, the review's stage and dates and a link — never a score, an example, the
panel, a decision or a note. They carry no calendar part: the trainee's task is the self-assessment,
and the review's calendar event is the panel's."""

from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage

from dashboard.notify.calendar import one_line
from dashboard.notify.compose import compose, day_text, when_text

STAGES = ("intake", "midpoint", "exit", "annual")


def _stage(stage: str) -> str:
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)} (got {stage!r})")
    return stage


def _to_trainee(fields: dict, subject: str, paragraphs: list[str], label: str) -> EmailMessage:
    return compose(
        message_id=fields["message_id"],
        sender=fields["sender"],
        to_email=fields["trainee_email"],
        to_name=fields["trainee_name"],
        subject=subject,
        paragraphs=[f"Hello {fields['trainee_name']},", *paragraphs],
        links=[(label, fields["link"])],
        sent_at=fields["sent_at"],
    )


def _self_assessment(fields: dict, reminder: bool) -> EmailMessage:
    stage, program = _stage(fields["stage"]), one_line(fields["program_name"])
    due = day_text(fields["due_on"])
    start = fields.get("start")
    held = [f"Your {stage} review in {program} is on {when_text(start)}."] if start is not None else []
    if reminder:
        subject = f"Self-assessment reminder: {stage}, {program}"
        ask = [
            f"A reminder: your {stage} self-assessment for {program} was due on {due} and is not "
            "submitted yet. Vocation sends this reminder once."
        ]
    else:
        subject = f"Self-assessment invitation: {stage}, {program}"
        ask = [
            *held,
            f"Your {stage} self-assessment for {program} is open: rate yourself on the six themes, "
            f"with an example from your own practice for each score. Please submit it by {due}.",
        ]
    return _to_trainee(fields, subject, ask, "Your self-assessment")


def self_assessment_invitation(
    *,
    message_id: str,
    sender: str,
    trainee_email: str,
    trainee_name: str,
    program_name: str,
    stage: str,
    due_on: date,
    link: str,
    start: date | datetime | None = None,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Invites a trainee to the self-assessment of their intake, midpoint, exit or annual review."""
    return _self_assessment(locals(), reminder=False)


def self_assessment_reminder(
    *,
    message_id: str,
    sender: str,
    trainee_email: str,
    trainee_name: str,
    program_name: str,
    stage: str,
    due_on: date,
    link: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Reminds a trainee, once, that a self-assessment is overdue."""
    return _self_assessment(locals(), reminder=True)


def self_assessment_moved(
    *,
    message_id: str,
    sender: str,
    trainee_email: str,
    trainee_name: str,
    program_name: str,
    stage: str,
    start: date | datetime,
    previous_start: date | datetime | None = None,
    due_on: date,
    link: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Tells a trainee their review has moved, and the self-assessment's new date."""
    fields = locals()
    stage, program = _stage(stage), one_line(program_name)
    was = [f"It was: {when_text(previous_start)}"] if previous_start is not None else []
    return _to_trainee(
        fields,
        f"Review moved: {stage}, now {day_text(start)}, {program}",
        [
            f"Your {stage} review in {program} has moved.",
            f"Now: {when_text(start)}",
            *was,
            f"Please submit your self-assessment for it by {day_text(due_on)}.",
        ],
        "Your self-assessment",
    )


def self_assessment_cancelled(
    *,
    message_id: str,
    sender: str,
    trainee_email: str,
    trainee_name: str,
    program_name: str,
    stage: str,
    start: date | datetime,
    link: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Tells a trainee their review is cancelled: no self-assessment is needed for it."""
    fields = locals()
    stage, program = _stage(stage), one_line(program_name)
    return _to_trainee(
        fields,
        f"Review cancelled: {stage}, {day_text(start)}, {program}",
        [
            f"Your {stage} review in {program} on {when_text(start)} is cancelled: no self-assessment is needed for it."
        ],
        "Your reviews",
    )
