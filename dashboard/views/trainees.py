"""Trainees: a cohort's growth on the six themes, one trainee's trajectory and development plan."""

import streamlit as st

from dashboard import charts, db, labels, panel_ui, people_search, training, training_rules, ui
from dashboard.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Trainees")
ui.caveat()
cohorts = training.cohorts(store, scope)
if cohorts.is_empty():
    st.info("No cohorts of your programs have been imported yet.")
    st.stop()


ONE_TRAINEE = "One trainee"


def open_trainee(row: dict) -> None:
    """Turn the pickers below to the trainee picked in the search: program, cohort, trainee."""
    st.session_state["trainees_program"], st.session_state["trainees_cohort"] = (
        row["program_id"],
        row["cohort_id"],
    )
    st.session_state["trainees_person"] = row["person_id"]
    st.session_state["trainees_tab"] = ONE_TRAINEE


with st.expander("Find a trainee by name or id"):
    ui.find_person(
        lambda text: people_search.find_trainees(store, scope, text), "trainee", "trainees_find", open_trainee
    )
program = ui.program_picker(cohorts.unique("program_id", maintain_order=True), "trainees_program")
cohort = ui.cohort_picker(cohorts, program, "trainees_cohort")

people = training.trainees(store, scope, cohort)
# One section at a time: only the open tab runs (each chart or table costs the browser as much as
# a plain page); the program and cohort above apply to all three.
tab_cohort, tab_trajectories, tab_one = st.tabs(
    ["Cohort", "Cohort trajectories", ONE_TRAINEE], key="trainees_tab", on_change="rerun"
)

if tab_cohort.open:
    with tab_cohort:
        st.header("Trainees and status")
        st.caption(ui.n_label(people.height))
        ui.table(people.drop("cohort_id"), "trainees_list", f"trainees_{cohort}.csv")

        st.header("Latest score and change since intake")
        st.caption(training_rules.GROWTH_RULE + " Grey cells were not assessed (not the same as a 0).")
        cells = training.cohort_heatmap(store, scope, cohort)
        unassessed = labels.empty_reason(
            cells,
            "latest_score",
            "This cohort has no trainees.",
            "Nobody in this cohort has been assessed yet.",
        )
        heatmap = charts.trainee_theme_heatmap_chart(cells)
        ui.chart(heatmap, cells.drop("person_id"), "trainees_heatmap", empty=unassessed)

if tab_trajectories.open:
    with tab_trajectories:
        st.header("Cohort trajectories")
        st.caption("Mean score per theme at each assessment; n = trainees assessed (see the chart data).")
        trajectory = training.cohort_trajectory(store, scope, cohort)
        empty = labels.empty_reason(trajectory, "mean_score", "Nobody in this cohort has been assessed yet.")
        lines = charts.cohort_trajectory_line_chart(trajectory)
        ui.chart(lines, trajectory, "trainees_cohort_trajectory", empty=empty)


def one_trainee() -> None:
    """One trainee's trajectory, development plan and interviews scheduled in Vocation."""
    trainee_names = dict(zip(people["person_id"], people["full_name"], strict=True))
    if not trainee_names:
        st.info("This cohort has no trainees.")
        return
    person = st.selectbox(
        "Trainee", list(trainee_names), format_func=trainee_names.get, key="trainees_person"
    )
    points = training.trainee_trajectory(store, scope, person)
    st.header("Trajectory")
    if points.is_empty():
        st.info("No assessments recorded for this trainee yet.")
    else:
        shown = points.select("interview_date", "purpose", "theme", "score", "disagreement", "pending")
        ui.chart(charts.trainee_trajectory_line_chart(shown), shown, "trainees_trajectory")

    st.header("Development plan")
    plan = training.development_plan(store, scope, person)
    st.write("Weakest themes (lowest latest score, then lowest growth):")
    ui.dataframe(plan.weakest, "trainees_plan_weakest")
    st.write("Modules that target them, not yet completed (heaviest emphasis first):")
    if plan.modules.is_empty():
        st.text("None: every module that targets these themes is completed.")
    else:
        ui.dataframe(plan.modules, "trainees_plan_modules")
    st.write("What the latest assessment said on these themes:")
    if plan.excerpts.is_empty():
        st.text("No excerpts on these themes in the latest assessment.")
    for row in plan.excerpts.iter_rows(named=True):
        st.text(f"[{row['theme']}, {row['stance']}] {row['text']}")
    ui.download(
        training.plan_frame(plan),
        "trainees_plan",
        f"development_plan_{person}.csv",
        f"development plan {person}",
        xlsx=True,
    )
    panel_ui.panels_section(store, scope, "training_director", "trainees", person, program)


if tab_one.open:
    with tab_one:
        one_trainee()
panel_ui.overdue_section(store, scope, "training_director", "trainees")
