"""The validation study's tables, unsuppressed: one function per `report validation --part`.

Each takes the program ids already chosen (the caller checked access) and the as-of date, and
returns an aggregate frame with exactly the columns `PART_COLUMNS` names. The statistics are
`dashboard.validation`'s; this module only feeds them the study's data (validation_data) and
shapes the results. Leadership's page frames (validation.py) suppress small cells on top.
"""

from __future__ import annotations

import polars as pl

from dashboard.core.contract import THEMES
from dashboard.leadership import validation_data as data
from dashboard.leadership.fairness import DIMENSIONS
from dashboard.validation import group_gaps, survival, validity

ALL = "all"
PART_COLUMNS = {
    "survival": ("band", "day", "at_risk", "survival", "low", "high"),
    "hazards": ("predictor", "hires", "events", "hazard_ratio", "low", "high", "p"),
    "validity": (
        "predictor",
        "measure",
        "hires",
        "r",
        "low",
        "high",
        "applicants",
        "u",
        "r_corrected",
        "hires_for_80pct_power_at_r30",
    ),
    "score-gaps": (
        "dimension",
        "group",
        "reference",
        "predictor",
        "n_group",
        "n_reference",
        "d",
        "low",
        "high",
    ),
    "rater-gaps": (
        "rater_id",
        "dimension",
        "group",
        "reference",
        "theme",
        "interviews",
        "difference",
        "low",
        "high",
        "flagged",
    ),
    "differential": (
        "dimension",
        "group",
        "reference",
        "measure",
        "hires",
        "slope_difference",
        "slope_low",
        "slope_high",
        "intercept_difference",
        "intercept_low",
        "intercept_high",
    ),
}
PARTS = tuple(PART_COLUMNS)


def band_groups(hires: pl.DataFrame):
    """(band, hires of that band) for each band in order, then ('all', every hire)."""
    for band in survival.BANDS:
        yield band, hires.filter(pl.col("profile_band") == band)
    yield ALL, hires


def survival_part(program_ids, hires: pl.DataFrame) -> pl.DataFrame:
    """Kaplan-Meier survival at 182, 365, 730 and 1095 days per band and for all hires."""
    parts = []
    for band, part in band_groups(hires):
        at = survival.survival_at_days(part["tenure_days"], part["left_job"])
        parts.append(at.select(pl.lit(band).alias("band"), pl.all()))
    return pl.concat(parts).select(PART_COLUMNS["survival"])


def cox_table(hires: pl.DataFrame) -> pl.DataFrame:
    """One Cox model per theme and for the composite (with the PH check and any reason)."""
    frame = hires.select(*data.PREDICTORS, tenure="tenure_days", left="left_job")
    return survival.cox_each(frame, data.PREDICTORS)


def hazards_part(program_ids, hires: pl.DataFrame) -> pl.DataFrame:
    """Hazard ratio per point of each theme and of the composite (Cox, Efron ties), 95% CI and p."""
    return cox_table(hires).select(PART_COLUMNS["hazards"])


VALIDITY_SCHEMA = {
    "predictor": pl.String,
    "measure": pl.String,
    "hires": pl.Int64,
    "r": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "applicants": pl.Int64,
    "u": pl.Float64,
    "r_corrected": pl.Float64,
    "r_corrected_low": pl.Float64,
    "r_corrected_high": pl.Float64,
    "half_width": pl.Float64,
    "reason": pl.String,
}


def validity_table(outcomes: pl.DataFrame, applicants: pl.DataFrame) -> pl.DataFrame:
    """Per predictor and measure: observed r (95% CI, n), u, r corrected (Case II) and why not."""
    rows = []
    measures = sorted(set(outcomes["measure"].to_list()), key=lambda m: (m != data.RETAINED, m))
    for measure in measures:
        part = outcomes.filter(pl.col("measure") == measure)
        for predictor in data.PREDICTORS:
            pool = applicants[predictor].drop_nulls()
            fit = validity.corrected_validity(part[predictor], part["value"], pool)
            obs = fit.observed
            rows.append(
                (
                    predictor,
                    measure,
                    obs.n,
                    obs.r,
                    obs.low,
                    obs.high,
                    pool.len(),
                    fit.u,
                    fit.r,
                    fit.low,
                    fit.high,
                    obs.half_width,
                    fit.reason,
                )
            )
    return pl.DataFrame(rows, schema=VALIDITY_SCHEMA, orient="row")


def validity_part(program_ids, outcomes: pl.DataFrame, applicants: pl.DataFrame) -> pl.DataFrame:
    """The validity columns of the command line (hires needed at r = .30 for 80% power)."""
    needed = validity.hires_needed(0.30)
    table = validity_table(outcomes, applicants)
    return table.with_columns(hires_for_80pct_power_at_r30=pl.lit(needed, pl.Int64)).select(
        PART_COLUMNS["validity"]
    )


def score_gaps_part(applicants: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Cohen's d of each group minus the largest, per dimension and predictor, over applicants."""
    long = applicants.select("person_id", *data.PREDICTORS).unpivot(
        index="person_id", variable_name="predictor", value_name="value"
    )
    people = long.join(groups.filter(pl.col("dimension").is_in(DIMENSIONS)), on="person_id")
    out = group_gaps.cohens_d_long(people, ("dimension", "predictor"))
    order = {p: i for i, p in enumerate(data.PREDICTORS)} | {d: i for i, d in enumerate(DIMENSIONS)}
    out = out.sort(
        pl.col("dimension").replace_strict(order, default=99),
        pl.col("predictor").replace_strict(order, default=99),
        "group",
    )
    return out.select(
        "dimension",
        "group",
        "reference",
        "predictor",
        n_group="n",
        n_reference="reference_n",
        d="d",
        low="low",
        high="high",
        reason="reason",
    )


def differential_part(outcomes: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Cleary's model per dimension, group and measure: slope and intercept differences, 95% CIs."""
    rows = []
    for dimension in DIMENSIONS:
        people = outcomes.join(
            groups.filter(pl.col("dimension") == dimension).select("person_id", "group"), on="person_id"
        ).filter(pl.col(data.COMPOSITE).is_not_null())
        for measure in sorted(set(people["measure"].to_list()), key=lambda m: (m != data.RETAINED, m)):
            part = people.filter(pl.col("measure") == measure)
            names = part["group"].to_list()
            reference = group_gaps.reference_group(names)
            for group in sorted(set(names) - {reference}):
                fit = group_gaps.cleary(part[data.COMPOSITE], part["value"], names, group, reference)
                rows.append(
                    (
                        dimension,
                        group,
                        reference,
                        measure,
                        fit.n,
                        *_cleary_values(fit),
                        fit.group_n,
                        fit.reference_n,
                        fit.reason,
                    )
                )
    schema = dict.fromkeys(PART_COLUMNS["differential"], pl.Float64) | {
        "dimension": pl.String,
        "group": pl.String,
        "reference": pl.String,
        "measure": pl.String,
        "hires": pl.Int64,
        "n_group": pl.Int64,
        "n_reference": pl.Int64,
        "reason": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _cleary_values(fit) -> tuple:
    return (
        fit.slope_difference,
        fit.slope_low,
        fit.slope_high,
        fit.intercept_difference,
        fit.intercept_low,
        fit.intercept_high,
    )


def rater_gaps_part(ratings: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Per rater, dimension, group and theme: the rater's gap difference vs the reference group."""
    out = group_gaps.rater_group_gaps_long(ratings, groups, on="person_id")
    order = {t: i for i, t in enumerate(THEMES)}
    return out.sort(
        "rater_id", "dimension", "group", pl.col("theme").replace_strict(order, default=len(order))
    ).select(*PART_COLUMNS["rater-gaps"], "reference_interviews")


def part_table(store, program_ids, part: str, as_of) -> pl.DataFrame:
    """One part of `report validation`, with exactly its columns (unsuppressed)."""
    if part not in PART_COLUMNS:
        raise ValueError(f"unknown part {part!r}: choose one of {', '.join(PARTS)}")
    ids = list(program_ids)
    if part in ("survival", "hazards"):
        hires = data.hires(store, ids, as_of)
        table = survival_part(ids, hires) if part == "survival" else hazards_part(ids, hires)
    elif part == "validity":
        table = validity_part(ids, data.outcomes(store, ids, as_of), data.applicants(store, ids))
    elif part == "score-gaps":
        table = score_gaps_part(data.applicants(store, ids), data.groups(store, ids))
    elif part == "differential":
        table = differential_part(data.outcomes(store, ids, as_of), data.groups(store, ids))
    else:
        table = rater_gaps_part(data.rating_gaps(store, ids), data.groups(store, ids))
    return table.select(PART_COLUMNS[part])
