"""The validation study on Evidence (leadership): do the themes predict who stays and does well
here, and do the scores treat every group alike? Aggregates only, small cells suppressed.

Every function takes (store, scope, programs=None, as_of=None) and returns frames that pass the
aggregate gate (leadership/privacy.py): counts from 1 to the threshold are shown as "<11", an
estimate resting on a group of the threshold or fewer is left blank with a note, and survival
curves are drawn only for groups above the threshold, in monthly steps. The unsuppressed tables
(the compliance officer's `report validation`) are in validation_parts; definitions in
validation_data. `summary_markdown` and `headline` (validation_summary) put it in words.
"""

from __future__ import annotations

import polars as pl

from dashboard.core.access import Scope
from dashboard.leadership import privacy
from dashboard.leadership import validation_data as data
from dashboard.leadership import validation_parts as parts
from dashboard.leadership.privacy import SUPPRESSED_NOTE, THRESHOLD, aggregate, chosen_programs
from dashboard.validation import survival, validity

DETECTABLE = validity.DETECTABLE_R
BENCHMARK_TEXT = (
    "Meta-analytic benchmark: structured interviews r = .42 and unstructured interviews r = .19 "
    "(operational validity; " + validity.SACKETT_2022 + ")"
)
CAUTION = (
    "Observational: the program's own hires, not an experiment. An association here does not show "
    "that the themes cause it, and only hires have outcomes (the correction for selection assumes "
    "hiring followed the scores directly). Groups of {small} or fewer are not shown."
)


def caution(threshold: int = THRESHOLD) -> str:
    """The caution shown with every validation result."""
    return CAUTION.format(small=threshold)


def shown(column: str, threshold: int = THRESHOLD) -> pl.Expr:
    """A count column as text: '<11' when from 1 to the threshold."""
    n = pl.col(column)
    small = n.is_between(1, threshold)
    return pl.when(small).then(pl.lit(f"<{threshold + 1}")).otherwise(n.cast(pl.String)).alias(column)


def _ids(store, scope, programs) -> list[str]:
    return chosen_programs(store, scope, list(programs) if programs else None)


# --- retention over time --------------------------------------------------------------------


@aggregate
def retention_groups(store, scope: Scope, programs=None, as_of=None, threshold: int = THRESHOLD):
    """Per band and for all hires: hires, leavers (suppressed as a band x stayed/left table with its
    totals), median tenure in months, and whether the band's curve is drawn (above the threshold)."""
    hires = data.hires(store, _ids(store, scope, programs), as_of)
    rows, medians = [], []
    for band, part in parts.band_groups(hires):
        fit = survival.kaplan_meier(part["tenure_days"], part["left_job"])
        drawn = fit.n > threshold
        median = fit.median / survival.MONTH_DAYS if drawn and fit.median is not None else None
        note = SUPPRESSED_NOTE.format(threshold + 1) if not drawn else (fit.median_reason or "")
        rows.append((band, fit.n - fit.events, fit.events))
        medians.append((band, median, drawn, note if fit.n else "no hires"))
    counts = pl.DataFrame(
        rows[:-1], schema={"band": pl.String, "stayed": pl.Int64, "left": pl.Int64}, orient="row"
    )
    table = privacy.with_totals(counts, "band", "stayed", "left", parts.ALL, threshold)
    extra = pl.DataFrame(
        medians,
        schema={"band": pl.String, "median_months": pl.Float64, "drawn": pl.Boolean, "note": pl.String},
        orient="row",
    )
    # 'all' also counts hires without a band (a theme unscored): its numbers come from every hire
    everyone = privacy.suppress_pair(
        pl.DataFrame([rows[-1]], schema=counts.schema, orient="row"),
        "band",
        "stayed",
        "left",
        threshold,
        False,
    )
    table = pl.concat([table.filter(pl.col("band") != parts.ALL), everyone], how="diagonal_relaxed")
    return table.select("band", hires="total_shown", leavers="left_shown").join(extra, on="band", how="left")


@aggregate
def retention_curves(store, scope: Scope, programs=None, as_of=None, threshold: int = THRESHOLD):
    """Monthly Kaplan-Meier curves (95% log-log intervals) of the bands above the threshold, and all."""
    hires = data.hires(store, _ids(store, scope, programs), as_of)
    out = []
    for band, part in parts.band_groups(hires):
        if part.height <= threshold:
            continue
        curve = survival.survival_by_month(part["tenure_days"], part["left_job"])
        out.append(curve.select(pl.lit(band).alias("band"), pl.all()))
    schema = {"band": pl.String, **survival.MONTHLY_SCHEMA}
    frame = pl.concat(out) if out else pl.DataFrame(schema=schema)
    return frame.with_columns(pl.col("month", "day").cast(pl.Float64), shown("at_risk", threshold))


@aggregate
def at_risk_table(store, scope: Scope, programs=None, as_of=None, threshold: int = THRESHOLD):
    """Survival and numbers at risk at 6, 12, 24 and 36 months per drawn band ('<11' for 1-10)."""
    hires = data.hires(store, _ids(store, scope, programs), as_of)
    table = parts.survival_part(None, hires)
    sizes = {band: part.height for band, part in parts.band_groups(hires)}
    drawn = [band for band, n in sizes.items() if n > threshold]
    return (
        table.filter(pl.col("band").is_in(drawn))
        .with_columns(months=(pl.col("day") / survival.MONTH_DAYS).round(0))
        .select("band", "months", "day", shown("at_risk", threshold), "survival", "low", "high")
    )


@aggregate
def logrank(store, scope: Scope, programs=None, as_of=None, threshold: int = THRESHOLD):
    """The log-rank test between the bands (one row); blank when a band is at the threshold or less."""
    hires = data.hires(store, _ids(store, scope, programs), as_of)
    sizes = hires.group_by("profile_band").len().filter(pl.col("profile_band").is_not_null())
    drawn = sizes.filter(pl.col("len") > threshold)["profile_band"].to_list()
    left_out = sorted(set(sizes["profile_band"].to_list()) - set(drawn))
    tested = hires.filter(pl.col("profile_band").is_in(drawn))
    test = survival.logrank_by_band(
        tested["tenure_days"], tested["left_job"], tested["profile_band"].to_list()
    )
    note = test.reason or ""
    if left_out:
        note = "; ".join(
            filter(None, [note, f"band {', '.join(left_out)} left out: {threshold} or fewer hires"])
        )
    row = {
        "bands": ", ".join(sorted(drawn)),
        "hires": test.n,
        "chi_square": test.statistic,
        "df": float(test.df) if test.df is not None else None,
        "p": test.p,
        "note": note,
    }
    schema = {
        "bands": pl.String,
        "hires": pl.Int64,
        "chi_square": pl.Float64,
        "df": pl.Float64,
        "p": pl.Float64,
    }
    return pl.DataFrame([row], schema=schema | {"note": pl.String}).with_columns(shown("hires", threshold))


@aggregate
def hazards(store, scope: Scope, programs=None, as_of=None, threshold: int = THRESHOLD):
    """Cox model per theme and composite: hazard ratio per point, 95% CI, p and the PH check."""
    hires = data.hires(store, _ids(store, scope, programs), as_of)
    table = parts.cox_table(hires)
    ph = (
        pl.when(pl.col("ph_violated").is_null())
        .then(pl.lit(""))
        .when(pl.col("ph_violated"))
        .then(pl.lit("violated (p < .05): the ratio changes over time"))
        .otherwise(pl.lit("holds (p >= .05)"))
    )
    return table.select(
        "predictor",
        shown("hires", threshold),
        shown("events", threshold),
        "hazard_ratio",
        "low",
        "high",
        "p",
        "ph_p",
        ph.alias("proportional_hazards"),
        pl.col("reason").fill_null(""),
    )


# --- validity and precision ------------------------------------------------------------------


@aggregate
def validity_table(store, scope: Scope, programs=None, as_of=None, threshold: int = THRESHOLD):
    """Observed r (95% CI, n), u, r corrected for selection, and the interval's half-width."""
    ids = _ids(store, scope, programs)
    table = parts.validity_table(data.outcomes(store, ids, as_of), data.applicants(store, ids))
    small = pl.col("hires") <= threshold
    estimates = ["r", "low", "high", "u", "r_corrected", "r_corrected_low", "r_corrected_high", "half_width"]
    note = (
        pl.when(small)
        .then(pl.lit(SUPPRESSED_NOTE.format(threshold + 1)))
        .otherwise(pl.col("reason").fill_null(""))
    )
    return table.with_columns(
        [pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in estimates],
        note=note,
    ).select(
        "predictor",
        "measure",
        shown("hires", threshold),
        *estimates[:3],
        shown("applicants", threshold),
        *estimates[3:],
        "note",
    )


@aggregate
def precision_table(store, scope: Scope, programs=None, as_of=None, threshold: int = THRESHOLD):
    """Per measure: hires so far, hires needed for 80% power at r = .20/.30/.42, and about when."""
    ids = _ids(store, scope, programs)
    when = data.as_of_date(as_of)
    outcomes = data.outcomes(store, ids, as_of).filter(pl.col(data.COMPOSITE).is_not_null())
    hired = data.all_hires(store, ids, as_of)["hired_on"].to_list()
    rate = validity.hiring_rate(hired, when)
    rows = []
    for measure in sorted(set(outcomes["measure"].to_list()), key=lambda m: (m != data.RETAINED, m)):
        n = outcomes.filter((pl.col("measure") == measure) & pl.col("value").is_not_null()).height
        for r in DETECTABLE:
            needed = validity.hires_needed(r)
            known = validity.when_known(needed, n, rate, when)
            date = known.date.isoformat() if known.date else ""
            rows.append((measure, n, r, needed, validity.power_at(n, r), rate, known.status, date))
    schema = {
        "measure": pl.String,
        "hires": pl.Int64,
        "true_r": pl.Float64,
        "hires_needed": pl.Int64,
        "power_now": pl.Float64,
        "hires_per_year": pl.Float64,
        "status": pl.String,
        "about_when": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        shown("hires", threshold), pl.col("hires_needed").cast(pl.String)
    )


# --- fairness of the scores ----------------------------------------------------------------


@aggregate
def score_gaps(store, scope: Scope, programs=None, threshold: int = THRESHOLD):
    """Cohen's d (95% CI) of each group minus the reference per dimension and predictor, applicants."""
    ids = _ids(store, scope, programs)
    table = parts.score_gaps_part(data.applicants(store, ids), data.groups(store, ids))
    small = (pl.col("n_group") <= threshold) | (pl.col("n_reference") <= threshold)
    note = (
        pl.when(small)
        .then(pl.lit(SUPPRESSED_NOTE.format(threshold + 1)))
        .otherwise(pl.col("reason").fill_null(""))
    )
    return (
        table.with_columns(
            [pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in ("d", "low", "high")], note=note
        )
        .with_columns(shown("n_group", threshold), shown("n_reference", threshold))
        .drop("reason")
    )


@aggregate
def differential(store, scope: Scope, programs=None, as_of=None, threshold: int = THRESHOLD):
    """Cleary's differential prediction per dimension, group and measure, or 'too few to test'."""
    ids = _ids(store, scope, programs)
    table = parts.differential_part(data.outcomes(store, ids, as_of), data.groups(store, ids))
    small = (pl.col("n_group") <= threshold) | (pl.col("n_reference") <= threshold)
    values = [c for c in parts.PART_COLUMNS["differential"] if c.startswith(("slope", "intercept"))]
    note = (
        pl.when(pl.col("reason").is_not_null())
        .then(pl.col("reason"))
        .when(small)
        .then(pl.lit(SUPPRESSED_NOTE.format(threshold + 1)))
        .otherwise(pl.lit(""))
    )
    return (
        table.with_columns(
            [pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in values], note=note
        )
        .with_columns(
            pl.when(small).then(None).otherwise(shown("hires", threshold)).alias("hires"),
            shown("n_group", threshold),
            shown("n_reference", threshold),
        )
        .drop("reason")
    )


def flagged_rater_count(store, scope: Scope, programs=None) -> int:
    """How many raters of the programs have at least one flagged rater-by-group cell (no names)."""
    ids = _ids(store, scope, programs)
    gaps = parts.rater_gaps_part(data.rating_gaps(store, ids), data.groups(store, ids))
    return gaps.filter(pl.col("flagged"))["rater_id"].n_unique()
