"""Test oracles: the textbook agreement statistics, computed the slow way (one pair or one
resample at a time, Krippendorff's alpha by the `krippendorff` package), against which the
fast count-based versions in dashboard/reliability/agreement.py and dashboard/reliability/inter_rater.py are checked."""

import krippendorff
import numpy as np

from dashboard.core.stats import CATEGORIES, Estimate, Interval, _pairs


def percent_agreement(a, b) -> Estimate:
    """Fraction (0-1) of paired scores that are exactly equal, with the number of pairs."""
    a, b = _pairs(a, b)
    return Estimate(float(np.mean(a == b)) if a.size else np.nan, int(a.size))


def percent_within_one(a, b) -> Estimate:
    """Fraction (0-1) of paired scores at most one point apart, with the number of pairs."""
    a, b = _pairs(a, b)
    return Estimate(float(np.mean(np.abs(a - b) <= 1)) if a.size else np.nan, int(a.size))


def cohen_kappa(a, b, weights: str | None = None, categories=CATEGORIES) -> Estimate:
    """Cohen's kappa (unweighted or "quadratic") on the fixed ordinal scale; nan if undefined.

    Undefined (nan) when there are no pairs or when chance disagreement is zero, which happens
    when both raters put every pair in one and the same category.
    """
    a, b = _pairs(a, b)
    cats = np.asarray(categories)
    k = cats.size
    ia, ib = np.searchsorted(cats, a), np.searchsorted(cats, b)
    if np.any(cats[np.minimum(ia, k - 1)] != a) or np.any(cats[np.minimum(ib, k - 1)] != b):
        raise ValueError(f"scores must be among the categories {list(cats)}")
    observed = np.zeros((k, k))
    np.add.at(observed, (ia, ib), 1)
    expected = np.outer(observed.sum(1), observed.sum(0)) / max(a.size, 1)
    grid = np.subtract.outer(np.arange(k), np.arange(k))
    if weights is None:
        w = (grid != 0).astype(float)
    elif weights == "quadratic":
        w = grid.astype(float) ** 2
    else:
        raise ValueError("weights must be None or 'quadratic'")
    chance = float(np.sum(w * expected))
    value = 1 - float(np.sum(w * observed)) / chance if a.size and chance > 0 else np.nan
    return Estimate(value, int(a.size))


def _pairable_units(matrix: np.ndarray) -> int:
    """Number of units (columns) rated by at least two raters."""
    return int(np.sum(np.sum(~np.isnan(matrix), axis=0) >= 2))


def _alpha(matrix: np.ndarray, level: str = "ordinal") -> float:
    """Krippendorff's alpha on the 0-4 domain; nan when no pairable values or no variation."""
    pairable = matrix[:, np.sum(~np.isnan(matrix), axis=0) >= 2]
    values = pairable[~np.isnan(pairable)]
    if values.size < 2 or np.all(values == values[0]):
        return np.nan
    return float(
        krippendorff.alpha(
            reliability_data=pairable, level_of_measurement=level, value_domain=list(CATEGORIES)
        )
    )


def krippendorff_alpha(matrix, level: str = "ordinal") -> Estimate:
    """Krippendorff's alpha for a raters x units matrix (nan = missing); n = pairable units."""
    m = np.asarray(matrix, dtype=float)
    return Estimate(_alpha(m, level), _pairable_units(m))


def krippendorff_alpha_ordinal(matrix) -> Estimate:
    """Ordinal Krippendorff's alpha on the 0-4 scale for a raters x units matrix."""
    return krippendorff_alpha(matrix, "ordinal")


def alpha_bootstrap_ci(matrix, draws: int = 1000, seed: int = 0, level: float = 0.95) -> Interval:
    """Percentile interval for ordinal alpha by resampling units (columns) with a seeded RNG.

    Resamples where alpha is undefined (no variation) are dropped before taking percentiles.
    """
    m = np.asarray(matrix, dtype=float)
    m = m[:, np.sum(~np.isnan(m), axis=0) >= 2]
    point, n = _alpha(m), m.shape[1]
    if np.isnan(point):
        return Interval(np.nan, np.nan, np.nan, n)
    rng = np.random.default_rng(seed)
    boot = np.array([_alpha(m[:, rng.integers(0, n, n)]) for _ in range(draws)])
    boot = boot[~np.isnan(boot)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail]) if boot.size else (np.nan, np.nan)
    return Interval(point, float(low), float(high), n)
