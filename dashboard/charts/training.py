"""Trainees and Curriculum: growth on the themes and where the curriculum covers them."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts.style import (
    SEQUENTIAL,
    accessible,
    listing,
    theme_colour,
    theme_shape,
)
from dashboard.core.contract import THEMES

TRAINING_SCORE_SCALE = alt.Scale(domain=[0, 4], nice=False)
NOT_ASSESSED_GREY = "#d9d9d9"
ASSESSMENT_ORDER = ["intake", "midpoint", "exit", "annual"]


def trainee_theme_heatmap_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Trainee x theme cells coloured by latest score; grey 'not assessed' cells; every cell's
    score and change since intake written in it ('2.3 (+1.3)').

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
                "latest_score:Q", scale=alt.Scale(domain=[0, 4], scheme=SEQUENTIAL), title="Latest score"
            ),
            alt.value(NOT_ASSESSED_GREY),
        ),
        tooltip=[
            alt.Tooltip("trainee:N"),
            alt.Tooltip("theme:N"),
            alt.Tooltip("label:N", title="latest (change since intake)"),
            alt.Tooltip("intake_score:Q", title="intake", format=".1f"),
            alt.Tooltip("latest_purpose:N", title="latest assessment"),
            alt.Tooltip("latest_date:T", title="date"),
        ],
    )
    # cividis is dark below the middle of the scale: white text there, black above it
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.condition(
            "datum.assessed && datum.latest_score < 2", alt.value("white"), alt.value("black")
        ),
    )
    trainees = frame["trainee"].n_unique() if frame.height else 0
    return accessible(
        (cells + text).properties(height=alt.Step(24)),
        "Each trainee's latest score per theme",
        f"A row per trainee ({trainees}) and a column per theme; each cell is coloured by the latest "
        "score and says it, with the change since intake in brackets, or 'not assessed'.",
    )


def trainee_trajectory_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """One trainee's score per theme over dated assessments (intake, midpoint, exit, annual).

    `frame` has interview_date, purpose, theme, score.
    """
    chart = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=70), strokeWidth=2)
        .encode(
            x=alt.X("interview_date:T", title="Assessment date"),
            y=alt.Y("score:Q", scale=TRAINING_SCORE_SCALE, title="Score (0-4)"),
            color=theme_colour(),
            shape=theme_shape(),
            tooltip=["theme:N", "purpose:N", "interview_date:T", alt.Tooltip("score:Q", format=".1f")],
        )
    )
    dates = frame["interview_date"].n_unique() if frame.height else 0
    return accessible(
        chart,
        "Trajectory on each theme",
        f"A line per theme (each with its own colour and point shape) through the trainee's scores "
        f"at {dates} dated assessments.",
    )


def cohort_trajectory_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """A cohort's mean score per theme at each assessment point, n in the tooltip.

    `frame` is training.cohort_trajectory: theme, purpose, n, mean_score.
    """
    chart = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=70), strokeWidth=2)
        .encode(
            x=alt.X("purpose:N", sort=ASSESSMENT_ORDER, title="Assessment", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("mean_score:Q", scale=TRAINING_SCORE_SCALE, title="Mean score (0-4)"),
            color=theme_colour(),
            shape=theme_shape(),
            tooltip=["theme:N", "purpose:N", alt.Tooltip("mean_score:Q", format=".1f"), "n:Q"],
        )
    )
    return accessible(
        chart,
        "Cohort mean at each assessment",
        "A line per theme (each with its own colour and point shape) through the cohort's mean "
        "score at intake, midpoint, exit and annual reviews.",
    )


def curriculum_coverage_heatmap_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Module x theme coverage (hours x emphasis), one cell per module and theme it targets.

    `frame` has module_name, theme, hours, emphasis, coverage.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("theme:N", sort=list(THEMES), title=None, axis=alt.Axis(orient="top")),
        y=alt.Y("module_name:N", title=None),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("coverage:Q", scale=alt.Scale(scheme=SEQUENTIAL), title="Hours × emphasis"),
        tooltip=["module_name:N", "theme:N", "hours:Q", "emphasis:Q", "coverage:Q"],
    )
    middle = (frame["coverage"].min() + frame["coverage"].max()) / 2 if frame.height else 0
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("coverage:Q", format="~g"),
        color=alt.condition(f"datum.coverage < {middle}", alt.value("white"), alt.value("black")),
    )
    modules = frame["module_name"].n_unique() if frame.height else 0
    return accessible(
        cells + text,
        "Hours × emphasis per module and theme",
        f"A row per module ({modules}) and a column per theme it targets; each cell is coloured by "
        "hours × emphasis and says the number.",
    )


def need_coverage_point_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Need against coverage per theme: the top-left corner (high need, low coverage) is the gap.

    `frame` is training.gap_ranking: theme, need, coverage, gap_rank, n_level, n_growth.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("coverage:Q", title="Curriculum coverage (hours × emphasis)"),
        y=alt.Y("need:Q", title="Cohort need"),
        tooltip=["gap_rank:Q", "theme:N", "need:Q", "coverage:Q", "n_level:Q", "n_growth:Q"],
    )
    points = base.mark_point(filled=True, size=90).encode(
        color=theme_colour(None).legend(None), shape=theme_shape(None).legend(None)
    )
    labels = base.mark_text(align="left", dx=8, color="#111").encode(text="theme:N")
    return accessible(
        points + labels,
        "Need against coverage",
        "A labelled point per theme: across, how much the curriculum covers it; up, how much the "
        f"cohort needs it; top left is a gap. Need: {listing(frame, 'theme', 'need', '{:.2f}')}.",
    )
