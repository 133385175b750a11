"""Fairness (leadership): selection rate by group at each hiring stage and the four-fifths rule."""

import streamlit as st

from dashboard import charts, db, fairness, privacy, ui
from dashboard.contract import SMALL_SAMPLE
from dashboard.signin import current_scope

store = db.app_store()
scope = current_scope()
st.title("Fairness")
st.write(
    "Selection rates by self-identified sex and race/ethnicity at each stage. A group whose "
    "rate is below four-fifths (0.80) of the highest-rate group's is flagged; Fisher's exact "
    "test (two-sided, against that group) gives a p-value. 'not provided' is its own group."
)
st.caption(privacy.suppression_note())

table = fairness.fairness_page_table(store, scope)
left, right = st.columns(2)
stage = left.selectbox("Stage", [t[0] for t in fairness.TRANSITIONS], key="fairness_stage")
dimension = right.selectbox("Grouped by", fairness.DIMENSIONS, key="fairness_dimension")
shown = table.filter((table["stage"] == stage) & (table["dimension"] == dimension))
ui.chart(charts.impact_ratio_bar_chart(shown), shown, "fairness_ratios")
ui.download(shown, "fairness_ratios", "fairness.csv", xlsx=True)
st.caption(
    f"Groups with fewer than {SMALL_SAMPLE} applicants are labelled 'too small to judge'. A flag is a prompt "
    "to look closer, not a finding of bias; the compliance officer's report "
    "(python -m dashboard report fairness) has the unsuppressed numbers."
)
