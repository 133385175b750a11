"""What trainees and training directors read of growth and self-assessments.

A trainee (scope.person_ids, see core/access.py) reads only their own reviews, in the programs
they are enrolled in; every function here filters on their person id in the query itself. The
blind rule for the trainee: a review's panel scores reach them only once the panel has all
submitted AND they have submitted their own self-assessment of it ("released"); their
trajectory, development plan and self-vs-panel table are built on released reviews alone.

A training director reads self vs panel for the trainees of their programs (the blind rule of
scorecards/blind_rule.py holds: nothing about a person whose card they still owe).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core.access import Scope, readable_programs
from dashboard.scorecards import blind_rule
from dashboard.store import db
from dashboard.training import tracking
from dashboard.training.growth_rules import latest_and_growth, plan_modules, purpose_rank, weakest_themes
from dashboard.training.self_rules import REPORT_COLUMNS, intake_to_exit, mean_gaps, self_vs_panel

RELEASE_RULE = (
    "You see the panel's scores for a review once every rater on its panel has submitted and you "
    "have submitted your own self-assessment of it, so that neither anchors the other."
)


# --- the trainee's own ------------------------------------------------------------------------


def _mine(store, scope: Scope) -> tuple[list[str], pl.DataFrame]:
    """The trainee's person ids and enrollments (empty when the sign-in is no trainee's)."""
    people = list(scope.own_people())
    return people, store.query("trainee_enrollments_for_people", person_ids=people)


@db.memoize
def my_reviews(store, scope: Scope) -> pl.DataFrame:
    """The trainee's reviews in their programs, each with `self_status` and `released`."""
    people, enrolled = _mine(store, scope)
    programs = enrolled["program_id"].unique().to_list()
    rows = store.query("reviews_for_people", person_ids=people, program_ids=programs)
    version = pl.col("self_version")
    status = (
        pl.when(version.is_null())
        .then(pl.lit("not started"))
        .when(version == 0)
        .then(pl.lit("draft"))
        .when(version == 1)
        .then(pl.lit("submitted"))
        .otherwise(pl.lit("amended"))
    )
    return rows.with_columns(
        status.alias("self_status"),
        (pl.col("panel_complete") & (version.fill_null(0) >= 1)).alias("released"),
        pl.when(pl.col("panel_complete"))
        .then(pl.lit("all submitted"))
        .otherwise(pl.lit("not all submitted"))
        .alias("panel"),
    )


def _released_ids(store, scope: Scope) -> list[str]:
    return my_reviews(store, scope).filter(pl.col("released"))["interview_id"].to_list()


@db.memoize
def my_trajectory(store, scope: Scope) -> pl.DataFrame:
    """The panel's score per theme at each released review (date, purpose, theme, score)."""
    people, enrolled = _mine(store, scope)
    scores = store.query(
        "trainee_scores_for_cohorts",
        cohort_ids=enrolled["cohort_id"].to_list(),
        program_ids=enrolled["program_id"].unique().to_list(),
    )
    released = _released_ids(store, scope)
    mine = scores.filter(pl.col("person_id").is_in(people) & pl.col("interview_id").is_in(released))
    return mine.with_columns(purpose_rank().alias("purpose_order")).sort("interview_date", "purpose_order")


@dataclass(frozen=True)
class MyPlan:
    """The trainee's weakest themes, modules that target them, and every module done or to do."""

    weakest: pl.DataFrame
    modules: pl.DataFrame
    progress: pl.DataFrame


@db.memoize
def my_plan(store, scope: Scope) -> MyPlan:
    """The development plan as the training director sees it, on the released reviews."""
    people, _ = _mine(store, scope)
    weak = weakest_themes(latest_and_growth(my_trajectory(store, scope)))
    progress = (
        store.query("module_progress_for_person", person_id=people[0])
        if people
        else pl.DataFrame(schema={"module_id": pl.String, "completed_on": pl.Date})
    )
    done = progress.filter(pl.col("completed_on").is_not_null())["module_id"].to_list() if people else []
    modules = plan_modules(weak, store.query("curriculum_coverage_by_module"), done)
    return MyPlan(weak, modules, progress)


def _panel(store, interview_ids: list[str]) -> pl.DataFrame:
    return store.query("panel_scores_for_interviews", interview_ids=interview_ids)


@db.memoize
def my_self_vs_panel(store, scope: Scope) -> pl.DataFrame:
    """Each of the trainee's submitted self-assessments beside the panel's scores; the panel's
    columns are blank until the review is released (see RELEASE_RULE)."""
    people, enrolled = _mine(store, scope)
    programs = enrolled["program_id"].unique().to_list()
    selfs = store.query("self_scores_in_force_for_people", person_ids=people, program_ids=programs)
    released = _released_ids(store, scope)
    panel = _panel(store, [i for i in selfs["interview_id"].unique().to_list() if i in released])
    return self_vs_panel(selfs, panel).drop("example")


# --- the training director ---------------------------------------------------------------------


def _director_gaps(store, scope: Scope, person_ids: list[str]) -> pl.DataFrame:
    """Self vs panel for these trainees of the reader's programs; panel blank until it has all
    submitted; nothing about a person whose card the reader still owes."""
    programs = readable_programs(store, scope, tracking.ROLE)
    people = blind_rule.drop_hidden(pl.DataFrame({"person_id": person_ids}, schema={"person_id": pl.String}),
                                    blind_rule.hidden_person_ids(store, scope))["person_id"].to_list()  # fmt: skip
    selfs = store.query("self_scores_in_force_for_people", person_ids=people, program_ids=programs)
    reviews = store.query("reviews_for_people", person_ids=people, program_ids=programs)
    complete = reviews.filter(pl.col("panel_complete"))["interview_id"].to_list()
    panel = _panel(store, [i for i in selfs["interview_id"].unique().to_list() if i in complete])
    return self_vs_panel(selfs, panel)


@db.memoize
def trainee_self_vs_panel(store, scope: Scope, person_id: str) -> pl.DataFrame:
    """One trainee's self-assessments beside the panel's scores, with the gap, per review."""
    tracking.trainee_trajectory(store, scope, person_id)  # AccessDenied outside the reader's programs
    return _director_gaps(store, scope, [person_id])


@db.memoize
def cohort_gaps(store, scope: Scope, program_id: str, cohort_id: str | None = None) -> pl.DataFrame:
    """Every self-vs-panel row of a program's cohorts (or one cohort)."""
    ids = tracking._cohort_ids(store, scope, program_id, cohort_id)
    people = store.query(
        "trainees_for_cohorts", cohort_ids=ids, program_ids=readable_programs(store, scope, tracking.ROLE)
    )
    return _director_gaps(store, scope, people["person_id"].unique().to_list())


@dataclass(frozen=True)
class CohortGaps:
    """Mean gap per review purpose and theme (with n), and per theme intake vs exit."""

    by_purpose: pl.DataFrame
    intake_exit: pl.DataFrame


def cohort_gap_summary(store, scope: Scope, program_id: str, cohort_id: str | None = None) -> CohortGaps:
    """Across a cohort: do trainees over- or under-rate themselves, and does it change?"""
    means = mean_gaps(cohort_gaps(store, scope, program_id, cohort_id))
    return CohortGaps(means, intake_to_exit(means))


def report_frame(store, scope: Scope, program_id: str, cohort_id: str | None = None) -> pl.DataFrame:
    """The self-assessment report: person_id, interview_id, purpose, theme, self_score,
    panel_score, gap (blank where either score is missing)."""
    return cohort_gaps(store, scope, program_id, cohort_id).select(REPORT_COLUMNS)
