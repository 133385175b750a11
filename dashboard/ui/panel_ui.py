"""The scheduler's view of panels (Streamlit), shared by Candidate (supervisors) and Trainees
(training directors): schedule an interview with a panel, each interview's seats and statuses,
recusals with their reasons, the submitted scorecards, adding a rater, and overdue cards.
Rules and reads live in dashboard.scorecards.interviews and dashboard.scorecards.cards.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard.core.access import AccessDenied, Scope
from dashboard.scorecards import blind_rule, cards, changes, interviews
from dashboard.ui import widgets

SEAT_COLUMNS = ["rater_name", "rater_id", "status", "recusal_reason", "submitted_at"]


def _schedule_form(store, scope: Scope, role: str, key: str, person_id: str, program_id: str, application_id):
    """A form that schedules one interview for this application or person."""
    raters = interviews.rater_choices(store)
    with st.form(f"{key}_schedule_form", clear_on_submit=True):
        st.markdown("**Schedule an interview**")
        on = st.date_input("Date", value=None, min_value=date(2000, 1, 1), key=f"{key}_schedule_date")
        purposes = ("hiring",) if role == "supervisor" else interviews.REVIEW_PURPOSES
        purpose = st.selectbox("Purpose", purposes, key=f"{key}_schedule_purpose")
        panel = st.multiselect(
            "Panel (1 to 4 raters)",
            list(raters),
            format_func=raters.get,
            max_selections=4,
            key=f"{key}_schedule_panel",
        )
        if st.form_submit_button("Schedule", type="primary"):
            if role == "supervisor":
                req = interviews.Request(on, tuple(panel), application_id=application_id)
            else:
                req = interviews.Request(
                    on, tuple(panel), person_id=person_id, program_id=program_id, purpose=purpose
                )
            try:
                interview_id, queued = interviews.schedule_and_tell(store, scope, req)
                st.session_state[f"{key}_done"] = (
                    f"Scheduled interview {interview_id}. {queued.text('invitation')}"
                )
                st.rerun()
            except interviews.ScheduleError as exc:
                for problem in exc.problems:
                    st.error(problem)


def _add_rater(store, scope: Scope, key: str, interview_id: str, seats: pl.DataFrame) -> None:
    """Seat one more rater (after a recusal, say) while the panel has fewer than four."""
    active = seats.filter(pl.col("status") != "recused")
    if active.height >= interviews.PANEL_MAX:
        return
    raters = {r: label for r, label in interviews.rater_choices(store).items() if r not in active["rater_id"]}
    left, right = st.columns([3, 1])
    rater = left.selectbox(
        "Add a rater to this panel", list(raters), format_func=raters.get, key=f"{key}_add_{interview_id}"
    )
    if right.button("Add", key=f"{key}_add_button_{interview_id}"):
        try:
            queued = interviews.add_to_panel(store, scope, interview_id, rater)
            st.session_state[f"{key}_done"] = f"Added {rater} to {interview_id}. {queued.text('invitation')}"
            st.rerun()
        except (interviews.ScheduleError, AccessDenied) as exc:
            st.error(str(exc))


def _move_or_cancel(store, scope: Scope, key: str, interview_id: str, seats: pl.DataFrame) -> None:
    """Move the interview to another day or cancel it (refused once a scorecard is submitted)."""
    if (seats["status"] == "submitted").any():
        st.caption("A scorecard is submitted: this interview can no longer be moved or cancelled.")
        return
    left, mid, right = st.columns([2, 2, 1])
    new_day = left.date_input("Move to", value=None, key=f"{key}_move_day_{interview_id}")
    reason = mid.text_input("Reason for cancelling (never sent)", key=f"{key}_cancel_reason_{interview_id}")
    sure = mid.checkbox("Yes, cancel this interview", key=f"{key}_cancel_sure_{interview_id}")
    move = right.button("Move", key=f"{key}_move_{interview_id}", disabled=new_day is None)
    cancel = right.button("Cancel interview", key=f"{key}_cancel_{interview_id}", disabled=not sure)
    try:
        if move:
            queued = changes.move(store, scope, interview_id, new_day)
            done = f"Moved {interview_id} to {new_day}. {queued.text('calendar update')}"
        elif cancel:
            queued = changes.cancel(store, scope, interview_id, reason)
            done = f"Cancelled {interview_id}. {queued.text('calendar cancellation')}"
        else:
            return
        st.session_state[f"{key}_done"] = done
        st.rerun()
    except (interviews.ScheduleError, AccessDenied) as exc:
        for problem in getattr(exc, "problems", [str(exc)]):
            st.error(problem)


def panels_section(
    store,
    scope: Scope,
    role: str,
    key: str,
    person_id: str,
    program_id: str,
    application_id: str | None = None,
) -> None:
    """Interviews scheduled in Vocation for this person: panels, statuses, cards; scheduling."""
    st.header("Interviews scheduled in Vocation: panels and scorecards")
    if f"{key}_done" in st.session_state:
        st.success(st.session_state.pop(f"{key}_done"))
    view = interviews.person_panels(store, scope, role, person_id, application_id)
    if view.hidden:
        st.warning(
            f"You sit on a panel for this person: their scores and evidence are {blind_rule.HIDDEN_NOTE}."
        )
    if view.interviews.is_empty():
        st.text("None scheduled yet.")
    for row in view.interviews.iter_rows(named=True):
        seats = view.seats.filter(pl.col("interview_id") == row["interview_id"])
        counts = seats["status"].value_counts(sort=True).iter_rows()
        summary = ", ".join(f"{n} {status}" for status, n in counts)
        label = f"{row['interview_date']} · {row['purpose']} · {row['interview_id']} · {summary}"
        with st.expander(label, expanded=True):
            widgets.dataframe(seats.select(SEAT_COLUMNS), f"{key}_seats_{row['interview_id']}")
            if not view.hidden:
                submitted = cards.side_by_side(cards.submitted_cards(store, scope, row["interview_id"]))
                if submitted.width > 1:
                    st.caption("Submitted scorecards (drafts are seen by their author only):")
                    widgets.dataframe(submitted, f"{key}_cards_{row['interview_id']}")
            _add_rater(store, scope, key, row["interview_id"], seats)
            _move_or_cancel(store, scope, key, row["interview_id"], seats)
    _schedule_form(store, scope, role, key, person_id, program_id, application_id)


def overdue_section(store, scope: Scope, role: str, key: str) -> None:
    """The overdue scorecards of the reader's programs (not submitted 2 days after the interview)."""
    late = interviews.overdue(store, scope, role)
    label = f"Overdue scorecards in your programs ({widgets.n_label(late.height)})"
    # the table is drawn only while the expander is open (opening it re-runs the page)
    section = st.expander(label, key=f"{key}_overdue_open", on_change="rerun")
    if section.open:
        with section:
            if late.is_empty():
                st.text("None.")
            else:
                widgets.table(late, f"{key}_overdue", "overdue_scorecards.csv", "overdue scorecards")
