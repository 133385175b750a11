"""Retention of hires over time: Kaplan-Meier curves, log-rank between profile bands, Cox models.

Inputs are tenures in days (still-employed hires are censored at their current tenure) and event
flags (1 = left, 0 = censored). Rows with a missing or negative tenure are dropped. The estimators
are lifelines': Kaplan-Meier with the "exponential Greenwood" interval, which is the log(-log)
interval exp(-exp(log(-log S) +/- z * se)); Cox proportional hazards with Efron's ties.

Profile bands: a theme is "shown" when its score is 3 or 4 (of 0-4); the band is the number of the
six themes shown, grouped 0-2, 3-4, 5-6. An applicant with any theme unscored has no band.

Minimums for a Cox model: at least `COX_MIN_HIRES` (10) hires and `COX_MIN_EVENTS` (3) leavers,
and the predictor must vary. Below that the result says "too few" instead of a number.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.exceptions import ConvergenceError
from lifelines.statistics import multivariate_logrank_test, proportional_hazard_test

MONTH_DAYS = 365.25 / 12
MILESTONE_DAYS = (182, 365, 730, 1095)
SHOWN_AT = 3
THEMES = ("balance", "adaptiveness", "transcendence", "learning", "fit", "beliefs")
BANDS = ("0-2", "3-4", "5-6")
COX_MIN_HIRES = 10
COX_MIN_EVENTS = 3
PH_ALPHA = 0.05
CURVE_SCHEMA = {
    "day": pl.Float64,
    "at_risk": pl.Int64,
    "survival": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
}
MONTHLY_SCHEMA = {"month": pl.Int64, **CURVE_SCHEMA}


def _num(value) -> float | None:
    """A finite float, or None for NaN / infinity / None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def floats(values) -> np.ndarray:
    """Any sequence of numbers as a float array, with None / text / infinity turned into NaN."""
    if values is None:
        return np.array([], dtype=float)
    if isinstance(values, pl.Series):
        values = values.to_list()
    out = np.array(pl.Series(list(values), dtype=pl.Float64, strict=False).to_numpy(), dtype=float)
    out[~np.isfinite(out)] = np.nan
    return out


def clean_tenures(durations, events) -> tuple[np.ndarray, np.ndarray]:
    """Tenures and 0/1 event flags as arrays, without rows whose tenure is missing or negative."""
    t, e = floats(durations), floats(events)
    if len(t) != len(e):
        raise ValueError(f"{len(t)} tenures but {len(e)} event flags")
    keep = np.isfinite(t) & (t >= 0)
    return t[keep], (np.nan_to_num(e[keep]) != 0).astype(int)


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan-Meier fit: n hires, events (leavers), median tenure in days and the step curve."""

    n: int
    events: int
    median: float | None
    median_reason: str | None
    curve: pl.DataFrame  # day, at_risk, survival, low, high at each distinct tenure (and day 0)
    reason: str | None = None


def kaplan_meier(durations, events) -> KaplanMeier:
    """Kaplan-Meier survival with 95% log(-log) intervals, median tenure and numbers at risk."""
    t, e = clean_tenures(durations, events)
    if len(t) == 0:
        return KaplanMeier(0, 0, None, "no hires", pl.DataFrame(schema=CURVE_SCHEMA), "no hires")
    kmf = KaplanMeierFitter().fit(t, e, alpha=0.05)
    timeline = kmf.survival_function_.index.to_numpy(dtype=float)
    ci = kmf.confidence_interval_survival_function_.to_numpy(dtype=float)
    curve = pl.DataFrame(
        {
            "day": timeline,
            "at_risk": [int((t >= d).sum()) for d in timeline],
            "survival": kmf.survival_function_.iloc[:, 0].to_numpy(dtype=float),
            "low": ci[:, 0],
            "high": ci[:, 1],
        },
        schema=CURVE_SCHEMA,
    ).with_columns(pl.col(c).fill_nan(None) for c in ("survival", "low", "high"))
    median = _num(kmf.median_survival_time_)
    reason = None if median is not None else "median not reached: more than half still employed"
    return KaplanMeier(len(t), int(e.sum()), median, reason, curve)


def _at(fit: KaplanMeier, days: Sequence[float], longest: float) -> pl.DataFrame:
    """The step curve read at the given days (null past the longest follow-up)."""
    curve = fit.curve
    timeline = curve["day"].to_numpy()
    rows = []
    for day in days:
        day = float(day)
        if fit.n == 0 or day > longest or day < 0:
            rows.append((day, None, None, None))
            continue
        i = int(np.searchsorted(timeline, day, side="right")) - 1
        rows.append((day, curve["survival"][i], curve["low"][i], curve["high"][i]))
    return pl.DataFrame(rows, schema=["day", "survival", "low", "high"], orient="row")


def survival_at_days(durations, events, days: Sequence[float] = MILESTONE_DAYS) -> pl.DataFrame:
    """Survival, 95% interval and number at risk at given days (182, 365, 730, 1095 by default)."""
    t, e = clean_tenures(durations, events)
    fit = kaplan_meier(t, e)
    longest = float(t.max()) if len(t) else -1.0
    values = _at(fit, days, longest)
    at_risk = [int((t >= float(d)).sum()) for d in days]
    return (
        values.with_columns(pl.Series("at_risk", at_risk, dtype=pl.Int64))
        .select(list(CURVE_SCHEMA))
        .cast(CURVE_SCHEMA)
    )


def survival_by_month(durations, events) -> pl.DataFrame:
    """The Kaplan-Meier curve at each month end (month = 365.25/12 days) up to the longest follow-up."""
    t, e = clean_tenures(durations, events)
    if len(t) == 0:
        return pl.DataFrame(schema=MONTHLY_SCHEMA)
    months = list(range(int(math.floor(t.max() / MONTH_DAYS + 1e-9)) + 1))
    at_days = survival_at_days(t, e, [m * MONTH_DAYS for m in months])
    return at_days.with_columns(pl.Series("month", months, dtype=pl.Int64)).select(list(MONTHLY_SCHEMA))


def profile_band(count: int | None) -> str | None:
    """The profile band ('0-2', '3-4', '5-6') of a number of themes shown; None when unknown."""
    if count is None or (isinstance(count, float) and not math.isfinite(count)):
        return None
    count = int(count)
    if not 0 <= count <= len(THEMES):
        raise ValueError(f"{count} themes shown: expected 0 to {len(THEMES)}")
    return BANDS[0] if count <= 2 else BANDS[1] if count <= 4 else BANDS[2]


def themes_shown_expr(themes: Sequence[str] = THEMES, shown_at: int = SHOWN_AT) -> pl.Expr:
    """Polars expression: how many of the theme columns score >= 3 (null when any is unscored)."""
    return pl.sum_horizontal([(pl.col(c) >= shown_at).cast(pl.Int64) for c in themes]).alias("themes_shown")


def profile_band_expr(themes: Sequence[str] = THEMES, shown_at: int = SHOWN_AT) -> pl.Expr:
    """Polars expression: the profile band from the theme columns (null when any theme is unscored)."""
    shown = themes_shown_expr(themes, shown_at)
    unscored = pl.any_horizontal([pl.col(c).is_null() for c in themes])
    band = (
        pl.when(unscored)
        .then(None)
        .when(shown <= 2)
        .then(pl.lit(BANDS[0]))
        .when(shown <= 4)
        .then(pl.lit(BANDS[1]))
        .otherwise(pl.lit(BANDS[2]))
    )
    return band.alias("profile_band")


def with_profile_band(frame: pl.DataFrame, themes: Sequence[str] = THEMES) -> pl.DataFrame:
    """The frame with `themes_shown` and `profile_band` columns added from its six theme columns."""
    unscored = pl.any_horizontal([pl.col(c).is_null() for c in themes])
    shown = pl.when(unscored).then(None).otherwise(themes_shown_expr(themes)).alias("themes_shown")
    return frame.with_columns(shown, profile_band_expr(themes))


@dataclass(frozen=True)
class LogRank:
    """Log-rank test across groups: chi-square statistic, df, p, n in all and per group."""

    statistic: float | None
    df: int | None
    p: float | None
    n: int
    groups: pl.DataFrame  # group, n, events
    reason: str | None = None


def logrank_by_band(durations, events, bands) -> LogRank:
    """Log-rank test of equal retention across bands (or any groups); rows without a band are left out."""
    t_raw, e_raw = floats(durations), floats(events)
    g = pl.Series("group", [None if b is None else str(b) for b in bands], dtype=pl.Utf8)
    keep = np.isfinite(t_raw) & (t_raw >= 0) & ~g.is_null().to_numpy()
    t, e = clean_tenures(t_raw[keep], e_raw[keep])
    g = g.filter(pl.Series(keep, dtype=pl.Boolean))
    frame = pl.DataFrame(
        {"group": g, "t": t, "e": e}, schema={"group": pl.Utf8, "t": pl.Float64, "e": pl.Int64}
    )
    groups = frame.group_by("group").agg(n=pl.len().cast(pl.Int64), events=pl.col("e").sum().cast(pl.Int64))
    groups = groups.sort("group")
    if groups.height < 2:
        return LogRank(None, None, None, len(t), groups, "fewer than two groups with hires")
    if e.sum() == 0:
        return LogRank(None, None, None, len(t), groups, "no one has left yet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = multivariate_logrank_test(t, g.to_numpy(), e)
    return LogRank(
        _num(result.test_statistic), int(result.degrees_of_freedom), _num(result.p_value), len(t), groups
    )


@dataclass(frozen=True)
class Cox:
    """One predictor's Cox model: hazard ratio per point with 95% CI and p, plus the PH check."""

    predictor: str
    hires: int
    events: int
    hazard_ratio: float | None = None
    low: float | None = None
    high: float | None = None
    p: float | None = None
    ph_p: float | None = None  # proportional-hazards test (rank time transform)
    ph_violated: bool | None = None  # ph_p < .05
    reason: str | None = None


COX_SCHEMA = {
    "predictor": pl.Utf8,
    "hires": pl.Int64,
    "events": pl.Int64,
    "hazard_ratio": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "p": pl.Float64,
    "ph_p": pl.Float64,
    "ph_violated": pl.Boolean,
    "reason": pl.Utf8,
}


def cox_single(durations, events, score, predictor: str = "score") -> Cox:
    """Cox model with one predictor alone (hazard ratio per point of score, Efron ties)."""
    t, e, x = floats(durations), floats(events), floats(score)
    keep = np.isfinite(t) & (t >= 0) & np.isfinite(x)
    t, x, e = t[keep], x[keep], (np.nan_to_num(e[keep]) != 0).astype(int)
    n, events_n = len(t), int(e.sum())
    if n < COX_MIN_HIRES:
        return Cox(predictor, n, events_n, reason=f"too few: {n} hires (need {COX_MIN_HIRES})")
    if events_n < COX_MIN_EVENTS:
        return Cox(predictor, n, events_n, reason=f"too few: {events_n} leavers (need {COX_MIN_EVENTS})")
    if np.ptp(x) == 0:
        return Cox(predictor, n, events_n, reason="everyone has the same score")
    frame = pd.DataFrame({"tenure": t, "left": e, predictor: x})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # batch mode: lifelines' vectorised Efron sums (its row-by-row loop took seconds per fit at
            # scale 1,000); the residuals are lifelines' own, computed without its quadratic loop
            cph = CoxPHFitter().fit(frame, duration_col="tenure", event_col="left", batch_mode=True)
            residuals = scaled_schoenfeld(cph, frame, predictor)
            ph = proportional_hazard_test(cph, frame, time_transform="rank", precomputed_residuals=residuals)
    except (ConvergenceError, np.linalg.LinAlgError, ValueError, ZeroDivisionError) as exc:
        return Cox(predictor, n, events_n, reason=f"model did not converge ({type(exc).__name__})")
    row = cph.summary.loc[predictor]
    hr, low, high = (_num(row[c]) for c in ("exp(coef)", "exp(coef) lower 95%", "exp(coef) upper 95%"))
    p, ph_p = _num(row["p"]), _num(np.asarray(ph.p_value).reshape(-1)[0])
    if hr is None or low is None or high is None or p is None:
        return Cox(predictor, n, events_n, reason="model did not converge (estimate not finite)")
    violated = None if ph_p is None else ph_p < PH_ALPHA
    return Cox(predictor, n, events_n, hr, low, high, p, ph_p, violated)


def scaled_schoenfeld(cph: CoxPHFitter, frame: pd.DataFrame, predictor: str) -> pd.DataFrame:
    """The scaled Schoenfeld residuals of a fitted one-predictor model, as lifelines defines them.

    lifelines' own `compute_residuals(..., "scaled_schoenfeld")` walks the rows one by one and grows
    its result with np.append (quadratic: 5 s for 90,000 hires); this is the same Efron-tied formula
    over whole arrays (tests check it equals lifelines' to rounding). Rows: the events, in the
    model's time order, indexed as lifelines indexes them, as `proportional_hazard_test` expects."""
    t = cph.durations.to_numpy(dtype=float)
    e = cph.event_observed.to_numpy().astype(bool)
    x = frame.loc[cph.durations.index, predictor].to_numpy(dtype=float)
    phi = np.exp(x * float(cph.params_.iloc[0]))
    n = len(t)
    # groups of equal tenure in time order; a group's risk set is the group and every later row
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    risk0 = np.cumsum(phi[::-1])[::-1][starts]
    risk1 = np.cumsum((phi * x)[::-1])[::-1][starts]
    deaths = np.bincount(group, weights=e, minlength=len(starts))
    tie0 = np.bincount(group, weights=phi * e, minlength=len(starts))
    tie1 = np.bincount(group, weights=phi * x * e, minlength=len(starts))
    # Efron: the expected x at a group's deaths is the mean over l = 0..m-1 of
    # (risk1 - l/m tie1) / (risk0 - l/m tie0), m the group's deaths
    g = np.sort(group[e], kind="stable")
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    step = (np.arange(len(g)) - np.repeat(first, np.diff(np.r_[first, len(g)]))) / deaths[g]
    term = (risk1[g] - step * tie1[g]) / (risk0[g] - step * tie0[g]) / deaths[g]
    expected = np.bincount(g, weights=term, minlength=len(starts))
    scaled = e.sum() * (x[e] - expected[group[e]]) * float(cph.variance_matrix_.iloc[0, 0])
    return pd.DataFrame({predictor: scaled}, index=cph.durations.index[e])


def cox_each(
    frame: pl.DataFrame, predictors: Sequence[str], tenure: str = "tenure", left: str = "left"
) -> pl.DataFrame:
    """One-predictor Cox models for each predictor column, as a frame (one row per predictor)."""
    rows = [
        vars(cox_single(frame[tenure].to_numpy(), frame[left].to_numpy(), frame[c].to_numpy(), c))
        for c in predictors
    ]
    return pl.DataFrame(rows, schema=COX_SCHEMA) if rows else pl.DataFrame(schema=COX_SCHEMA)
