"""Chart builders: pure functions from a polars frame to an Altair chart (no database, no page)."""

from __future__ import annotations

import altair as alt
import polars as pl

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
