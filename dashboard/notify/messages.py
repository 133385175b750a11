"""The messages Vocation sends, each built by a pure function from plain fields into an EmailMessage.

A message says who, what, when and where to click — never scores, excerpts, decisions, notes or
self-identified groups, and never the candidate's name (raters may be blind to it). The builders cannot carry
them: they take only ids, names of the recipient and scheduler, dates, program names and links
(tests/test_notify_core.py checks every signature). Each message has the caller's stable Message-ID,
a plain subject, a plain-text body with a simple HTML alternative (values escaped), and invitations
carry a text/calendar part (method REQUEST or CANCEL) as the last alternative, per iMIP (RFC 6047).
A trainee's messages about their self-assessment are built in notify/self_messages.py and listed here.
Names and ids are made single-line; an address or Message-ID that is not one line is refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from typing import NamedTuple

from dashboard.notify.calendar import cancellation_ics, invitation_ics, one_line
from dashboard.notify.compose import check_address, check_link, compose, day_text, page_link, when_text
from dashboard.notify.self_messages import (
    self_assessment_cancelled,
    self_assessment_invitation,
    self_assessment_moved,
    self_assessment_reminder,
)


class OverdueCard(NamedTuple):
    """One overdue scorecard in a reminder: which interview, when, which program."""

    interview_id: str
    interview_date: date
    program_name: str


def _event_fields(sender: str, interview_id: str, program_name: str, link: str) -> dict:
    sender_name, sender_address = parseaddr(sender)
    return {
        "interview_id": interview_id,
        "sender_address": check_address(sender_address),
        "sender_name": sender_name or "Vocation",
        "summary": f"Interview {one_line(interview_id)} – {one_line(program_name)}",
        "description": f"Interview {one_line(interview_id)} ({one_line(program_name)}).\nVocation: {link}",
        "url": check_link(link),
    }


def interview_invitation(
    *,
    message_id: str,
    sender: str,
    rater_email: str,
    rater_name: str,
    interview_id: str,
    program_name: str,
    start: date | datetime,
    end: date | datetime | None = None,
    scheduled_by_name: str,
    link: str,
    sequence: int = 0,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """A rater's invitation to an interview panel: METHOD:REQUEST at the interview's current SEQUENCE
    (0 until it moves; a rater added after a move gets the moved event's, never an older one)."""
    when = when_text(start, end)
    ics = invitation_ics(
        sequence=sequence,
        rater_email=rater_email,
        rater_name=rater_name,
        start=start,
        end=end,
        stamp=sent_at,
        **_event_fields(sender, interview_id, program_name, link),
    )
    return compose(
        message_id=message_id,
        sender=sender,
        to_email=rater_email,
        to_name=rater_name,
        subject=f"Interview invitation: {interview_id}, {day_text(start)}, {program_name}",
        paragraphs=[
            f"Hello {rater_name},",
            f"{scheduled_by_name} has added you to the interview panel for interview {interview_id} "
            f"({program_name}).",
            f"When: {when}",
            "The calendar invitation is attached. Your scorecard opens from the link below.",
        ],
        links=[("Your scorecard", link)],
        sent_at=sent_at,
        calendar=("REQUEST", ics),
    )


def interview_moved(
    *,
    message_id: str,
    sender: str,
    rater_email: str,
    rater_name: str,
    interview_id: str,
    program_name: str,
    start: date | datetime,
    end: date | datetime | None = None,
    previous_start: date | datetime | None = None,
    sequence: int,
    link: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """An update to the invitation (same UID, METHOD:REQUEST) at the interview's new time; sequence >= 1."""
    if sequence < 1:
        raise ValueError("a moved interview's SEQUENCE is at least 1 (the first invitation had 0)")
    ics = invitation_ics(
        sequence=sequence,
        rater_email=rater_email,
        rater_name=rater_name,
        start=start,
        end=end,
        stamp=sent_at,
        **_event_fields(sender, interview_id, program_name, link),
    )
    was = [f"It was: {when_text(previous_start)}"] if previous_start is not None else []
    return compose(
        message_id=message_id,
        sender=sender,
        to_email=rater_email,
        to_name=rater_name,
        subject=f"Interview moved: {interview_id}, now {day_text(start)}, {program_name}",
        paragraphs=[
            f"Hello {rater_name},",
            f"Interview {interview_id} ({program_name}) has moved.",
            f"Now: {when_text(start, end)}",
            *was,
            "The attached calendar update replaces the earlier invitation.",
        ],
        links=[("Your scorecard", link)],
        sent_at=sent_at,
        calendar=("REQUEST", ics),
    )


_CANCEL_TEXT = {
    "cancelled": ("Interview cancelled: {id}, {day}", "Interview {id} ({program}) on {when} is cancelled."),
    "recused": (
        "Recusal recorded: interview {id}, {day}",
        "Your recusal from interview {id} ({program}) on {when} is recorded.",
    ),
}


def _cancellation(why: str, fields: dict) -> EmailMessage:
    """A METHOD:CANCEL message for one rater; `why` picks one of the fixed sentences above."""
    start, end = fields["start"], fields["end"]
    values = {
        "id": one_line(fields["interview_id"]),
        "program": one_line(fields["program_name"]),
        "day": day_text(start),
        "when": when_text(start, end),
    }
    subject, sentence = (text.format(**values) for text in _CANCEL_TEXT[why])
    ics = cancellation_ics(
        sequence=fields["sequence"],
        rater_email=fields["rater_email"],
        rater_name=fields["rater_name"],
        start=start,
        end=end,
        stamp=fields["sent_at"],
        **_event_fields(fields["sender"], fields["interview_id"], fields["program_name"], fields["link"]),
    )
    return compose(
        message_id=fields["message_id"],
        sender=fields["sender"],
        to_email=fields["rater_email"],
        to_name=fields["rater_name"],
        subject=subject,
        paragraphs=[
            f"Hello {fields['rater_name']},",
            sentence,
            "The attached calendar cancellation removes it from your calendar.",
        ],
        links=[("Your interviews", fields["link"])],
        sent_at=fields["sent_at"],
        calendar=("CANCEL", ics),
    )


def interview_cancelled(
    *,
    message_id: str,
    sender: str,
    rater_email: str,
    rater_name: str,
    interview_id: str,
    program_name: str,
    start: date | datetime,
    end: date | datetime | None = None,
    sequence: int,
    link: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """The interview is cancelled: METHOD:CANCEL, same UID, `sequence` = last sent + 1."""
    return _cancellation("cancelled", locals())


def rater_recused(
    *,
    message_id: str,
    sender: str,
    rater_email: str,
    rater_name: str,
    interview_id: str,
    program_name: str,
    start: date | datetime,
    end: date | datetime | None = None,
    sequence: int,
    link: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """The rater recused themself: METHOD:CANCEL for that rater's copy (the reason is never sent)."""
    return _cancellation("recused", locals())


def overdue_reminder(
    *,
    message_id: str,
    sender: str,
    rater_email: str,
    rater_name: str,
    cards: Sequence[OverdueCard],
    base_url: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """One reminder listing all of a rater's overdue scorecards, each with its link."""
    cards = [OverdueCard(*card) for card in cards]
    if not cards:
        raise ValueError("an overdue reminder needs at least one overdue card")
    count = f"{len(cards)} interview" + ("s" if len(cards) != 1 else "")
    links = [
        (
            f"{one_line(card.interview_id)}, {day_text(card.interview_date)}, {one_line(card.program_name)}",
            page_link(base_url, "scorecard", interview=card.interview_id),
        )
        for card in sorted(cards, key=lambda c: (c.interview_date, c.interview_id))
    ]
    return compose(
        message_id=message_id,
        sender=sender,
        to_email=rater_email,
        to_name=rater_name,
        subject=f"Scorecards overdue: {count}",
        paragraphs=[
            f"Hello {rater_name},",
            f"Your scorecard is not yet in for {count}. Each link below opens one scorecard.",
        ],
        links=links,
        sent_at=sent_at,
    )


def panel_complete(
    *,
    message_id: str,
    sender: str,
    scheduler_email: str,
    scheduler_name: str,
    interview_id: str,
    program_name: str,
    interview_date: date,
    card_count: int,
    link: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """To the person who scheduled the panel: every scorecard of the interview is in."""
    cards = f"{card_count} scorecard" + ("s" if card_count != 1 else "")
    return compose(
        message_id=message_id,
        sender=sender,
        to_email=scheduler_email,
        to_name=scheduler_name,
        subject=f"Panel complete: interview {interview_id}, {program_name}",
        paragraphs=[
            f"Hello {scheduler_name},",
            f"Every scorecard for interview {interview_id} ({program_name}, {day_text(interview_date)}) "
            f"is in: {cards}.",
        ],
        links=[("Open the panel", link)],
        sent_at=sent_at,
    )


def smtp_test_message(
    *,
    message_id: str,
    sender: str,
    to_email: str,
    to_name: str = "",
    link: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """A message that only proves the mail settings work."""
    return compose(
        message_id=message_id,
        sender=sender,
        to_email=to_email,
        to_name=to_name,
        subject="Vocation test message",
        paragraphs=["This is a test message from Vocation. If you can read it, mail from Vocation works."],
        links=[("Vocation", link)],
        sent_at=sent_at,
    )


BUILDERS = (
    interview_invitation,
    interview_moved,
    interview_cancelled,
    rater_recused,
    overdue_reminder,
    panel_complete,
    self_assessment_invitation,
    self_assessment_moved,
    self_assessment_cancelled,
    self_assessment_reminder,
    smtp_test_message,
)
