"""Overview (leadership): theme prevalence, hiring funnel and cohort growth; small cells hidden;
the board report (PDF) for a quarter."""

import streamlit as st

from dashboard import charts
from dashboard.board import figures as board_figures
from dashboard.board import report as board_report
from dashboard.core import labels
from dashboard.leadership import overview, privacy
from dashboard.store import db
from dashboard.ui import widgets
from dashboard.ui.signin import current_scope

store = db.app_store()
scope = current_scope()
st.title("Overview")
st.caption(privacy.suppression_note())

options = overview.filter_options(store, scope)
catalog, (first, last) = options["programs"], options["years"].row(0)
site_names = dict(catalog.select("site_id", "site_name").unique().iter_rows())
program_names = dict(catalog.select("program_id", "program_name").iter_rows())
left, middle, right = st.columns(3)
sites = left.multiselect("Sites", sorted(site_names), format_func=site_names.get, key="overview_sites")
programs = middle.multiselect(
    "Programs", list(program_names), format_func=program_names.get, key="overview_programs"
)
if first < last:
    years = right.slider("Years", first, last, (first, last), key="overview_years")
else:
    years = (first, last)
    right.text(f"Year: {first}")
chosen = {"programs": programs, "sites": sites, "years": years}

# The board report (tagged PDF): every program you may read, for a quarter; made only when pressed.
board, download = st.columns([1, 2], vertical_alignment="bottom")
quarters = board_figures.recent_quarters()
quarter = board.selectbox("Board report quarter", quarters, format_func=str, key="overview_board_quarter")
with download:
    widgets.document_on_press(
        lambda: board_report.board_pdf(store, scope, quarter),
        "Board report (PDF)",
        "overview_board_download",
        f"board-report-{quarter}.pdf",
        "application/pdf",
        f"board report {quarter}",
    )

# One section at a time: only the open tab runs (a chart costs the browser as much as the rest of
# the page), and the filters above apply to all three.
tab_prevalence, tab_funnel, tab_growth = st.tabs(
    ["Theme prevalence", "Hiring funnel", "Cohort growth"], key="overview_tab", on_change="rerun"
)

if tab_prevalence.open:
    with tab_prevalence:
        st.header("Theme prevalence among interviewed applicants")
        st.write("Share of applicants whose hiring interview scored the theme 3 or more (0-4 scale).")
        by = st.radio(
            "Compare by", overview.DIMENSIONS, format_func=labels.words, horizontal=True, key="overview_by"
        )
        prevalence = overview.theme_prevalence(store, scope, by, **chosen)
        widgets.caveat()
        empty = labels.empty_reason(
            prevalence, "share", "No interviewed applicants for these sites, programs and years."
        )
        chart = charts.theme_prevalence_bar_chart(prevalence)
        widgets.chart(chart, prevalence, "overview_prevalence", empty=empty)
        widgets.download(prevalence, "overview_prevalence", "theme_prevalence.csv")

if tab_funnel.open:
    with tab_funnel:
        st.header("Hiring funnel")
        st.write("Applications reaching each stage, and the share of the previous stage that went on.")
        funnel = overview.hiring_funnel(store, scope, **chosen)
        shown_funnel = funnel.drop("reached_n")
        empty = labels.empty_reason(
            funnel, "reached_n", "No applications for these sites, programs and years."
        )
        widgets.chart(charts.hiring_funnel_bar_chart(funnel), shown_funnel, "overview_funnel", empty=empty)
        widgets.download(shown_funnel, "overview_funnel", "hiring_funnel.csv")

if tab_growth.open:
    with tab_growth:
        st.header("Cohort growth")
        st.write("Mean change per theme from a trainee's intake assessment to their latest one.")
        growth = overview.growth_by_cohort(store, scope, **chosen)
        widgets.caveat()
        no_cohorts = "No trainee cohorts for these sites, programs and years."
        empty = labels.empty_reason(growth, "mean_change", no_cohorts)
        widgets.chart(charts.cohort_growth_point_chart(growth), growth, "overview_growth", empty=empty)
        widgets.download(growth, "overview_growth", "cohort_growth.csv")
