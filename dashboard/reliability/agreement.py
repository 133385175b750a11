"""Agreement statistics computed from counts, so a page need not loop over raters or units.

Krippendorff's ordinal alpha depends on the data only through the coincidence matrix, which is
a sum of one small matrix per unit; a unit's matrix depends only on how many raters gave it
each score (its pattern). So SQL hands over patterns with their unit counts, alpha is exact
(the same formula as the krippendorff package), and a bootstrap draw that resamples units with
replacement is a multinomial count over patterns: 1,000 draws cost one matrix product.
Cohen's kappa and agreement for a rater pair come from the pair's 5 x 5 contingency table.
"""

from __future__ import annotations

import numpy as np

from dashboard.core import stats

V = len(stats.CATEGORIES)  # scores 0-4
_I = np.arange(V)
_LO, _HI = np.minimum.outer(_I, _I), np.maximum.outer(_I, _I)


def unit_coincidences(value_counts) -> np.ndarray:
    """Per pattern (rows: raters per score 0-4), its coincidence matrix; zero for single ratings."""
    c = np.asarray(value_counts, dtype=float).reshape(-1, V)
    m = c.sum(axis=1)
    o = c[:, :, None] * c[:, None, :] - np.eye(V)[None] * c[:, None, :]
    return o / np.maximum(m - 1, 1)[:, None, None]


def alpha_from_coincidences(o: np.ndarray) -> np.ndarray:
    """Ordinal alpha of each coincidence matrix in a (..., 5, 5) stack; nan where undefined."""
    n_v = o.sum(axis=-2)
    n = n_v.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = (n_v[..., :, None] * n_v[..., None, :] - n_v[..., None, :] * np.eye(V)) / (n - 1)[..., None, None]
        cum = np.cumsum(n_v, axis=-1)
        between = cum[..., _HI] - cum[..., _LO] + n_v[..., _LO]
        d = (between - (n_v[..., _LO] + n_v[..., _HI]) / 2) ** 2
        observed = (o * d).sum(axis=(-2, -1))
        expected = (e * d).sum(axis=(-2, -1))
        alpha = 1 - observed / expected
    # no pairable values, or all in one category: alpha is undefined
    return np.where((n >= 2) & (expected > 0), alpha, np.nan)


def alpha_estimate(value_counts, units) -> stats.Estimate:
    """Ordinal alpha over unit patterns with their unit counts; n = pairable units."""
    c = np.asarray(value_counts, dtype=float).reshape(-1, V)
    w = np.asarray(units, dtype=float).reshape(-1) * (c.sum(axis=1) >= 2)
    o = (w @ unit_coincidences(c).reshape(-1, V * V)).reshape(V, V)
    return stats.Estimate(float(alpha_from_coincidences(o)), int(w.sum()))


def alpha_interval(
    value_counts, units, draws: int = 1000, seed: int = 0, level: float = 0.95
) -> stats.Interval:
    """Ordinal alpha over unit patterns (with their unit counts) and a seeded bootstrap interval.

    n is the number of pairable units (rated by two or more raters). Each draw resamples n
    units with replacement (a multinomial over patterns); undefined draws are dropped.
    """
    c = np.asarray(value_counts, dtype=float).reshape(-1, V)
    w = np.asarray(units, dtype=float).reshape(-1)
    keep = (c.sum(axis=1) >= 2) & (w > 0)
    # equal patterns merged: the draws then cost the same for 50 units or 500,000
    c, inverse = np.unique(c[keep], axis=0, return_inverse=True)
    w = np.bincount(inverse.reshape(-1), weights=w[keep], minlength=len(c))
    n = int(w.sum())
    flat = unit_coincidences(c).reshape(-1, V * V)
    point = float(alpha_from_coincidences((w @ flat).reshape(V, V)))
    if np.isnan(point):
        return stats.Interval(np.nan, np.nan, np.nan, n)
    counts = np.random.default_rng(seed).multinomial(n, w / w.sum(), size=draws)
    boot = alpha_from_coincidences((counts @ flat).reshape(draws, V, V))
    boot = boot[~np.isnan(boot)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail]) if boot.size else (np.nan, np.nan)
    return stats.Interval(point, float(low), float(high), n)


def pooled_agreement(value_counts, units) -> tuple[int, float, float]:
    """Over every two raters of each unit: number of pairs, share equal, share within one point."""
    c = np.asarray(value_counts, dtype=float).reshape(-1, V)
    w = np.asarray(units, dtype=float).reshape(-1)
    m = c.sum(axis=1)
    pairs = float(w @ (m * (m - 1) / 2))
    equal = float(w @ (c * (c - 1) / 2).sum(axis=1))
    near = equal + float(w @ (c[:, :-1] * c[:, 1:]).sum(axis=1))
    if pairs == 0:
        return 0, np.nan, np.nan
    return int(pairs), equal / pairs, near / pairs


def contingency_figures(tables: np.ndarray) -> dict[str, np.ndarray]:
    """Per (G, 5, 5) stack of pair tables (rows rater a, columns rater b): n, agreement, kappas, alpha."""
    t = np.asarray(tables, dtype=float)
    n = t.sum(axis=(1, 2))
    gap = np.abs(np.subtract.outer(_I, _I))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = t.sum(axis=2)[:, :, None] * t.sum(axis=1)[:, None, :] / n[:, None, None]
        figures = {
            "n_units": n.astype(np.int64),
            "percent_agreement": np.trace(t, axis1=1, axis2=2) / n,
            "percent_within_one": (t * (gap <= 1)).sum(axis=(1, 2)) / n,
            "cohen_kappa": _kappa(t, expected, (gap != 0).astype(float)),
            "weighted_kappa": _kappa(t, expected, gap.astype(float) ** 2),
        }
    # two raters per unit: each unit adds its score pair in both orders to the coincidences
    figures["krippendorff_alpha"] = alpha_from_coincidences(t + t.transpose(0, 2, 1))
    return figures


def _kappa(observed: np.ndarray, expected: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cohen's kappa per table with these disagreement weights; nan when chance is zero."""
    chance = (weights * expected).sum(axis=(1, 2))
    value = 1 - (weights * observed).sum(axis=(1, 2)) / chance
    return np.where(chance > 0, value, np.nan)
