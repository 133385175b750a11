"""My growth (trainee): my reviews, my trajectory on the six themes, my development plan, the
modules done and to do, and my self-assessments beside the panel's scores."""

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.store import db
from dashboard.training import growth_rules, self_view
from dashboard.ui import growth_ui, widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("My growth")
growth_ui.not_a_trainee(scope)
widgets.caveat()
st.info(self_view.RELEASE_RULE, icon=":material/visibility_off:")

reviews = self_view.my_reviews(store, scope)
st.header("My reviews")
st.caption(widgets.n_label(reviews.height))
shown = reviews.select(
    "interview_date",
    "purpose",
    pl.col("program_name").alias("program"),
    pl.col("panel").alias("panel's scorecards"),
    pl.col("self_status").alias("my self-assessment"),
    pl.when("released").then(pl.lit("shown")).otherwise(pl.lit("not yet")).alias("panel's scores"),
)
widgets.dataframe(shown, "my_growth_reviews", empty="No review has been scheduled for you yet.")
st.page_link("views/self_assessment.py", label="Rate myself for a review", icon=":material/self_improvement:")

st.header("My trajectory")
st.caption(growth_rules.GROWTH_RULE + " Only reviews whose panel scores are shown to you count.")
points = self_view.my_trajectory(store, scope)
if points.is_empty():
    st.info("Nothing to show yet: submit your self-assessment of a review whose panel has all submitted.")
else:
    trajectory = points.select("interview_date", "purpose", "theme", "score")
    widgets.chart(charts.trainee_trajectory_line_chart(trajectory), trajectory, "my_growth_trajectory")

st.header("My development plan")
plan = self_view.my_plan(store, scope)
st.write("My weakest themes (lowest latest score, then lowest growth):")
widgets.dataframe(plan.weakest, "my_growth_weakest", empty="No scores shown to you yet.")
st.write("Modules that target them, not yet completed (heaviest emphasis first):")
widgets.dataframe(plan.modules, "my_growth_plan_modules", empty="None to suggest yet.")

st.header("Modules done and to do")
done = plan.progress.filter(pl.col("completed_on").is_not_null())
todo = plan.progress.filter(pl.col("completed_on").is_null()).drop("completed_on")
left, right = st.columns(2)
with left:
    st.subheader(f"Done ({done.height})")
    widgets.dataframe(done, "my_growth_done", empty="No module completed yet.")
with right:
    st.subheader(f"To do ({todo.height})")
    widgets.dataframe(todo, "my_growth_todo", empty="Every module is completed.")

st.header("Myself beside the panel")
growth_ui.self_panel(self_view.my_self_vs_panel(store, scope), "my_growth_self_panel")
