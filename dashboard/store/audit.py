"""The audit log: an append-only record of sign-ins, views of a person's record, exports,
decisions, consensus scores, imports, user changes, scorecards (schedule, recusal, submit, amend)
and backups; and its reader for the admin."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from dashboard.core.access import Scope

ACTIONS = (
    "sign_in",
    "view_person",
    "export",
    "decision",
    "consensus",
    "import",
    "user_change",
    "schedule",
    "recusal",
    "submit",
    "amend",
    "backup",
    "self_assessment",
    "mail",
)


def record(
    store, scope: Scope, action: str, obj: str = "", row_count: int | None = None, role: str = ""
) -> None:
    """Append one entry to the audit log."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    role = role or ",".join(sorted(scope.roles))
    store.append("audit_insert", who=scope.email, role=role, action=action, object=obj, row_count=row_count)


def record_in(
    cur, scope: Scope, action: str, obj: str = "", row_count: int | None = None, role: str = ""
) -> None:
    """Append one entry on `cur`, inside the caller's transaction (it stands or falls with the write)."""
    from dashboard.store.db import sql_text

    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    role = role or ",".join(sorted(scope.roles))
    params = {"who": scope.email, "role": role, "action": action, "object": obj, "row_count": row_count}
    cur.execute(sql_text("audit_insert"), params)


def _day(value: date | datetime | str | None) -> datetime | None:
    """Midnight of a date given as a date, datetime or YYYY-MM-DD text."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def read_log(
    store,
    scope: Scope,
    since: date | str | None = None,
    until: date | str | None = None,
    who: str | None = None,
    action: str | None = None,
) -> pl.DataFrame:
    """Audit entries, newest first: from `since` through `until` (whole days), by person and action."""
    scope.require("admin")
    if action is not None and action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; actions are {', '.join(ACTIONS)}")
    end = _day(until)
    return store.query(
        "audit_log_filtered",
        since=_day(since),
        until=end + timedelta(days=1) if end else None,
        who=who or None,
        action=action,
    )
