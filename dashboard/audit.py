"""The audit log: an append-only record of sign-ins, views of a person's record, exports,
decisions, consensus scores, imports, user changes and backups."""

from __future__ import annotations

from dashboard.auth import Scope

ACTIONS = ("sign_in", "view_person", "export", "decision", "consensus", "import", "user_change", "backup")


def record(
    store, scope: Scope, action: str, obj: str = "", row_count: int | None = None, role: str = ""
) -> None:
    """Append one entry to the audit log."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    role = role or ",".join(sorted(scope.roles))
    store.append("audit_insert", who=scope.email, role=role, action=action, object=obj, row_count=row_count)
