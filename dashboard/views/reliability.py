"""Reliability: can we trust the ratings? Agreement per theme and rater pair, over time, rater
calibration, and the queue of disagreements waiting for a consensus."""

import streamlit as st

from dashboard import charts
from dashboard.core import labels
from dashboard.reliability import inter_rater
from dashboard.store import db
from dashboard.ui import consensus_queue, validation_tabs, widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Reliability")
roles = inter_rater.roles_for(scope)
if not roles:
    st.error("Reliability shows person-level ratings: supervisors and training directors only.")
    st.stop()
role = roles[0]
if len(roles) > 1:
    role = st.selectbox("View as", roles, format_func=inter_rater.ROLE_LABELS.get, key="reliability_role")
st.write(inter_rater.INTRO)
widgets.caveat()
PERCENT = widgets.percent_columns("percent_agreement", "percent_within_one")
SIZE = inter_rater.PAGE_SIZE
tabs = ["By theme", "Rater pairs", "Over time", "Rater calibration", "Disagreement queue"]
tab_theme, tab_pairs, tab_time, tab_raters, tab_queue, tab_consensus, tab_groups = st.tabs(
    [*tabs, "Consensus in force", "Rater × group"],
    key="reliability_tab",
    on_change="rerun",  # only the open tab runs
)


def download_all(rows, count: int, key: str, file_name: str) -> None:
    """CSV and XLSX of every page, built only when a button is pressed (and audited)."""
    widgets.download_on_press(rows, f"{key}_download", file_name, file_name, count, role, xlsx=True)


if tab_theme.open:
    with tab_theme:
        themes = inter_rater.theme_reliability(store, scope, role)
        st.caption(inter_rater.ALPHA_NOTE)
        unpaired = "No interview of your programs has two or more raters yet: agreement needs pairs."
        alphas = labels.empty_reason(themes, "krippendorff_alpha", unpaired, unpaired)
        widgets.chart(charts.theme_alpha_point_chart(themes), themes, "reliability_themes", empty=alphas)
        widgets.table(
            themes, "reliability_themes", "reliability_by_theme.csv", xlsx=True, column_config=PERCENT
        )

if tab_pairs.open:
    with tab_pairs:
        pairs = inter_rater.pair_reliability(store, scope, role)
        st.caption("Cohen's kappa, unweighted and quadratic-weighted, on the interviews both scored.")
        page = widgets.paged("Rater pairs", pairs.height, SIZE, "reliability_pairs_page")
        widgets.dataframe(
            widgets.page_of(pairs, page, SIZE), "reliability_pairs_table", column_config=PERCENT
        )
        download_all(lambda: pairs, pairs.height, "reliability_pairs", "reliability_by_rater_pair.csv")

if tab_time.open:
    with tab_time:
        quarters = inter_rater.reliability_by_quarter(store, scope, role)
        if quarters.is_empty():
            st.info("No paired ratings yet.")
        else:
            widgets.chart(charts.agreement_quarter_line_chart(quarters), quarters, "reliability_quarters")
            by_quarter = "reliability_by_quarter.csv"
            widgets.table(quarters, "reliability_quarters", by_quarter, xlsx=True, column_config=PERCENT)

if tab_raters.open:
    with tab_raters:
        st.caption(inter_rater.CALIBRATION_NOTE)
        calibration = inter_rater.rater_calibration(store, scope, role)
        unrated = labels.empty_reason(calibration, "mean_difference", "No ratings in your programs yet.")
        calibration_chart = charts.rater_calibration_point_chart(calibration)
        widgets.chart(calibration_chart, calibration, "reliability_calibration", empty=unrated)
        widgets.table(calibration, "reliability_calibration", "rater_calibration.csv", xlsx=True)
        st.header("Drift over time")
        drift = inter_rater.rater_drift(store, scope, role)
        widgets.chart(charts.rater_drift_line_chart(drift), drift, "reliability_drift", empty=unrated)
        widgets.table(drift, "reliability_drift", "rater_drift.csv", xlsx=True)

if tab_queue.open:
    with tab_queue:
        consensus_queue.disagreement_queue_section(store, scope, role, SIZE)

if tab_consensus.open:
    with tab_consensus:
        st.caption(inter_rater.CONSENSUS_RULE)
        total = inter_rater.consensus_count(store, scope, role)
        page = widgets.paged("Consensus in force", total, SIZE, "reliability_consensus_page")
        widgets.dataframe(
            inter_rater.consensus_in_force(store, scope, role, page), "reliability_consensus_table"
        )
        everything = lambda: inter_rater.consensus_in_force(store, scope, role)  # noqa: E731
        download_all(everything, total, "reliability_consensus", "consensus_in_force.csv")

if tab_groups.open:
    with tab_groups:
        validation_tabs.rater_group_section(store, scope, role)
