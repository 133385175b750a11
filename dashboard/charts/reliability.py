"""Reliability: agreement between raters per theme, over time, and each rater's calibration."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts.style import (
    BAR_COLOUR,
    accessible,
    listing,
    row_height,
    theme_colour,
    theme_shape,
)


def theme_alpha_point_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Krippendorff's alpha per theme with its bootstrap interval and the .667/.800 guide lines."""
    data = frame.filter(pl.col("krippendorff_alpha").is_not_null())
    base = alt.Chart(data).encode(y=alt.Y("theme:N", title=None, sort=None))
    interval = base.mark_rule().encode(
        x=alt.X("alpha_ci_low:Q", title="Krippendorff's alpha (ordinal), 95% interval"),
        x2="alpha_ci_high:Q",
    )
    point = base.mark_point(filled=True, size=80, color=BAR_COLOUR).encode(
        x="krippendorff_alpha:Q",
        tooltip=["theme", "krippendorff_alpha", "alpha_ci_low", "alpha_ci_high", "n_units", "reading"],
    )
    guide_frame = pl.DataFrame({"guide": [0.667, 0.8], "text": ["0.667 tentative", "0.800 reliable"]})
    guides = alt.Chart(guide_frame).mark_rule(strokeDash=[4, 4], color="#555").encode(x="guide:Q")
    guide_labels = (
        alt.Chart(guide_frame)
        .mark_text(align="left", dx=3, baseline="top", y=0, fontSize=10, color="#333")
        .encode(x="guide:Q", text="text:N")
    )
    return accessible(
        alt.layer(interval, point, guides, guide_labels).properties(height=row_height(data["theme"])),
        "Agreement per theme",
        "A point per theme for Krippendorff's alpha, a line for its 95% interval, dashed lines at "
        f"0.667 and 0.800. Alpha: {listing(data, 'theme', 'krippendorff_alpha', '{:.3f}')}.",
    )


def agreement_quarter_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """Krippendorff's alpha per theme by quarter of the interview date."""
    data = frame.filter(pl.col("krippendorff_alpha").is_not_null())
    chart = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=60), strokeWidth=2)
        .encode(
            x=alt.X("quarter:O", title="Quarter"),
            y=alt.Y("krippendorff_alpha:Q", title="Krippendorff's alpha (ordinal)"),
            color=theme_colour(),
            shape=theme_shape(),
            tooltip=["theme", "quarter", "krippendorff_alpha", "percent_agreement", "n_units"],
        )
        .properties(height=260)
    )
    quarters = data["quarter"].n_unique() if data.height else 0
    return accessible(
        chart,
        "Agreement by quarter",
        f"A line per theme (each with its own colour and point shape) through Krippendorff's alpha "
        f"in each of {quarters} quarters.",
    )


def rater_calibration_point_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Each rater's mean difference from the interview's score per theme (right = lenient)."""
    zero = alt.Chart(pl.DataFrame({"zero": [0.0]})).mark_rule(color="#555").encode(x="zero:Q")
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("mean_difference:Q", title="Mean difference from the interview's score"),
            y=alt.Y("rater_name:N", title=None),
            color=theme_colour(),
            shape=theme_shape(),
            tooltip=["rater_name", "theme", "mean_difference", "sd_difference", "n_ratings"],
        )
    )
    raters = frame["rater_name"].n_unique() if frame.height else 0
    return accessible(
        alt.layer(zero, points).properties(height=row_height(frame["rater_name"])),
        "Rater calibration",
        f"A row per rater ({raters}); a point per theme (its own colour and shape) for the rater's "
        "mean difference from the interview's score: right of the line lenient, left severe.",
    )


def rater_drift_line_chart(frame: pl.DataFrame) -> alt.FacetChart:
    """Each rater's mean difference from the interview's score by quarter, one panel per rater."""
    line = (
        alt.Chart()
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=40), color=BAR_COLOUR)
        .encode(
            x=alt.X("quarter:O", title="Quarter"),
            y=alt.Y("mean_difference:Q", title="Mean difference"),
            tooltip=["rater_name", "quarter", "mean_difference", "n_ratings"],
        )
    )
    # named for screen readers (a line at a constant has no field to name it by)
    zero = (
        alt.Chart()
        .mark_rule(color="#555", strokeDash=[4, 4])
        .encode(y=alt.datum(0), description=alt.value("Dashed line at 0: no difference"))
    )
    raters = frame["rater_name"].n_unique() if frame.height else 0
    return accessible(
        alt.layer(zero, line, data=frame)
        .properties(width=180, height=120)
        .facet(facet=alt.Facet("rater_name:N", title=None), columns=4),
        "Each rater's mean difference by quarter",
        f"One panel per rater ({raters}); a line through the rater's mean difference from the "
        "interview's score in each quarter, a dashed line at 0.",
    )
