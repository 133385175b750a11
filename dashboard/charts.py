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
    return alt.layer(bars, _not_rated_layer(base, xOffset=alt.XOffset("applicant:N"))).properties(
        height=300
    )
