"""Screening: a program's applicants ranked on the six themes, filtered, with blind review."""

import streamlit as st

from dashboard.core.contract import THEMES
from dashboard.hiring import screening
from dashboard.store import db
from dashboard.ui import widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Screening")
widgets.caveat()

program_id = widgets.program_picker(
    screening.program_choices(store, scope), "screening_program", "All my programs"
)
options = screening.filter_choices(store, scope, program_id)

with st.expander("Filters", expanded=True):
    left, middle, right = st.columns(3)
    positions = left.multiselect("Position", options["positions"], key="screening_position")
    stages = middle.multiselect("Stage", options["stages"], key="screening_stage")
    dates = right.date_input("Applied between", value=(), key="screening_dates")
    st.caption(
        "Minimum score per theme (0 = no minimum; a minimum excludes applicants not rated on that theme)"
    )
    minimums = {
        theme: column.number_input(theme.capitalize(), 0.0, 4.0, 0.0, 0.5, key=f"screening_min_{theme}")
        for theme, column in zip(THEMES, st.columns(len(THEMES)), strict=True)
    }
    hide_names = st.toggle(
        "Hide names (blind review: a code replaces each name until a decision is recorded)",
        key="screening_hide_names",
    )

filters = screening.ScreeningFilters(
    positions=tuple(positions),
    stages=tuple(stages),
    applied_from=dates[0] if len(dates) > 0 else None,
    applied_to=dates[1] if len(dates) > 1 else None,
    min_scores=minimums,
)
table = screening.screening_table(store, scope, program_id, filters)
pages = widgets.page_count(table.height, screening.PAGE_SIZE)

st.header(f"Applicants ({widgets.n_label(table.height)})")
st.write(screening.SORT_EXPLAINED + " Click a column heading to sort the rows on this page by it.")
st.caption(
    screening.SCORE_RULE + " 'raters differ' names the themes where raters were 2 or more points apart."
)
page = widgets.page_picker(
    f"Page (of {pages}, {screening.PAGE_SIZE} applicants each, in ranked order)", pages, "screening_page"
)
page_table = screening.with_names(store, widgets.page_of(table, page, screening.PAGE_SIZE), hide_names)
widgets.dataframe(
    screening.visible_columns(page_table, hide_names),
    f"screening_ranked_table_{page}",  # a fresh selection on each page
    on_select="rerun",
    selection_mode="multi-row",
    empty="No applicants match these filters: widen the dates, stages or minimum scores.",
)
widgets.download_on_press(
    lambda: screening.download_frame(store, table, hide_names),
    "screening_ranked_download",
    "screening.csv",
    f"screening {program_id or 'all programs'}",
    table.height,
    xlsx=True,
)

selected = st.session_state.get(f"screening_ranked_table_{page}")
rows = list(selected.selection.rows) if selected else []
picked = [page_table["application_id"][i] for i in rows if i < page_table.height]  # rows of this page
st.caption(
    "Select one row to open the applicant, or two to four to compare them. By keyboard: Tab into the "
    "table, arrow keys to a row, Shift+Space selects it; Tab moves along the row and out of the table."
)
open_col, compare_col = st.columns(2)
if open_col.button("Open applicant", disabled=len(picked) != 1, key="screening_open"):
    st.session_state["candidate_application_id"] = picked[0]
    st.session_state.pop("candidate_audited", None)  # a new opening of the record is audited
    st.session_state["candidate_blind"] = hide_names
    st.switch_page("views/candidate.py")
if compare_col.button("Compare selected", disabled=not 2 <= len(picked) <= 4, key="screening_compare"):
    st.session_state["compare_application_ids"] = picked
    st.session_state["candidate_blind"] = hide_names
    st.switch_page("views/compare.py")
