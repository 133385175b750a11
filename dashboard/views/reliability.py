"""Reliability: can we trust the ratings? Agreement per theme and rater pair, over time, rater
calibration, and the queue of disagreements waiting for a consensus."""

import streamlit as st

from dashboard import charts, db, reliability, ui
from dashboard.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Reliability")
roles = reliability.roles_for(scope)
if not roles:
    st.error("Reliability shows person-level ratings: supervisors and training directors only.")
    st.stop()
role = roles[0]
if len(roles) > 1:
    role = st.selectbox("View as", roles, format_func=reliability.ROLE_LABELS.get, key="reliability_role")
st.write(reliability.INTRO)
ui.caveat()
PERCENT = ui.percent_columns("percent_agreement", "percent_within_one")
SIZE = reliability.PAGE_SIZE
tabs = ["By theme", "Rater pairs", "Over time", "Rater calibration", "Disagreement queue"]
tab_theme, tab_pairs, tab_time, tab_raters, tab_queue, tab_consensus = st.tabs(
    [*tabs, "Consensus in force"],
    key="reliability_tab",
    on_change="rerun",  # only the open tab runs
)


def download_all(rows, count: int, key: str, file_name: str) -> None:
    """CSV and XLSX of every page, built only when a button is pressed (and audited)."""
    ui.download_on_press(rows, f"{key}_download", file_name, file_name, count, role, xlsx=True)


if tab_theme.open:
    with tab_theme:
        themes = reliability.theme_reliability(store, scope, role)
        st.caption(reliability.ALPHA_NOTE)
        ui.chart(charts.theme_alpha_point_chart(themes), themes, "reliability_themes")
        ui.table(themes, "reliability_themes", "reliability_by_theme.csv", xlsx=True, column_config=PERCENT)

if tab_pairs.open:
    with tab_pairs:
        pairs = reliability.pair_reliability(store, scope, role)
        st.caption("Cohen's kappa, unweighted and quadratic-weighted, on the interviews both scored.")
        page = ui.paged("Rater pairs", pairs.height, SIZE, "reliability_pairs_page")
        ui.dataframe(ui.page_of(pairs, page, SIZE), "reliability_pairs_table", column_config=PERCENT)
        download_all(lambda: pairs, pairs.height, "reliability_pairs", "reliability_by_rater_pair.csv")

if tab_time.open:
    with tab_time:
        quarters = reliability.reliability_by_quarter(store, scope, role)
        if quarters.is_empty():
            st.info("No paired ratings yet.")
        else:
            ui.chart(charts.agreement_quarter_line_chart(quarters), quarters, "reliability_quarters")
            ui.table(
                quarters,
                "reliability_quarters",
                "reliability_by_quarter.csv",
                xlsx=True,
                column_config=PERCENT,
            )

if tab_raters.open:
    with tab_raters:
        st.caption(reliability.CALIBRATION_NOTE)
        calibration = reliability.rater_calibration(store, scope, role)
        ui.chart(charts.rater_calibration_point_chart(calibration), calibration, "reliability_calibration")
        ui.table(calibration, "reliability_calibration", "rater_calibration.csv", xlsx=True)
        st.subheader("Drift over time")
        drift = reliability.rater_drift(store, scope, role)
        ui.chart(charts.rater_drift_line_chart(drift), drift, "reliability_drift")
        ui.table(drift, "reliability_drift", "rater_drift.csv", xlsx=True)

if tab_queue.open:
    with tab_queue:
        if "reliability_recorded" in st.session_state:
            st.success("Consensus recorded. The consensus now in force for that interview theme:")
            st.text(st.session_state.pop("reliability_recorded"))
        total = reliability.disagreement_count(store, scope, role)
        st.caption(reliability.QUEUE_NOTE)
        if total == 0:
            st.info("No disagreements are waiting for a consensus.")
        else:
            page = ui.paged("Disagreement queue", total, SIZE, "reliability_queue_page")
            queue = reliability.disagreement_queue(store, scope, role, page)
            ui.dataframe(queue, "reliability_queue_table")
            everything = lambda: reliability.disagreement_queue(store, scope, role)  # noqa: E731
            download_all(everything, total, "reliability_queue", "disagreement_queue.csv")
            interview_id, theme, _ = st.selectbox(
                "Interview and theme (this page of the queue)",
                list(queue.select("interview_id", "theme", "interview_date").iter_rows()),
                format_func=lambda r: f"{r[0]} · {r[1]} · {r[2]}",
                key="reliability_item",
            )
            evidence = reliability.rater_evidence(store, scope, role, interview_id, theme)
            ui.side_by_side(reliability.evidence_by_rater(evidence), "reliability_excerpts")
            with st.form("reliability_consensus_form", clear_on_submit=True):
                score = st.radio(
                    "Consensus score", reliability.SCORES, horizontal=True, key="reliability_score"
                )
                note = st.text_area("Note (how the panel decided)", key="reliability_note")
                if st.form_submit_button("Record consensus", key="reliability_record"):
                    row = reliability.record_consensus(store, scope, role, interview_id, theme, score, note)
                    st.session_state["reliability_recorded"] = reliability.consensus_summary(row)
                    st.rerun()

if tab_consensus.open:
    with tab_consensus:
        st.caption(reliability.CONSENSUS_RULE)
        total = reliability.consensus_count(store, scope, role)
        page = ui.paged("Consensus in force", total, SIZE, "reliability_consensus_page")
        ui.dataframe(reliability.consensus_in_force(store, scope, role, page), "reliability_consensus_table")
        everything = lambda: reliability.consensus_in_force(store, scope, role)  # noqa: E731
        download_all(everything, total, "reliability_consensus", "consensus_in_force.csv")
