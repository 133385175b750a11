"""Training: each trainee's growth on the six themes, development plans, and where the
curriculum falls short (the Trainees and Curriculum pages and their report commands).

The rules, one sentence each (the pages and the README state them the same way):
- growth: a trainee's latest score on a theme minus their intake score on it, only when both
  exist and the latest assessment is a later one than the intake;
- need: how far the cohort's mean latest score falls short of the top of the scale (4), less
  the cohort's mean growth (counted as 0 while nobody has a later assessment), over trainees
  who have not withdrawn;
- coverage: the sum of hours x emphasis (1-3) of the modules that target a theme;
- gap: a theme's rank by need (1 = most) plus its rank by coverage (1 = least); the lowest sum
  is the biggest gap, ties broken by the higher need.

Data functions take `(store, scope, ...)` and read only cohorts of the training director's own
programs (through cohorts.program_id); pure functions below them work on polars frames.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import polars as pl

from dashboard import blinding, codebook, db
from dashboard.auth import AccessDenied, Scope, allowed_programs
from dashboard.cli import report

ROLE = "training_director"
PURPOSES = ("intake", "midpoint", "exit", "annual")
TOP_SCORE = 4
WEAKEST_COUNT = 2

GROWTH_RULE = (
    "Growth is a trainee's latest score on a theme minus their intake score on it, "
    "shown only when both exist."
)
NEED_RULE = (
    "Need is how far the cohort's mean latest score falls short of 4, less its mean growth "
    "since intake (trainees who withdrew are left out)."
)
COVERAGE_RULE = "Coverage is the sum of hours × emphasis (1–3) of the modules that target a theme."
GAP_RULE = (
    "Gap rank: a theme's rank by need (1 = most) plus its rank by coverage (1 = least); "
    "the lowest sum is the biggest gap, ties broken by the higher need."
)
ASSOCIATION_CAUTION = (
    "This is an association, not an effect: trainees choose or are assigned modules for many "
    "reasons, so a difference here does not show that a module caused growth."
)


# --- pure rules on frames ------------------------------------------------------------------


def _purpose_rank() -> pl.Expr:
    """Assessment order within a day: intake, midpoint, exit, annual."""
    return pl.col("purpose").replace_strict(list(PURPOSES), list(range(len(PURPOSES))), default=9)


def latest_and_growth(scores: pl.DataFrame) -> pl.DataFrame:
    """Per person and theme: intake score, latest score (and when), and growth = latest - intake."""
    rated = scores.filter(pl.col("score").is_not_null()).with_columns(_purpose_rank().alias("_order"))
    ordered = rated.sort("person_id", "theme", "interview_date", "_order")
    intake = (
        ordered.filter(pl.col("purpose") == "intake")
        .group_by("person_id", "theme", maintain_order=True)
        .first()
        .select("person_id", "theme", intake_score="score", intake_id="interview_id")
    )
    latest = ordered.group_by("person_id", "theme", maintain_order=True).agg(
        pl.col("score").last().alias("latest_score"),
        pl.col("purpose").last().alias("latest_purpose"),
        pl.col("interview_date").last().alias("latest_date"),
        pl.col("interview_id").last().alias("latest_id"),
        pl.len().alias("n_assessments"),
    )
    joined = latest.join(intake, on=["person_id", "theme"], how="left")
    later = pl.col("intake_id").is_not_null() & (pl.col("latest_id") != pl.col("intake_id"))
    growth = pl.when(later).then(pl.col("latest_score") - pl.col("intake_score"))
    return joined.with_columns(growth.alias("growth")).select(
        "person_id",
        "theme",
        "intake_score",
        "latest_score",
        "growth",
        "latest_purpose",
        "latest_date",
        "n_assessments",
    )


def need_by_theme(growth: pl.DataFrame, themes=codebook.THEME_ORDER) -> pl.DataFrame:
    """Per theme: mean latest level and mean growth with their n, and need (see NEED_RULE)."""
    stats = growth.group_by("theme").agg(
        pl.col("latest_score").count().alias("n_level"),
        pl.col("latest_score").mean().alias("mean_level"),
        pl.col("growth").count().alias("n_growth"),
        pl.col("growth").mean().alias("mean_growth"),
    )
    frame = pl.DataFrame({"theme": list(themes)}).join(stats, on="theme", how="left")
    need = TOP_SCORE - pl.col("mean_level") - pl.col("mean_growth").fill_null(0.0)
    # rounded before ranking so that float noise cannot break a tie between equal needs
    return frame.with_columns(
        pl.col("n_level").fill_null(0),
        pl.col("n_growth").fill_null(0),
        pl.col("mean_level").round(3),
        pl.col("mean_growth").round(3),
        need.round(3).alias("need"),
    )


def gap_ranking(need: pl.DataFrame, coverage: pl.DataFrame) -> pl.DataFrame:
    """Themes ranked by gap (see GAP_RULE); themes nobody was assessed on come last, unranked."""
    frame = need.join(coverage.select("theme", "n_modules", "coverage"), on="theme", how="left")
    frame = frame.with_columns(pl.col("coverage").fill_null(0.0), pl.col("n_modules").fill_null(0))
    ranked = frame.filter(pl.col("need").is_not_null()).with_columns(
        pl.col("need").rank("min", descending=True).cast(pl.Int64).alias("need_rank"),
        pl.col("coverage").rank("min").cast(pl.Int64).alias("coverage_rank"),
    )
    ranked = ranked.with_columns((pl.col("need_rank") + pl.col("coverage_rank")).alias("gap_score"))
    ranked = ranked.sort(["gap_score", "need"], descending=[False, True]).with_row_index("gap_rank", offset=1)
    unranked = frame.filter(pl.col("need").is_null())
    columns = [
        "gap_rank",
        "theme",
        "need",
        "need_rank",
        "coverage",
        "coverage_rank",
        "gap_score",
        "n_modules",
        "n_level",
        "mean_level",
        "n_growth",
        "mean_growth",
    ]
    ranked = ranked.with_columns(pl.col("gap_rank").cast(pl.Int64)).select(columns)
    return pl.concat([ranked, unranked], how="diagonal_relaxed").select(columns)


def heatmap_frame(trainees: pl.DataFrame, growth: pl.DataFrame, themes=codebook.THEME_ORDER) -> pl.DataFrame:
    """Every trainee x theme cell: latest score, growth and a label; unassessed cells say so."""
    people = trainees.select("person_id", "full_name", "status").unique("person_id", maintain_order=True)
    cells = people.join(pl.DataFrame({"theme": list(themes)}), how="cross")
    cells = cells.join(growth, on=["person_id", "theme"], how="left")
    return cells.with_columns(
        (pl.col("full_name") + " (" + pl.col("status") + ")").alias("trainee"),
        pl.col("latest_score").is_not_null().alias("assessed"),
        pl.struct("latest_score", "growth").map_elements(_cell_label, return_dtype=pl.String).alias("label"),
    ).select(
        "person_id",
        "trainee",
        "status",
        "theme",
        "assessed",
        "latest_score",
        "intake_score",
        "growth",
        "latest_purpose",
        "latest_date",
        "label",
    )


def _cell_label(cell: dict) -> str:
    """'3 (+1)', '3' without growth, or 'not assessed'."""
    if cell["latest_score"] is None:
        return "not assessed"
    text = f"{cell['latest_score']:g}"
    return text if cell["growth"] is None else f"{text} ({cell['growth']:+g})"


def cohort_trajectory(scores: pl.DataFrame) -> pl.DataFrame:
    """Mean score per theme per assessment point (intake, midpoint, exit, annual), with n."""
    frame = (
        scores.filter(pl.col("score").is_not_null())
        .group_by("theme", "purpose")
        .agg(
            pl.col("person_id").n_unique().alias("n"),
            pl.col("score").mean().alias("mean_score"),
            pl.col("interview_date").min().alias("first_date"),
            pl.col("interview_date").max().alias("last_date"),
        )
    )
    return frame.with_columns(_purpose_rank().alias("purpose_order")).sort("purpose_order", "theme")


def weakest_themes(growth: pl.DataFrame, count: int = WEAKEST_COUNT) -> pl.DataFrame:
    """One trainee's weakest assessed themes: lowest latest score, then lowest growth."""
    order = {t: i for i, t in enumerate(codebook.THEME_ORDER)}
    frame = growth.filter(pl.col("latest_score").is_not_null()).with_columns(
        pl.col("theme").replace_strict(order, default=99).alias("_theme_order")
    )
    frame = frame.sort(["latest_score", "growth", "_theme_order"], nulls_last=True)
    return frame.head(count).select(
        "theme", "latest_score", "intake_score", "growth", "latest_purpose", "latest_date"
    )


def plan_modules(weak: pl.DataFrame, coverage: pl.DataFrame, completed: list[str]) -> pl.DataFrame:
    """Modules targeting the weak themes that the trainee has not completed, heaviest first."""
    frame = coverage.filter(
        pl.col("theme").is_in(weak["theme"].to_list()) & ~pl.col("module_id").is_in(completed)
    )
    return frame.sort(["emphasis", "coverage", "module_id"], descending=[True, True, False]).select(
        "theme", "module_id", "module_name", "emphasis", "hours", "coverage"
    )


def module_growth_association(
    growth: pl.DataFrame, completions: pl.DataFrame, coverage: pl.DataFrame
) -> pl.DataFrame:
    """Per module: mean growth in its themes for trainees who completed it vs. those who did not."""
    rows = []
    grown = growth.filter(pl.col("growth").is_not_null())
    for (module_id, module_name), targets in coverage.group_by(
        "module_id", "module_name", maintain_order=True
    ):
        themes = targets["theme"].to_list()
        per_person = (
            grown.filter(pl.col("theme").is_in(themes))
            .group_by("person_id")
            .agg(pl.col("growth").mean().alias("mean_growth"))
        )
        done = completions.filter(pl.col("module_id") == module_id)["person_id"].to_list()
        took = per_person.filter(pl.col("person_id").is_in(done))["mean_growth"]
        rest = per_person.filter(~pl.col("person_id").is_in(done))["mean_growth"]
        rows.append(
            {
                "module_id": module_id,
                "module_name": module_name,
                "themes": ", ".join(sorted(themes)),
                "n_completed": took.len(),
                "mean_growth_completed": took.mean(),
                "n_not_completed": rest.len(),
                "mean_growth_not_completed": rest.mean(),
            }
        )
    frame = pl.DataFrame(
        rows,
        schema_overrides={
            "mean_growth_completed": pl.Float64,
            "mean_growth_not_completed": pl.Float64,
        },
    )
    if frame.is_empty():
        return frame
    means = ["mean_growth_completed", "mean_growth_not_completed"]
    return frame.with_columns(
        pl.col(means).round(3),
        (pl.col(means[0]) - pl.col(means[1])).round(3).alias("difference"),
        (pl.min_horizontal("n_completed", "n_not_completed") < 10).alias("small_sample"),
    ).sort("module_id")


# --- data functions: scoped reads ----------------------------------------------------------


def program_ids(store, scope: Scope) -> list[str]:
    """The programs whose training data this person may read (AccessDenied without the role)."""
    return allowed_programs(store, scope, ROLE)


def cohorts(store, scope: Scope) -> pl.DataFrame:
    """The cohorts of the reader's programs, newest first, with trainee counts by status."""
    return store.query("cohort_list_by_program", program_ids=program_ids(store, scope))


def _cohort_ids(store, scope: Scope, program_id: str, cohort_id: str | None = None) -> list[str]:
    """The cohorts to read: one cohort, or every cohort of a program; refused outside scope."""
    if program_id not in program_ids(store, scope):
        raise AccessDenied(f"program {program_id} is not one of your programs")
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
    return store.query("trainee_list_by_cohort", cohort_ids=ids, program_ids=program_ids(store, scope))


def cohort_scores(store, scope: Scope, cohort_ids: list[str]) -> pl.DataFrame:
    """Every trainee assessment score of these (already checked) cohorts, but none of a person
    whose scorecard the reader still owes (the blind rule: the growth, plans, cohort means and
    curriculum need built on these scores leave them out)."""
    scores = store.query(
        "trainee_scores_by_assessment", cohort_ids=cohort_ids, program_ids=program_ids(store, scope)
    )
    return blinding.drop_hidden(scores, blinding.hidden_person_ids(store, scope))


@db.memoize  # polars work on every re-run otherwise; keyed on data version and arguments
def cohort_growth(store, scope: Scope, cohort_id: str) -> pl.DataFrame:
    """The heatmap cells of one cohort: every trainee x theme, latest score and growth."""
    people = trainees(store, scope, cohort_id)
    cells = heatmap_frame(people, latest_and_growth(cohort_scores(store, scope, [cohort_id])))
    hidden = pl.col("person_id").is_in(blinding.hidden_person_ids(store, scope))
    return cells.with_columns(
        pl.when(hidden).then(pl.lit(blinding.HIDDEN_NOTE)).otherwise("label").alias("label")
    )


@db.memoize
def cohort_trajectories(store, scope: Scope, cohort_id: str) -> pl.DataFrame:
    """Mean score per theme per assessment point for one cohort, with n."""
    cohort_program(store, scope, cohort_id)
    return cohort_trajectory(cohort_scores(store, scope, [cohort_id]))


def _enrollment(store, scope: Scope, person_id: str) -> dict:
    """The person's newest enrollment in the reader's programs; AccessDenied if none."""
    rows = store.query(
        "trainee_enrollments_by_person", person_id=person_id, program_ids=program_ids(store, scope)
    )
    if rows.is_empty():
        raise AccessDenied(f"{person_id} is not a trainee of your programs")
    return rows.row(0, named=True)


@db.memoize
def trainee_trajectory(store, scope: Scope, person_id: str) -> pl.DataFrame:
    """One trainee's dated scores per theme across intake, midpoint, exit and annual reviews."""
    enrollment = _enrollment(store, scope, person_id)
    scores = cohort_scores(store, scope, [enrollment["cohort_id"]])
    return scores.filter(pl.col("person_id") == person_id).with_columns(
        _purpose_rank().alias("purpose_order")
    )


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
    done = store.query("module_completions_by_trainee", cohort_ids=ids, program_ids=program_ids(store, scope))
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
    latest = scores.with_columns(_purpose_rank().alias("_o")).sort("interview_date", "_o")["interview_id"][-1]
    rows = store.query(
        "trainee_excerpts_by_interview", interview_id=latest, program_ids=program_ids(store, scope)
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
    people = store.query("trainee_list_by_cohort", cohort_ids=ids, program_ids=program_ids(store, scope))
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
    done = store.query("module_completions_by_trainee", cohort_ids=ids, program_ids=program_ids(store, scope))
    return module_growth_association(growth, done, coverage_by_module(store, scope))


# --- report commands -----------------------------------------------------------------------


def _gap_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--program", required=True, metavar="ID", help="program id")
    parser.add_argument("--cohort", metavar="ID", help="one cohort of that program (default: all)")


@report("curriculum-gaps", "themes ranked by curriculum gap (need high, coverage low)", _gap_args)
def curriculum_gaps_report(store, args):
    """The Curriculum page's gap list."""
    try:
        return curriculum_gaps(store, Scope.system(), args.program, args.cohort)
    except AccessDenied as exc:  # an unknown program or cohort: a message, not a traceback
        raise SystemExit(f"curriculum-gaps: {exc}") from None


def _plan_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--person", required=True, metavar="ID", help="the trainee's person id")


@report("trainee-plan", "one trainee's development plan: weak themes, modules, excerpts", _plan_args)
def trainee_plan_report(store, args):
    """The Trainees page's development plan for one person."""
    try:
        return plan_frame(development_plan(store, Scope.system(), args.person))
    except AccessDenied as exc:
        raise SystemExit(f"trainee-plan: {exc}") from None
