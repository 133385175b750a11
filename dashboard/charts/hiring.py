"""Screening, Candidate and Compare: one or a few applicants' theme profiles."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts.style import (
    BAR_COLOUR,
    OKABE_ITO,
    SCORE_SCALE,
    accessible,
    listing,
)
from dashboard.core.contract import THEMES


def _not_rated_layer(base: alt.Chart, **offset) -> alt.Chart:
    """'not rated' written at the foot of each theme without a score (not drawn as a zero)."""
    return (
        base.transform_filter("datum.series == 'score used' && !datum.rated")
        .mark_text(text="not rated", angle=270, align="left", dy=0, fontSize=11, color="#333")
        .encode(y=alt.datum(0.1), **offset)
    )


def theme_profile_bar_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """One applicant's profile: a bar per theme for the score used, a point per rater's score.

    `frame` has columns theme, series ('score used' or a rater's name), value (null when not
    rated) and rated (bool).
    """
    base = alt.Chart(frame).encode(
        x=alt.X("theme:N", sort=list(THEMES), title=None, axis=alt.Axis(labelAngle=0)),
    )
    bars = (
        base.transform_filter("datum.series == 'score used' && datum.rated")
        .mark_bar(color=BAR_COLOUR, opacity=0.45)
        .encode(
            y=alt.Y("value:Q", scale=SCORE_SCALE, title="score (0-4)"),
            tooltip=[alt.Tooltip("theme:N"), alt.Tooltip("value:Q", title="score used", format=".1f")],
        )
    )
    raters = (
        base.transform_filter("datum.series != 'score used' && datum.rated")
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            y=alt.Y("value:Q", scale=SCORE_SCALE),
            color=alt.Color("series:N", title="rater", scale=alt.Scale(range=OKABE_ITO)),
            shape=alt.Shape("series:N", title="rater"),
            tooltip=[alt.Tooltip("theme:N"), alt.Tooltip("series:N", title="rater"), alt.Tooltip("value:Q")],
        )
    )
    used = frame.filter(pl.col("series") == "score used") if "series" in frame.columns else frame
    unrated = used.filter(~pl.col("rated"))["theme"].to_list() if used.height else []
    return accessible(
        alt.layer(bars, raters, _not_rated_layer(base)).properties(height=280),
        "Scores used and each rater's score",
        "Bars: the score used on each theme (0 to 4); points: each rater's score. Scores used: "
        + listing(used, "theme", "value")
        + (f"; not rated: {', '.join(unrated)}." if unrated else "."),
    )


def compare_profile_bar_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Two to four applicants' profiles side by side on the same 0-4 scale, grouped by theme.

    `frame` has columns applicant, theme, series (only 'score used' rows are drawn), value, rated.
    Each bar also names its applicant, so colour is not needed to tell them apart.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("theme:N", sort=list(THEMES), title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("applicant:N"),
    )
    scored = base.transform_filter("datum.series == 'score used' && datum.rated")
    bars = scored.mark_bar(opacity=0.55).encode(
        y=alt.Y("value:Q", scale=SCORE_SCALE, title="score (0-4)"),
        color=alt.Color("applicant:N", title="applicant", scale=alt.Scale(range=OKABE_ITO)),
        tooltip=[alt.Tooltip("applicant:N"), alt.Tooltip("theme:N"), alt.Tooltip("value:Q", title="score")],
    )
    names = scored.mark_text(angle=270, align="left", dx=0, fontSize=10, color="#111").encode(
        y=alt.datum(0.1), text="applicant:N"
    )
    applicants = frame["applicant"].unique(maintain_order=True).to_list() if frame.height else []
    return accessible(
        alt.layer(bars, names, _not_rated_layer(base, xOffset=alt.XOffset("applicant:N"))).properties(
            height=300
        ),
        "Applicants compared on the six themes",
        f"For each theme, one bar per applicant ({', '.join(applicants)}), each bar labelled with "
        "the applicant's name; 'not rated' where an applicant has no score.",
    )
