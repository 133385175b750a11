"""Tests for dashboard.core.stats against published examples, hand-worked answers and sklearn/scipy."""

import math

import numpy as np
import oracles
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from sklearn.metrics import cohen_kappa_score

from dashboard.core import contract, stats
from dashboard.leadership import privacy

NAN = np.nan
# Krippendorff (2011) "Computing Krippendorff's alpha-reliability", 4 observers x 12 units,
# values 1-5 shifted down by one onto our 0-4 scale (nominal, ordinal and interval alpha do not
# change under a shift; ratio alpha does, so the published ratio value is not checked here).
KRIPP_2011 = (
    np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
            [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
        ]
    )
    - 1
)


def test_percent_agreement_skips_missing_pairs():
    a = [0, 1, 2, None, 4, NAN]
    b = [0, 2, 2, 3, None, 1]
    assert oracles.percent_agreement(a, b) == stats.Estimate(2 / 3, 3)
    assert oracles.percent_within_one(a, b) == stats.Estimate(1.0, 3)


def test_percent_within_one_counts_two_apart_as_disagreement():
    assert oracles.percent_within_one([0, 0, 4, 2], [1, 2, 4, 4]) == stats.Estimate(0.5, 4)


def test_agreement_with_no_pairs_is_nan_with_n_zero():
    value, n = oracles.percent_agreement([None, 1], [2, None])
    assert math.isnan(value) and n == 0


def test_agreement_accepts_polars_series_with_nulls():
    a = pl.Series([1, None, 3])
    b = pl.Series([1, 2, 2])
    assert oracles.percent_agreement(a, b) == stats.Estimate(0.5, 2)


def test_paired_inputs_must_have_same_length():
    with pytest.raises(ValueError):
        oracles.percent_agreement([1, 2], [1])


def test_cohen_kappa_hand_worked():
    # observed agreement 3/4; each rater uses 0 and 1 half the time -> chance 1/2; kappa 0.5
    assert oracles.cohen_kappa([0, 0, 1, 1], [0, 1, 1, 1]).value == pytest.approx(0.5)


def test_cohen_kappa_degenerate_single_category_is_nan():
    value, n = oracles.cohen_kappa([2, 2, 2], [2, 2, 2])
    assert math.isnan(value) and n == 3


def test_cohen_kappa_rejects_off_scale_scores():
    with pytest.raises(ValueError):
        oracles.cohen_kappa([0, 5], [0, 1])
    with pytest.raises(ValueError):
        oracles.cohen_kappa([0, 1.5], [0, 1])


def test_cohen_kappa_rejects_unknown_weights():
    with pytest.raises(ValueError):
        oracles.cohen_kappa([0, 1], [0, 1], weights="linear-ish")


scores = st.one_of(st.none(), st.integers(0, 4))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(scores, scores), min_size=1, max_size=40))
def test_cohen_kappa_matches_sklearn(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    kept = [(x, y) for x, y in pairs if x is not None and y is not None]
    for weights in (None, "quadratic"):
        value, n = oracles.cohen_kappa(a, b, weights=weights)
        assert n == len(kept)
        if not kept:
            assert math.isnan(value)
            continue
        ka, kb = zip(*kept)
        expected = cohen_kappa_score(ka, kb, labels=list(range(5)), weights=weights)
        if math.isnan(expected):
            assert math.isnan(value)
        else:
            assert value == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)],
)
def test_krippendorff_published_example(level, published):
    value, n = oracles.krippendorff_alpha(KRIPP_2011, level)
    assert round(value, 3) == published
    assert n == 11  # the last unit has a single value and is not pairable


def _ordinal_alpha_by_hand(matrix):
    """Coincidence-matrix ordinal alpha written out from Krippendorff (2011), for checking."""
    k = 5
    o = np.zeros((k, k))
    for unit in matrix.T:
        vals = unit[~np.isnan(unit)].astype(int)
        if vals.size < 2:
            continue
        for i, c in enumerate(vals):
            for j, kk in enumerate(vals):
                if i != j:
                    o[c, kk] += 1 / (vals.size - 1)
    n_c = o.sum(1)
    n = n_c.sum()
    delta = np.zeros((k, k))
    for c in range(k):
        for kk in range(k):
            lo, hi = min(c, kk), max(c, kk)
            delta[c, kk] = (n_c[lo : hi + 1].sum() - (n_c[c] + n_c[kk]) / 2) ** 2
    d_o = (o * delta).sum()
    d_e = (np.outer(n_c, n_c) * delta).sum() / (n - 1)
    return 1 - d_o / d_e


def test_ordinal_alpha_matches_hand_computation():
    assert oracles.krippendorff_alpha_ordinal(KRIPP_2011).value == pytest.approx(
        _ordinal_alpha_by_hand(KRIPP_2011), abs=1e-12
    )
    rng = np.random.default_rng(7)
    m = rng.integers(0, 5, (3, 20)).astype(float)
    m[rng.random(m.shape) < 0.2] = NAN
    assert oracles.krippendorff_alpha_ordinal(m).value == pytest.approx(_ordinal_alpha_by_hand(m), abs=1e-12)


def test_alpha_without_variation_is_nan():
    value, n = oracles.krippendorff_alpha_ordinal([[2, 2, NAN], [2, 2, 3]])
    assert math.isnan(value) and n == 2


def test_alpha_bootstrap_is_reproducible_and_brackets_point():
    first = oracles.alpha_bootstrap_ci(KRIPP_2011, draws=300, seed=11)
    again = oracles.alpha_bootstrap_ci(KRIPP_2011, draws=300, seed=11)
    other = oracles.alpha_bootstrap_ci(KRIPP_2011, draws=300, seed=12)
    assert first == again
    assert first != other
    assert first.low <= first.value <= first.high <= 1.0
    assert first.n == 11


def test_alpha_bootstrap_narrows_with_level():
    wide = oracles.alpha_bootstrap_ci(KRIPP_2011, draws=300, seed=3, level=0.95)
    narrow = oracles.alpha_bootstrap_ci(KRIPP_2011, draws=300, seed=3, level=0.50)
    assert wide.low <= narrow.low <= narrow.high <= wide.high


@pytest.mark.parametrize(
    ("alpha", "label"),
    [
        (0.95, "reliable"),
        (0.800, "reliable"),
        (0.7999, "tentative"),
        (0.667, "tentative"),
        (0.6669, "unreliable"),
        (-0.2, "unreliable"),
        (NAN, "undetermined"),
    ],
)
def test_reliability_label(alpha, label):
    assert stats.reliability_label(alpha) == label


def test_the_small_sample_threshold_is_ten_and_defined_once():
    assert contract.SMALL_SAMPLE == 10
    assert stats.SMALL_SAMPLE is contract.SMALL_SAMPLE and privacy.THRESHOLD is contract.SMALL_SAMPLE


def test_hedges_g_hand_worked():
    # means 4 and 2; variances 4 and 1; pooled SD sqrt(2.5); J = 1 - 3/(4*6 - 9) = 0.8
    res = stats.hedges_g([2, 4, 6], [1, 2, 3])
    assert res.g == pytest.approx(0.8 * 2 / math.sqrt(2.5))
    assert (res.mean_x, res.mean_y, res.diff, res.n_x, res.n_y) == (4, 2, 2, 3, 3)
    assert res.ci_method == "analytic"
    assert res.ci_low < res.g < res.ci_high


def test_hedges_g_bootstrap_interval_is_seeded_and_sensible():
    rng = np.random.default_rng(0)
    x, y = rng.normal(1, 1, 40), rng.normal(0, 1, 35)
    res = stats.hedges_g(x, y, seed=5)
    assert res.ci_method == "bootstrap"
    assert res.ci_low < res.g < res.ci_high
    assert res == stats.hedges_g(x, y, seed=5)
    assert res == stats.hedges_g(x[::-1], rng.permutation(y), seed=5)  # row order does not matter
    analytic = stats._g_analytic_ci(res.g, 40, 35)
    assert res.ci_low == pytest.approx(analytic[0], abs=0.25)


def test_hedges_g_large_groups_use_the_analytic_interval():
    rng = np.random.default_rng(2)
    x, y = rng.integers(0, 5, 400), rng.integers(0, 5, stats.BOOTSTRAP_MAX_N - 399)
    res = stats.hedges_g(x, y)
    assert res.ci_method == "analytic"
    assert (res.ci_low, res.ci_high) == pytest.approx(stats._g_analytic_ci(res.g, x.size, y.size))
    at_limit = stats.hedges_g(x, y[:-1])
    assert at_limit.ci_method == "bootstrap"
    assert at_limit.ci_low == pytest.approx(res.ci_low, abs=0.02)


def test_hedges_g_degenerate_cases():
    assert math.isnan(stats.hedges_g([1], [1, 2]).g)
    no_spread = stats.hedges_g([3, 3, 3, 3, 3], [3, 3, 3, 3, 3])
    assert math.isnan(no_spread.g) and no_spread.ci_method == "none"
    ignores_missing = stats.hedges_g([2, 4, 6, None], [1, 2, NAN, 3])
    assert (ignores_missing.n_x, ignores_missing.n_y) == (3, 3)


def test_proportion_ci_wilson_hand_value():
    # Wilson interval for 3/10 at 95%: centre (3 + z^2/2)/(10 + z^2), known to 4 places
    res = stats.proportion_ci(3, 10)
    assert (res.value, res.n) == (0.3, 10)
    assert res.low == pytest.approx(0.1078, abs=1e-4)
    assert res.high == pytest.approx(0.6032, abs=1e-4)
    assert math.isnan(stats.proportion_ci(0, 0).value)


def test_mean_ci_t_interval():
    res = stats.mean_ci([1, 2, 3, 4, None])
    half = sps.t.ppf(0.975, 3) * np.std([1, 2, 3, 4], ddof=1) / 2
    assert (res.value, res.n) == (2.5, 4)
    assert res.low == pytest.approx(2.5 - half) and res.high == pytest.approx(2.5 + half)
    single = stats.mean_ci([3])
    assert single.value == 3 and math.isnan(single.low)


def test_proportion_ci_equals_scipy_wilson():
    for k, n in [(0, 7), (7, 7), (1, 2), (13, 40), (512, 1000)]:
        ours = stats.proportion_ci(k, n)
        ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert (ours.low, ours.high) == pytest.approx((ref.low, ref.high), abs=1e-12)


def test_mean_ci_from_summary_equals_mean_ci():
    groups = [[1, 2, 3, 4], [0, 2, 2, 5, 1, 1], [3, 3, 3], [2]]
    low, high = stats.mean_ci_from_summary(
        [np.mean(g) for g in groups],
        [np.std(g, ddof=1) if len(g) > 1 else np.nan for g in groups],
        [len(g) for g in groups],
    )
    for g, lo, hi in zip(groups, low, high, strict=True):
        ref = stats.mean_ci(g)
        assert (lo, hi) == pytest.approx((ref.low, ref.high), nan_ok=True)


def test_correlation_ci_fisher_z():
    x, y = [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]
    res = stats.correlation_ci(x + [None], y + [9])
    z, se = np.arctanh(res.value), 1 / math.sqrt(6 - 3)
    assert res.n == 6
    assert res.value == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert res.low == pytest.approx(np.tanh(z - 1.959964 * se), abs=1e-6)
    assert math.isnan(stats.correlation_ci([1, 1, 1, 1], [1, 2, 3, 4]).value)


def _groups(rows):
    return pl.DataFrame(rows, schema=["group", "applicants", "selected"], orient="row")


def test_impact_ratio_four_fifths_textbook():
    out = stats.impact_ratios(_groups([("A", 80, 48), ("B", 40, 12)]))
    a, b = out.rows(named=True)
    assert a["selection_rate"] == pytest.approx(0.6) and a["impact_ratio"] == 1.0
    assert a["is_reference"] and a["fisher_p"] is None and a["flag"] == "reference"
    assert b["impact_ratio"] == pytest.approx(0.5) and b["flag"] == "below 0.80"
    expected = sps.fisher_exact([[12, 28], [48, 32]]).pvalue
    assert b["fisher_p"] == pytest.approx(expected)


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400), st.integers(0, 400), st.booleans())
def test_fisher_two_sided_equals_scipy(a, b, c, d, large):
    if large:  # a statewide stage: tens of thousands of applicants per group
        a, b, c, d = a * 97, b * 101, c * 89, d * 103
    expected = sps.fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue
    assert stats.fisher_two_sided(a, b, c, d) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_fisher_two_sided_at_the_edges():
    assert stats.fisher_two_sided(0, 0, 0, 0) == 1.0  # no applicants at all
    assert stats.fisher_two_sided(5, 0, 7, 0) == 1.0  # nobody selected anywhere: one table
    assert stats.fisher_two_sided(3, 3, 3, 3) == pytest.approx(1.0)  # the most likely table
    assert stats.fisher_two_sided(10, 0, 0, 10) == pytest.approx(sps.fisher_exact([[10, 0], [0, 10]]).pvalue)


def test_impact_ratio_fisher_tea_tasting_value():
    # Fisher's tea-tasting table [[1, 3], [3, 1]]: two-sided p = 34/70
    out = stats.impact_ratios(_groups([("ref", 4, 3), ("g", 4, 1)]), min_applicants=1)
    assert out["fisher_p"][1] == pytest.approx(34 / 70)


def test_impact_ratio_small_groups_and_reference_choice():
    out = stats.impact_ratios(_groups([("tiny", 3, 3), ("A", 50, 25), ("B", 50, 22), ("empty", 0, 0)]))
    flags = dict(zip(out["group"], out["flag"]))
    assert flags == {
        "tiny": "too small to judge",
        "A": "reference",
        "B": "ok",
        "empty": "too small to judge",
    }
    assert out.filter(pl.col("group") == "empty")["selection_rate"][0] is None
    assert out.filter(pl.col("group") == "B")["impact_ratio"][0] == pytest.approx(0.88)


def test_impact_ratio_rejects_impossible_counts():
    with pytest.raises(ValueError):
        stats.impact_ratios(_groups([("A", 5, 6)]))
