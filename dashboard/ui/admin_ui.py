"""The admin's pieces of the Data page that are more than a table: granting and taking away roles."""

from __future__ import annotations

import streamlit as st

from dashboard.core.access import ROLES, Scope
from dashboard.ops import users
from dashboard.ui import widgets


def users_section(store, scope: Scope) -> None:
    """Grant a role, take one away, and who may see what (every change audited by ops/users.py)."""
    with st.form("data_add_user", clear_on_submit=True):
        st.header("Grant a role")
        email = st.text_input("Email address", key="data_user_email")
        role = st.selectbox("Role", ROLES, key="data_user_role")
        programs = st.multiselect(
            "Programs (supervisors and training directors; * = all programs)",
            ["*", *users.grantable_programs(store, scope)],
            key="data_user_programs",
        )
        if st.form_submit_button("Grant", key="data_grant"):
            try:
                users.grant_role(store, scope, email, role, programs)
                st.success("Role granted.")
            except users.UserChangeError as exc:
                st.error("Not granted:")
                st.text(str(exc))
    people = users.emails(store, scope)
    if not people:  # said in words: a picker with nothing to pick is greyed out, hard to read
        st.header("Take a role away")
        st.text("Nobody has a role yet.")
    else:
        with st.form("data_remove_user"):
            st.header("Take a role away")
            email = st.selectbox("Person", people, key="data_remove_email")
            role = st.selectbox("Role", ["every role", *ROLES], key="data_remove_role")
            if st.form_submit_button("Remove", key="data_remove") and email:
                n = users.revoke_role(store, scope, email, None if role == "every role" else role)
                st.success(f"Removed {n} role row(s).")
    st.header("Who may see what")
    widgets.table(users.list_users(store, scope), "data_users", "users-and-roles.csv")
