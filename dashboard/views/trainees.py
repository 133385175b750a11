"""Trainees: a cohort's growth on the six themes, one trainee's trajectory and development plan,
and self-assessments beside the panel's scores."""

import streamlit as st

from dashboard import charts
from dashboard.core import labels
from dashboard.hiring import people_search
from dashboard.store import db
from dashboard.training import growth_rules, tracking
from dashboard.ui import growth_ui, panel_ui, widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Trainees")
widgets.caveat()
cohorts = tracking.cohorts(store, scope)
if cohorts.is_empty():
    st.info("No cohorts of your programs have been imported yet.")
    st.stop()
ONE_TRAINEE = "One trainee"


def open_trainee(row: dict) -> None:
    """Turn the pickers below to the trainee picked in the search: program, cohort, trainee."""
    for key, column in (("program", "program_id"), ("cohort", "cohort_id"), ("person", "person_id")):
        st.session_state[f"trainees_{key}"] = row[column]
    st.session_state["trainees_tab"] = ONE_TRAINEE


with st.expander("Find a trainee by name or id"):
    widgets.find_person(
        lambda text: people_search.find_trainees(store, scope, text), "trainee", "trainees_find", open_trainee
    )
program = widgets.program_picker(cohorts.unique("program_id", maintain_order=True), "trainees_program")
cohort = widgets.cohort_picker(cohorts, program, "trainees_cohort")

people = tracking.trainees(store, scope, cohort)
# Only the open tab runs (each chart or table costs the browser); the pickers apply to all three.
tab_cohort, tab_trajectories, tab_one, tab_self = st.tabs(
    ["Cohort", "Cohort trajectories", ONE_TRAINEE, "Self vs panel"], key="trainees_tab", on_change="rerun"
)

if tab_cohort.open:
    with tab_cohort:
        st.header("Trainees and status")
        st.caption(widgets.n_label(people.height))
        widgets.table(people.drop("cohort_id"), "trainees_list", f"trainees_{cohort}.csv")

        st.header("Latest score and change since intake")
        st.caption(growth_rules.GROWTH_RULE + " Grey cells were not assessed (not the same as a 0).")
        cells = tracking.cohort_heatmap(store, scope, cohort)
        unassessed = labels.empty_reason(
            cells,
            "latest_score",
            "This cohort has no trainees.",
            "Nobody in this cohort has been assessed yet.",
        )
        heatmap = charts.trainee_theme_heatmap_chart(cells)
        widgets.chart(heatmap, cells.drop("person_id"), "trainees_heatmap", empty=unassessed)

if tab_trajectories.open:
    with tab_trajectories:
        st.header("Cohort trajectories")
        st.caption("Mean score per theme at each assessment; n = trainees assessed (see the chart data).")
        trajectory = tracking.cohort_trajectory(store, scope, cohort)
        empty = labels.empty_reason(trajectory, "mean_score", "Nobody in this cohort has been assessed yet.")
        lines = charts.cohort_trajectory_line_chart(trajectory)
        widgets.chart(lines, trajectory, "trainees_cohort_trajectory", empty=empty)


def one_trainee() -> None:
    """One trainee's trajectory, development plan and interviews scheduled in Vocation."""
    trainee_names = dict(zip(people["person_id"], people["full_name"], strict=True))
    if not trainee_names:
        st.info("This cohort has no trainees.")
        return
    person = st.selectbox(
        "Trainee", list(trainee_names), format_func=trainee_names.get, key="trainees_person"
    )
    points = tracking.trainee_trajectory(store, scope, person)
    st.header("Trajectory")
    if points.is_empty():
        st.info("No assessments recorded for this trainee yet.")
    else:
        shown = points.select("interview_date", "purpose", "theme", "score", "disagreement", "pending")
        widgets.chart(charts.trainee_trajectory_line_chart(shown), shown, "trainees_trajectory")

    st.header("Development plan")
    plan = tracking.development_plan(store, scope, person)
    st.write("Weakest themes (lowest latest score, then lowest growth):")
    widgets.dataframe(plan.weakest, "trainees_plan_weakest")
    st.write("Modules that target them, not yet completed (heaviest emphasis first):")
    if plan.modules.is_empty():
        st.text("None: every module that targets these themes is completed.")
    else:
        widgets.dataframe(plan.modules, "trainees_plan_modules")
    st.write("What the latest assessment said on these themes:")
    if plan.excerpts.is_empty():
        st.text("No excerpts on these themes in the latest assessment.")
    for row in plan.excerpts.iter_rows(named=True):
        st.text(f"[{row['theme']}, {row['stance']}] {row['text']}")
    widgets.download(
        tracking.plan_frame(plan),
        "trainees_plan",
        f"development_plan_{person}.csv",
        f"development plan {person}",
        xlsx=True,
    )
    panel_ui.panels_section(store, scope, "training_director", "trainees", person, program)


if tab_one.open:
    with tab_one:
        one_trainee()
if tab_self.open:
    with tab_self:
        growth_ui.director_section(store, scope, program, cohort, people)
panel_ui.overdue_section(store, scope, "training_director", "trainees")
