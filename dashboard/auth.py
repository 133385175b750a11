"""Who is signed in and what they may see: roles, program scopes, demo mode.

A `Scope` is what every data function receives; it raises `AccessDenied` when asked for a role
the person does not hold, so the rule holds where data is read, not only in the menu.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("supervisor", "training_director", "leadership", "admin")
SCOPED_ROLES = ("supervisor", "training_director")
ALL_PROGRAMS = "*"


class AccessDenied(PermissionError):
    """The signed-in person's roles do not allow this."""


@dataclass(frozen=True)
class Scope:
    """A person's roles, each with the programs it covers ('*' = every program)."""

    email: str
    grants: tuple[tuple[str, str], ...] = ()

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
        return cls("command line", tuple((r, ALL_PROGRAMS) for r in ROLES))


def allowed_programs(store, scope: Scope, role: str) -> list[str]:
    """The program ids `role` lets this person read, '*' resolved against the database."""
    programs = scope.programs(role)
    if ALL_PROGRAMS in programs:
        return store.query("program_list")["program_id"].to_list()
    return list(programs)


# --- the signed-in session (Streamlit) -----------------------------------------------------

DEMO_EMAIL = "demo@vocation.local"
DEMO_ROLES = {
    "supervisor": ("Supervisor (all programs)", (("supervisor", ALL_PROGRAMS),)),
    "training_director": ("Training director (all programs)", (("training_director", ALL_PROGRAMS),)),
    "leadership": ("Leadership", (("leadership", ""),)),
    "admin": ("Admin", (("admin", ""),)),
}


def demo_allowed(store) -> bool:
    """True when demo mode may show data: the bundled sample database, or VOCATION_DEMO=1."""
    import os

    from dashboard.sample import is_sample_database

    return os.environ.get("VOCATION_DEMO") == "1" or is_sample_database(store)


def scope_for_email(store, email: str) -> Scope:
    """The scope granted to `email` in the users-and-roles table (no roles: no access)."""
    rows = store.query("user_roles_by_email", email=email)
    return Scope(email, tuple(zip(rows["role"], rows["program_id"], strict=True)))


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (sign-in is on)."""
    import streamlit as st

    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def sign_in() -> Scope:
    """The signed-in person's scope; stops the run when nobody may be shown data."""
    import streamlit as st

    from dashboard import db

    store = db.app_store()
    logged_in = bool(st.user.get("is_logged_in", False))
    if logged_in or auth_configured():
        if not logged_in:
            st.title("Vocation")
            st.write("Please sign in with your organisation's account.")
            st.button("Sign in", on_click=st.login, key="auth_sign_in")
            st.stop()
        scope = scope_for_email(store, str(st.user.get("email") or ""))
        if not scope.roles:
            st.title("No access yet")
            st.text(f"You are signed in as {scope.email}, but no role has been granted to this address.")
            st.write("Ask your Vocation administrator to add you.")
            st.stop()
    else:
        if not demo_allowed(store):
            st.error(
                "Sign-in is not configured, so Vocation will not show this database. "
                "Fill the [auth] section of .streamlit/secrets.toml (see the README), "
                "or point VOCATION_DB at the bundled sample database."
            )
            st.stop()
        st.warning(
            "Sample data — demo. Nobody is signed in; pick a demo role in the sidebar.",
            icon=":material/science:",
        )
        asked = st.query_params.get("role", "supervisor")  # ?role=leadership opens as that role
        role = st.sidebar.selectbox(
            "Demo role",
            list(DEMO_ROLES),
            index=list(DEMO_ROLES).index(asked) if asked in DEMO_ROLES else 0,
            format_func=lambda r: DEMO_ROLES[r][0],
            key="demo_role",
        )
        scope = Scope(DEMO_EMAIL, DEMO_ROLES[role][1])
    st.session_state["scope"] = scope
    return scope


def current_scope() -> Scope:
    """The scope app.py set for this run."""
    import streamlit as st

    return st.session_state["scope"]
