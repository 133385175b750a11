"""Fairness (leadership): selection rate by group at each hiring stage and the four-fifths rule."""

import streamlit as st

from dashboard import charts
from dashboard.core import labels
from dashboard.core.contract import SMALL_SAMPLE
from dashboard.leadership import fairness, privacy
from dashboard.store import db
from dashboard.ui import widgets
from dashboard.ui.signin import current_scope

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
stages = [t[0] for t in fairness.TRANSITIONS]
stage = left.selectbox("Stage", stages, format_func=labels.words, key="fairness_stage")
dimension = right.selectbox(
    "Grouped by", fairness.DIMENSIONS, format_func=labels.words, key="fairness_dimension"
)
shown = table.filter((table["stage"] == stage) & (table["dimension"] == dimension))
empty = labels.empty_reason(shown, "impact_ratio", "No applications reached this stage yet.")
widgets.chart(charts.impact_ratio_bar_chart(shown), shown, "fairness_ratios", empty=empty)
widgets.download(shown, "fairness_ratios", "fairness.csv", xlsx=True)
st.caption(
    f"Groups with fewer than {SMALL_SAMPLE} applicants are labelled 'too small to judge'. A flag is a prompt "
    "to look closer, not a finding of bias; the compliance officer's report "
    "(python -m dashboard report fairness) has the unsuppressed numbers."
)
