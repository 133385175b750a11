"""The signed-in session (Streamlit): sign-in and sign-out pages, session expiry, demo mode.

`sign_in()` is called once per run by app.py; it stores the person's `Scope` (see core/access.py)
for the page, which reads it with `current_scope()`.
"""

from __future__ import annotations

from dashboard.core.access import ALL_PROGRAMS, Scope, trainee_person_ids
from dashboard.store import audit

DEMO_EMAIL = "demo@vocation.local"
DEMO_ROLES = {
    "supervisor": ("Supervisor (all programs)", (("supervisor", ALL_PROGRAMS),)),
    "training_director": ("Training director (all programs)", (("training_director", ALL_PROGRAMS),)),
    "leadership": ("Leadership", (("leadership", ""),)),
    "admin": ("Admin", (("admin", ""),)),
    "interviewer": ("Interviewer (sample rater R01)", (("interviewer", ""),)),
    "trainee": ("Trainee (one sample trainee)", (("trainee", ""),)),
}


def demo_allowed(store) -> bool:
    """True when demo mode may show data: the bundled sample database, or VOCATION_DEMO=1."""
    import os

    from dashboard.demo.sample import is_sample_database

    return os.environ.get("VOCATION_DEMO") == "1" or is_sample_database(store)


def scope_for_email(store, email: str) -> Scope:
    """The scope granted to `email` in the users-and-roles table (no roles: no access)."""
    rows = store.query("user_roles_for_email", email=email)
    grants = tuple(zip(rows["role"], rows["program_id"], strict=True))
    # a trainee is the one enrolled person with this address, looked up at every sign-in
    people = trainee_person_ids(store, email) if "trainee" in rows["role"].to_list() else ()
    return Scope(email, grants, people)


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (sign-in is on)."""
    import streamlit as st

    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


DEFAULT_SESSION_HOURS = 8.0


def session_hours() -> float:
    """How long a sign-in lasts: [vocation] session_hours in secrets, $VOCATION_SESSION_HOURS, or 8."""
    import os

    import streamlit as st

    try:
        configured = st.secrets.get("vocation", {}).get("session_hours")
    except FileNotFoundError:
        configured = None
    value = configured or os.environ.get("VOCATION_SESSION_HOURS") or DEFAULT_SESSION_HOURS
    return float(value)


def session_expired(user, state, hours: float, now: float | None = None) -> bool:
    """True when the sign-in is older than `hours`: the ID token's `iat`, else when first seen.

    Streamlit's identity cookie lasts 30 days and nobody checks the token's expiry for us.
    """
    import time

    now = time.time() if now is None else now
    started = user.get("iat")
    if not isinstance(started, int | float):
        started = state.setdefault("auth_first_seen", now)
    return now - float(started) > hours * 3600


def _sign_in_page() -> None:
    """The page a signed-out visitor sees; stops the run."""
    import streamlit as st

    st.title("Vocation")
    st.write("Please sign in with your organisation's account.")
    st.button("Sign in", on_click=st.login, key="auth_sign_in", type="primary")
    st.stop()


def _session_ended_page() -> None:
    """Sign out a session that has outlived its time; stops the run."""
    import streamlit as st

    st.session_state.pop("auth_first_seen", None)
    st.session_state.pop("auth_sign_in_recorded", None)
    st.title("Your session has ended")
    st.write("For your clients' privacy, Vocation signs you out after a while. Please sign in again.")
    st.logout()
    st.stop()


def sign_in_refusal(user) -> str:
    """Why a signed-in identity is refused ('' when accepted): no email, or one not verified.

    Roles are granted to email addresses, so the address must be the person's own: a token that
    says `email_verified` is false (or carries no email) is refused. A token without the
    `email_verified` claim is accepted: many providers only issue verified addresses and omit it.
    """
    email = str(user.get("email") or "").strip()
    if not email:
        return "Your sign-in carried no email address, and Vocation grants access by email address."
    if user.get("email_verified") in (False, "false", "False"):
        return (
            f"Your identity provider says the email address {email} has not been verified, so "
            "Vocation cannot be sure it is yours."
        )
    return ""


def _sign_in_refused_page(reason: str) -> None:
    """Refuse a sign-in whose email is missing or unverified; offer to sign out; stop the run."""
    import streamlit as st

    st.title("Sign-in refused")
    st.text(reason)
    st.write(
        "Verify your email address with your organisation's identity provider (or ask its "
        "administrator to), then sign in again."
    )
    st.button("Sign out", on_click=st.logout, key="auth_sign_out", type="primary")
    st.stop()


def sign_out_button(email: str) -> None:
    """Who is signed in, and a Sign out button, in the sidebar."""
    import streamlit as st

    st.sidebar.caption("Signed in as")
    st.sidebar.text(email)
    st.sidebar.button("Sign out", on_click=st.logout, key="auth_sign_out", icon=":material/logout:")


def _record_sign_in_once(store, scope: Scope) -> None:
    """Write one sign_in entry to the audit log per session."""
    import streamlit as st

    if not st.session_state.get("auth_sign_in_recorded"):
        audit.record(store, scope, "sign_in", scope.email)
        st.session_state["auth_sign_in_recorded"] = True


def _signed_in_scope(store) -> Scope:
    """The scope of the signed-in person (or a sign-in, session-ended or no-access page)."""
    import streamlit as st

    if not st.user.get("is_logged_in", False):
        _sign_in_page()
    refusal = sign_in_refusal(st.user)
    if refusal:
        _sign_in_refused_page(refusal)
    if session_expired(st.user, st.session_state, session_hours()):
        _session_ended_page()
    scope = scope_for_email(store, str(st.user.get("email") or ""))
    sign_out_button(scope.email)
    if not scope.roles:
        st.title("No access yet")
        st.text(f"You are signed in as {scope.email}, but no role has been granted to this address.")
        st.write("Ask your Vocation administrator to add you.")
        st.stop()
    _record_sign_in_once(store, scope)
    return scope


def _demo_scope(store) -> Scope:
    """The demo role picked in the sidebar, when demo mode is allowed (else an explanation)."""
    import streamlit as st

    if not demo_allowed(store):
        st.error(
            "Sign-in is not configured, so Vocation will not show this database. "
            "Fill the [auth] section of .streamlit/secrets.toml (see docs/admin.md), "
            "or point VOCATION_DB at the bundled sample database."
        )
        st.stop()
    st.warning(
        "Sample data — demo. Nobody is signed in; pick a demo role in the sidebar.",
        icon=":material/science:",
    )
    roles = list(DEMO_ROLES)
    if "demo_role_chosen" not in st.session_state:  # ?role=leadership opens the session as that role
        asked = st.query_params.get("role", "supervisor")
        st.session_state["demo_role_chosen"] = asked if asked in DEMO_ROLES else "supervisor"
    # The role is kept in the session, and the picker always starts from it: the browser may
    # rebuild the picker from its default when the page changes (and the URL has lost ?role=),
    # which once sent sessions back to the first role.
    role = st.sidebar.selectbox(
        "Demo role",
        roles,
        index=roles.index(st.session_state["demo_role_chosen"]),
        format_func=lambda r: DEMO_ROLES[r][0],
    )
    st.session_state["demo_role_chosen"] = role
    if role == "interviewer":  # an interviewer is the rater with the sign-in's address
        from dashboard.demo.panels import demo_interviewer_email

        return Scope(demo_interviewer_email(store), DEMO_ROLES[role][1])
    if role == "trainee":  # a trainee is the enrolled person with the sign-in's address
        from dashboard.demo.self_assessments import demo_trainee_email

        email = demo_trainee_email(store)
        return Scope(email, DEMO_ROLES[role][1], trainee_person_ids(store, email))
    return Scope(DEMO_EMAIL, DEMO_ROLES[role][1])


def sign_in() -> Scope:
    """The signed-in person's scope; stops the run when nobody may be shown data."""
    import streamlit as st

    from dashboard.store import db

    store = db.app_store()
    if st.user.get("is_logged_in", False) or auth_configured():
        scope = _signed_in_scope(store)
    else:
        scope = _demo_scope(store)
    st.session_state["scope"] = scope
    return scope


def current_scope() -> Scope:
    """The scope app.py set for this run."""
    import streamlit as st

    return st.session_state["scope"]
