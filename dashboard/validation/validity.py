"""Criterion validity of the themes and the composite: r with its interval, the correction for
selection (hires are a range-restricted slice of the applicants), how precise r is at the current n,
how many hires a usable answer needs, and when the program will have them.

Conventions: r needs at least `MIN_R_N` (4) pairs and variance in both variables; intervals are
95% by Fisher's z (se = 1/sqrt(n - 3)); power is the two-sided Fisher-z test at alpha = .05.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

MIN_R_N = 4
ALPHA = 0.05
POWER = 0.80
DETECTABLE_R = (0.20, 0.30, 0.42)
DAYS_PER_YEAR = 365.25
RATE_YEARS = 2


@dataclass(frozen=True)
class Benchmark:
    """A published validity estimate to set a local r beside."""

    label: str
    r: float
    citation: str


SACKETT_2022 = (
    "Sackett, P. R., Zhang, C., Berry, C. M., & Lievens, F. (2022). Revisiting meta-analytic estimates of "
    "validity in personnel selection: Addressing systematic overcorrection for restriction of range. "
    "Journal of Applied Psychology, 107(11), 2040-2068."
)
STRUCTURED_INTERVIEW = Benchmark("structured interviews (operational validity)", 0.42, SACKETT_2022)
UNSTRUCTURED_INTERVIEW = Benchmark("unstructured interviews (operational validity)", 0.19, SACKETT_2022)
BENCHMARKS = (STRUCTURED_INTERVIEW, UNSTRUCTURED_INTERVIEW)


def _pairs(x, y) -> tuple[np.ndarray, np.ndarray]:
    """The pairs where both values are finite numbers."""
    a = np.array(pl.Series(list(x), dtype=pl.Float64, strict=False).to_numpy(), dtype=float)
    b = np.array(pl.Series(list(y), dtype=pl.Float64, strict=False).to_numpy(), dtype=float)
    if len(a) != len(b):
        raise ValueError(f"{len(a)} predictor values but {len(b)} outcomes")
    keep = np.isfinite(a) & np.isfinite(b)
    return a[keep], b[keep]


@dataclass(frozen=True)
class Correlation:
    """Pearson r with its 95% Fisher-z interval and n pairs; None with a reason if not computable."""

    r: float | None
    low: float | None
    high: float | None
    n: int
    reason: str | None = None

    @property
    def half_width(self) -> float | None:
        """Half the width of the interval (how precise r is at this n)."""
        return None if self.low is None or self.high is None else (self.high - self.low) / 2


def fisher_interval(r: float, n: int, level: float = 0.95) -> tuple[float, float] | None:
    """The Fisher-z interval of r at n pairs; None when n < 4 or |r| = 1 is not finite on the z scale."""
    if n < MIN_R_N or not -1 <= r <= 1:
        return None
    if abs(r) == 1:
        return (r, r)
    z, half = math.atanh(r), stats.norm.ppf(0.5 + level / 2) / math.sqrt(n - 3)
    return (math.tanh(z - half), math.tanh(z + half))


def pearson(x, y) -> Correlation:
    """Pearson r of two variables over complete pairs, with its 95% interval by Fisher's z."""
    a, b = _pairs(x, y)
    n = len(a)
    if n < MIN_R_N:
        return Correlation(None, None, None, n, f"too few: {n} pairs (need {MIN_R_N})")
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return Correlation(None, None, None, n, "no variation: everyone has the same value")
    r = float(np.clip(np.corrcoef(a, b)[0, 1], -1.0, 1.0))
    low, high = fisher_interval(r, n)
    return Correlation(r, low, high, n)


def interval_half_width(r: float, n: int) -> float | None:
    """Half-width of the 95% interval an r of this size would have at n pairs (None when n < 4)."""
    interval = fisher_interval(r, n)
    return None if interval is None else (interval[1] - interval[0]) / 2


def range_ratio(hires, applicants) -> float | None:
    """u = SD of the predictor among hires / SD among all applicants (ddof=1); None if not computable."""
    h = np.array(pl.Series(list(hires), dtype=pl.Float64, strict=False).drop_nulls().to_numpy(), dtype=float)
    a = np.array(pl.Series(list(applicants), dtype=pl.Float64, strict=False).drop_nulls().to_numpy(), float)
    h, a = h[np.isfinite(h)], a[np.isfinite(a)]
    if len(h) < 2 or len(a) < 2:
        return None
    sd_a = float(np.std(a, ddof=1))
    return None if sd_a == 0 else float(np.std(h, ddof=1)) / sd_a


def correct_range_restriction(r: float | None, u: float | None) -> float | None:
    """Thorndike Case II (direct restriction): r*U / sqrt(1 + r^2 (U^2 - 1)), U = 1/u; None if u is 0/None."""
    if r is None or u is None or not math.isfinite(u) or u <= 0 or not math.isfinite(r):
        return None
    big_u = 1.0 / u
    return r * big_u / math.sqrt(1.0 + r * r * (big_u * big_u - 1.0))


@dataclass(frozen=True)
class CorrectedCorrelation:
    """Observed r among hires, u, and r corrected for selection (interval endpoints corrected alike)."""

    observed: Correlation
    u: float | None
    r: float | None
    low: float | None
    high: float | None
    n: int
    reason: str | None = None


def corrected_validity(predictor_hires, outcome, predictor_applicants) -> CorrectedCorrelation:
    """Observed r among hires, then corrected (Case II) with u from the applicant pool."""
    observed = pearson(predictor_hires, outcome)
    u = range_ratio(_pairs(predictor_hires, outcome)[0], predictor_applicants)
    if observed.r is None:
        return CorrectedCorrelation(observed, u, None, None, None, observed.n, observed.reason)
    if u is None or u == 0:
        why = "no spread among hires or applicants to correct with"
        return CorrectedCorrelation(observed, u, None, None, None, observed.n, why)
    fix = [correct_range_restriction(v, u) for v in (observed.r, observed.low, observed.high)]
    return CorrectedCorrelation(observed, u, fix[0], fix[1], fix[2], observed.n)


def hires_needed(r: float, power: float = POWER, alpha: float = ALPHA) -> int:
    """Hires needed to detect a true r, two-sided: ((z_a/2 + z_b) / atanh r)^2 + 3, rounded up."""
    if not 0 < abs(r) < 1:
        raise ValueError(f"r must be between -1 and 1 and not 0, got {r}")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return math.ceil((z / math.atanh(abs(r))) ** 2 + 3 - 1e-9)


def power_at(n: int, r: float, alpha: float = ALPHA) -> float | None:
    """Power of the two-sided Fisher-z test of r = 0 at n pairs when the true correlation is r."""
    if n < MIN_R_N:
        return None
    shift = math.atanh(abs(r)) * math.sqrt(n - 3)
    crit = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.cdf(shift - crit) + stats.norm.cdf(-shift - crit))


def hires_needed_table(rs: Sequence[float] = DETECTABLE_R, hires_so_far: int = 0) -> pl.DataFrame:
    """For each r (.20, .30, .42): hires needed for 80% power, hires so far and the power at that n."""
    rows = [(r, hires_needed(r), hires_so_far, power_at(hires_so_far, r)) for r in rs]
    schema = {"r": pl.Float64, "hires_needed": pl.Int64, "hires": pl.Int64, "power_now": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def hiring_rate(hire_dates: Sequence[dt.date], as_of: dt.date, years: int = RATE_YEARS) -> float:
    """Hires per year over the last `years` years (two by default) up to and including as_of."""
    start = as_of - dt.timedelta(days=round(years * DAYS_PER_YEAR))
    days = [d.date() if isinstance(d, dt.datetime) else d for d in hire_dates if d is not None]
    count = sum(1 for d in days if start < d <= as_of)
    return count / years


@dataclass(frozen=True)
class WhenKnown:
    """When the hires needed will be reached at the recent hiring rate: a date, 'reached', or None."""

    needed: int
    hires: int
    remaining: int
    rate_per_year: float
    date: dt.date | None
    status: str  # "reached", "estimated" or "no recent hires"


def when_known(needed: int, hires: int, rate_per_year: float, as_of: dt.date) -> WhenKnown:
    """Approximate date `needed` hires are reached at `rate_per_year` from as_of (None when the rate is 0)."""
    remaining = max(0, int(needed) - int(hires))
    if remaining == 0:
        return WhenKnown(needed, hires, 0, rate_per_year, as_of, "reached")
    if not rate_per_year or rate_per_year <= 0 or not math.isfinite(rate_per_year):
        return WhenKnown(needed, hires, remaining, 0.0, None, "no recent hires")
    days = math.ceil(remaining / rate_per_year * DAYS_PER_YEAR)
    try:
        date = as_of + dt.timedelta(days=days)
    except OverflowError:
        return WhenKnown(needed, hires, remaining, rate_per_year, None, "beyond the calendar")
    return WhenKnown(needed, hires, remaining, rate_per_year, date, "estimated")
