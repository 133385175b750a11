"""What every chart shares: colour-blind-safe palettes, the 0-4 score scale, and the title and
description that make a chart announce itself to a screen reader."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.core.contract import THEMES

SCORE_SCALE = alt.Scale(domain=[0, 4], nice=False)
# Okabe & Ito's colour-blind-safe palette, without its yellow (too pale on a light background).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
THEME_COLOURS = alt.Scale(domain=list(THEMES), range=OKABE_ITO[: len(THEMES)])
THEME_SHAPES = alt.Scale(
    domain=list(THEMES), range=["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
)
SEQUENTIAL = "cividis"  # colour-blind-safe, light to dark in one hue ramp
BAR_COLOUR = "#0072B2"
NUMBERS_BELOW = "Its numbers are in the 'Chart data' table below it."


TEXT = "#1f2a2e"  # axis, legend and panel labels: 14:1 on the page background (the default grey is 3.6:1)


def accessible(chart: alt.TopLevelMixin, title: str, description: str) -> alt.TopLevelMixin:
    """The chart with a visible title, a description screen readers announce, and labels dark
    enough to read (WCAG 1.4.3)."""
    return (
        chart.properties(
            title=alt.Title(title, anchor="start", fontSize=15, color=TEXT),
            description=f"{title}. {description} {NUMBERS_BELOW}",
        )
        .configure_axis(labelColor=TEXT, titleColor=TEXT, labelLimit=260)
        .configure_legend(labelColor=TEXT, titleColor=TEXT)
        .configure_header(labelColor=TEXT, titleColor=TEXT)
    )


def listing(frame: pl.DataFrame, name: str, value: str, fmt: str = "{:.1f}", limit: int = 12) -> str:
    """'balance 3.0, fit 2.5, …': the values a chart draws, as words (nulls left out)."""
    rows = frame.filter(pl.col(value).is_not_null()).select(name, value).rows()
    words = [f"{n} {fmt.format(v)}" for n, v in rows[:limit]]
    return ", ".join(words) + (f" and {len(rows) - limit} more" if len(rows) > limit else "") or "none"


def row_height(labels: pl.Series, per_row: int = 30) -> int:
    """A chart's whole height (title and axes included, as Streamlit fits it) that gives each
    distinct label of the y axis `per_row` pixels, so no label is hidden for lack of room."""
    return 110 + per_row * max(labels.n_unique(), 3)


def theme_colour(title: str | None = "Theme") -> alt.Color:
    """Colour by theme, the same colour for a theme in every chart."""
    return alt.Color("theme:N", scale=THEME_COLOURS, sort=list(THEMES), title=title)


def theme_shape(title: str | None = "Theme") -> alt.Shape:
    """Point shape by theme, so a theme is told apart without its colour."""
    return alt.Shape("theme:N", scale=THEME_SHAPES, sort=list(THEMES), title=title)
