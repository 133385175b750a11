"""The common frame of every message: headers, a plain-text body, an escaped HTML alternative and an
optional text/calendar part; plus the plain 'when' and the app links the messages use.

Names, ids and subjects are made single-line (a CR or LF never starts a header); an address, link or
Message-ID that is not one clean line is refused with ValueError."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import urlencode, urlsplit

from dashboard.notify.calendar import one_line

MESSAGE_ID = re.compile(r"^<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+>$")


def page_link(base_url: str, page: str, **params: str) -> str:
    """The app's address of `page` with query parameters, e.g. <base>/scorecard?interview=VI0001."""
    query = urlencode({k: one_line(v) for k, v in params.items()})
    return f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def day_text(day: date | datetime) -> str:
    """A plain day: 'Tuesday 12 May 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def when_text(start: date | datetime, end: date | datetime | None = None) -> str:
    """A plain 'when': 'Tuesday 12 May 2026 (all day)' or 'Tuesday 12 May 2026, 09:30–10:30 CDT'."""
    day = day_text(start)
    if not isinstance(start, datetime):
        return f"{day} (all day)"
    zone = getattr(start.tzinfo, "key", None) or start.tzname() or ""
    until = f"–{end:%H:%M}" if isinstance(end, datetime) else ""
    return f"{day}, {start:%H:%M}{until} {zone}".rstrip()


def check_address(address: str) -> str:
    """`address` trimmed, if it is one plain ASCII address (no name, no spaces, no line breaks)."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if (
        not (at and local and domain)
        or not address.isascii()
        or any(c.isspace() or c in '<>,;"' for c in address)
    ):
        raise ValueError(f"not a single email address: {address!r}")
    return address


def check_link(url: str) -> str:
    """`url` trimmed, if it is an http(s) address on one line."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ValueError(f"a link must be an http(s) address on one line: {url!r}")
    return url


def _html(paragraphs: list[str], links: list[tuple[str, str]]) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    if links:
        items = "".join(
            f'<li>{html.escape(label)}: <a href="{html.escape(url)}">{html.escape(url)}</a></li>\n'
            for label, url in links
        )
        body += f"<ul>\n{items}</ul>\n"
    return f'<!DOCTYPE html>\n<html lang="en"><body>\n{body}</body></html>\n'


def compose(
    *,
    message_id: str,
    sender: str,
    to_email: str,
    to_name: str,
    subject: str,
    paragraphs: list[str],
    links: list[tuple[str, str]],
    sent_at: datetime | None,
    calendar: tuple[str, bytes] | None = None,
) -> EmailMessage:
    """The common frame: headers, text and HTML bodies, the optional calendar part."""
    if not MESSAGE_ID.match(message_id):
        raise ValueError(f"Message-ID must look like <outbox-1.interview-VI0001@vocation>: {message_id!r}")
    sender_name, sender_address = parseaddr(sender)
    message = EmailMessage()
    message["Message-ID"] = message_id
    message["Date"] = format_datetime((sent_at or datetime.now(UTC)).astimezone(UTC))
    message["From"] = formataddr((one_line(sender_name), check_address(sender_address)))
    message["To"] = formataddr((one_line(to_name), check_address(to_email)))
    message["Subject"] = one_line(subject)
    message["Auto-Submitted"] = "auto-generated"
    lines = [one_line(p) for p in paragraphs]
    links = [(one_line(label), check_link(url)) for label, url in links]
    text = "\n\n".join(lines) + "\n\n" + "".join(f"{label}: {url}\n" for label, url in links)
    text += "\n-- \nVocation (sent automatically; replies are not read)\n"
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(_html(lines, links), subtype="html", cte="quoted-printable")
    if calendar is not None:
        method, ics = calendar
        message.add_alternative(
            ics.decode("utf-8"), subtype="calendar", params={"method": method}, cte="quoted-printable"
        )
    return message
