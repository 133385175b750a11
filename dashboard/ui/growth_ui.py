"""Sections (Streamlit) that show self-assessments beside the panel's scores: for the trainee
(My growth, Self-assessment), for the training director (Trainees) and for a rater once their
own card is submitted (Scorecard). Data comes from training/self_view.py and
training/self_assessment.py; charts from charts/self_assessment.py.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.core.access import AccessDenied
from dashboard.training import self_assessment, self_view
from dashboard.training.self_rules import GAP_RULE
from dashboard.ui import widgets

SHOWN = ("interview_date", "purpose", "theme", "self_score", "panel_score", "gap")


def not_a_trainee(scope) -> None:
    """Stop the page when the sign-in is no enrolled person's (the address changed since the grant)."""
    if not scope.person_ids:
        st.info(
            "Your address is not the address of exactly one enrolled trainee in Vocation's data, so "
            "there is nothing to show. Ask your Vocation administrator to check it."
        )
        st.stop()


def review_label(row: dict) -> str:
    """'midpoint review · 2026-08-31 · Program name — self-assessment: draft'."""
    return (
        f"{row['purpose']} review · {row['interview_date']} · {row['program_name']} — "
        f"self-assessment: {row['self_status']}"
    )


def self_panel(frame: pl.DataFrame, key: str) -> None:
    """The self-vs-panel chart and its table (n = review-theme pairs with both scores)."""
    st.caption(GAP_RULE)
    both = frame.filter(pl.col("gap").is_not_null()).height
    st.caption(f"Pairs with both scores: {widgets.n_label(both)}")
    shown = frame.select([c for c in SHOWN if c in frame.columns])
    empty = None if frame.height else "No submitted self-assessment yet."
    widgets.chart(charts.self_panel_point_chart(shown), shown, key, empty=empty)


def director_section(store, scope, program: str, cohort: str, people: pl.DataFrame) -> None:
    """Trainees page: one trainee's self vs panel, then the cohort's mean gap per theme."""
    names = dict(zip(people["person_id"], people["full_name"], strict=True))
    st.header("One trainee: self-assessment beside the panel")
    if names:
        person = st.selectbox("Trainee", list(names), format_func=names.get, key="trainees_self_person")
        try:
            self_panel(self_view.trainee_self_vs_panel(store, scope, person), "trainees_self_one")
        except AccessDenied as exc:
            st.error(str(exc))
    st.header("The cohort: over- or under-rating, intake to exit")
    summary = self_view.cohort_gap_summary(store, scope, program, cohort)
    st.caption(
        GAP_RULE + " A curriculum signal, not a judgement of a trainee; n = trainees with both scores."
    )
    empty = (
        None
        if summary.by_purpose.height
        else "Nobody in this cohort has a self-assessment with panel scores."
    )
    widgets.chart(
        charts.cohort_gap_line_chart(summary.by_purpose), summary.by_purpose, "trainees_gap", empty=empty
    )
    st.subheader("Mean gap per theme at intake and at exit")
    widgets.dataframe(summary.intake_exit, "trainees_gap_change")
    st.caption(
        "change = exit gap − intake gap; towards 0 means trainees came to see themselves as the panel did."
    )


def rater_section(store, scope, interview_id: str, rater_id: str) -> None:
    """Scorecard page, after the rater submitted: the trainee's self-assessment of this review."""
    frame = self_assessment.for_rater(store, scope, interview_id, rater_id)
    if frame is None:
        return
    st.header("The trainee's self-assessment")
    st.caption(
        "Shown only now that your card is submitted, so it never anchored you. It is not a rating: "
        "Screening, Reliability and the validation study never read it."
    )
    widgets.dataframe(frame, "scorecard_self_assessment")
