"""Vocation's entry point: sign the user in, offer the pages their roles allow, run the chosen one."""

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Loaded whole before any page runs: Altair looks numpy and pandas up in sys.modules, and a page
# drawing a chart in one session while another session's thread is still importing pandas saw a
# half-initialised module ("partially initialized module 'pandas' has no attribute 'Timestamp'").
import numpy  # noqa: E402, F401
import pandas  # noqa: E402, F401
import streamlit as st  # noqa: E402

from dashboard import cli
from dashboard.core import timing
from dashboard.ui import navigation, signin

shown: list = []  # the page this run shows, for VOCATION_TIMING (core/timing.py)
with timing.page_view(lambda: shown[0].url_path or "home" if shown else "(sign-in)"):
    st.set_page_config(page_title="Vocation", page_icon=":material/psychology:", layout="wide")
    cli.serve_in_app()  # while this process holds the database, commands run in it (ops/command_server.py)
    scope = signin.sign_in()
    pages = [
        st.Page(spec.path, title=spec.title, url_path=spec.key, icon=spec.icon, default=spec.key == "home")
        for spec in navigation.pages_for(scope)
    ]
    shown.append(st.navigation(pages))
    shown[0].run()
