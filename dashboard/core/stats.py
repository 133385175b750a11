"""Agreement, reliability, effect-size, interval and fairness statistics for Vocation.

Pure functions over plain sequences, numpy arrays or polars frames: no database, no Streamlit.
Every result carries the n it was computed on, so a page can mark small samples.

Conventions
- Missing values are ``None`` or ``nan``; paired statistics use only pairs where both are present.
- A statistic that cannot be computed (no data, no variation) is ``nan``, never an exception.
- Scalar results are `Estimate(value, n)`; interval results are `Interval(value, low, high, n)`.
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl
from scipy import special, stats

from dashboard.core.contract import SMALL_SAMPLE

CATEGORIES = tuple(range(5))
RELIABLE = 0.800
TENTATIVE = 0.667
IMPACT_THRESHOLD = 0.80
# Above this many values in all, hedges_g uses the analytic interval: BCa's jackknife grows with
# n squared (seconds at a few thousand), and at that size the two intervals agree to about 0.01.
BOOTSTRAP_MAX_N = 1000


class Estimate(NamedTuple):
    """A point statistic and the number of observations (or pairs, or units) behind it."""

    value: float
    n: int


class Interval(NamedTuple):
    """A point statistic, its confidence interval and n."""

    value: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class EffectSize:
    """Hedges' g between two groups with its 95% interval and how the interval was found."""

    mean_x: float
    mean_y: float
    diff: float
    g: float
    ci_low: float
    ci_high: float
    n_x: int
    n_y: int
    ci_method: str


def _floats(values) -> np.ndarray:
    """Return values as a 1-D float array with None/null turned into nan."""
    if isinstance(values, pl.Series):  # vectorized: no Python step per value (100,000s of hires)
        return np.array(values.cast(pl.Float64).fill_null(np.nan).to_numpy(), dtype=float)
    return np.asarray([np.nan if v is None else v for v in values], dtype=float)


def _pairs(a, b) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of a and b where both are present."""
    a, b = _floats(a), _floats(b)
    if a.shape != b.shape:
        raise ValueError(f"paired inputs differ in length: {a.size} vs {b.size}")
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep], b[keep]


def reliability_label(alpha: float) -> str:
    """Krippendorff's reading of alpha: reliable >= .800, tentative >= .667, else unreliable.

    A nan alpha (not computable) reads "undetermined".
    """
    if alpha is None or np.isnan(alpha):
        return "undetermined"
    if alpha >= RELIABLE:
        return "reliable"
    return "tentative" if alpha >= TENTATIVE else "unreliable"


def _g(x, y, axis=-1):
    """Hedges' g (pooled SD, approximate correction J = 1 - 3/(4(nx+ny)-9)) along an axis."""
    nx, ny = x.shape[axis], y.shape[axis]
    pooled = ((nx - 1) * np.var(x, axis=axis, ddof=1) + (ny - 1) * np.var(y, axis=axis, ddof=1)) / (
        nx + ny - 2
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (np.mean(x, axis=axis) - np.mean(y, axis=axis)) / np.sqrt(pooled)
    return d * (1 - 3 / (4 * (nx + ny) - 9))


def _g_analytic_ci(g: float, nx: int, ny: int) -> tuple[float, float]:
    """Normal-approximation 95% interval for g (Hedges & Olkin large-sample SE)."""
    se = np.sqrt((nx + ny) / (nx * ny) + g**2 / (2 * (nx + ny)))
    return g - 1.959964 * se, g + 1.959964 * se


def hedges_g(x, y, seed: int = 0, resamples: int = 2000) -> EffectSize:
    """Hedges' g of x minus y with a seeded BCa bootstrap 95% interval.

    Uses the analytic large-sample interval ("analytic") when a group has fewer than five
    values, when the groups hold more than BOOTSTRAP_MAX_N values in all (where the normal
    approximation is accurate and BCa is slow) or when the bootstrap is degenerate; g is nan
    when a group has fewer than two values or both groups have no spread. The result does not
    depend on the order of the values.
    """
    x, y = _floats(x), _floats(y)
    # sorted: the resamples draw by position, so rows in another order would move the interval
    x, y = np.sort(x[~np.isnan(x)]), np.sort(y[~np.isnan(y)])
    nx, ny = x.size, y.size
    mx, my = (float(np.mean(v)) if v.size else np.nan for v in (x, y))
    g = float(_g(x, y)) if min(nx, ny) >= 2 else np.nan
    low, high, method = np.nan, np.nan, "none"
    if np.isfinite(g) and min(nx, ny) >= 5 and nx + ny <= BOOTSTRAP_MAX_N:
        res = stats.bootstrap(
            (x, y), _g, n_resamples=resamples, method="BCa", rng=np.random.default_rng(seed)
        )
        low, high, method = res.confidence_interval.low, res.confidence_interval.high, "bootstrap"
    if np.isfinite(g) and not (np.isfinite(low) and np.isfinite(high)):
        (low, high), method = _g_analytic_ci(g, nx, ny), "analytic"
    return EffectSize(mx, my, mx - my, g, float(low), float(high), nx, ny, method)


def proportion_ci(k: int, n: int, level: float = 0.95) -> Interval:
    """Share k/n with its Wilson score interval; nan when n is 0.

    The closed form scipy's binomtest(...).proportion_ci(method="wilson") uses, without the
    binomial test that call runs first (which is most of its cost).
    """
    if n == 0:
        return Interval(np.nan, np.nan, np.nan, 0)
    p, z = k / n, float(special.ndtri(0.5 + 0.5 * level))
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    delta = z / denom * math.sqrt(4 * n * p * (1 - p) + z**2)
    low = 0.0 if k == 0 else center - delta
    high = 1.0 if k == n else center + delta
    return Interval(k / n, low, high, n)


def mean_ci(values, level: float = 0.95) -> Interval:
    """Mean with its Student-t interval; interval nan below two values or with no spread."""
    v = _floats(values)
    v = v[~np.isnan(v)]
    if v.size < 2 or np.all(v == v[0]):
        mean = float(v[0]) if v.size else np.nan
        return Interval(mean, np.nan, np.nan, int(v.size))
    ci = stats.ttest_1samp(v, 0).confidence_interval(confidence_level=level)
    return Interval(float(np.mean(v)), float(ci.low), float(ci.high), int(v.size))


def mean_ci_from_summary(mean, sd, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student-t limits (low, high) from arrays of group means, SDs and sizes, as mean_ci gives.

    For groups summarised in SQL; a limit is nan where n < 2 or sd is 0 or missing.
    """
    mean, sd, n = (np.asarray(v, dtype=float) for v in (mean, sd, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        half = special.stdtrit(n - 1, 0.5 + 0.5 * level) * sd / np.sqrt(n)
    half = np.where((n >= 2) & (sd > 0), half, np.nan)
    return mean - half, mean + half


def correlation_ci(x, y, level: float = 0.95) -> Interval:
    """Pearson r over complete pairs with its Fisher-z interval; nan below 4 pairs or no spread."""
    x, y = _pairs(x, y)
    if x.size < 4 or np.all(x == x[0]) or np.all(y == y[0]):
        return Interval(np.nan, np.nan, np.nan, int(x.size))
    res = stats.pearsonr(x, y)
    ci = res.confidence_interval(confidence_level=level)
    return Interval(float(res.statistic), float(ci.low), float(ci.high), int(x.size))


def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher exact p of the 2x2 table [[a, b], [c, d]]: given its margins, the summed
    probability of every table no more likely than the one observed (within a relative 1e-7, as R's
    fisher.test). Every table of the support at once, from log-factorials: equal to
    scipy.stats.fisher_exact (tested), without its per-call overhead (Fairness tests every group at
    every stage: 144 tests took 0.2 s through scipy)."""
    rows1, rows2, col1 = a + b, c + d, a + c
    k = np.arange(max(0, col1 - rows2), min(rows1, col1) + 1)
    log_p = (
        _log_choose(rows1, k) + _log_choose(rows2, col1 - k) - _log_choose(rows1 + rows2, np.asarray(col1))
    )
    p = np.exp(log_p - log_p.max())  # scaled: the ratio to the observed is what is compared
    observed = p[a - k[0]]
    return float(min(1.0, p[p <= observed * (1 + 1e-7)].sum() / p.sum()))


def _log_choose(n: int, k: np.ndarray) -> np.ndarray:
    """log(n choose k), elementwise."""
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def _fisher_p(sel: int, apps: int, ref_sel: int, ref_apps: int) -> float:
    """Two-sided Fisher exact p for one group against the reference group."""
    return fisher_two_sided(sel, apps - sel, ref_sel, ref_apps - ref_sel)


def impact_ratios(frame: pl.DataFrame, min_applicants: int = SMALL_SAMPLE) -> pl.DataFrame:
    """Add selection_rate, impact_ratio, fisher_p, is_reference and flag to a group frame.

    Input columns: group, applicants, selected. Rules, in plain words:
    - selection_rate = selected / applicants (null when applicants is 0).
    - The reference group is the highest-rate group among those with at least
      `min_applicants` applicants (all groups if none is that large; first on ties).
      impact_ratio = selection_rate / reference rate (null when the reference rate is 0).
    - fisher_p compares the group's 2x2 (selected, not selected) with the reference group's,
      two-sided; the reference itself gets null (a group is not tested against itself).
    - flag: "too small to judge" when applicants < min_applicants; else "reference" for the
      reference group; else "below 0.80" when impact_ratio < 0.80 (the four-fifths rule);
      else "ok". The p-value is shown beside the flag, it does not change it.
    """
    if (frame["selected"] > frame["applicants"]).any() or (frame["selected"] < 0).any():
        raise ValueError("selected must be between 0 and applicants")
    out = frame.with_columns(
        selection_rate=pl.when(pl.col("applicants") > 0).then(pl.col("selected") / pl.col("applicants"))
    ).with_row_index("_i")
    big = out.filter(pl.col("applicants") >= min_applicants)
    pool = big if big.height else out.filter(pl.col("applicants") > 0)
    if not pool.height:
        ref = None
    else:
        ref = pool.sort(["selection_rate", "_i"], descending=[True, False]).row(0, named=True)
    ref_i = ref["_i"] if ref else -1
    ref_rate = ref["selection_rate"] if ref else None
    p = [
        None if i == ref_i or ref is None else _fisher_p(s, a, ref["selected"], ref["applicants"])
        for i, s, a in out.select("_i", "selected", "applicants").iter_rows()
    ]
    ratio = pl.col("selection_rate") / ref_rate if ref_rate else pl.lit(None, pl.Float64)
    flag = (
        pl.when(pl.col("applicants") < min_applicants)
        .then(pl.lit("too small to judge"))
        .when(pl.col("is_reference"))
        .then(pl.lit("reference"))
        .when(pl.col("impact_ratio") < IMPACT_THRESHOLD)
        .then(pl.lit("below 0.80"))
        .otherwise(pl.lit("ok"))
    )
    return (
        out.with_columns(
            impact_ratio=ratio,
            fisher_p=pl.Series(p, dtype=pl.Float64),
            is_reference=pl.col("_i") == ref_i,
        )
        .with_columns(flag=flag)
        .drop("_i")
    )


def share_intervals(frame: pl.DataFrame, k: str, n: str, share: str) -> pl.DataFrame:
    """Add Wilson 95% limits for each shown share (null where the share is hidden)."""
    lows, highs = [], []
    for kv, nv, sv in frame.select(k, n, share).iter_rows():
        ci = proportion_ci(kv, nv) if sv is not None else None
        lows.append(ci.low if ci else None)
        highs.append(ci.high if ci else None)
    return frame.with_columns(
        pl.Series(f"{share}_low", lows, dtype=pl.Float64),
        pl.Series(f"{share}_high", highs, dtype=pl.Float64),
    )
