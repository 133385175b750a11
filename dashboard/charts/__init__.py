"""Pure chart builders: a polars frame in, an Altair chart out (no database, no Streamlit).

One module per area of the app; every builder is importable from here (`charts.theme_profile_bar_chart`).
Every chart carries a title and a Vega-Lite `description` (the accessible name a screen reader
announces), uses colour-blind-safe colours (Okabe-Ito for categories, cividis for sequential
scales) and never lets colour alone carry a meaning: a category also has a shape or a text label,
and a flag is also written (see charts/style.py)."""

from dashboard.charts.hiring import compare_profile_bar_chart, theme_profile_bar_chart
from dashboard.charts.leadership import (
    cohort_growth_point_chart,
    effect_size_point_chart,
    hiring_funnel_bar_chart,
    impact_ratio_bar_chart,
    outcome_band_point_chart,
    theme_prevalence_bar_chart,
)
from dashboard.charts.reliability import (
    agreement_quarter_line_chart,
    rater_calibration_point_chart,
    rater_drift_line_chart,
    theme_alpha_point_chart,
)
from dashboard.charts.reuse import reused
from dashboard.charts.self_assessment import cohort_gap_line_chart, self_panel_point_chart
from dashboard.charts.style import BAR_COLOUR, OKABE_ITO, SCORE_SCALE, SEQUENTIAL, THEME_COLOURS, THEME_SHAPES
from dashboard.charts.training import (
    ASSESSMENT_ORDER,
    NOT_ASSESSED_GREY,
    TRAINING_SCORE_SCALE,
    cohort_trajectory_line_chart,
    curriculum_coverage_heatmap_chart,
    need_coverage_point_chart,
    trainee_theme_heatmap_chart,
    trainee_trajectory_line_chart,
)
from dashboard.charts.validation import estimate_interval_chart, survival_step_chart

# Every builder reached through `charts.` gives the same chart again for equal frames (charts/reuse.py).
for _name in [n for n in dir() if n.endswith("_chart")]:
    globals()[_name] = reused(globals()[_name])

__all__ = [
    "estimate_interval_chart",
    "survival_step_chart",
    "ASSESSMENT_ORDER",
    "BAR_COLOUR",
    "NOT_ASSESSED_GREY",
    "OKABE_ITO",
    "SCORE_SCALE",
    "SEQUENTIAL",
    "THEME_COLOURS",
    "THEME_SHAPES",
    "TRAINING_SCORE_SCALE",
    "agreement_quarter_line_chart",
    "cohort_gap_line_chart",
    "cohort_growth_point_chart",
    "cohort_trajectory_line_chart",
    "compare_profile_bar_chart",
    "curriculum_coverage_heatmap_chart",
    "effect_size_point_chart",
    "hiring_funnel_bar_chart",
    "impact_ratio_bar_chart",
    "need_coverage_point_chart",
    "outcome_band_point_chart",
    "rater_calibration_point_chart",
    "rater_drift_line_chart",
    "theme_alpha_point_chart",
    "theme_prevalence_bar_chart",
    "self_panel_point_chart",
    "theme_profile_bar_chart",
    "trainee_theme_heatmap_chart",
    "trainee_trajectory_line_chart",
]
