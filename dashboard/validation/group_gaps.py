"""Fairness of the scores: standardized differences between groups (Cohen's d), differential
prediction (Cleary's regression model) and each rater's treatment of groups within panels.

The reference group is the largest one (ties broken alphabetically) unless one is named. Minimums:
d needs two people in each group and a pooled SD above 0; Cleary needs `CLEARY_MIN_PER_GROUP` (5)
per group and `CLEARY_MIN_TOTAL` (20) in all; a rater-by-group cell needs `GAP_MIN_INTERVIEWS` (2)
interviews on each side. A rater cell is flagged when its 95% interval excludes 0 and the
difference is at least `GAP_FLAG` (0.5) points.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

CLEARY_MIN_PER_GROUP = 5
CLEARY_MIN_TOTAL = 20
GAP_MIN_INTERVIEWS = 2
GAP_FLAG = 0.5
Z95 = float(stats.norm.ppf(0.975))
D_SCHEMA = {
    "group": pl.Utf8,
    "reference": pl.Utf8,
    "d": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "n": pl.Int64,
    "reference_n": pl.Int64,
    "reason": pl.Utf8,
}
GAP_SCHEMA = {
    "rater_id": pl.Utf8,
    "theme": pl.Utf8,
    "group": pl.Utf8,
    "reference": pl.Utf8,
    "interviews": pl.Int64,
    "reference_interviews": pl.Int64,
    "difference": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "flagged": pl.Boolean,
}


def _floats(values) -> np.ndarray:
    """Numbers as a float array (None and text become NaN)."""
    return np.array(pl.Series(list(values), dtype=pl.Float64, strict=False).to_numpy(), dtype=float)


def _finite(value: float) -> float | None:
    """The value, or None when it is not a finite number."""
    return float(value) if value is not None and math.isfinite(value) else None


def reference_group(groups) -> str | None:
    """The largest group (ties broken alphabetically); None when there is no group at all."""
    counts: dict[str, int] = {}
    for g in groups:
        if g is not None:
            counts[str(g)] = counts.get(str(g), 0) + 1
    return min(counts, key=lambda g: (-counts[g], g)) if counts else None


@dataclass(frozen=True)
class CohensD:
    """Cohen's d of a group minus the reference (pooled SD) with its 95% large-sample interval."""

    group: str
    reference: str
    d: float | None
    low: float | None
    high: float | None
    n: int
    reference_n: int
    reason: str | None = None


def cohens_d(values, reference_values, group: str = "group", reference: str = "reference") -> CohensD:
    """Cohen's d = (group mean - reference mean) / pooled SD, with its 95% large-sample interval.

    SE = sqrt((n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2))); None when a group has < 2 or the SD is 0.
    """
    a, b = _floats(values), _floats(reference_values)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    n1, n2 = len(a), len(b)
    if n1 < 2 or n2 < 2:
        return CohensD(group, reference, None, None, None, n1, n2, "too few: need two in each group")
    pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return CohensD(group, reference, None, None, None, n1, n2, "no variation within the groups")
    d = (a.mean() - b.mean()) / pooled
    se = math.sqrt((n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2)))
    return CohensD(group, reference, float(d), float(d - Z95 * se), float(d + Z95 * se), n1, n2)


def cohens_d_by_group(values, groups, reference: str | None = None) -> pl.DataFrame:
    """Cohen's d of every group against the reference group (the largest unless named), one row each."""
    x, g = _floats(values), [None if v is None else str(v) for v in groups]
    reference = reference or reference_group(g)
    schema = D_SCHEMA
    if reference is None:
        return pl.DataFrame(schema=schema)
    ref = x[[v == reference for v in g]] if len(g) else np.array([])
    rows = [
        vars(cohens_d(x[[v == name for v in g]], ref, name, reference))
        for name in sorted({v for v in g if v is not None and v != reference})
    ]
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class Cleary:
    """Differential prediction of a group vs the reference: slope and intercept differences with 95% CIs."""

    group: str
    reference: str
    slope_difference: float | None
    slope_low: float | None
    slope_high: float | None
    intercept_difference: float | None
    intercept_low: float | None
    intercept_high: float | None
    n: int
    group_n: int
    reference_n: int
    reason: str | None = None


def cleary(composite, outcome, groups, group: str, reference: str, center: bool = True) -> Cleary:
    """OLS outcome ~ composite + g + composite*g (g = 1 for `group`, 0 for `reference`; others left out).

    With `center` the composite is centred on the mean of the two groups, so the intercept
    difference is the gap in predicted outcome at the average composite; the slope difference is
    the same either way.
    """
    x, y = _floats(composite), _floats(outcome)
    g = np.array([None if v is None else str(v) for v in groups], dtype=object)
    keep = np.isfinite(x) & np.isfinite(y) & np.isin(g, [group, reference])
    x, y, is_g = x[keep], y[keep], (g[keep] == group).astype(float)
    n, n_g = len(x), int(is_g.sum())
    empty = (None,) * 6

    def fail(reason: str) -> Cleary:
        return Cleary(group, reference, *empty, n, n_g, n - n_g, reason)

    if n_g < CLEARY_MIN_PER_GROUP or n - n_g < CLEARY_MIN_PER_GROUP or n < CLEARY_MIN_TOTAL:
        return fail(f"too few to test: need {CLEARY_MIN_PER_GROUP} per group and {CLEARY_MIN_TOTAL} in all")
    if center:
        x = x - x.mean()
    design = np.column_stack([np.ones(n), x, is_g, x * is_g])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return fail("too few to test: the scores do not vary within each group")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from statsmodels.regression.linear_model import OLS  # loaded when a model is fitted

        fit = OLS(y, design).fit()
    ci = np.asarray(fit.conf_int(0.05))
    values = [fit.params[3], ci[3, 0], ci[3, 1], fit.params[2], ci[2, 0], ci[2, 1]]
    values = [_finite(v) for v in values]
    if any(v is None for v in values):
        return fail("too few to test: the model could not be estimated")
    return Cleary(group, reference, *values, n, n_g, n - n_g)


def rating_gaps(ratings: pl.DataFrame) -> pl.DataFrame:
    """Each rating's gap: the rater's score minus the other raters' mean on that interview and theme."""
    scored = (
        ratings.filter(pl.col("score").is_not_null())
        .group_by("interview_id", "rater_id", "theme")
        .agg(pl.col("score").cast(pl.Float64).mean(), pl.col("group").first())
    )
    cell = ["interview_id", "theme"]
    k, total = pl.len().over(cell), pl.col("score").sum().over(cell)
    return (
        scored.with_columns(raters=k, gap=pl.col("score") - (total - pl.col("score")) / (k - 1))
        .filter(pl.col("raters") >= 2)
        .drop("raters")
    )


def _welch(a: np.ndarray, b: np.ndarray) -> tuple[float | None, float | None]:
    """95% Welch interval of mean(a) - mean(b); None when both sides have no spread."""
    if a.var() == 0 and b.var() == 0:
        return None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    return _finite(ci.low), _finite(ci.high)


def rater_group_gaps(ratings: pl.DataFrame, reference: str | None = None) -> pl.DataFrame:
    """Per rater, theme and group: mean gap for the group minus for the reference, Welch 95% CI, flag.

    `ratings` has interview_id, rater_id, theme, score and group (the applicant's group on one
    dimension). Negative differences mean the rater scored the group lower than their colleagues
    did, relative to how they scored the reference group. Cells with fewer than two interviews on
    either side are left out.
    """
    if ratings.height == 0:
        return pl.DataFrame(schema=GAP_SCHEMA)
    ratings = ratings.with_columns(pl.col("rater_id", "theme", "group", "interview_id").cast(pl.Utf8))
    if reference is None:
        people = ratings.filter(pl.col("group").is_not_null()).unique(["interview_id", "group"])
        reference = reference_group(people["group"].to_list())
    gaps = rating_gaps(ratings).filter(pl.col("group").is_not_null())
    if reference is None or gaps.height == 0:
        return pl.DataFrame(schema=GAP_SCHEMA)
    rows = []
    for (rater, theme), cell in gaps.sort("rater_id", "theme").group_by(
        "rater_id", "theme", maintain_order=True
    ):
        ref = cell.filter(pl.col("group") == reference)["gap"].to_numpy()
        for name in sorted(set(cell["group"].to_list()) - {reference}):
            other = cell.filter(pl.col("group") == name)["gap"].to_numpy()
            if len(other) < GAP_MIN_INTERVIEWS or len(ref) < GAP_MIN_INTERVIEWS:
                continue
            difference = float(other.mean() - ref.mean())
            low, high = _welch(other, ref)
            excludes = low is not None and high is not None and (low > 0 or high < 0)
            flagged = excludes and abs(difference) >= GAP_FLAG
            rows.append((rater, theme, name, reference, len(other), len(ref), difference, low, high, flagged))
    return pl.DataFrame(rows, schema=GAP_SCHEMA, orient="row")


def flagged_gaps(gaps: pl.DataFrame, themes: Sequence[str] | None = None) -> pl.DataFrame:
    """Only the flagged rater-by-group cells (optionally for some themes), largest gap first."""
    out = gaps.filter(pl.col("flagged"))
    if themes is not None:
        out = out.filter(pl.col("theme").is_in(list(themes)))
    return out.sort(pl.col("difference").abs(), descending=True)


def rater_group_gaps_long(
    ratings: pl.DataFrame, groups: pl.DataFrame, on: str = "interview_id"
) -> pl.DataFrame:
    """`rater_group_gaps` for many group dimensions at once, vectorised (same results, no loop).

    `ratings`: interview_id, rater_id, theme and score, or the gaps already worked out (a `gap`
    column instead of `score`, as queries/rating_gaps_for_programs.sql gives them); `groups`:
    interview_id, dimension, group (one row per interview and dimension) — or, with `on="person_id"`,
    person_id, dimension, group (one row per person, the ratings carrying person_id). Returns GAP_SCHEMA's columns plus `dimension`; the reference
    of each dimension is its group with the most interviews rated (ties alphabetically), as in
    rater_group_gaps. The Welch interval is worked out in closed form (the t quantile at the
    Welch-Satterthwaite df), as scipy's `ttest_ind(equal_var=False)` gives it.
    """
    schema = {"dimension": pl.Utf8, **GAP_SCHEMA}
    if ratings.height == 0 or groups.height == 0:
        return pl.DataFrame(schema=schema)
    ratings = ratings.with_columns(
        pl.col(*dict.fromkeys(["rater_id", "theme", "interview_id", on])).cast(pl.Utf8)
    )
    groups = groups.select(pl.col(on, "dimension", "group").cast(pl.Utf8))
    groups = groups.filter(pl.col("group").is_not_null())
    # interviews rated per group: each key's interviews, counted once
    rated = (
        ratings.select(*dict.fromkeys(["interview_id", on])).unique().group_by(on).agg(interviews=pl.len())
    )
    sizes = groups.join(rated, on=on).group_by("dimension", "group").agg(n=pl.col("interviews").sum())
    refs = (
        sizes.sort(["dimension", "n", "group"], descending=[False, True, False])
        .group_by("dimension", maintain_order=True)
        .agg(reference=pl.col("group").first())
    )
    if "gap" in ratings.columns:  # worked out already (in SQL, for millions of ratings)
        gaps = ratings.select(*dict.fromkeys(["interview_id", on]), "rater_id", "theme", "gap")
    else:
        rated_only = ratings.select("interview_id", "rater_id", "theme", "score").with_columns(group=None)
        gaps = rating_gaps(rated_only).drop("group")
        if on != "interview_id":
            gaps = gaps.join(ratings.select("interview_id", on).unique(), on="interview_id")
    # categorical keys: the join and grouping of millions of rows by strings took seconds
    keys = [on, "rater_id", "theme"]
    cells = (
        gaps.select(*keys, "gap")
        .with_columns(pl.col(keys).cast(pl.Categorical))
        .join(groups.with_columns(pl.all().cast(pl.Categorical)), on=on)
        .group_by("dimension", "rater_id", "theme", "group")
        .agg(n=pl.len(), mean=pl.col("gap").mean(), var=pl.col("gap").var(ddof=1))
        .with_columns(pl.col("dimension", "rater_id", "theme", "group").cast(pl.Utf8))
        .join(refs, on="dimension")
    )
    ref_cells = cells.filter(pl.col("group") == pl.col("reference")).select(
        "dimension", "rater_id", "theme", n_ref="n", mean_ref="mean", var_ref="var"
    )
    both = (
        cells.filter(pl.col("group") != pl.col("reference"))
        .join(ref_cells, on=["dimension", "rater_id", "theme"], how="inner")
        .filter((pl.col("n") >= GAP_MIN_INTERVIEWS) & (pl.col("n_ref") >= GAP_MIN_INTERVIEWS))
        .with_columns(a=pl.col("var") / pl.col("n"), b=pl.col("var_ref") / pl.col("n_ref"))
        .with_columns(
            difference=pl.col("mean") - pl.col("mean_ref"),
            se=(pl.col("a") + pl.col("b")).sqrt(),
            df=(pl.col("a") + pl.col("b")) ** 2
            / (pl.col("a") ** 2 / (pl.col("n") - 1) + pl.col("b") ** 2 / (pl.col("n_ref") - 1)),
        )
    )
    spread = both["se"].to_numpy() > 0
    df = np.where(spread, both["df"].to_numpy(), 1.0)
    half = np.where(spread, stats.t.ppf(0.975, df) * both["se"].to_numpy(), np.nan)
    diff = both["difference"].to_numpy()
    low, high = diff - half, diff + half
    excludes = spread & ((low > 0) | (high < 0))
    out = both.with_columns(
        low=pl.Series(low).fill_nan(None),
        high=pl.Series(high).fill_nan(None),
        flagged=pl.Series(excludes & (np.abs(diff) >= GAP_FLAG), dtype=pl.Boolean),
    ).select(
        "dimension",
        "rater_id",
        "theme",
        "group",
        "reference",
        interviews=pl.col("n").cast(pl.Int64),
        reference_interviews=pl.col("n_ref").cast(pl.Int64),
        difference="difference",
        low="low",
        high="high",
        flagged="flagged",
    )
    return out.sort("dimension", "rater_id", "theme", "group").cast(schema)


def cohens_d_long(frame: pl.DataFrame, keys: Sequence[str], value: str = "value") -> pl.DataFrame:
    """`cohens_d_by_group` for many (dimension, predictor, ...) cells at once, vectorised.

    `frame` has the `keys` columns, `group` and `value` (one row per person and cell). Within each
    cell the reference is the largest group (ties alphabetically); returns the keys and D_SCHEMA's
    columns, one row per other group, with the same values and reasons as `cohens_d`.
    """
    schema = {**{k: pl.Utf8 for k in keys}, **D_SCHEMA}
    data = frame.filter(
        pl.col(value).is_not_null() & pl.col(value).is_not_nan() & pl.col("group").is_not_null()
    )
    if data.height == 0:
        return pl.DataFrame(schema=schema)
    keys = list(keys)
    cells = data.group_by(*keys, "group").agg(
        n=pl.len().cast(pl.Int64), mean=pl.col(value).mean(), var=pl.col(value).var(ddof=1)
    )
    refs = (
        cells.sort([*keys, "n", "group"], descending=[False] * len(keys) + [True, False])
        .group_by(keys, maintain_order=True)
        .agg(reference=pl.col("group").first())
    )
    cells = cells.join(refs, on=keys)
    ref = cells.filter(pl.col("group") == pl.col("reference")).select(
        *keys, reference_n="n", ref_mean="mean", ref_var="var"
    )
    both = cells.filter(pl.col("group") != pl.col("reference")).join(ref, on=keys)
    n1, n2 = pl.col("n"), pl.col("reference_n")
    pooled = (((n1 - 1) * pl.col("var") + (n2 - 1) * pl.col("ref_var")) / (n1 + n2 - 2)).sqrt()
    few = (n1 < 2) | (n2 < 2)
    flat = ~few & (pooled == 0)
    d = pl.when(few | flat).then(None).otherwise((pl.col("mean") - pl.col("ref_mean")) / pooled)
    out = both.with_columns(d=d).with_columns(
        se=((n1 + n2) / (n1 * n2) + pl.col("d") ** 2 / (2 * (n1 + n2))).sqrt(),
        reason=pl.when(few)
        .then(pl.lit("too few: need two in each group"))
        .when(flat)
        .then(pl.lit("no variation within the groups")),
    )
    return (
        out.select(
            *keys,
            "group",
            "reference",
            "d",
            low=pl.col("d") - Z95 * pl.col("se"),
            high=pl.col("d") + Z95 * pl.col("se"),
            n="n",
            reference_n="reference_n",
            reason="reason",
        )
        .sort(*keys, "group")
        .cast(schema)
    )
