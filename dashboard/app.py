"""Vocation's entry point: sign the user in, offer the pages their roles allow, run the chosen one."""

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from dashboard import auth, navigation  # noqa: E402

st.set_page_config(page_title="Vocation", page_icon=":material/psychology:", layout="wide")
scope = auth.sign_in()
pages = [
    st.Page(spec.path, title=spec.title, url_path=spec.key, icon=spec.icon, default=spec.key == "home")
    for spec in navigation.pages_for(scope)
]
st.navigation(pages).run()
