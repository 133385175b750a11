"""My interviews: the panels the signed-in interviewer sits on, upcoming and past, with status."""

import polars as pl
import streamlit as st

from dashboard.scorecards import interviews, reminders
from dashboard.store import db
from dashboard.ui import widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("My interviews")
if not interviews.interviewer_raters(store, scope):
    st.info(
        f"No rater in Vocation's data has the address {scope.email}. Ask your administrator to add it "
        "to the raters file's email column."
    )
    st.stop()
panels = interviews.my_panels(store, scope)
today = interviews.today()
st.write(
    "Rate each interview alone, before any discussion: you see the other raters' scorecards for a "
    "person only after you have submitted your own."
)
st.caption(interviews.STATUS_RULE)
wants = reminders.reminders_on(store, scope.email)
if (
    st.toggle(
        "Email me a daily reminder of my overdue scorecards", value=wants, key="my_interviews_reminders"
    )
    != wants
):
    reminders.set_reminders(store, scope, not wants)
    st.rerun()
COLUMNS = ["interview_date", "status", "purpose", "person_name", "program_name", "interview_id", "rater_id"]


def listing(frame: pl.DataFrame, key: str) -> str | None:
    """A table of panels; returns the interview picked by selecting its row (or None)."""
    if frame.is_empty():
        st.text("None.")
        return None
    shown = frame.select(COLUMNS)
    event = widgets.dataframe(shown, key, on_select="rerun", selection_mode="single-row")
    rows = list(event.selection.rows) if event else []
    return f"{shown['interview_id'][rows[0]]}|{shown['rater_id'][rows[0]]}" if rows else None


upcoming = panels.filter(pl.col("interview_date") >= today)
past = panels.filter(pl.col("interview_date") < today).sort("interview_date", descending=True)
st.header(f"Upcoming ({upcoming.height})")
picked_upcoming = listing(upcoming, "my_interviews_upcoming")
st.header(f"Past ({past.height})")
picked_past = listing(past, "my_interviews_past")

choices = {
    f"{r['interview_id']}|{r['rater_id']}": f"{r['interview_date']} · {r['person_name']} · {r['purpose']} · {r['status']}"
    for r in panels.iter_rows(named=True)
}
picked = picked_upcoming or picked_past
if not choices:
    st.info("You are not on any panel yet.")
    st.stop()
# The pick is kept apart from the box's own state and put back on every run: Streamlit forgets the
# box's state when another page is opened, and falls back to the first interview when the label it
# receives is not among the options (labels name the person and the status, which an import or a
# submitted card changes); "Open the scorecard" must open the interview picked.
kept = st.session_state.get("my_interviews_kept")
if picked in choices:  # selecting a row picks its interview below
    kept = picked
if kept in choices:
    st.session_state["my_interviews_pick"] = kept
st.session_state["my_interviews_labels"] = {label: key for key, label in choices.items()}


def _keep_pick() -> None:
    """The box was changed: keep its pick (a label, should Streamlit hand one back, read as the
    interview it named on the last run)."""
    value = st.session_state.get("my_interviews_pick")
    st.session_state["my_interviews_kept"] = st.session_state["my_interviews_labels"].get(value, value)


chosen = st.selectbox(
    "Interview", list(choices), format_func=choices.get, key="my_interviews_pick", on_change=_keep_pick
)
st.session_state["my_interviews_kept"] = chosen
if st.button("Open the scorecard", key="my_interviews_open", type="primary", icon=":material/edit_note:"):
    st.session_state["scorecard_interview"], st.session_state["scorecard_rater"] = chosen.split("|")
    st.switch_page("views/scorecard.py")
