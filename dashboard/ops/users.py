"""People and roles: the admin's data functions, shared by the Data page and the CLI.

Every function takes the caller's scope and requires the `admin` role; every change to who may
see what is written to the audit log as a `user_change`.
"""

from __future__ import annotations

import re

import polars as pl

from dashboard.core.access import ALL_PROGRAMS, ROLES, SCOPED_ROLES, Scope, readable_programs, trainee_refusal
from dashboard.store import audit, db

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")


class UserChangeError(ValueError):
    """A requested user change breaks a rule (unknown role, unknown program, bad address)."""


def check_email(email: str) -> str:
    """The address, trimmed and lowercased; UserChangeError when it is not an email address."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise UserChangeError(f"{email!r} is not an email address")
    return email


def check_role(role: str) -> str:
    """The role name; UserChangeError when it is not one of Vocation's roles."""
    if role not in ROLES:
        raise UserChangeError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role


def check_programs(store, role: str, programs: list[str]) -> list[str]:
    """The program ids a grant of `role` covers ('' for unscoped roles), checked against the data."""
    programs = [p.strip() for p in programs if p.strip()]
    if role == "trainee" and programs:
        raise UserChangeError(
            "a trainee sees only their own records, in every program they are enrolled in; give no --program"
        )
    if role not in SCOPED_ROLES:
        if programs:
            raise UserChangeError(f"{role} sees no single program's records; give it no --program")
        return [""]
    if not programs:
        raise UserChangeError(f"{role} needs at least one --program ID (or --program '*' for all programs)")
    known = set(store.query("program_list")["program_id"].to_list())
    unknown = sorted(p for p in set(programs) if p != ALL_PROGRAMS and p not in known)
    if unknown:
        raise UserChangeError(f"no such program: {', '.join(unknown)}")
    return sorted(set(programs))


def list_users(store, scope: Scope) -> pl.DataFrame:
    """Every person with a role, one row per role and program."""
    scope.require("admin")
    return store.query("user_roles_list")


def emails(store, scope: Scope) -> list[str]:
    """Every address holding at least one role."""
    return list_users(store, scope)["email"].unique(maintain_order=True).to_list()


def grantable_programs(store, scope: Scope) -> list[str]:
    """Every program id, for granting a scoped role."""
    return readable_programs(store, scope, "admin")


def grant_role(store, scope: Scope, email: str, role: str, programs: list[str] | tuple[str, ...] = ()) -> int:
    """Grant `role` (over `programs` for supervisors and training directors); returns rows granted."""
    scope.require("admin")
    email, role = check_email(email), check_role(role)
    programs = check_programs(store, role, list(programs))
    if role == "interviewer" and store.query("raters_for_email", email=email).is_empty():
        raise UserChangeError(
            f"no rater has the email {email}: an interviewer is the rater with that address "
            "(add it to raters.csv's email column and import it first)"
        )
    refusal = trainee_refusal(store, email) if role == "trainee" else ""
    if refusal:
        raise UserChangeError(f"{refusal} (a trainee is the one person with this address who is enrolled)")
    where = f" for {', '.join(programs)}" if programs != [""] else ""

    def work(cur) -> None:  # one transaction: the grant and its audit entry
        for program in programs:
            db.run_in(
                cur, "user_role_insert", email=email, role=role, program_id=program, added_by=scope.email
            )
        audit.record_in(
            cur, scope, "user_change", f"add {role} to {email}{where}", len(programs), role="admin"
        )

    db.transaction(store, work, name="user_change")
    return len(programs)


def revoke_role(store, scope: Scope, email: str, role: str | None = None) -> int:
    """Take away one role (every program of it) or, without `role`, every role; returns rows removed."""
    scope.require("admin")
    email = check_email(email)
    if role is not None:
        check_role(role)
    what = role or "every role"

    def work(cur) -> int:  # one transaction: the removal and its audit entry
        held = db.run_in(cur, "user_roles_for_email", email=email)
        removed = held.height if role is None else held.filter(pl.col("role") == role).height
        db.run_in(cur, "user_role_delete", email=email, role=role)
        audit.record_in(cur, scope, "user_change", f"remove {what} from {email}", removed, role="admin")
        return removed

    removed = db.transaction(store, work, name="user_change")
    return removed


def import_history(store, scope: Scope) -> pl.DataFrame:
    """Every import: when, who, which files, rows inserted/updated/unchanged."""
    scope.require("admin")
    return store.query("import_history")
