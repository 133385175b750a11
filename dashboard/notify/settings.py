"""Mail settings: the [smtp] section of .streamlit/secrets.toml, each value overridable by an environment
variable, checked once here so that a typo reads as a clear sentence instead of a failed send later.

Without a host or a sender, mail is off: `smtp_settings` returns (None, the reason). The password never
appears in a repr, a log line or an error message."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

SECRETS_FILE = Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml"
DEFAULT_BASE_URL = "http://localhost:8501"
SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
# secrets.toml key -> environment variable that overrides it
ENVIRONMENT = {
    "host": "VOCATION_SMTP_HOST",
    "port": "VOCATION_SMTP_PORT",
    "security": "VOCATION_SMTP_SECURITY",
    "username": "VOCATION_SMTP_USER",
    "password": "VOCATION_SMTP_PASSWORD",
    "sender": "VOCATION_SMTP_FROM",
}


class SettingsError(ValueError):
    """A mail setting is present but unusable (the message names the setting and what is allowed)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how mail is sent; `sender` is the From address ('Name <addr>' or a bare address)."""

    host: str
    port: int
    security: str
    username: str
    password: str = field(repr=False)
    sender: str
    base_url: str = DEFAULT_BASE_URL

    @property
    def sender_address(self) -> str:
        """The bare address of the sender (the SMTP envelope's MAIL FROM)."""
        return parseaddr(self.sender)[1]

    @property
    def sender_domain(self) -> str:
        """The domain of the sender's address ('vocation' if it has none)."""
        return self.sender_address.rpartition("@")[2] or "vocation"


def read_secrets(path: Path | str | None = None) -> dict:
    """The parsed secrets.toml (an empty dict when the file is missing)."""
    path = Path(path) if path is not None else SECRETS_FILE
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def base_url(environ: Mapping[str, str] | None = None) -> str:
    """The app's address for links in messages: VOCATION_BASE_URL, default http://localhost:8501."""
    environ = os.environ if environ is None else environ
    url = (environ.get("VOCATION_BASE_URL") or DEFAULT_BASE_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise SettingsError(
            f"VOCATION_BASE_URL must be the app's address, like https://vocation.example.org (got {url!r})"
        )
    return url


def _raw(secrets: Mapping, environ: Mapping[str, str]) -> dict[str, str]:
    """Each setting as text: the environment variable when set and not empty, else secrets.toml."""
    section = secrets.get("smtp") or {}
    if not isinstance(section, Mapping):
        raise SettingsError("[smtp] in secrets.toml must be a section (a table), not a single value")
    raw = {}
    for key, variable in ENVIRONMENT.items():
        value = environ.get(variable)
        if value is None or value.strip() == "":
            value = section.get(key, "")
        raw[key] = str(value).strip() if key != "password" else str(value)
    return raw


def _check_single_line(raw: dict[str, str]) -> None:
    for key, value in raw.items():
        if "\r" in value or "\n" in value:
            raise SettingsError(f"SMTP setting '{key}' ({ENVIRONMENT[key]}) must be on one line")


def _port(text: str, security: str) -> int:
    if text == "":
        return DEFAULT_PORTS[security]
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise SettingsError(f"SMTP port must be a whole number from 1 to 65535 (got {text!r})")
    return port


def _sender(text: str) -> str:
    address = parseaddr(text)[1]
    local, at, domain = address.rpartition("@")
    if not (at and local and domain) or not address.isascii():
        raise SettingsError(
            f"SMTP sender must be an email address, like 'Vocation <vocation@example.org>' (got {text!r})"
        )
    return text


def smtp_settings(
    secrets: Mapping | None = None, environ: Mapping[str, str] | None = None
) -> tuple[SmtpSettings | None, str]:
    """(settings, '') when mail is configured, (None, why mail is off) when it is not; raises SettingsError."""
    secrets = read_secrets() if secrets is None else secrets
    environ = os.environ if environ is None else environ
    raw = _raw(secrets, environ)
    _check_single_line(raw)
    if not raw["host"]:
        return None, "Mail is off: no SMTP host ([smtp] host in secrets.toml or VOCATION_SMTP_HOST)."
    if not raw["sender"]:
        return None, "Mail is off: no sender address ([smtp] sender in secrets.toml or VOCATION_SMTP_FROM)."
    security = (raw["security"] or "starttls").lower()
    if security not in SECURITIES:
        raise SettingsError(f"SMTP security must be one of starttls, ssl, none (got {raw['security']!r})")
    if raw["password"] and not raw["username"]:
        raise SettingsError("An SMTP password is set but no username ([smtp] username or VOCATION_SMTP_USER)")
    settings = SmtpSettings(
        host=raw["host"],
        port=_port(raw["port"], security),
        security=security,
        username=raw["username"],
        password=raw["password"],
        sender=_sender(raw["sender"]),
        base_url=base_url(environ),
    )
    return settings, ""
