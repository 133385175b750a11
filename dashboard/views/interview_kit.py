"""Interview kit: per theme, open questions, follow-up probes and an anchored 0-4 rating scale."""

import streamlit as st

from dashboard import codebook

st.title("Interview kit")
st.write(
    "Use the same questions, probes and anchors with every applicant so that scores can be "
    "compared. Two raters score each theme independently, then agree a consensus where they differ."
)
st.caption(codebook.STUDY_CAVEAT)
kit_markdown = codebook.interview_kit_markdown()
left, right = st.columns(2)
left.download_button(
    "Download (Markdown)",
    kit_markdown,
    file_name="vocation-interview-kit.md",
    mime="text/markdown",
    key="interview_kit_download_md",
    icon=":material/download:",
)
right.download_button(
    "Download (printable HTML)",
    codebook.interview_kit_html(),
    file_name="vocation-interview-kit.html",
    mime="text/html",
    key="interview_kit_download_html",
    icon=":material/print:",
)
st.divider()
# the kit is the project's own fixed text (dashboard/codebook), not imported data
st.markdown(kit_markdown)
