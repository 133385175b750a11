"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations for interviews, written with `icalendar`.

One interview is one event with a stable UID (`interview-<id>@<sender domain>`), so a calendar program
replaces the event on a move and removes it on a cancellation instead of adding copies. SEQUENCE is the
caller's count: 0 on the first invitation, +1 on every move, and the last value +1 on a cancellation.
An interview is all-day (a `date`) or timed (a timezone-aware `datetime`, UTC or a ZoneInfo zone, written
with TZID and its VTIMEZONE)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Vocation//Interview scheduling//EN"
DEFAULT_LENGTH = timedelta(hours=1)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: object) -> str:
    """`text` as a single line: control characters (CR, LF, tab, ...) become one space."""
    return " ".join(_UNSAFE.sub(" ", str(text)).split())


def interview_uid(interview_id: str, sender_address: str) -> str:
    """The stable UID of an interview's event: interview-<id>@<sender's domain, or 'vocation'>."""
    domain = sender_address.rpartition("@")[2].strip().rstrip(">") or "vocation"
    safe_id = re.sub(r"[^A-Za-z0-9._-]", "_", one_line(interview_id))
    return f"interview-{safe_id}@{one_line(domain)}"


def _mailto(address: str) -> str:
    address = address.strip()
    if not address or any(c.isspace() or ord(c) < 32 for c in address) or "@" not in address:
        raise ValueError(f"not a single email address: {address!r}")
    return f"mailto:{address}"


def _person(address: str, name: str) -> vCalAddress:
    person = vCalAddress(_mailto(address))
    cn = one_line(name).replace('"', "'")
    if cn:
        person.params["CN"] = cn
    return person


def _times(start: date | datetime, end: date | datetime | None) -> tuple[date | datetime, date | datetime]:
    """(DTSTART, DTEND): an all-day event ends the next day; a timed one needs a timezone."""
    if isinstance(start, datetime):
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("a timed interview needs a timezone-aware start (UTC or a ZoneInfo zone)")
        end = start + DEFAULT_LENGTH if end is None else end
        if not isinstance(end, datetime) or end.tzinfo is None or end <= start:
            raise ValueError("a timed interview's end must be an aware datetime after its start")
        return start, end
    if end is not None and (isinstance(end, datetime) or end <= start):
        raise ValueError("an all-day interview's end must be a date after its start (or left out)")
    return start, end or start + timedelta(days=1)


def _calendar(method: str, event: Event, start: date | datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(event)
    if isinstance(start, datetime) and start.utcoffset() is not None and start.tzinfo is not UTC:
        calendar.add_missing_timezones(first_date=start.date() - timedelta(days=366), last_date=start.date())
    return calendar.to_ical()


def _event(
    *,
    interview_id: str,
    sequence: int,
    sender_address: str,
    sender_name: str,
    rater_email: str,
    rater_name: str,
    start: date | datetime,
    end: date | datetime | None,
    summary: str,
    description: str,
    url: str,
    status: str,
    stamp: datetime | None,
) -> Event:
    if not isinstance(sequence, int) or sequence < 0:
        raise ValueError(f"SEQUENCE must be a whole number >= 0 (got {sequence!r})")
    dtstart, dtend = _times(start, end)
    event = Event()
    event.add("uid", interview_uid(interview_id, sender_address))
    event.add("sequence", sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", dtstart)
    event.add("dtend", dtend)
    if not isinstance(dtstart, datetime):
        event.add("transp", "TRANSPARENT")
    event.add("summary", one_line(summary))
    event.add("description", description.replace("\r\n", "\n").replace("\r", "\n"))
    event.add("url", one_line(url))
    event.add("status", status)
    organizer = _person(sender_address, sender_name)
    event.add("organizer", organizer)
    attendee = _person(rater_email, rater_name)
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "TRUE"
    event.add("attendee", attendee)
    return event


def invitation_ics(
    *,
    interview_id: str,
    sequence: int,
    sender_address: str,
    sender_name: str,
    rater_email: str,
    rater_name: str,
    start: date | datetime,
    end: date | datetime | None = None,
    summary: str,
    description: str,
    url: str,
    stamp: datetime | None = None,
) -> bytes:
    """A METHOD:REQUEST calendar (first invitation at sequence 0, or a move at a higher sequence)."""
    event = _event(
        interview_id=interview_id,
        sequence=sequence,
        sender_address=sender_address,
        sender_name=sender_name,
        rater_email=rater_email,
        rater_name=rater_name,
        start=start,
        end=end,
        summary=summary,
        description=description,
        url=url,
        status="CONFIRMED",
        stamp=stamp,
    )
    return _calendar("REQUEST", event, start)


def cancellation_ics(
    *,
    interview_id: str,
    sequence: int,
    sender_address: str,
    sender_name: str,
    rater_email: str,
    rater_name: str,
    start: date | datetime,
    end: date | datetime | None = None,
    summary: str,
    description: str,
    url: str,
    stamp: datetime | None = None,
) -> bytes:
    """A METHOD:CANCEL calendar for the same UID; `sequence` is the last one sent + 1."""
    event = _event(
        interview_id=interview_id,
        sequence=sequence,
        sender_address=sender_address,
        sender_name=sender_name,
        rater_email=rater_email,
        rater_name=rater_name,
        start=start,
        end=end,
        summary=summary,
        description=description,
        url=url,
        status="CANCELLED",
        stamp=stamp,
    )
    return _calendar("CANCEL", event, start)
