"""Known-answer tests of dashboard.validation against independent implementations (statsmodels,
scipy, numpy least squares, hand-worked formulas and simulations) on seeded data of known structure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
from statsmodels.stats.power import NormalIndPower

from dashboard.validation import group_gaps as gg
from dashboard.validation import survival as sv
from dashboard.validation import validity as va

Z = stats.norm.ppf(0.975)


def assert_no_nan(result) -> None:
    """No NaN anywhere in a result: a frame's float columns, a dataclass's fields (recursively)."""
    if isinstance(result, pl.DataFrame):
        for name, dtype in result.schema.items():
            if dtype.is_float():
                assert not result[name].is_nan().any(), f"NaN in column {name}"
    elif dataclasses.is_dataclass(result):
        for field in dataclasses.fields(result):
            assert_no_nan(getattr(result, field.name))
    elif isinstance(result, float):
        assert math.isfinite(result)


def tenures(seed: int = 7, n: int = 120):
    """Tenures in 30-day steps (many ties) with about a third censored."""
    rng = np.random.default_rng(seed)
    leave = rng.exponential(500, n)
    censor = rng.uniform(60, 1500, n)
    t = np.ceil(np.minimum(leave, censor) / 30) * 30
    return t, (leave <= censor).astype(int)


# ---------------------------------------------------------------- survival


def test_kaplan_meier_matches_statsmodels_with_log_log_interval():
    t, e = tenures()
    km = sv.kaplan_meier(t, e)
    ref = SurvfuncRight(t, e)
    s = ref.surv_prob
    se_loglog = ref.surv_prob_se / (s * np.abs(np.log(s)))
    curve = km.curve.filter(pl.col("day").is_in(ref.surv_times.tolist()))
    assert km.n == len(t) and km.events == e.sum()
    np.testing.assert_allclose(curve["survival"].to_numpy(), s, rtol=1e-12)
    np.testing.assert_array_equal(curve["at_risk"].to_numpy(), ref.n_risk)
    ok = (s < 1) & (s > 0)  # the interval is degenerate at 1 and 0
    np.testing.assert_allclose(curve["low"].to_numpy()[ok], (s ** np.exp(Z * se_loglog))[ok], rtol=1e-9)
    np.testing.assert_allclose(curve["high"].to_numpy()[ok], (s ** np.exp(-Z * se_loglog))[ok], rtol=1e-9)
    assert km.median == pytest.approx(ref.quantile(0.5))
    assert_no_nan(km)


def test_median_not_reached_is_none_and_milestones_read_the_step_curve():
    t = np.array([30, 60, 60, 90, 400, 400, 500, 800, 800, 900], dtype=float)
    e = np.array([1, 1, 0, 0, 0, 1, 0, 0, 0, 0])
    km = sv.kaplan_meier(t, e)
    assert km.median is None and "not reached" in km.median_reason
    ref = SurvfuncRight(t, e)
    at = sv.survival_at_days(t, e)
    assert at.columns == ["day", "at_risk", "survival", "low", "high"]
    assert at["at_risk"].to_list() == [int((t >= d).sum()) for d in (182, 365, 730, 1095)]
    expected_365 = ref.surv_prob[ref.surv_times <= 365][-1]
    assert at["survival"][1] == pytest.approx(expected_365)
    assert at["survival"][3] is None  # past the longest follow-up (900 days)
    assert_no_nan(at)


def test_monthly_curve_steps_to_the_longest_follow_up():
    t, e = tenures()
    monthly = sv.survival_by_month(t, e)
    assert monthly.columns == ["month", "day", "at_risk", "survival", "low", "high"]
    assert monthly.height == math.floor(t.max() / sv.MONTH_DAYS) + 1
    assert monthly.filter(pl.col("month") == 12)["day"][0] == pytest.approx(365.25)
    assert (monthly["survival"].diff().drop_nulls() <= 0).all()
    at_year = sv.survival_at_days(t, e, [365.25])
    assert monthly.filter(pl.col("month") == 12).drop("month").equals(at_year)


def test_logrank_matches_statsmodels_survdiff():
    t, e = tenures(seed=11, n=150)
    rng = np.random.default_rng(3)
    bands = rng.choice(sv.BANDS, size=len(t))
    t = np.where(bands == "5-6", t * 1.8, t)  # the top band stays longer
    result = sv.logrank_by_band(t, e, bands)
    chi2, p = survdiff(t, e, bands)
    assert result.statistic == pytest.approx(chi2, rel=1e-9)
    assert result.p == pytest.approx(p, rel=1e-6)
    assert result.df == 2 and result.n == len(t)
    assert result.groups["n"].to_list() == [int((bands == b).sum()) for b in sv.BANDS]


def planted_cox(seed: int = 5, n: int = 300, beta: float = -0.5):
    """Exponential tenures whose hazard falls by exp(beta) per point of a 0-4 score; some censoring."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, n).astype(float)
    leave = rng.exponential(400 / np.exp(beta * x))
    censor = rng.uniform(100, 2000, n)
    return np.ceil(np.minimum(leave, censor) / 7) * 7, (leave <= censor).astype(int), x


def test_cox_matches_statsmodels_efron_and_recovers_planted_effect():
    t, e, x = planted_cox()
    cox = sv.cox_single(t, e, x, "balance")
    ref = PHReg(t, x[:, None], status=e, ties="efron").fit()
    ci = np.exp(ref.conf_int()[0])
    assert cox.hazard_ratio == pytest.approx(math.exp(ref.params[0]), rel=1e-5)
    assert (cox.low, cox.high) == pytest.approx(tuple(ci), rel=1e-4)
    assert cox.p == pytest.approx(ref.pvalues[0], rel=1e-3, abs=1e-12)
    assert cox.hires == len(t) and cox.events == e.sum()
    assert cox.high < 1 and cox.low < math.exp(-0.5) < cox.high  # protective, true HR inside
    assert 0 <= cox.ph_p <= 1 and cox.ph_violated == (cox.ph_p < 0.05)


def test_cox_each_gives_a_row_per_predictor_with_reasons():
    t, e, x = planted_cox()
    frame = pl.DataFrame({"tenure": t, "left": e, "balance": x, "fit": np.full(len(t), 3.0)})
    out = sv.cox_each(frame, ["balance", "fit"])
    assert out["predictor"].to_list() == ["balance", "fit"]
    assert out["hazard_ratio"][0] < 1 and out["hazard_ratio"][1] is None
    assert out["reason"][1] == "everyone has the same score"
    assert_no_nan(out)


def test_cox_minimums():
    t, e, x = planted_cox(n=9)
    assert sv.cox_single(t, e, x).reason.startswith("too few: 9 hires")
    t, e, x = planted_cox(n=40)
    e = np.zeros_like(e)
    e[:2] = 1
    few = sv.cox_single(t, e, x)
    assert few.hazard_ratio is None and few.reason.startswith("too few: 2 leavers")


def test_profile_bands():
    assert [sv.profile_band(c) for c in range(7)] == ["0-2"] * 3 + ["3-4"] * 2 + ["5-6"] * 2
    assert sv.profile_band(None) is None
    themes = sv.THEMES
    frame = pl.DataFrame(
        {t: [4, 3, 2, None] if i < 5 else [4, 4, 2, 4] for i, t in enumerate(themes)},
        schema={t: pl.Int64 for t in themes},
    )
    out = sv.with_profile_band(frame)
    assert out["themes_shown"].to_list() == [6, 6, 0, None]
    assert out["profile_band"].to_list() == ["5-6", "5-6", "0-2", None]
    mixed = pl.DataFrame({t: [3 if i < 3 else 2] for i, t in enumerate(themes)})
    assert sv.with_profile_band(mixed)["profile_band"].to_list() == ["3-4"]


# ---------------------------------------------------------------- validity


def test_pearson_matches_scipy_interval():
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    y = 0.4 * x + rng.normal(size=60)
    ours = va.pearson(x, y)
    ref = stats.pearsonr(x, y)
    ci = ref.confidence_interval(0.95)
    assert ours.r == pytest.approx(ref.statistic) and ours.n == 60
    assert (ours.low, ours.high) == pytest.approx((ci.low, ci.high))
    assert ours.half_width == pytest.approx((ci.high - ci.low) / 2)
    assert va.interval_half_width(ours.r, 60) == pytest.approx(ours.half_width)


def test_pearson_uses_complete_pairs_only():
    x = [1, 2, None, 4, 5, float("nan")]
    y = [2, 1, 3, 5, 4, 6]
    assert va.pearson(x, y).n == 4
    assert va.pearson(x, y).r == pytest.approx(stats.pearsonr([1, 2, 4, 5], [2, 1, 5, 4]).statistic)


def test_thorndike_case_two_hand_worked():
    # r = .30, u = .6: U = 5/3, r*U = .5, 1 + .09 * (25/9 - 1) = 1.16, r_c = .5 / sqrt(1.16)
    assert va.correct_range_restriction(0.30, 0.6) == pytest.approx(0.464238, abs=1e-6)
    assert va.correct_range_restriction(0.30, 1.0) == pytest.approx(0.30)
    assert va.correct_range_restriction(0.30, 0) is None
    assert va.correct_range_restriction(0.30, None) is None


def test_thorndike_case_two_recovers_rho_after_selection_on_the_predictor():
    rng = np.random.default_rng(2)
    rho, n = 0.5, 200_000
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
    hired = x > np.quantile(x, 0.7)  # top 30% by the predictor
    result = va.corrected_validity(x[hired], y[hired], x)
    assert result.observed.r < 0.35  # restricted
    assert result.u == pytest.approx(np.std(x[hired], ddof=1) / np.std(x, ddof=1))
    assert result.r == pytest.approx(rho, abs=0.015)
    assert result.low < result.r < result.high


def test_hires_needed_and_power():
    assert va.hires_needed(0.30) == 85  # ((1.95996 + 0.84162) / atanh .3)^2 + 3 = 84.9
    power = NormalIndPower()
    for r in va.DETECTABLE_R:
        n = va.hires_needed(r)
        z_n = power.solve_power(effect_size=math.atanh(r), alpha=0.05, power=0.80, ratio=0)
        assert n == math.ceil(z_n + 3)
        assert 0.80 <= va.power_at(n, r) < 0.82
        assert va.power_at(n - 1, r) < 0.80
        ref = power.power(effect_size=math.atanh(r), nobs1=n - 3, alpha=0.05, ratio=0)
        assert va.power_at(n, r) == pytest.approx(ref, rel=1e-9)
    table = va.hires_needed_table(hires_so_far=30)
    assert table["hires_needed"].to_list() == [va.hires_needed(r) for r in (0.2, 0.3, 0.42)]
    assert va.power_at(3, 0.3) is None


def test_power_by_simulation():
    rng = np.random.default_rng(4)
    r, n, reps = 0.30, 85, 4000
    x = rng.normal(size=(reps, n))
    y = r * x + math.sqrt(1 - r * r) * rng.normal(size=(reps, n))
    xc, yc = x - x.mean(1, keepdims=True), y - y.mean(1, keepdims=True)
    rs = (xc * yc).sum(1) / np.sqrt((xc**2).sum(1) * (yc**2).sum(1))
    rejected = np.abs(np.arctanh(rs)) * math.sqrt(n - 3) > Z
    assert rejected.mean() == pytest.approx(va.power_at(n, r), abs=0.025)


def test_when_known():
    as_of = dt.date(2025, 1, 1)
    hires = [dt.date(2024, 6, 1)] * 20 + [dt.date(2023, 6, 1)] * 10 + [dt.date(2020, 1, 1)] * 50
    rate = va.hiring_rate(hires, as_of)
    assert rate == 15.0
    when = va.when_known(85, 40, rate, as_of)
    assert when.remaining == 45 and when.status == "estimated"
    assert when.date == as_of + dt.timedelta(days=math.ceil(3 * 365.25))
    assert va.when_known(85, 90, rate, as_of).status == "reached"
    none = va.when_known(85, 40, 0.0, as_of)
    assert none.date is None and none.status == "no recent hires"


def test_benchmarks_cite_sackett_2022():
    assert va.STRUCTURED_INTERVIEW.r == 0.42 and va.UNSTRUCTURED_INTERVIEW.r == 0.19
    assert "Sackett" in va.STRUCTURED_INTERVIEW.citation and "2022" in va.STRUCTURED_INTERVIEW.citation


# ---------------------------------------------------------------- group gaps


def test_cohens_d_by_hand():
    a, b = [3, 4, 4, 2], [2, 2, 3, 1, 2]
    # means 3.25 and 2.0; variances 0.916667 and 0.5; pooled sqrt((3*.916667 + 4*.5)/7)
    pooled = math.sqrt((3 * (11 / 12) + 4 * 0.5) / 7)
    d = 1.25 / pooled
    se = math.sqrt(9 / 20 + d * d / 18)
    result = gg.cohens_d(a, b, "B", "A")
    assert result.d == pytest.approx(d) and (result.n, result.reference_n) == (4, 5)
    assert (result.low, result.high) == pytest.approx((d - Z * se, d + Z * se))


def test_reference_group_is_the_largest_ties_alphabetical():
    assert gg.reference_group(["b", "a", "b", "a", "c", None]) == "a"
    assert gg.reference_group(["b", "b", "a"]) == "b"
    assert gg.reference_group([]) is None
    out = gg.cohens_d_by_group([1, 2, 3, 2, 3, 4, 4], ["x", "x", "x", "y", "y", "y", "z"])
    assert out["group"].to_list() == ["y", "z"] and out["reference"].to_list() == ["x", "x"]
    assert out["d"][1] is None and out["reason"][1].startswith("too few")
    assert_no_nan(out)


def ols_reference(x, y, g, group):
    """Cleary by numpy least squares and the textbook covariance s^2 (X'X)^-1, t intervals."""
    is_g = (np.asarray(g) == group).astype(float)
    xc = x - x.mean()
    design = np.column_stack([np.ones(len(x)), xc, is_g, xc * is_g])
    beta, rss, *_ = np.linalg.lstsq(design, y, rcond=None)
    dof = len(x) - design.shape[1]
    se = np.sqrt(np.diag(rss[0] / dof * np.linalg.inv(design.T @ design)))
    t = stats.t.ppf(0.975, dof)
    return beta, beta - t * se, beta + t * se


def cleary_data(seed: int, slope_gap: float, n: int = 400):
    rng = np.random.default_rng(seed)
    g = np.where(rng.random(n) < 0.4, "B", "A")
    x = rng.integers(0, 5, n) + rng.normal(0, 0.3, n)
    slope = np.where(g == "B", 0.5 + slope_gap, 0.5)
    return x, 1 + slope * x + rng.normal(0, 0.5, n), g


def test_cleary_matches_least_squares_and_finds_planted_slope_difference():
    x, y, g = cleary_data(8, slope_gap=-0.4)
    result = gg.cleary(x, y, g, "B", "A")
    beta, low, high = ols_reference(x, y, g, "B")
    assert result.slope_difference == pytest.approx(beta[3]) and result.intercept_difference == pytest.approx(
        beta[2]
    )
    assert (result.slope_low, result.slope_high) == pytest.approx((low[3], high[3]))
    assert (result.intercept_low, result.intercept_high) == pytest.approx((low[2], high[2]))
    assert result.slope_high < 0 and result.slope_low < -0.4 < result.slope_high
    assert result.n == 400 and result.group_n == (g == "B").sum()


def test_cleary_without_a_difference_covers_zero_and_refuses_thin_or_singular_data():
    x, y, g = cleary_data(9, slope_gap=0.0)
    result = gg.cleary(x, y, g, "B", "A")
    assert result.slope_low < 0 < result.slope_high and result.intercept_low < 0 < result.intercept_high
    thin = gg.cleary(x[:30], y[:30], np.array(["A"] * 26 + ["B"] * 4), "B", "A")
    assert thin.slope_difference is None and thin.reason.startswith("too few to test")
    flat = np.where(g == "B", 2.0, x)
    singular = gg.cleary(flat, y, g, "B", "A")
    assert singular.slope_difference is None and "do not vary" in singular.reason
    assert_no_nan(singular)


def panel_ratings(seed: int = 12, interviews: int = 200, raters: int = 6, per_panel: int = 3) -> pl.DataFrame:
    """Panels of 3 of 6 raters; rater 'r0' scores group B one point lower on 'fit' only."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(interviews):
        group = "B" if rng.random() < 0.4 else "A"
        panel = rng.choice(raters, per_panel, replace=False)
        for theme in sv.THEMES:
            true = rng.normal(2.2, 0.4)
            for r in panel:
                bias = -1.0 if (r == 0 and group == "B" and theme == "fit") else 0.0
                score = int(np.clip(np.rint(true + bias + rng.normal(0, 0.4)), 0, 4))
                rows.append((f"i{i}", f"r{r}", theme, score, group))
    return pl.DataFrame(rows, schema=["interview_id", "rater_id", "theme", "score", "group"], orient="row")


def test_rater_gaps_flag_the_planted_rater_on_that_theme_only():
    gaps = gg.rater_group_gaps(panel_ratings())
    assert gaps.columns == list(gg.GAP_SCHEMA)
    assert set(gaps["reference"]) == {"A"} and set(gaps["group"]) == {"B"}
    flagged = gaps.filter(pl.col("flagged"))
    assert flagged.select("rater_id", "theme").rows() == [("r0", "fit")]
    planted = flagged.row(0, named=True)
    assert planted["low"] < -1 < planted["high"] or abs(planted["difference"] + 1) < 0.25
    assert planted["interviews"] >= 20 and planted["reference_interviews"] >= 20
    assert gaps.filter(pl.col("rater_id") != "r0")["flagged"].sum() == 0
    assert_no_nan(gaps)


def test_rater_gap_matches_a_hand_computation_and_single_rater_panels_give_nothing():
    ratings = pl.DataFrame(
        {
            "interview_id": ["1", "1", "2", "2", "3", "3", "4", "4"],
            "rater_id": ["x", "y"] * 4,
            "theme": ["fit"] * 8,
            "score": [3, 3, 4, 3, 1, 3, 2, 3],
            "group": ["A", "A", "A", "A", "B", "B", "B", "B"],
        }
    )
    gaps = gg.rater_group_gaps(ratings, reference="A")
    x = gaps.filter(pl.col("rater_id") == "x").row(0, named=True)
    # x's gaps: A -> 0, 1; B -> -2, -1; difference = -1.5 - 0.5 = -2
    assert x["difference"] == pytest.approx(-2.0)
    ci = stats.ttest_ind([-2, -1], [0, 1], equal_var=False).confidence_interval(0.95)
    assert (x["low"], x["high"]) == pytest.approx((ci.low, ci.high))
    single = ratings.filter(pl.col("rater_id") == "x")
    out = gg.rater_group_gaps(single)
    assert out.height == 0 and out.columns == list(gg.GAP_SCHEMA)


# ---------------------------------------------------------------- thin data


def test_thin_data_gives_reasons_not_exceptions_or_nan():
    empty = []
    results = [
        sv.kaplan_meier(empty, empty),
        sv.survival_at_days(empty, empty),
        sv.survival_by_month(empty, empty),
        sv.logrank_by_band(empty, empty, empty),
        sv.cox_single(empty, empty, empty),
        sv.cox_each(pl.DataFrame(schema={"tenure": pl.Float64, "left": pl.Int64}), []),
        va.pearson(empty, empty),
        va.corrected_validity(empty, empty, empty),
        gg.cohens_d(empty, empty),
        gg.cohens_d_by_group(empty, empty),
        gg.cleary(empty, empty, empty, "B", "A"),
        gg.rater_group_gaps(
            pl.DataFrame(schema=gg.GAP_SCHEMA | {"interview_id": pl.Utf8, "score": pl.Int64})
        ),
    ]
    for result in results:
        assert_no_nan(result)
    assert results[0].median is None and results[0].reason == "no hires"
    assert results[1]["survival"].null_count() == 4 and results[2].height == 0


def test_no_events_one_group_equal_scores_and_one_person():
    t = np.arange(1, 21) * 30.0
    no_events = np.zeros(20, dtype=int)
    km = sv.kaplan_meier(t, no_events)
    assert km.median is None and km.events == 0 and (km.curve["survival"].drop_nulls() == 1).all()
    assert_no_nan(km)
    assert_no_nan(sv.survival_by_month(t, no_events))
    assert sv.logrank_by_band(t, no_events, ["0-2", "3-4"] * 10).reason == "no one has left yet"
    assert sv.logrank_by_band(t, np.ones(20), ["3-4"] * 20).reason == "fewer than two groups with hires"
    cox = sv.cox_single(t, no_events, np.arange(20) % 5)
    assert cox.hazard_ratio is None and "too few" in cox.reason
    same = va.pearson([2] * 10, range(10))
    assert same.r is None and same.low is None and "no variation" in same.reason
    one = va.pearson([1], [2])
    assert one.r is None and one.n == 1 and one.half_width is None
    assert va.range_ratio([3], [1, 2, 3]) is None and va.range_ratio([1, 2], [2, 2, 2]) is None
    flat = gg.cohens_d([2, 2, 2], [2, 2])
    assert flat.d is None and flat.reason == "no variation within the groups"
    assert gg.cohens_d_by_group([1, 2, 3], ["A", "A", "A"]).height == 0
    assert sv.kaplan_meier([100], [1]).median == 100
    assert_no_nan(sv.survival_at_days([100], [1], [50, 100, 200]))


def test_scaled_schoenfeld_residuals_equal_lifelines_own():
    """The vectorised residuals behind the proportional-hazards check are lifelines' to rounding,
    with tied tenures, censoring and a discrete score (as the themes are)."""
    import pandas as pd
    from lifelines import CoxPHFitter

    from dashboard.validation.survival import scaled_schoenfeld

    rng = np.random.default_rng(11)
    for n in (40, 600, 3000):
        x = rng.integers(0, 5, n).astype(float)
        t = np.ceil(rng.exponential(300 * np.exp(0.3 * x)))
        c = np.ceil(rng.uniform(50, 900, n))
        frame = pd.DataFrame({"tenure": np.minimum(t, c), "left": (t <= c).astype(int), "x": x})
        cph = CoxPHFitter().fit(frame, "tenure", "left", batch_mode=True)
        ours = scaled_schoenfeld(cph, frame, "x")
        theirs = cph.compute_residuals(frame, "scaled_schoenfeld")
        assert list(ours.index) == list(theirs.index)
        np.testing.assert_allclose(ours["x"].to_numpy(), theirs["x"].to_numpy(), rtol=1e-10, atol=1e-12)
