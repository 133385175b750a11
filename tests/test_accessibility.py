"""WCAG 2.1 AA without a browser: the theme's colours reach 4.5:1 for every text style Streamlit
derives from them, and every chart builder gives a title, a description screen readers announce,
and colour-blind-safe colours that never carry a meaning alone. (The browser side, axe-core on
every page and role and the keyboard-only path, is tests/browser/test_accessibility_browser.py.)"""

from __future__ import annotations

import tomllib
from datetime import date

import altair as alt
import polars as pl
import pytest
from conftest import ROOT

from dashboard import charts
from dashboard.core.contract import THEMES

THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(colour: str, background: str, alpha: float) -> str:
    """`colour` drawn at `alpha` opacity over `background`."""
    mix = [
        round(alpha * int(colour[i : i + 2], 16) + (1 - alpha) * int(background[i : i + 2], 16))
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in mix)


def test_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near-miss


@pytest.mark.parametrize("background", ["backgroundColor", "secondaryBackgroundColor"])
def test_theme_text_and_captions_reach_4_5_to_1(background):
    bg, text = THEME[background], THEME["textColor"]
    assert contrast(text, bg) >= 7  # body text: AAA even
    # st.caption, help text and widget hints: the text colour at 60% over the background
    assert contrast(blend(text, bg, 0.6), bg) >= 4.5


def test_primary_colour_carries_white_button_text_and_reads_as_text():
    assert contrast("#ffffff", THEME["primaryColor"]) >= 4.5
    assert contrast(THEME["primaryColor"], THEME["backgroundColor"]) >= 4.5  # links, active tabs


def test_chart_text_colours_are_readable_on_the_background():
    for colour in ("#111111", "#333333", "#555555", charts.BAR_COLOUR, charts.style.TEXT):
        assert contrast(colour, THEME["backgroundColor"]) >= 4.5, colour


# --- chart builders --------------------------------------------------------------------------

_PROFILE = pl.DataFrame(
    {
        "theme": ["balance", "fit", "balance", "fit"],
        "series": ["score used", "score used", "Rater A", "Rater A"],
        "value": [2.5, None, 3.0, None],
        "rated": [True, False, True, False],
        "applicant": ["Ann", "Ann", "Ann", "Ann"],
    }
)
_HEATMAP = pl.DataFrame(
    {
        "trainee": ["T one (active)", "T one (active)"],
        "theme": ["balance", "fit"],
        "assessed": [True, False],
        "latest_score": [2.333, None],
        "intake_score": [1.0, None],
        "latest_purpose": ["exit", None],
        "latest_date": [date(2025, 6, 1), None],
        "label": ["2.3 (+1.3)", "not assessed"],
    }
)
CASES = {  # name: (builder, a frame it draws)
    "theme_profile": (charts.theme_profile_bar_chart, _PROFILE),
    "compare_profile": (
        charts.compare_profile_bar_chart,
        pl.concat([_PROFILE, _PROFILE.with_columns(applicant=pl.lit("Bo"))]),
    ),
    "prevalence": (
        charts.theme_prevalence_bar_chart,
        pl.DataFrame(
            {
                "group": ["A", "B"],
                "theme": ["fit", "fit"],
                "interviewed": ["40", "<11"],
                "showing": ["20", "<11"],
                "share": [0.5, None],
                "share_low": [0.35, None],
                "share_high": [0.65, None],
            }
        ),
    ),
    "funnel": (
        charts.hiring_funnel_bar_chart,
        pl.DataFrame(
            {
                "program": ["P"],
                "stage": ["applied"],
                "reached_n": [40],
                "reached": ["40"],
                "conversion": [0.5],
            }
        ),
    ),
    "cohort_growth": (
        charts.cohort_growth_point_chart,
        pl.DataFrame(
            {
                "cohort": ["C"],
                "theme": ["fit"],
                "trainees": ["14"],
                "mean_change": [0.5],
                "change_low": [0.1],
                "change_high": [0.9],
            }
        ),
    ),
    "effect_size": (
        charts.effect_size_point_chart,
        pl.DataFrame({"theme": ["fit"], "hedges_g": [0.8], "g_low": [0.2], "g_high": [1.4]}),
    ),
    "outcome_band": (
        charts.outcome_band_point_chart,
        pl.DataFrame({"band": ["0-2"], "hires": ["20"], "value": [0.7], "low": [0.5], "high": [0.85]}),
    ),
    "impact_ratio": (
        charts.impact_ratio_bar_chart,
        pl.DataFrame(
            {
                "group": ["a", "b"],
                "applicants": ["40", "30"],
                "selected": ["10", "12"],
                "impact_ratio": [0.62, 1.0],
                "flag": ["below 0.80", "reference"],
            }
        ),
    ),
    "trainee_heatmap": (charts.trainee_theme_heatmap_chart, _HEATMAP),
    "trainee_trajectory": (
        charts.trainee_trajectory_line_chart,
        pl.DataFrame(
            {"interview_date": [date(2025, 1, 1)], "purpose": ["intake"], "theme": ["fit"], "score": [2.0]}
        ),
    ),
    "cohort_trajectory": (
        charts.cohort_trajectory_line_chart,
        pl.DataFrame({"theme": ["fit"], "purpose": ["intake"], "n": [4], "mean_score": [2.25]}),
    ),
    "coverage_heatmap": (
        charts.curriculum_coverage_heatmap_chart,
        pl.DataFrame(
            {
                "module_name": ["M", "N"],
                "theme": ["fit", "balance"],
                "hours": [4.0, 2.0],
                "emphasis": [2, 1],
                "coverage": [8.0, 2.0],
            }
        ),
    ),
    "need_coverage": (
        charts.need_coverage_point_chart,
        pl.DataFrame(
            {
                "theme": ["fit"],
                "need": [1.5],
                "coverage": [8.0],
                "gap_rank": [1],
                "n_level": [5],
                "n_growth": [3],
            }
        ),
    ),
    "theme_alpha": (
        charts.theme_alpha_point_chart,
        pl.DataFrame(
            {
                "theme": ["fit"],
                "krippendorff_alpha": [0.71],
                "alpha_ci_low": [0.6],
                "alpha_ci_high": [0.8],
                "n_units": [40],
                "reading": ["tentative"],
            }
        ),
    ),
    "agreement_quarter": (
        charts.agreement_quarter_line_chart,
        pl.DataFrame(
            {
                "theme": ["fit"],
                "quarter": ["2025-Q1"],
                "krippendorff_alpha": [0.7],
                "percent_agreement": [0.6],
                "n_units": [12],
            }
        ),
    ),
    "rater_calibration": (
        charts.rater_calibration_point_chart,
        pl.DataFrame(
            {
                "rater_name": ["R"],
                "theme": ["fit"],
                "mean_difference": [0.3],
                "sd_difference": [0.5],
                "n_ratings": [20],
            }
        ),
    ),
    "survival_steps": (
        charts.survival_step_chart,
        pl.DataFrame(
            {
                "band": ["0-2", "0-2", "all", "all"],
                "month": [0.0, 1.0, 0.0, 1.0],
                "day": [0.0, 30.4, 0.0, 30.4],
                "at_risk": ["24", "<11", "51", "50"],
                "survival": [1.0, 0.9, 1.0, 0.95],
                "low": [1.0, 0.7, 1.0, 0.85],
                "high": [1.0, 0.97, 1.0, 0.99],
            }
        ),
    ),
    "estimate_interval": (
        charts.estimate_interval_chart,
        pl.DataFrame(
            {"predictor": ["fit", "composite"], "r": [0.2, 0.3], "low": [-0.1, 0.05], "high": [0.45, 0.5]}
        ),
    ),
    "rater_drift": (
        charts.rater_drift_line_chart,
        pl.DataFrame(
            {"rater_name": ["R"], "quarter": ["2025-Q1"], "mean_difference": [0.3], "n_ratings": [20]}
        ),
    ),
    "self_panel": (
        charts.self_panel_point_chart,
        pl.DataFrame(
            {
                "purpose": ["intake", "intake"],
                "interview_date": [date(2025, 1, 6)] * 2,
                "theme": ["fit", "learning"],
                "self_score": [3, None],
                "panel_score": [2.0, 1.5],
            }
        ),
    ),
    "cohort_gap": (
        charts.cohort_gap_line_chart,
        pl.DataFrame(
            {
                "purpose": ["intake", "exit"],
                "theme": ["fit", "fit"],
                "mean_gap": [0.8, 0.2],
                "n": [12, 10],
                "direction": ["over-rate", "over-rate"],
            }
        ),
    ),
}


ARGUMENTS = {"estimate_interval": ("predictor", "r", "Observed r", 0.0, (("structured .42", 0.42),))}


def _build(name: str, empty: bool = False):
    builder, frame = CASES[name]
    return builder(frame.clear() if empty else frame, *ARGUMENTS.get(name, ()))


def _specs(spec) -> list[dict]:
    """The spec and every spec nested in it (layers, facets)."""
    if isinstance(spec, list):
        return [s for item in spec for s in _specs(item)]
    if not isinstance(spec, dict):
        return []
    return [spec, *(s for k, v in spec.items() if k not in ("data", "datasets") for s in _specs(v))]


@pytest.mark.parametrize("name", CASES)
def test_every_chart_has_a_title_and_a_description_with_its_values(name):
    spec = _build(name).to_dict()
    alt.Root.validate(spec)
    assert spec["title"]["text"]
    description = spec["description"]
    assert description.startswith(spec["title"]["text"]) and "Chart data" in description
    assert len(description) > len(spec["title"]["text"]) + 60, description  # says what is drawn
    # axis, legend and panel labels in the dark text colour, not the theme's 3.6:1 grey
    assert spec["config"]["axis"]["labelColor"] == spec["config"]["legend"]["labelColor"] == charts.style.TEXT


@pytest.mark.parametrize("name", CASES)
def test_no_chart_tells_categories_apart_by_colour_alone(name):
    """Where a field is mapped to colour, the same chart also gives it a shape, a text label, a
    panel, or writes the value in the cell; sequential colours are colour-blind-safe (cividis)."""
    spec = _build(name).to_dict()
    parts = _specs(spec)
    for part in parts:
        colour = part.get("encoding", {}).get("color", {})
        colour = colour.get("condition", colour) if "field" not in colour else colour
        if "field" not in colour:
            continue
        field = colour["field"]
        if colour.get("type") == "quantitative":
            assert colour["scale"]["scheme"] == "cividis", name
            assert any(p.get("encoding", {}).get("text") for p in parts), name  # the value is written
            continue
        redundant = [
            p.get("encoding", {}).get(channel, {}).get("field") == field
            for p in parts
            for channel in ("shape", "text")
        ]
        assert any(redundant), (name, field)


def test_theme_colours_are_okabe_ito_and_the_same_in_every_chart():
    spec = _build("cohort_trajectory").to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == list(THEMES) and set(scale["range"]) <= set(charts.OKABE_ITO)
    assert spec["encoding"]["shape"]["field"] == "theme"


@pytest.mark.parametrize("name", CASES)
def test_builders_accept_empty_frames(name):
    """A page may hand a builder nothing (an empty filter); it still builds and describes itself."""
    spec = _build(name, empty=True).to_dict()
    alt.Root.validate(spec)
    assert spec["description"]


def test_every_builder_is_covered():
    builders = {n for n in charts.__all__ if n.endswith("_chart")}
    assert builders == {builder.__name__ for builder, _ in CASES.values()}
