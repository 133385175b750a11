"""Reliability's disagreement queue: the interviews and themes where raters differ by two points or
more, each rater's evidence side by side, and the form that records the panel's consensus."""

from __future__ import annotations

import streamlit as st

from dashboard.core.access import Scope
from dashboard.reliability import inter_rater
from dashboard.ui import widgets


def disagreement_queue_section(store, scope: Scope, role: str, size: int) -> None:
    """The queue one page at a time, the chosen item's evidence and the consensus form."""
    if "reliability_recorded" in st.session_state:
        st.success("Consensus recorded. The consensus now in force for that interview theme:")
        st.text(st.session_state.pop("reliability_recorded"))
    total = inter_rater.disagreement_count(store, scope, role)
    st.caption(inter_rater.QUEUE_NOTE)
    if total == 0:
        st.info("No disagreements are waiting for a consensus.")
    else:
        page = widgets.paged("Disagreement queue", total, size, "reliability_queue_page")
        queue = inter_rater.disagreement_queue(store, scope, role, page)
        widgets.dataframe(queue, "reliability_queue_table")
        everything = lambda: inter_rater.disagreement_queue(store, scope, role)  # noqa: E731
        widgets.download_on_press(
            everything,
            "reliability_queue_download",
            "disagreement_queue.csv",
            "disagreement_queue.csv",
            total,
            role,
            xlsx=True,
        )
        interview_id, theme, _ = st.selectbox(
            "Interview and theme (this page of the queue)",
            list(queue.select("interview_id", "theme", "interview_date").iter_rows()),
            format_func=lambda r: f"{r[0]} · {r[1]} · {r[2]}",
            key="reliability_item",
        )
        evidence = inter_rater.rater_evidence(store, scope, role, interview_id, theme)
        widgets.side_by_side(inter_rater.evidence_by_rater(evidence), "reliability_excerpts")
        with st.form("reliability_consensus_form", clear_on_submit=True):
            score = st.radio("Consensus score", inter_rater.SCORES, horizontal=True, key="reliability_score")
            note = st.text_area("Note (how the panel decided)", key="reliability_note")
            if st.form_submit_button("Record consensus", key="reliability_record"):
                row = inter_rater.record_consensus(store, scope, role, interview_id, theme, score, note)
                st.session_state["reliability_recorded"] = inter_rater.consensus_summary(row)
                st.rerun()
