"""Self-assessment (trainee): rate myself on the six themes for each of my reviews; draft, submit,
amend with a reason; the panel's scores once both I and the panel have submitted."""

import polars as pl
import streamlit as st

from dashboard.core.access import AccessDenied
from dashboard.scorecards import reminders
from dashboard.store import db
from dashboard.training import self_assessment, self_view
from dashboard.training.self_rules import SelfAssessmentError
from dashboard.ui import growth_ui, self_form, widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Self-assessment")
growth_ui.not_a_trainee(scope)
wants = reminders.reminders_on(store, scope.email)
if st.toggle("Email me once when a self-assessment is overdue", value=wants, key="self_reminders") != wants:
    reminders.set_reminders(store, scope, not wants)
    st.rerun()
reviews = self_view.my_reviews(store, scope)
if reviews.is_empty():
    st.info("No review (intake, midpoint, exit or annual) has been scheduled for you yet.")
    st.stop()
rows = {r["interview_id"]: r for r in reviews.iter_rows(named=True)}
ids = list(rows)
asked = st.query_params.get("interview")  # the link in an invitation or reminder opens that review
interview_id = st.selectbox(
    "Review",
    ids,
    index=ids.index(asked) if asked in ids else len(ids) - 1,
    format_func=lambda i: growth_ui.review_label(rows[i]),
    key="self_review",
)
row = rows[interview_id]
person = row["person_id"]
prefix = f"self_{interview_id}"
if "self_done" in st.session_state:
    st.success(st.session_state.pop("self_done"))
try:
    mine = self_assessment.own(store, scope, interview_id, person)
except AccessDenied as exc:
    st.error(str(exc))
    st.stop()

amending = mine.submitted and st.session_state.get(f"{prefix}_amending", False)
if mine.submitted and not amending:
    st.header("My submitted self-assessment")
    versions = mine.versions.filter(pl.col("version") >= 1)
    st.caption(f"Submitted {versions['saved_at'][0]:%Y-%m-%d %H:%M}; amendments: {versions.height - 1}.")
    st.text(self_form.text(mine.content))
    if st.button("Amend (with a reason)", key="self_amend_open"):
        st.session_state[f"{prefix}_amending"] = True
        st.rerun()
    st.header("The panel's scores beside mine")
    if not row["panel_complete"]:
        st.info("The panel has not all submitted yet; its scores show here once every rater has.")
    else:
        widgets.caveat()
        mine_vs = self_view.my_self_vs_panel(store, scope).filter(pl.col("interview_id") == interview_id)
        growth_ui.self_panel(mine_vs, "self_panel")
    st.stop()

st.caption(
    "Rate yourself on each theme with the interview kit's anchors, or leave it 'not assessed'. Every "
    "score needs an example from your own practice. The panel does not see this until each rater has "
    "submitted their own scorecard, and you see the panel's scores only after you submit."
)
problems = st.session_state.pop(f"{prefix}_problems", [])
content = self_form.form(prefix, mine.content, problems)
st.divider()
reason = st.text_input("Reason for the amendment", key=f"{prefix}_reason") if amending else ""
save, send = st.columns(2)
if not amending and save.button("Save draft", key="self_save", icon=":material/save:"):
    try:
        self_assessment.save_draft(store, scope, interview_id, person, content)
        st.session_state["self_done"] = "Draft saved. Nobody else sees it."
    except SelfAssessmentError as exc:
        st.session_state[f"{prefix}_problems"] = exc.problems
    st.rerun()
label = "Submit the amendment" if amending else "Submit (locks it)"
if send.button(label, key="self_submit", type="primary", icon=":material/send:"):
    try:
        if amending:
            self_assessment.amend(store, scope, interview_id, person, content, reason)
        else:
            self_assessment.submit(store, scope, interview_id, person, content)
        self_form.forget(prefix)
        st.session_state["self_done"] = "Submitted. The first submission is kept; amend with a reason."
    except SelfAssessmentError as exc:
        st.session_state[f"{prefix}_problems"] = exc.problems
    st.rerun()
