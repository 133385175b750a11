"""Agreement from counts: alpha equals the krippendorff package, kappas equal scikit-learn, and
the bootstrap over patterns behaves like resampling interviews one by one."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import oracles
import pytest
from sklearn.metrics import cohen_kappa_score

from dashboard.reliability import agreement, inter_rater

NAN = np.nan


def _patterns(matrix: np.ndarray) -> np.ndarray:
    """Per unit (column): how many raters gave 0, 1, 2, 3 and 4."""
    return np.stack([(matrix == k).sum(axis=0) for k in range(5)], axis=1)


def _random_matrix(rng, raters: int, units: int, missing: float) -> np.ndarray:
    truth = rng.integers(0, 5, units)
    matrix = np.clip(truth + rng.integers(-1, 2, (raters, units)), 0, 4).astype(float)
    matrix[rng.random((raters, units)) < missing] = NAN
    return matrix


@pytest.mark.parametrize("seed", range(12))
def test_alpha_from_patterns_equals_the_krippendorff_package(seed):
    rng = np.random.default_rng(seed)
    matrix = _random_matrix(rng, int(rng.integers(2, 5)), int(rng.integers(5, 200)), 0.4)
    pairable = np.sum(~np.isnan(matrix), axis=0) >= 2
    expected = krippendorff.alpha(
        matrix[:, pairable], level_of_measurement="ordinal", value_domain=[0, 1, 2, 3, 4]
    )
    counts = _patterns(matrix)
    estimate = agreement.alpha_estimate(counts, np.ones(len(counts)))
    interval = agreement.alpha_interval(counts, np.ones(len(counts)), draws=1000, seed=1)
    assert abs(estimate.value - expected) <= 1e-9
    assert abs(interval.value - expected) <= 1e-9
    assert estimate.n == interval.n == int(pairable.sum())


def test_merged_patterns_give_the_same_alpha_as_one_row_per_unit():
    rng = np.random.default_rng(4)
    counts = _patterns(_random_matrix(rng, 3, 300, 0.3))
    patterns, units = np.unique(counts, axis=0, return_counts=True)
    one_by_one = agreement.alpha_interval(counts, np.ones(len(counts)), draws=1000, seed=9)
    merged = agreement.alpha_interval(patterns, units, draws=1000, seed=9)
    assert merged == pytest.approx(one_by_one, abs=1e-12)


def test_undefined_alpha_is_nan_with_its_n():
    same = agreement.alpha_interval([[0, 0, 2, 0, 0], [0, 0, 3, 0, 0]], [4, 1], draws=1000, seed=1)
    assert np.isnan(same.value) and np.isnan(same.low) and same.n == 5
    alone = agreement.alpha_estimate([[0, 1, 0, 0, 0]], [7])
    assert np.isnan(alone.value) and alone.n == 0
    empty = agreement.alpha_interval(np.empty((0, 5)), np.empty(0), draws=1000, seed=1)
    assert np.isnan(empty.value) and empty.n == 0


def test_bootstrap_is_seeded_and_matches_resampling_units_one_by_one():
    rng = np.random.default_rng(21)
    matrix = _random_matrix(rng, 2, 150, 0.0)
    counts = _patterns(matrix)
    ones = np.ones(len(counts))
    first = agreement.alpha_interval(counts, ones, draws=inter_rater.BOOTSTRAP_DRAWS, seed=5)
    assert first == agreement.alpha_interval(counts, ones, draws=inter_rater.BOOTSTRAP_DRAWS, seed=5)
    assert first != agreement.alpha_interval(counts, ones, draws=inter_rater.BOOTSTRAP_DRAWS, seed=6)
    assert first.low < first.value < first.high
    slow = oracles.alpha_bootstrap_ci(matrix, draws=400, seed=5)  # the package on each resample
    assert abs(first.low - slow.low) < 0.04 and abs(first.high - slow.high) < 0.04
    assert inter_rater.BOOTSTRAP_DRAWS >= 1000


def test_pooled_agreement_counts_every_two_raters_of_a_unit():
    # a unit scored 2, 2, 3: three rater pairs, one equal, all within one point
    n_pairs, exact, within = agreement.pooled_agreement([[0, 0, 2, 1, 0], [1, 0, 0, 0, 1]], [1, 1])
    assert n_pairs == 4 and exact == pytest.approx(1 / 4) and within == pytest.approx(3 / 4)


@pytest.mark.parametrize("seed", range(8))
def test_contingency_figures_equal_sklearn_and_krippendorff(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 5, int(rng.integers(3, 80)))
    b = np.clip(a + rng.integers(-2, 3, a.size), 0, 4)
    table = np.zeros((1, 5, 5))
    np.add.at(table, (0, a, b), 1)
    figures = {k: v[0] for k, v in agreement.contingency_figures(table).items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = cohen_kappa_score(a, b, labels=[0, 1, 2, 3, 4])
        quad = cohen_kappa_score(a, b, labels=[0, 1, 2, 3, 4], weights="quadratic")
    assert figures["n_units"] == a.size
    assert figures["percent_agreement"] == pytest.approx(np.mean(a == b), abs=1e-12)
    assert figures["percent_within_one"] == pytest.approx(np.mean(np.abs(a - b) <= 1), abs=1e-12)
    assert abs(figures["cohen_kappa"] - plain) <= 1e-9
    assert abs(figures["weighted_kappa"] - quad) <= 1e-9
    expected = krippendorff.alpha(
        np.vstack([a, b]).astype(float),
        level_of_measurement="ordinal",
        value_domain=[0, 1, 2, 3, 4],
    )
    assert abs(figures["krippendorff_alpha"] - expected) <= 1e-9
