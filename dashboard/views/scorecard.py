"""Scorecard: one rater's card for one interview: conflict check, scores with evidence, submit."""

import streamlit as st

from dashboard.core.access import AccessDenied
from dashboard.scorecards import cards, interviews
from dashboard.store import db
from dashboard.ui import growth_ui, scorecard_form, widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Scorecard")
interview_id = st.query_params.get("interview") or st.session_state.get("scorecard_interview")
mine = interviews.interviewer_raters(store, scope)
rater_id = st.query_params.get("rater") or st.session_state.get("scorecard_rater") or next(iter(mine), None)
if not interview_id or not rater_id:
    st.info("Open an interview from My interviews.")
    st.page_link("views/my_interviews.py", label="Go to My interviews", icon=":material/event:")
    st.stop()
try:
    own = cards.own_card(store, scope, interview_id, rater_id)
except AccessDenied:
    st.error("You are not on this interview's panel, so Vocation will not open its scorecard.")
    st.stop()
row = interviews.interview(store, interview_id)
st.text(
    f"{row['person_name']} · {row['purpose']} interview · {row['interview_date']} · {row['program_name']}"
)
st.caption(f"Your card: {own.seat['status']}. " + interviews.STATUS_RULE)
prefix = f"scorecard_{interview_id}_{rater_id}"
if "scorecard_done" in st.session_state:
    st.success(st.session_state.pop("scorecard_done"))

if own.seat["seat_status"] == "recused":
    st.info("You recused yourself from this panel: " + (own.seat["recusal_reason"] or ""))
    st.stop()
if own.seat["seat_status"] == "seated":
    st.header("Conflict of interest")
    st.write(
        "Before you rate: do you have a dual relationship with this person — a former client, a "
        "relative, a supervisee, a close colleague? If so, recuse yourself and say why; the scheduler "
        "will see it and can seat someone else."
    )
    confirmed = st.checkbox("I have no dual relationship with this person", key="scorecard_no_conflict")
    if st.button(
        "Confirm and open the scorecard", disabled=not confirmed, key="scorecard_confirm", type="primary"
    ):
        cards.confirm_no_conflict(store, scope, interview_id, rater_id)
        st.rerun()
    reason = st.text_input("Or recuse yourself; the reason", key="scorecard_recusal_reason")
    if st.button("Recuse myself", key="scorecard_recuse"):
        try:
            cards.recuse(store, scope, interview_id, rater_id, reason)
            st.session_state["scorecard_done"] = "You recused yourself; the scheduler sees why."
            st.rerun()
        except cards.CardError as exc:
            st.error("; ".join(exc.lines()))
    st.stop()

amending = own.submitted and st.session_state.get(f"{prefix}_amending", False)
if own.submitted and not amending:
    st.header("Your submitted scorecard")
    versions = own.versions.filter(own.versions["version"] >= 1)
    st.caption(f"Submitted {versions['saved_at'][0]:%Y-%m-%d %H:%M}; amendments: {versions.height - 1}.")
    st.text("\n".join(scorecard_form.card_text(own.card)))
    if st.button("Amend (with a reason)", key="scorecard_amend_open"):
        st.session_state[f"{prefix}_amending"] = True
        st.rerun()
    st.header("The panel's submitted scorecards, side by side")
    panel = cards.side_by_side(cards.submitted_cards(store, scope, interview_id))
    widgets.dataframe(panel, "scorecard_panel")
    st.caption("Drafts are not shown; a rater appears once they submit. No hire / no-hire verdict: "
               "Screening combines the scores.")  # fmt: skip
    growth_ui.rater_section(store, scope, interview_id, rater_id)  # a review's self-assessment, now
    st.stop()

st.caption(
    "Score each theme on the anchored 0–4 scale, or leave it 'not assessed'. Every score needs at "
    "least one excerpt in the person's own words. Save a draft at any time; Submit locks the card."
)
widgets.caveat()
problems = st.session_state.pop(f"{prefix}_problems", [])
card = scorecard_form.card_form(prefix, own.card, cards.subtheme_themes(store), problems)
st.divider()
reason = st.text_input("Reason for the amendment", key=f"{prefix}_reason") if amending else ""
save, send = st.columns(2)
if not amending and save.button("Save draft", key="scorecard_save", icon=":material/save:"):
    try:
        cards.save_draft(store, scope, interview_id, rater_id, card)
        st.session_state["scorecard_done"] = "Draft saved. Nobody else sees it."
    except cards.CardError as exc:
        st.session_state[f"{prefix}_problems"] = exc.problems
    st.rerun()
label = "Submit the amendment" if amending else "Submit (locks the card)"
if send.button(label, key="scorecard_submit", type="primary", icon=":material/send:"):
    try:
        if amending:
            cards.amend(store, scope, interview_id, rater_id, card, reason)
        else:
            cards.submit(store, scope, interview_id, rater_id, card)
        scorecard_form.forget(prefix)
        st.session_state["scorecard_done"] = "Submitted. The panel's submitted cards are below."
    except cards.CardError as exc:
        st.session_state[f"{prefix}_problems"] = exc.problems
    st.rerun()
