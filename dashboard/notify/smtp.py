"""Sending one message through the program's own SMTP server with `smtplib`, and when to try again.

`send` never raises for a delivery problem: it returns a SendResult whose status is `sent`, `temporary`
(try again later: a 4xx reply, a refused connection, a timeout, a dropped line) or `permanent` (a 5xx
reply such as 550 mailbox unavailable or 535 authentication failed, a server that does not offer the
configured STARTTLS or AUTH, a certificate that does not verify), with the server's reply text.
Certificates are checked against the system's trust store (ssl.create_default_context, which honours
SSL_CERT_FILE); a server that lacks STARTTLS is never used in plain text when starttls is configured."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import getaddresses

from dashboard.notify.settings import SmtpSettings

TIMEOUT_SECONDS = 20.0
SENT, TEMPORARY, PERMANENT = "sent", "temporary", "permanent"
# minutes to wait after the 1st, 2nd, ... attempt; then hourly; give up a day after the first attempt
BACKOFF_MINUTES = (1, 5, 15, 30, 60)
GIVE_UP_AFTER = timedelta(hours=24)
# long headers stay on one line (RFC 5322 allows 998): folding right after 'Subject:' trips some readers
POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class SendResult:
    """What happened to one message: status sent | temporary | permanent, the reply code and text."""

    status: str
    reply: str
    code: int | None = None

    @property
    def sent(self) -> bool:
        """True when the server accepted the message."""
        return self.status == SENT


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def classify(code: int | None, reply: bytes | str) -> SendResult:
    """A SendResult from an SMTP reply: 2xx sent, 4xx temporary, 5xx permanent, anything else temporary."""
    text = " ".join(_text(reply).split())
    shown = f"{code} {text}".strip() if code is not None else text
    if code is not None and 200 <= code < 300:
        return SendResult(SENT, shown, code)
    if code is not None and 500 <= code < 600:
        return SendResult(PERMANENT, shown, code)
    return SendResult(TEMPORARY, shown, code)


def _recipient(message: EmailMessage) -> str:
    """The one To address (every Vocation message goes to one person; Cc and Bcc are not used)."""
    if message["Cc"] or message["Bcc"]:
        raise ValueError("Vocation messages go to one person: no Cc or Bcc")
    addresses = [address for _, address in getaddresses(message.get_all("To", [])) if address]
    if len(addresses) != 1:
        raise ValueError(f"a message needs exactly one To address (found {len(addresses)})")
    return addresses[0]


def _connect(settings: SmtpSettings, context: ssl.SSLContext, timeout: float) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    try:
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=context)  # raises SMTPNotSupportedError when not offered
            client.ehlo()
    except BaseException:
        client.close()
        raise
    return client


def _deliver(client: smtplib.SMTP, settings: SmtpSettings, message: EmailMessage, to: str) -> SendResult:
    client.ehlo_or_helo_if_needed()
    if settings.username:
        client.login(settings.username, settings.password)
    code, reply = client.mail(settings.sender_address)
    if code != 250:
        return classify(code, reply)
    code, reply = client.rcpt(to)
    if code not in (250, 251):
        return classify(code, reply)
    code, reply = client.data(message.as_bytes(policy=POLICY))  # raises SMTPDataError unless 250
    return classify(code, reply)


def send(
    settings: SmtpSettings,
    message: EmailMessage,
    *,
    timeout: float = TIMEOUT_SECONDS,
    ssl_context: ssl.SSLContext | None = None,
) -> SendResult:
    """Sends `message` to its one To address; never raises for a delivery problem (see SendResult)."""
    to = _recipient(message)
    context = ssl_context or ssl.create_default_context()
    try:
        client = _connect(settings, context, timeout)
    except smtplib.SMTPNotSupportedError:
        return SendResult(PERMANENT, f"{settings.host} does not offer STARTTLS (security = starttls)")
    except smtplib.SMTPResponseException as error:
        return classify(error.smtp_code, error.smtp_error)
    except ssl.SSLCertVerificationError as error:
        return SendResult(PERMANENT, f"certificate of {settings.host} not trusted: {error.verify_message}")
    except (OSError, smtplib.SMTPException) as error:
        return SendResult(TEMPORARY, f"cannot reach {settings.host}:{settings.port}: {error}")
    try:
        return _deliver(client, settings, message, to)
    except smtplib.SMTPNotSupportedError as error:
        return SendResult(PERMANENT, f"{settings.host} refused: {error}")
    except smtplib.SMTPException as error:
        if isinstance(error, smtplib.SMTPResponseException):
            return classify(error.smtp_code, error.smtp_error)
        return SendResult(TEMPORARY, f"{settings.host}: {error}")
    except OSError as error:
        return SendResult(TEMPORARY, f"connection to {settings.host} lost: {error}")
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def next_attempt(attempts: int, first_attempt: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries (1, 5, 15, 30, 60 min, then hourly); None after a day."""
    if attempts < 1:
        return first_attempt
    waits = BACKOFF_MINUTES[:attempts] + (60,) * max(0, attempts - len(BACKOFF_MINUTES))
    when = first_attempt + timedelta(minutes=sum(waits))
    return when if when - first_attempt <= GIVE_UP_AFTER else None
