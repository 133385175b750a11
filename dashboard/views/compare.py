"""Compare: two to four applicants side by side on one scale, with each theme's strongest quote."""

import streamlit as st

from dashboard import charts
from dashboard.core.access import AccessDenied
from dashboard.hiring import screening
from dashboard.store import db
from dashboard.ui import widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Compare applicants")
widgets.caveat()

hide_names = st.toggle(
    "Hide names until a decision is recorded",
    value=bool(st.session_state.get("candidate_blind", False)),
    key="compare_hide_names",
)
wanted = st.query_params.get_all("application") or st.session_state.get("compare_application_ids", [])
asked = screening.compare_labels(store, scope, wanted, hide_names)
programs = screening.program_choices(store, scope)
names = dict(zip(programs["program_id"], programs["program_name"], strict=True))
first = screening.application_program(store, scope, next(iter(asked), None))
program_id = st.selectbox(
    "Offer the applicants of",
    [None, *names],
    index=[None, *names].index(first) if first in names else 0,
    format_func=lambda p: "only those picked on Screening" if p is None else f"{names[p]} ({p})",
    key="compare_program",
)
labels = screening.compare_choices(store, scope, program_id, list(asked), hide_names)
if not labels:
    st.info("Choose a program above to offer its applicants, or select rows on the Screening page.")
    st.stop()
picked = st.multiselect(
    "Applicants (two to four)",
    list(labels),
    default=list(asked)[:4],
    format_func=lambda a: labels[a],
    max_selections=4,
    key="compare_picked",
)
refused = [a for a in wanted if a not in asked]
if refused:
    st.error("Some of the requested applicants are not in your programs, so they are not shown.")
if len(picked) < 2:
    st.info("Pick two to four applicants, here or by selecting rows on the Screening page.")
    st.stop()

try:
    comparison = screening.compare(store, scope, picked, hide_names)
except AccessDenied:
    st.error("One of these applicants is not in your programs, so Vocation will not show the record.")
    st.stop()

widgets.chart(
    charts.compare_profile_bar_chart(comparison.profiles),
    comparison.profiles,
    key="compare_profiles",
    caption="Bars: the score used per theme (consensus, else the mean of raters), same 0-4 scale.",
)
st.caption(screening.SCORE_RULE)
st.header("Theme by applicant, with the strongest supporting excerpt")
st.caption(
    "The strongest excerpt is the supporting text coded by the most raters, then the longest, "
    "from the applicant's hiring interviews."
)
widgets.table(comparison.table, key="compare_table", file_name="compare.csv", audit_object="compare")
if st.button("Open the first of these applicants", key="compare_open"):
    st.session_state["candidate_application_id"] = picked[0]
    st.session_state.pop("candidate_audited", None)  # a new opening of the record is audited
    st.session_state["candidate_blind"] = hide_names
    st.switch_page("views/candidate.py")
