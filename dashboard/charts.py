"""Pure chart builders: a polars frame in, an Altair chart out (no database, no Streamlit)."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.contract import THEMES

SCORE_SCALE = alt.Scale(domain=[0, 4], nice=False)


# --- screening ------------------------------------------------------------------------------


def _not_rated_layer(base: alt.Chart, **offset) -> alt.Chart:
    """'not rated' written at the foot of each theme without a score (not drawn as a zero)."""
    return (
        base.transform_filter("datum.series == 'score used' && !datum.rated")
        .mark_text(text="not rated", angle=270, align="left", dy=0, fontSize=11, color="#666")
        .encode(y=alt.datum(0.1), **offset)
    )


def theme_profile_bar_chart(frame: pl.DataFrame) -> alt.Chart:
    """One applicant's profile: a bar per theme for the score used, a tick per rater's score.

    `frame` has columns theme, series ('score used' or a rater's name), value (null when not
    rated) and rated (bool).
    """
    base = alt.Chart(frame).encode(
        x=alt.X("theme:N", sort=list(THEMES), title=None, axis=alt.Axis(labelAngle=0)),
    )
    bars = (
        base.transform_filter("datum.series == 'score used' && datum.rated")
        .mark_bar(color="#4c78a8", opacity=0.55)
        .encode(
            y=alt.Y("value:Q", scale=SCORE_SCALE, title="score (0-4)"),
            tooltip=[alt.Tooltip("theme:N"), alt.Tooltip("value:Q", title="score used")],
        )
    )
    raters = (
        base.transform_filter("datum.series != 'score used' && datum.rated")
        .mark_tick(thickness=3, size=28)
        .encode(
            y=alt.Y("value:Q", scale=SCORE_SCALE),
            color=alt.Color("series:N", title="rater"),
            tooltip=[
                alt.Tooltip("theme:N"),
                alt.Tooltip("series:N", title="rater"),
                alt.Tooltip("value:Q"),
            ],
        )
    )
    return alt.layer(bars, raters, _not_rated_layer(base)).properties(height=280)


def compare_profile_bar_chart(frame: pl.DataFrame) -> alt.Chart:
    """Two to four applicants' profiles side by side on the same 0-4 scale, grouped by theme.

    `frame` has columns applicant, theme, series (only 'score used' rows are drawn), value, rated.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("theme:N", sort=list(THEMES), title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("applicant:N"),
    )
    bars = (
        base.transform_filter("datum.series == 'score used' && datum.rated")
        .mark_bar()
        .encode(
            y=alt.Y("value:Q", scale=SCORE_SCALE, title="score (0-4)"),
            color=alt.Color("applicant:N", title="applicant"),
            tooltip=[
                alt.Tooltip("applicant:N"),
                alt.Tooltip("theme:N"),
                alt.Tooltip("value:Q", title="score"),
            ],
        )
    )
    return alt.layer(bars, _not_rated_layer(base, xOffset=alt.XOffset("applicant:N"))).properties(height=300)


# --- leadership: Overview, Evidence, Fairness ----------------------------------------------


def theme_prevalence_bar_chart(frame: pl.DataFrame) -> alt.Chart:
    """Share showing each theme per group, with 95% interval; hidden shares are not drawn."""
    data = frame.filter(pl.col("share").is_not_null())
    base = alt.Chart(data).encode(
        y=alt.Y("group:N", title=None),
        tooltip=["group", "theme", "interviewed", "showing", alt.Tooltip("share:Q", format=".0%")],
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "share:Q",
            title="Share with a score of 3 or more",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
    )
    rules = base.mark_rule().encode(x="share_low:Q", x2="share_high:Q")
    return (bars + rules).facet(row=alt.Row("theme:N", title=None))


def hiring_funnel_bar_chart(frame: pl.DataFrame) -> alt.Chart:
    """Applications reaching each stage per program (hidden counts are not drawn)."""
    data = frame.filter(pl.col("reached_n").is_not_null())
    stages = ["applied", "screened", "interviewed", "offered", "hired"]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("stage:N", sort=stages, title=None),
            y=alt.Y("reached_n:Q", title="Applications reaching the stage"),
            column=alt.Column("program:N", title=None),
            tooltip=["program", "stage", "reached", alt.Tooltip("conversion:Q", format=".0%")],
        )
    )


def cohort_growth_point_chart(frame: pl.DataFrame) -> alt.Chart:
    """Mean change from intake per cohort and theme, with 95% interval."""
    data = frame.filter(pl.col("mean_change").is_not_null())
    base = alt.Chart(data).encode(
        y=alt.Y("theme:N", title=None),
        color=alt.Color("cohort:N"),
        tooltip=["cohort", "theme", "trainees", alt.Tooltip("mean_change:Q", format=".2f")],
    )
    points = base.mark_point(filled=True).encode(x=alt.X("mean_change:Q", title="Mean change (0-4 scale)"))
    return points + base.mark_rule().encode(x="change_low:Q", x2="change_high:Q")


def effect_size_point_chart(frame: pl.DataFrame, value: str = "hedges_g") -> alt.Chart:
    """An effect per theme (Hedges' g or a correlation) with its 95% interval (`<value>`, low, high)."""
    low, high = ("g_low", "g_high") if value == "hedges_g" else ("low", "high")
    data = frame.filter(pl.col(value).is_not_null())
    base = alt.Chart(data).encode(y=alt.Y("theme:N", title=None))
    points = base.mark_point(filled=True, size=60).encode(
        x=alt.X(f"{value}:Q", title=value.replace("_", " ")),
        tooltip=[
            "theme",
            alt.Tooltip(f"{value}:Q", format=".2f"),
            alt.Tooltip(f"{low}:Q", format=".2f"),
            alt.Tooltip(f"{high}:Q", format=".2f"),
        ],
    )
    zero = alt.Chart(pl.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return zero + base.mark_rule().encode(x=f"{low}:Q", x2=f"{high}:Q") + points


def outcome_band_point_chart(frame: pl.DataFrame) -> alt.Chart:
    """One outcome's value per profile band with its 95% interval."""
    data = frame.filter(pl.col("value").is_not_null())
    base = alt.Chart(data).encode(
        x=alt.X("band:N", title="Themes scored 3 or more", sort=["0-2", "3-4", "5-6"])
    )
    points = base.mark_point(filled=True, size=60).encode(
        y=alt.Y("value:Q", title="Value"),
        tooltip=["band", "hires", alt.Tooltip("value:Q", format=".2f")],
    )
    return base.mark_rule().encode(y="low:Q", y2="high:Q") + points


def impact_ratio_bar_chart(frame: pl.DataFrame) -> alt.Chart:
    """Impact ratio per group with the four-fifths line; hidden ratios are not drawn."""
    data = frame.filter(pl.col("impact_ratio").is_not_null())
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("impact_ratio:Q", title="Impact ratio (vs highest-rate group)"),
            y=alt.Y("group:N", title=None),
            color=alt.Color("flag:N"),
            tooltip=[
                "group",
                "applicants",
                "selected",
                alt.Tooltip("impact_ratio:Q", format=".2f"),
                "flag",
            ],
        )
    )
    line = alt.Chart(pl.DataFrame({"x": [0.8]})).mark_rule(color="firebrick").encode(x="x:Q")
    return bars + line


# --- training -------------------------------------------------------------------------------

TRAINING_SCORE_SCALE = alt.Scale(domain=[0, 4], nice=False)
NOT_ASSESSED_GREY = "#d9d9d9"
ASSESSMENT_ORDER = ["intake", "midpoint", "exit", "annual"]


def trainee_theme_heatmap_chart(frame: pl.DataFrame) -> alt.Chart:
    """Trainee x theme cells coloured by latest score; grey 'not assessed' cells, growth as text.

    `frame` is training.heatmap_frame: trainee, theme, assessed, latest_score, growth, label, ...
    """
    base = alt.Chart(frame).encode(
        x=alt.X("theme:N", sort=list(THEMES), title=None, axis=alt.Axis(orient="top")),
        y=alt.Y("trainee:N", title=None),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.assessed",
            alt.Color(
                "latest_score:Q",
                scale=alt.Scale(domain=[0, 4], scheme="blues"),
                title="Latest score",
            ),
            alt.value(NOT_ASSESSED_GREY),
        ),
        tooltip=[
            alt.Tooltip("trainee:N"),
            alt.Tooltip("theme:N"),
            alt.Tooltip("label:N", title="latest (change since intake)"),
            alt.Tooltip("intake_score:Q", title="intake"),
            alt.Tooltip("latest_purpose:N", title="latest assessment"),
            alt.Tooltip("latest_date:T", title="date"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.condition("datum.latest_score >= 3", alt.value("white"), alt.value("black")),
    )
    return (cells + text).properties(height=alt.Step(24))


def trainee_trajectory_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """One trainee's score per theme over dated assessments (intake, midpoint, exit, annual).

    `frame` has interview_date, purpose, theme, score.
    """
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("interview_date:T", title="Assessment date"),
            y=alt.Y("score:Q", scale=TRAINING_SCORE_SCALE, title="Score (0–4)"),
            color=alt.Color("theme:N", sort=list(THEMES), title="Theme"),
            tooltip=["theme:N", "purpose:N", "interview_date:T", "score:Q"],
        )
    )


def cohort_trajectory_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """A cohort's mean score per theme at each assessment point, n in the tooltip.

    `frame` is training.cohort_trajectory (means_by_assessment): theme, purpose, n, mean_score.
    """
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("purpose:N", sort=ASSESSMENT_ORDER, title="Assessment"),
            y=alt.Y("mean_score:Q", scale=TRAINING_SCORE_SCALE, title="Mean score (0–4)"),
            color=alt.Color("theme:N", sort=list(THEMES), title="Theme"),
            tooltip=["theme:N", "purpose:N", alt.Tooltip("mean_score:Q", format=".2f"), "n:Q"],
        )
    )


def curriculum_coverage_heatmap_chart(frame: pl.DataFrame) -> alt.Chart:
    """Module x theme coverage (hours x emphasis), one cell per module and theme it targets.

    `frame` has module_name, theme, hours, emphasis, coverage.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("theme:N", sort=list(THEMES), title=None, axis=alt.Axis(orient="top")),
        y=alt.Y("module_name:N", title=None),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("coverage:Q", scale=alt.Scale(scheme="greens"), title="Hours × emphasis"),
        tooltip=["module_name:N", "theme:N", "hours:Q", "emphasis:Q", "coverage:Q"],
    )
    return cells + base.mark_text(fontSize=11).encode(text=alt.Text("coverage:Q", format="g"))


def need_coverage_point_chart(frame: pl.DataFrame) -> alt.Chart:
    """Need against coverage per theme: the top-left corner (high need, low coverage) is the gap.

    `frame` is training.gap_ranking: theme, need, coverage, gap_rank, n_level, n_growth.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("coverage:Q", title="Curriculum coverage (hours × emphasis)"),
        y=alt.Y("need:Q", title="Cohort need"),
        tooltip=["gap_rank:Q", "theme:N", "need:Q", "coverage:Q", "n_level:Q", "n_growth:Q"],
    )
    points = base.mark_point(filled=True, size=90).encode(color=alt.Color("theme:N", legend=None))
    labels = base.mark_text(align="left", dx=8).encode(text="theme:N")
    return points + labels


# --- reliability ---------------------------------------------------------------------------------


def theme_alpha_point_chart(frame: pl.DataFrame) -> alt.Chart:
    """Krippendorff's alpha per theme with its bootstrap interval and the .667/.800 guide lines."""
    base = alt.Chart(frame.filter(pl.col("krippendorff_alpha").is_not_null())).encode(
        y=alt.Y("theme:N", title=None, sort=None)
    )
    interval = base.mark_rule().encode(
        x=alt.X("alpha_ci_low:Q", title="Krippendorff's alpha (ordinal), 95% interval"),
        x2="alpha_ci_high:Q",
    )
    point = base.mark_point(filled=True, size=80).encode(
        x="krippendorff_alpha:Q",
        tooltip=[
            "theme",
            "krippendorff_alpha",
            "alpha_ci_low",
            "alpha_ci_high",
            "n_units",
            "reading",
        ],
    )
    guides = (
        alt.Chart(pl.DataFrame({"guide": [0.667, 0.8]}))
        .mark_rule(strokeDash=[4, 4], color="gray")
        .encode(x="guide:Q")
    )
    return alt.layer(interval, point, guides).properties(height=220)


def agreement_quarter_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """Krippendorff's alpha per theme by quarter of the interview date."""
    return (
        alt.Chart(frame.filter(pl.col("krippendorff_alpha").is_not_null()))
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:O", title="Quarter"),
            y=alt.Y("krippendorff_alpha:Q", title="Krippendorff's alpha (ordinal)"),
            color=alt.Color("theme:N", title="Theme"),
            tooltip=["theme", "quarter", "krippendorff_alpha", "percent_agreement", "n_units"],
        )
        .properties(height=260)
    )


def rater_calibration_point_chart(frame: pl.DataFrame) -> alt.Chart:
    """Each rater's mean difference from the interview's score per theme (right = lenient)."""
    zero = alt.Chart(pl.DataFrame({"zero": [0.0]})).mark_rule(color="gray").encode(x="zero:Q")
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("mean_difference:Q", title="Mean difference from the interview's score"),
            y=alt.Y("rater_name:N", title=None),
            color=alt.Color("theme:N", title="Theme"),
            tooltip=["rater_name", "theme", "mean_difference", "sd_difference", "n_ratings"],
        )
    )
    return alt.layer(zero, points).properties(height=240)


def rater_drift_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """Each rater's mean difference from the interview's score by quarter (drift over time)."""
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:O", title="Quarter"),
            y=alt.Y("mean_difference:Q", title="Mean difference from the interview's score"),
            color=alt.Color("rater_name:N", title="Rater"),
            tooltip=["rater_name", "quarter", "mean_difference", "n_ratings"],
        )
        .properties(height=240)
    )
