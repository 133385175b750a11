"""Curriculum: module x theme coverage, cohort need per theme, and the ranked gap list."""

import streamlit as st

from dashboard import charts, db, training, training_rules, ui
from dashboard.contract import SMALL_SAMPLE
from dashboard.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Curriculum")
ui.caveat()
cohorts = training.cohorts(store, scope)
if cohorts.is_empty():
    st.info("No cohorts of your programs have been imported yet.")
    st.stop()

program = ui.program_picker(cohorts.unique("program_id", maintain_order=True), "curriculum_program")
cohort = ui.cohort_picker(cohorts, program, "curriculum_cohort", "All cohorts of this program")

st.subheader("Where the curriculum falls short")
gaps = training.curriculum_gaps(store, scope, program, cohort)
st.write(training_rules.NEED_RULE)
st.write(training_rules.COVERAGE_RULE)
st.write(training_rules.GAP_RULE)
if gaps["gap_rank"].is_not_null().any():
    top = gaps.row(0, named=True)
    st.text(
        f"Biggest gap: {top['theme']} (need {top['need']:.2f}, rank {top['need_rank']}; "
        f"coverage {top['coverage']:g}, rank {top['coverage_rank']}; {ui.n_label(top['n_level'])})"
    )
ui.table(gaps, "curriculum_gaps", f"curriculum_gaps_{program}.csv")
ui.chart(
    charts.need_coverage_point_chart(gaps),
    gaps,
    "curriculum_need_coverage",
    "High need and low coverage (top left) is where the curriculum falls short.",
)

st.subheader("Coverage: modules × themes")
coverage = training.coverage_by_module(store, scope)
ui.chart(charts.curriculum_coverage_heatmap_chart(coverage), coverage, "curriculum_coverage")
ui.table(training.coverage_by_theme(store, scope), "curriculum_coverage_totals", "coverage_by_theme.csv")

st.subheader("Modules and growth")
st.warning(training_rules.ASSOCIATION_CAUTION)
st.caption(
    "Mean growth in the module's themes; n = trainees with a growth score in each group; "
    f"small_sample marks a group under {SMALL_SAMPLE}."
)
association = training.module_growth(store, scope, program, cohort)
ui.table(association, "curriculum_module_growth", f"module_growth_{program}.csv")
