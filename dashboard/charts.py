"""Pure chart builders: a polars frame in, an Altair chart out (no database, no Streamlit)."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard import codebook

# --- training -------------------------------------------------------------------------------

TRAINING_SCORE_SCALE = alt.Scale(domain=[0, 4], nice=False)
NOT_ASSESSED_GREY = "#d9d9d9"
ASSESSMENT_ORDER = ["intake", "midpoint", "exit", "annual"]


def trainee_theme_heatmap_chart(frame: pl.DataFrame) -> alt.Chart:
    """Trainee x theme cells coloured by latest score; grey 'not assessed' cells, growth as text.

    `frame` is training.heatmap_frame: trainee, theme, assessed, latest_score, growth, label, ...
    """
    base = alt.Chart(frame).encode(
        x=alt.X(
            "theme:N", sort=list(codebook.THEME_ORDER), title=None, axis=alt.Axis(orient="top")
        ),
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
            color=alt.Color("theme:N", sort=list(codebook.THEME_ORDER), title="Theme"),
            tooltip=["theme:N", "purpose:N", "interview_date:T", "score:Q"],
        )
    )


def cohort_trajectory_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """A cohort's mean score per theme at each assessment point, n in the tooltip.

    `frame` is training.cohort_trajectory: theme, purpose, n, mean_score.
    """
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("purpose:N", sort=ASSESSMENT_ORDER, title="Assessment"),
            y=alt.Y("mean_score:Q", scale=TRAINING_SCORE_SCALE, title="Mean score (0–4)"),
            color=alt.Color("theme:N", sort=list(codebook.THEME_ORDER), title="Theme"),
            tooltip=["theme:N", "purpose:N", alt.Tooltip("mean_score:Q", format=".2f"), "n:Q"],
        )
    )


def curriculum_coverage_heatmap_chart(frame: pl.DataFrame) -> alt.Chart:
    """Module x theme coverage (hours x emphasis), one cell per module and theme it targets.

    `frame` has module_name, theme, hours, emphasis, coverage.
    """
    base = alt.Chart(frame).encode(
        x=alt.X(
            "theme:N", sort=list(codebook.THEME_ORDER), title=None, axis=alt.Axis(orient="top")
        ),
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
