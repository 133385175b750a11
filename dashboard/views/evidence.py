"""Evidence (leadership): do the themes matter here? Exemplars vs others, themes vs outcomes."""

import datetime as dt

import streamlit as st

from dashboard import charts
from dashboard.core import labels
from dashboard.leadership import evidence, privacy
from dashboard.store import db
from dashboard.ui import validation_tabs, widgets
from dashboard.ui.signin import current_scope

store = db.app_store()
scope = current_scope()
st.title("Evidence")
st.write(
    "The study behind Vocation had no comparison group and no link to outcomes. "
    "These tables put both questions to this system's own data."
)
st.caption(privacy.suppression_note())
widgets.caveat()

# One question at a time: only the open tab runs (each chart costs the browser as much as the
# rest of the page).
STUDY = ["Retention over time", "Validity", "Fairness of the scores", "Validation summary"]
tab_exemplars, tab_outcomes, tab_links, *study = st.tabs(
    ["Peer-named exemplars", "Outcomes after hire", "Each theme and outcome", *STUDY],
    key="evidence_tab",
    on_change="rerun",
)

if tab_exemplars.open:
    with tab_exemplars:
        st.header("Peer-named exemplars and everyone else")
        st.write(
            "Staff named by two or more different peers, compared with all other staff who have an "
            "annual assessment: each theme's mean, the difference, and Hedges' g with a 95% interval."
        )
        exemplars = evidence.exemplar_comparison(store, scope)
        empty = labels.empty_reason(exemplars, "hedges_g", "No staff have an annual assessment yet.")
        widgets.chart(charts.effect_size_point_chart(exemplars), exemplars, "evidence_exemplars", empty=empty)
        widgets.download(exemplars, "evidence_exemplars", "exemplars_vs_others.csv")
        st.info(evidence.caution(), icon=":material/info:")

if tab_outcomes.open:
    with tab_outcomes:
        st.header("Theme profile and outcomes after hire")
        st.write(
            "Hires grouped by how many themes scored 3 or more at their hiring interview. Retention "
            "counts only hires whose first 12 months have passed; other measures are means since hire."
        )
        bands = evidence.outcomes_by_band(store, scope)
        measures = bands["measure"].unique(maintain_order=True).to_list()
        if measures:
            measure = st.selectbox("Outcome", measures, format_func=labels.words, key="evidence_measure")
            one = bands.filter(bands["measure"] == measure)
            empty = labels.empty_reason(one, "value")
            widgets.chart(charts.outcome_band_point_chart(one), one, "evidence_bands", empty=empty)
        else:
            st.write("No hires with outcomes yet.")
        widgets.download(bands, "evidence_bands", "outcomes_by_band.csv")
        st.info(evidence.caution(), icon=":material/info:")

if tab_links.open:
    with tab_links:
        st.header("Each theme and each outcome")
        st.write("Correlation between a hire's interview score on the theme and the outcome, 95% interval.")
        links = evidence.theme_associations(store, scope)
        # retention first, then the others by name: the order of the outcomes tab
        measures = sorted(set(links["measure"]), key=lambda m: (m != "retained_12m", m))
        if measures:
            chosen = st.selectbox("Outcome", measures, format_func=labels.words, key="evidence_link_measure")
            one_link = links.filter(links["measure"] == chosen)
            empty = labels.empty_reason(one_link, "correlation")
            chart = charts.effect_size_point_chart(one_link, "correlation")
            widgets.chart(chart, one_link, "evidence_links", empty=empty)
        else:
            st.write("No hires with outcomes yet.")
        widgets.download(links, "evidence_links", "theme_outcome_associations.csv")
        st.info(evidence.caution(), icon=":material/info:")

# The local validation study (docs/leadership.md): one tab at a time, as of today.
today = dt.date.today()
bodies = (validation_tabs.retention_tab, validation_tabs.validity_tab, validation_tabs.fairness_tab)
for tab, body in zip(study, (*bodies, validation_tabs.summary_tab), strict=True):
    if tab.open:
        with tab:
            body(store, scope, today)
