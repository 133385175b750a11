"""Evidence's validation-study tabs (leadership) and Reliability's Rater x group tab (supervisors):
each tab's body, drawn only when its tab is open. Data comes from leadership.validation (suppressed
aggregates) and reliability.rater_groups; charts from charts/validation.py."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.core import labels
from dashboard.core.access import Scope
from dashboard.leadership import validation as v
from dashboard.leadership import validation_summary
from dashboard.reliability import rater_groups
from dashboard.ui import widgets

NO_HIRES = (
    "No hires with a scored hiring interview before their hire date yet: retention by profile needs "
    "hires whose interview scores are on record."
)
NO_OUTCOMES = "No hire has an outcome yet (12 months' follow-up, or a measure in outcomes)."
BENCHMARKS = (("structured .42", 0.42), ("unstructured .19", 0.19))


def _caution() -> None:
    st.info(v.caution(), icon=":material/info:")


def retention_tab(store, scope: Scope, as_of: dt.date) -> None:
    """Kaplan-Meier curves by band, numbers at risk, log-rank and the Cox models."""
    st.header("Retention over time")
    st.write(
        "Tenure runs from the hire date to leaving; people still employed count up to today and are "
        "'censored' (the curve knows they stayed at least that long). Bands: how many of the six "
        "themes scored 3 or more at the hiring interview. Hires without one are left out."
    )
    groups = v.retention_groups(store, scope, as_of=as_of)
    if groups.filter(pl.col("band") == "all")["hires"].to_list() in (["0"], []):
        st.info(NO_HIRES, icon=":material/info:")
        _caution()
        return
    curves = v.retention_curves(store, scope, as_of=as_of)
    empty = labels.empty_reason(curves, "survival", "Every band has 10 or fewer hires: no curve is drawn.")
    widgets.chart(charts.survival_step_chart(curves), curves, "validation_curves", empty=empty)
    st.subheader("Hires, leavers and median tenure")
    widgets.table(groups, "validation_groups", "retention_by_band.csv")
    st.subheader("Still employed and at risk at 6, 12, 24 and 36 months")
    widgets.table(v.at_risk_table(store, scope, as_of=as_of), "validation_at_risk", "retention_at_risk.csv")
    st.subheader("Do the bands differ? (log-rank test)")
    widgets.dataframe(v.logrank(store, scope, as_of=as_of), "validation_logrank")
    st.subheader("Hazard of leaving per point of score (Cox, each predictor alone)")
    st.caption(
        "A hazard ratio below 1: each extra point goes with a lower rate of leaving. Efron's method "
        "for ties; proportional hazards checked (Schoenfeld residuals on the rank of time)."
    )
    cox = v.hazards(store, scope, as_of=as_of)
    empty = labels.empty_reason(cox, "hazard_ratio", "No hires yet.", "Too few hires or leavers to fit.")
    chart = charts.estimate_interval_chart(
        cox, "predictor", "hazard_ratio", "Hazard ratio", 1.0, log_scale=True
    )
    widgets.chart(chart, cox, "validation_hazards", empty=empty)
    widgets.download(cox, "validation_hazards", "hazard_ratios.csv")
    _caution()


def validity_tab(store, scope: Scope, as_of: dt.date) -> None:
    """Observed and corrected r beside the benchmark, and how precise / how long until known."""
    st.header("Validity corrected for selection")
    st.write(
        "Correlation (r) of each theme and the composite (mean of the themes scored) with each outcome "
        "among hires, its 95% interval and n; u = spread of the score among hires / among all "
        "applicants; r corrected for that selection (Thorndike Case II)."
    )
    st.caption(v.BENCHMARK_TEXT)
    table = v.validity_table(store, scope, as_of=as_of)
    measures = table["measure"].unique(maintain_order=True).to_list()
    if not measures:
        st.info(NO_OUTCOMES, icon=":material/info:")
        _caution()
        return
    measure = st.selectbox("Outcome", measures, format_func=labels.words, key="validation_measure")
    one = table.filter(pl.col("measure") == measure)
    chart = charts.estimate_interval_chart(one, "predictor", "r", "Observed r", 0.0, BENCHMARKS)
    widgets.chart(chart, one, "validation_r", empty=labels.empty_reason(one, "r"))
    widgets.download(table, "validation_validity", "validity.csv")
    st.subheader("How precise, and how long until we know")
    st.write(
        "The interval's half-width above says how precise r is today. Below: hires needed to detect a "
        "true r of .20, .30 or .42 with 80% power (two-sided, alpha .05), power today, and about when "
        "the program reaches that many at its hiring rate of the last two years."
    )
    widgets.table(v.precision_table(store, scope, as_of=as_of), "validation_precision", "precision.csv")
    _caution()


def fairness_tab(store, scope: Scope, as_of: dt.date) -> None:
    """Cohen's d by group per theme and composite; Cleary's differential prediction; flagged raters."""
    st.header("Fairness of the scores")
    st.write(
        "Standardized mean difference (Cohen's d, pooled SD, 95% interval) of each group minus the "
        "largest group, over all scored applicants. |d| of 0.2 is small, 0.5 medium."
    )
    gaps = v.score_gaps(store, scope)
    if gaps.is_empty():
        st.info(
            "No self-identified groups with scored applicants: nothing to compare.", icon=":material/info:"
        )
    else:
        dimension = st.selectbox(
            "Groups", gaps["dimension"].unique(maintain_order=True).to_list(), key="validation_dim"
        )
        one = gaps.filter((pl.col("dimension") == dimension) & (pl.col("predictor") == "composite"))
        chart = charts.estimate_interval_chart(one, "group", "d", "Cohen's d of the composite")
        widgets.chart(chart, one, "validation_d", empty=labels.empty_reason(one, "d"))
        widgets.download(gaps, "validation_gaps", "score_gaps.csv")
    st.subheader("Differential prediction (Cleary)")
    st.write(
        "outcome ~ composite + group + composite x group among hires: does the same score predict the "
        "same outcome in each group? Slope and intercept differences with 95% intervals."
    )
    widgets.table(
        v.differential(store, scope, as_of=as_of), "validation_cleary", "differential_prediction.csv"
    )
    flagged = v.flagged_rater_count(store, scope)
    st.write(
        f"Raters flagged for scoring a group differently from their co-raters: {flagged} (details: Reliability)."
    )
    _caution()


def summary_tab(store, scope: Scope, as_of: dt.date) -> None:
    """The validation summary in words, downloadable as Markdown."""
    text = validation_summary.summary_markdown(store, scope, as_of)
    st.caption(validation_summary.headline(store, scope, as_of))
    widgets.text_download(text, "validation_summary", "validation_summary.md", "text/markdown")
    st.markdown(text)


def rater_group_section(store, scope: Scope, role: str) -> None:
    """Reliability's Rater x group tab: each rater's gap for a group vs the reference, flagged first."""
    st.caption(rater_groups.NOTE)
    gaps = rater_groups.rater_group_gaps(store, scope, role)
    if gaps.is_empty():
        st.info(rater_groups.NO_PANELS, icon=":material/info:")
        return
    st.write(f"Raters with a flagged cell: {rater_groups.flagged_raters(gaps)}.")
    flagged = gaps.filter(pl.col("flagged")).with_columns(
        row=pl.concat_str("rater_id", "theme", "group", separator=" · ")
    )
    chart = charts.estimate_interval_chart(flagged, "row", "difference", "Flagged: rater's gap for the group")
    widgets.chart(
        chart, flagged, "reliability_rater_groups", empty=None if flagged.height else "No cell is flagged."
    )
    widgets.table(gaps, "reliability_rater_groups", "rater_by_group.csv", xlsx=True)
