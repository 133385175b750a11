"""Interview kit: per theme, open questions, follow-up probes and an anchored 0-4 rating scale."""

import streamlit as st

from dashboard import codebook
from dashboard.refiqda import qdc
from dashboard.store import db
from dashboard.ui.signin import current_scope

st.title("Interview kit")
title, kit_markdown, kit_html = codebook.interview_kit_documents()
left, right, third = st.columns(3)
left.download_button(
    "Download (Markdown)",
    kit_markdown,
    file_name="vocation-interview-kit.md",
    mime="text/markdown",
    key="interview_kit_download_md",
    icon=":material/download:",
)
right.download_button(
    "Download (printable HTML: open it and print)",
    kit_html,
    file_name="vocation-interview-kit.html",
    mime="text/html",
    key="interview_kit_download_html",
    icon=":material/print:",
)
third.download_button(
    "Codebook for NVivo, ATLAS.ti, MAXQDA, QualCoder (.qdc)",
    qdc.codebook_qdc(db.app_store(), current_scope()),
    file_name=qdc.QDC_FILE_NAME,
    mime="application/xml",
    key="interview_kit_download_qdc",
    icon=":material/label:",
    help=qdc.QDC_HELP,
)
st.caption(codebook.STUDY_CAVEAT)
st.divider()
# The kit is the project's own fixed text (dashboard/codebook), never imported data, so it may be
# rendered as Markdown; its first line is the page title's, so it is shown as text, and its '##'
# theme headings come straight under the page title.
st.write(title)
st.markdown(kit_markdown.removeprefix(f"# {title}\n"))
