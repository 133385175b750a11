"""Self-assessment: a trainee's self-score beside the panel's, and a cohort's mean gap per theme."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts.style import OKABE_ITO, accessible, listing, theme_colour, theme_shape
from dashboard.core.contract import THEMES

GAP_SCALE = alt.Scale(domain=[-4, 4], nice=False)
WHO = ["self", "panel"]


def self_panel_point_chart(frame: pl.DataFrame) -> alt.Chart:
    """Per theme (rows) the self-score and the panel's score as two marks, one review per column.

    `frame` has purpose, interview_date, theme, self_score, panel_score (training.self_vs_panel).
    """
    long = frame.unpivot(
        index=["purpose", "interview_date", "theme"], on=["self_score", "panel_score"], variable_name="who"
    ).with_columns(pl.col("who").str.replace("_score", ""), pl.col("value").cast(pl.Float64))
    long = long.filter(pl.col("value").is_not_null())
    chart = (
        alt.Chart(long)
        .mark_point(filled=True, size=110)
        .encode(
            x=alt.X("value:Q", scale=alt.Scale(domain=[0, 4], nice=False), title="Score (0-4)"),
            y=alt.Y("theme:N", sort=list(THEMES), title=None),
            yOffset=alt.YOffset("who:N", sort=WHO),
            color=alt.Color("who:N", scale=alt.Scale(domain=WHO, range=OKABE_ITO[:2]), title="Who"),
            shape=alt.Shape("who:N", scale=alt.Scale(domain=WHO, range=["circle", "diamond"]), title="Who"),
            column=alt.Column("purpose:N", sort=["intake", "midpoint", "exit", "annual"], title=None),
            tooltip=[
                "purpose:N",
                "interview_date:T",
                "theme:N",
                "who:N",
                alt.Tooltip("value:Q", format=".1f"),
            ],
        )
        .properties(width=220)
    )
    return accessible(
        chart,
        "Self-assessment beside the panel's scores",
        "For each review a panel of rows, one per theme, with two marks: the self-score (circle) and "
        "the panel's score (diamond); the distance between them is the gap.",
    )


def cohort_gap_line_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Mean gap (self - panel) per theme at each review purpose; zero is agreement.

    `frame` is self_rules.mean_gaps: purpose, theme, mean_gap, n, direction.
    """
    base = alt.Chart(frame).encode(
        x=alt.X(
            "purpose:N",
            sort=["intake", "midpoint", "exit", "annual"],
            title="Review",
            axis=alt.Axis(labelAngle=0),
        ),
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(filled=True, size=70), strokeWidth=2).encode(
        y=alt.Y("mean_gap:Q", scale=alt.Scale(domain=[-2, 2], clamp=True), title="Mean gap (self − panel)"),
        color=theme_colour(),
        shape=theme_shape(),
        tooltip=["theme:N", "purpose:N", alt.Tooltip("mean_gap:Q", format="+.2f"), "n:Q", "direction:N"],
    )
    zero = alt.Chart(pl.DataFrame({"y": [0]})).mark_rule(color="#555", strokeDash=[4, 4]).encode(y="y:Q")
    return accessible(
        zero + lines,
        "Do trainees over- or under-rate themselves?",
        "A line per theme (own colour and point shape) through the cohort's mean gap between self-score "
        "and panel score at each review; above the dashed zero line trainees rate themselves higher "
        f"than the panel. Intake: {listing(frame.filter(pl.col('purpose') == 'intake'), 'theme', 'mean_gap', '{:+.2f}')}.",
    )
