"""Home: what Vocation is, the six themes, the study's limits, and what data is loaded."""

import streamlit as st

from dashboard import codebook
from dashboard.ingest import summary
from dashboard.store import db
from dashboard.ui import widgets

store = db.app_store()
st.title("Vocation")
st.write(
    "Vocation helps a community mental-health program hire and train therapists who stay "
    "committed to the work. It organises structured-interview evidence around six themes "
    "that a study of passionately committed public-sector therapists found in every one of them."
)
st.header("The six themes")
for row in codebook.load_themes().iter_rows(named=True):
    # drawn only while open (opening one re-runs the page): Home is the page opened most
    theme = st.expander(row["name"], key=f"home_theme_{row['code']}", on_change="rerun")
    if theme.open:
        with theme:
            st.text(row["definition"])
            st.caption("What evidence sounds like")
            st.text(row["sounds_like"] or "")
            st.caption("What counter-evidence sounds like")
            st.text(row["counter_sounds_like"] or "")
st.header("What the study can and cannot tell us")
st.info(codebook.STUDY_LIMITS)
st.header("Data loaded")
last = summary.last_import(store)
if last is None:
    st.write("No data has been imported yet.")
else:
    st.text(f"Last import: {last['imported_at']:%Y-%m-%d %H:%M} by {last['imported_by']}.")
widgets.dataframe(summary.data_summary(store), "home_counts")
