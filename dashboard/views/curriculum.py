"""Curriculum: module x theme coverage, cohort need per theme, and the ranked gap list."""

import streamlit as st

from dashboard import charts
from dashboard.core import labels
from dashboard.core.contract import SMALL_SAMPLE
from dashboard.store import db
from dashboard.training import growth_rules, tracking
from dashboard.ui import widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Curriculum")
widgets.caveat()
cohorts = tracking.cohorts(store, scope)
if cohorts.is_empty():
    st.info("No cohorts of your programs have been imported yet.")
    st.stop()

program = widgets.program_picker(cohorts.unique("program_id", maintain_order=True), "curriculum_program")
cohort = widgets.cohort_picker(cohorts, program, "curriculum_cohort", "All cohorts of this program")

# One section at a time: only the open tab runs (each chart or table costs the browser as much as
# a plain page); the program and cohort above apply to the gaps and the module growth.
tab_gaps, tab_coverage, tab_growth = st.tabs(
    ["Where it falls short", "Coverage", "Modules and growth"], key="curriculum_tab", on_change="rerun"
)

if tab_gaps.open:
    with tab_gaps:
        st.header("Where the curriculum falls short")
        gaps = tracking.curriculum_gaps(store, scope, program, cohort)
        st.write(growth_rules.NEED_RULE)
        st.write(growth_rules.COVERAGE_RULE)
        st.write(growth_rules.GAP_RULE)
        if gaps["gap_rank"].is_not_null().any():
            top = gaps.row(0, named=True)
            st.text(
                f"Biggest gap: {top['theme']} (need {top['need']:.2f}, rank {top['need_rank']}; "
                f"coverage {top['coverage']:g}, rank {top['coverage_rank']}; {widgets.n_label(top['n_level'])})"
            )
        widgets.table(gaps, "curriculum_gaps", f"curriculum_gaps_{program}.csv")
        widgets.chart(
            charts.need_coverage_point_chart(gaps),
            gaps,
            "curriculum_need_coverage",
            "High need and low coverage (top left) is where the curriculum falls short.",
            empty=labels.empty_reason(gaps, "need", hidden="Nobody in this cohort has been assessed yet."),
        )

if tab_coverage.open:
    with tab_coverage:
        st.header("Coverage: modules × themes")
        coverage = tracking.coverage_by_module(store, scope)
        no_modules = labels.empty_reason(coverage, "coverage", "No modules target the themes yet.")
        heatmap = charts.curriculum_coverage_heatmap_chart(coverage)
        widgets.chart(heatmap, coverage, "curriculum_coverage", empty=no_modules)
        totals = tracking.coverage_by_theme(store, scope)
        widgets.table(totals, "curriculum_coverage_totals", "coverage_by_theme.csv")

if tab_growth.open:
    with tab_growth:
        st.header("Modules and growth")
        st.warning(growth_rules.ASSOCIATION_CAUTION)
        st.caption(
            "Mean growth in the module's themes; n = trainees with a growth score in each group; "
            f"'Small sample' marks a group under {SMALL_SAMPLE}."
        )
        association = tracking.module_growth(store, scope, program, cohort)
        widgets.table(association, "curriculum_module_growth", f"module_growth_{program}.csv")
