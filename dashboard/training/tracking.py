"""Training: each trainee's growth on the six themes, development plans, and where the
curriculum falls short (the Trainees and Curriculum pages and their report commands).

Data functions take `(store, scope, ...)` and read only cohorts of the training director's own
programs (through cohorts.program_id); the rules themselves (growth, need, coverage, gap) are
pure functions on frames in training/growth_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core.access import AccessDenied, Scope, readable_programs
from dashboard.scorecards import blind_rule
from dashboard.store import db
from dashboard.training.growth_rules import (
    gap_ranking,
    heatmap_frame,
    latest_and_growth,
    means_by_assessment,
    module_growth_association,
    need_by_theme,
    plan_modules,
    purpose_rank,
    weakest_themes,
)

ROLE = "training_director"


def cohorts(store, scope: Scope) -> pl.DataFrame:
    """The cohorts of the reader's programs, newest first, with trainee counts by status."""
    return store.query("cohorts_for_programs", program_ids=readable_programs(store, scope, ROLE))


def _cohort_ids(store, scope: Scope, program_id: str, cohort_id: str | None = None) -> list[str]:
    """The cohorts to read: one cohort, or every cohort of a program; refused outside scope."""
    readable_programs(store, scope, ROLE, program_id)  # AccessDenied outside the reader's programs
    listed = cohorts(store, scope).filter(pl.col("program_id") == program_id)
    if cohort_id is None:
        return listed["cohort_id"].to_list()
    if cohort_id not in listed["cohort_id"].to_list():
        raise AccessDenied(f"cohort {cohort_id} is not a cohort of your program {program_id}")
    return [cohort_id]


def cohort_program(store, scope: Scope, cohort_id: str) -> str:
    """The program a cohort belongs to, if the reader may see it."""
    found = cohorts(store, scope).filter(pl.col("cohort_id") == cohort_id)
    if found.is_empty():
        raise AccessDenied(f"cohort {cohort_id} is not a cohort of your programs")
    return found["program_id"][0]


def trainees(store, scope: Scope, cohort_id: str) -> pl.DataFrame:
    """The trainees of one cohort with status and modules completed."""
    ids = _cohort_ids(store, scope, cohort_program(store, scope, cohort_id), cohort_id)
    return store.query(
        "trainees_for_cohorts", cohort_ids=ids, program_ids=readable_programs(store, scope, ROLE)
    )


def cohort_scores(store, scope: Scope, cohort_ids: list[str]) -> pl.DataFrame:
    """Every trainee assessment score of these (already checked) cohorts, but none of a person
    whose scorecard the reader still owes (the blind rule: the growth, plans, cohort means and
    curriculum need built on these scores leave them out)."""
    scores = store.query(
        "trainee_scores_for_cohorts",
        cohort_ids=cohort_ids,
        program_ids=readable_programs(store, scope, ROLE),
    )
    return blind_rule.drop_hidden(scores, blind_rule.hidden_person_ids(store, scope))


@db.memoize  # polars work on every re-run otherwise; keyed on data version and arguments
def cohort_heatmap(store, scope: Scope, cohort_id: str) -> pl.DataFrame:
    """The heatmap cells of one cohort: every trainee x theme, latest score and growth."""
    people = trainees(store, scope, cohort_id)
    cells = heatmap_frame(people, latest_and_growth(cohort_scores(store, scope, [cohort_id])))
    hidden = pl.col("person_id").is_in(blind_rule.hidden_person_ids(store, scope))
    return cells.with_columns(
        pl.when(hidden).then(pl.lit(blind_rule.HIDDEN_NOTE)).otherwise("label").alias("label")
    )


@db.memoize
def cohort_trajectory(store, scope: Scope, cohort_id: str) -> pl.DataFrame:
    """Mean score per theme per assessment point for one cohort, with n."""
    cohort_program(store, scope, cohort_id)
    return means_by_assessment(cohort_scores(store, scope, [cohort_id]))


def _enrollment(store, scope: Scope, person_id: str) -> dict:
    """The person's newest enrollment in the reader's programs; AccessDenied if none."""
    rows = store.query(
        "enrollments_for_person",
        person_id=person_id,
        program_ids=readable_programs(store, scope, ROLE),
    )
    if rows.is_empty():
        raise AccessDenied(f"{person_id} is not a trainee of your programs")
    return rows.row(0, named=True)


@db.memoize
def trainee_trajectory(store, scope: Scope, person_id: str) -> pl.DataFrame:
    """One trainee's dated scores per theme across intake, midpoint, exit and annual reviews."""
    enrollment = _enrollment(store, scope, person_id)
    scores = cohort_scores(store, scope, [enrollment["cohort_id"]])
    return scores.filter(pl.col("person_id") == person_id).with_columns(purpose_rank().alias("purpose_order"))


def coverage_by_module(store, scope: Scope) -> pl.DataFrame:
    """Module x theme coverage (hours x emphasis) of the shared curriculum."""
    scope.require(ROLE)
    return store.query("curriculum_coverage_by_module")


def coverage_by_theme(store, scope: Scope) -> pl.DataFrame:
    """Total coverage per theme, 0 where no module targets it."""
    scope.require(ROLE)
    return store.query("curriculum_coverage_by_theme")


@dataclass(frozen=True)
class Plan:
    """A trainee's development plan: who, weakest themes, modules to take, evidence excerpts."""

    trainee: dict
    weakest: pl.DataFrame
    modules: pl.DataFrame
    excerpts: pl.DataFrame


@db.memoize
def development_plan(store, scope: Scope, person_id: str) -> Plan:
    """The weakest themes, not-yet-completed modules that target them, and the latest excerpts."""
    enrollment = _enrollment(store, scope, person_id)
    ids = [enrollment["cohort_id"]]
    scores = cohort_scores(store, scope, ids).filter(pl.col("person_id") == person_id)
    weak = weakest_themes(latest_and_growth(scores))
    done = store.query(
        "module_completions_for_cohorts", cohort_ids=ids, program_ids=readable_programs(store, scope, ROLE)
    )
    done = done.filter(pl.col("person_id") == person_id)["module_id"].to_list()
    modules = plan_modules(weak, coverage_by_module(store, scope), done)
    return Plan(enrollment, weak, modules, _latest_excerpts(store, scope, scores, weak))


def _latest_excerpts(store, scope: Scope, scores: pl.DataFrame, weak: pl.DataFrame) -> pl.DataFrame:
    """Excerpts of the latest assessment for the weak themes."""
    if scores.is_empty():
        return pl.DataFrame(
            schema={
                "theme": pl.String,
                "stance": pl.String,
                "subtheme": pl.String,
                "text": pl.String,
            }
        )
    latest = scores.with_columns(purpose_rank().alias("_o")).sort("interview_date", "_o")["interview_id"][-1]
    rows = store.query(
        "trainee_excerpts_for_interview",
        interview_id=latest,
        program_ids=readable_programs(store, scope, ROLE),
    )
    rows = rows.filter(pl.col("theme").is_in(weak["theme"].to_list()))
    return rows.select("theme", "stance", "subtheme", "text", "interview_date", "purpose")


def plan_frame(plan: Plan) -> pl.DataFrame:
    """The plan as one table (for download and the report): weak themes, modules, excerpts."""
    who = {"person_id": plan.trainee["person_id"], "full_name": plan.trainee["full_name"]}
    themes = plan.weakest.select(
        pl.lit("weak theme").alias("section"),
        "theme",
        "latest_score",
        "growth",
        pl.col("latest_purpose").alias("detail"),
    )
    modules = plan.modules.select(
        pl.lit("module to take").alias("section"),
        "theme",
        "module_id",
        "module_name",
        "emphasis",
        "hours",
        "coverage",
    )
    excerpts = plan.excerpts.select(
        pl.lit("excerpt").alias("section"), "theme", pl.col("stance").alias("detail"), "text"
    )
    frame = pl.concat([themes, modules, excerpts], how="diagonal_relaxed")
    return frame.select(*(pl.lit(v).alias(k) for k, v in who.items()), pl.all())


def curriculum_need(store, scope: Scope, program_id: str, cohort_id: str | None = None) -> pl.DataFrame:
    """Cohort need per theme (level, growth, n) over a program's cohorts, or one cohort."""
    ids = _cohort_ids(store, scope, program_id, cohort_id)
    people = store.query(
        "trainees_for_cohorts", cohort_ids=ids, program_ids=readable_programs(store, scope, ROLE)
    )
    staying = people.filter(pl.col("status") != "withdrawn")["person_id"].to_list()
    growth = latest_and_growth(cohort_scores(store, scope, ids))
    return need_by_theme(growth.filter(pl.col("person_id").is_in(staying)))


@db.memoize
def curriculum_gaps(store, scope: Scope, program_id: str, cohort_id: str | None = None) -> pl.DataFrame:
    """The ranked gap list: themes where need is high and coverage low (see GAP_RULE)."""
    need = curriculum_need(store, scope, program_id, cohort_id)
    return gap_ranking(need, coverage_by_theme(store, scope))


@db.memoize
def module_growth(store, scope: Scope, program_id: str, cohort_id: str | None = None) -> pl.DataFrame:
    """Mean growth in each module's themes, completers vs. the rest, with n (not causal)."""
    ids = _cohort_ids(store, scope, program_id, cohort_id)
    growth = latest_and_growth(cohort_scores(store, scope, ids))
    done = store.query(
        "module_completions_for_cohorts", cohort_ids=ids, program_ids=readable_programs(store, scope, ROLE)
    )
    return module_growth_association(growth, done, coverage_by_module(store, scope))
