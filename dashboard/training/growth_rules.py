"""Training's rules on frames (pure: no database, no scope): growth, need, coverage gaps, the
heatmap cells, trajectories and development-plan modules. training/tracking.py reads the data and calls
these; the rules, one sentence each (the pages and docs/training-directors.md state them the same way):

- growth: a trainee's latest score on a theme minus their intake score on it, only when both
  exist and the latest assessment is a later one than the intake;
- need: how far the cohort's mean latest score falls short of the top of the scale (4), less
  the cohort's mean growth (counted as 0 while nobody has a later assessment), over trainees
  who have not withdrawn;
- coverage: the sum of hours x emphasis (1-3) of the modules that target a theme;
- gap: a theme's rank by need (1 = most) plus its rank by coverage (1 = least); the lowest sum
  is the biggest gap, ties broken by the higher need.
"""

from __future__ import annotations

import polars as pl

from dashboard.core import labels
from dashboard.core.contract import PURPOSES, SMALL_SAMPLE, THEMES

ASSESSMENTS = tuple(p for p in PURPOSES if p != "hiring")  # intake, midpoint, exit, annual
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


def purpose_rank() -> pl.Expr:
    """Assessment order within a day: intake, midpoint, exit, annual."""
    return pl.col("purpose").replace_strict(list(ASSESSMENTS), list(range(len(ASSESSMENTS))), default=9)


def latest_and_growth(scores: pl.DataFrame) -> pl.DataFrame:
    """Per person and theme: intake score, latest score (and when), and growth = latest - intake."""
    rated = scores.filter(pl.col("score").is_not_null()).with_columns(purpose_rank().alias("_order"))
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


def need_by_theme(growth: pl.DataFrame, themes=THEMES) -> pl.DataFrame:
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


def heatmap_frame(trainees: pl.DataFrame, growth: pl.DataFrame, themes=THEMES) -> pl.DataFrame:
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
    """'2.3 (+1.3)', '3.0' without growth, or 'not assessed' (labels.score_with_change)."""
    return labels.score_with_change(cell["latest_score"], cell["growth"])


def means_by_assessment(scores: pl.DataFrame) -> pl.DataFrame:
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
    return frame.with_columns(purpose_rank().alias("purpose_order")).sort("purpose_order", "theme")


def weakest_themes(growth: pl.DataFrame, count: int = WEAKEST_COUNT) -> pl.DataFrame:
    """One trainee's weakest assessed themes: lowest latest score, then lowest growth."""
    order = {t: i for i, t in enumerate(THEMES)}
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
        (pl.min_horizontal("n_completed", "n_not_completed") < SMALL_SAMPLE).alias("small_sample"),
    ).sort("module_id")
