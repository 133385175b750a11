"""Evidence (leadership): do the themes matter here? Exemplars vs others, themes vs outcomes."""

import streamlit as st

from dashboard import charts, db, evidence, privacy, ui
from dashboard.signin import current_scope

store = db.app_store()
scope = current_scope()
st.title("Evidence")
st.write(
    "The study behind Vocation had no comparison group and no link to outcomes. "
    "These tables put both questions to this system's own data."
)
st.caption(privacy.suppression_note())
ui.caveat()

st.subheader("Peer-named exemplars and everyone else")
st.write(
    "Staff named by two or more different peers, compared with all other staff who have an "
    "annual assessment: each theme's mean, the difference, and Hedges' g with a 95% interval."
)
exemplars = evidence.exemplar_comparison(store, scope)
ui.chart(charts.effect_size_point_chart(exemplars), exemplars, "evidence_exemplars")
ui.download(exemplars, "evidence_exemplars", "exemplars_vs_others.csv")
st.info(evidence.caution(), icon=":material/info:")

st.subheader("Theme profile and outcomes after hire")
st.write(
    "Hires grouped by how many themes scored 3 or more at their hiring interview. Retention "
    "counts only hires whose first 12 months have passed; other measures are means since hire."
)
bands = evidence.outcomes_by_band(store, scope)
measures = bands["measure"].unique(maintain_order=True).to_list()
if measures:
    measure = st.selectbox("Outcome", measures, key="evidence_measure")
    one = bands.filter(bands["measure"] == measure)
    ui.chart(charts.outcome_band_point_chart(one), one, "evidence_bands")
else:
    st.write("No hires with outcomes yet.")
ui.download(bands, "evidence_bands", "outcomes_by_band.csv")
st.info(evidence.caution(), icon=":material/info:")

st.subheader("Each theme and each outcome")
st.write("Correlation between a hire's interview score on the theme and the outcome, 95% interval.")
links = evidence.theme_associations(store, scope)
if measures:
    chosen = st.selectbox("Outcome ", measures, key="evidence_link_measure")
    one_link = links.filter(links["measure"] == chosen)
    ui.chart(charts.effect_size_point_chart(one_link, "correlation"), one_link, "evidence_links")
ui.download(links, "evidence_links", "theme_outcome_associations.csv")
st.info(evidence.caution(), icon=":material/info:")
