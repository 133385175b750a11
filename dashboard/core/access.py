"""The access model: roles, program scopes, and which programs a role lets a person read.

A `Scope` is what every data function receives; it raises `AccessDenied` when asked for a role
the person does not hold, so the rule holds where data is read, not only in the menu. This
module imports nothing from the package: every other layer may import it.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("supervisor", "training_director", "leadership", "admin", "interviewer", "trainee")
SCOPED_ROLES = ("supervisor", "training_director")
ALL_PROGRAMS = "*"


class AccessDenied(PermissionError):
    """The signed-in person's roles do not allow this."""


@dataclass(frozen=True)
class Scope:
    """A person's roles, each with the programs it covers ('*' = every program)."""

    email: str
    grants: tuple[tuple[str, str], ...] = ()
    person_ids: tuple[str, ...] = ()  # a trainee's own person id (see trainee_person_ids)

    @property
    def roles(self) -> frozenset[str]:
        """The roles held."""
        return frozenset(role for role, _ in self.grants)

    def has(self, role: str) -> bool:
        """True when the person holds `role`."""
        return role in self.roles

    def require(self, *roles: str) -> None:
        """Raise AccessDenied unless the person holds one of `roles`."""
        if not self.roles.intersection(roles):
            raise AccessDenied(f"{self.email or 'this user'} does not hold the role {' or '.join(roles)}")

    def programs(self, role: str) -> tuple[str, ...]:
        """The programs `role` covers for this person ('*' for all); AccessDenied without it."""
        self.require(role)
        return tuple(sorted({p for r, p in self.grants if r == role}))

    @classmethod
    def system(cls) -> Scope:
        """Every role over every program: for the command line, which the file owner runs."""
        return cls("command line", tuple((r, ALL_PROGRAMS) for r in ROLES if r != "trainee"))

    def own_people(self) -> tuple[str, ...]:
        """A trainee's own person ids; AccessDenied without the trainee role."""
        self.require("trainee")
        return self.person_ids


def trainee_refusal(store, email: str) -> str:
    """Why `email` cannot be a trainee ('' when it can): it must be the address of exactly one
    person (people.email, case-insensitive) and that person must have an enrollment."""
    people = store.query("people_for_email", email=email)
    if people.is_empty():
        return f"no person has the email {email} (people.csv's email column): import it first"
    if people.height > 1:
        who = ", ".join(people["person_id"].to_list())
        return f"the email {email} is shared by {people.height} people ({who}); a trainee's address is theirs alone"
    if not people["enrolled"][0]:
        return f"{people['person_id'][0]} has no enrollment: only people enrolled in a cohort are trainees"
    return ""


def trainee_person_ids(store, email: str) -> tuple[str, ...]:
    """The person a trainee's sign-in is (one person id), or () when the address is no trainee's."""
    if not email or trainee_refusal(store, email):
        return ()
    return tuple(store.query("people_for_email", email=email)["person_id"].to_list())


def readable_programs(store, scope: Scope, role: str, program_id: str | None = None) -> list[str]:
    """The program ids `role` lets this person read: '*', or a grant of an unscoped role (leadership,
    admin: program ''), means every program; a scoped role otherwise covers its named programs.

    With `program_id`: [program_id] when it is one of them, else AccessDenied. AccessDenied too
    when the person does not hold `role`.
    """
    granted = scope.programs(role)
    if role == "trainee":  # a trainee reads their own records, through their person id, not programs
        raise AccessDenied("a trainee reads only their own records")
    if ALL_PROGRAMS in granted or (role not in SCOPED_ROLES and not any(granted)):
        allowed = store.query("program_list")["program_id"].to_list()
    else:
        allowed = [p for p in granted if p]
    if program_id is None:
        return allowed
    if program_id not in allowed:
        raise AccessDenied(f"the program {program_id} is not one of your programs")
    return [program_id]
