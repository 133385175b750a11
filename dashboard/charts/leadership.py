"""Overview, Evidence and Fairness: aggregates only; hidden (suppressed) values are not drawn."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts.style import (
    BAR_COLOUR,
    OKABE_ITO,
    accessible,
    listing,
)
from dashboard.core.contract import THEMES


def theme_prevalence_bar_chart(frame: pl.DataFrame) -> alt.FacetChart:
    """Share showing each theme per group, with 95% interval; hidden shares are not drawn."""
    data = frame.filter(pl.col("share").is_not_null())
    base = alt.Chart(data).encode(
        y=alt.Y("group:N", title=None),
        tooltip=["group", "theme", "interviewed", "showing", alt.Tooltip("share:Q", format=".0%")],
    )
    bars = base.mark_bar(color=BAR_COLOUR).encode(
        x=alt.X(
            "share:Q",
            title="Share with a score of 3 or more",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
    )
    rules = base.mark_rule(color="#111").encode(x="share_low:Q", x2="share_high:Q")
    hidden = frame.height - data.height
    return accessible(
        (bars + rules).facet(row=alt.Row("theme:N", title=None)),
        "Theme prevalence",
        f"One panel per theme; a bar per group for the share of interviewed applicants whose score "
        f"was 3 or more, a line for its 95% interval. {data.height} shares drawn"
        + (f", {hidden} hidden because the group is too small." if hidden else "."),
    )


def hiring_funnel_bar_chart(frame: pl.DataFrame) -> alt.Chart:
    """Applications reaching each stage per program (hidden counts are not drawn)."""
    data = frame.filter(pl.col("reached_n").is_not_null())
    stages = ["applied", "screened", "interviewed", "offered", "hired"]
    chart = (
        alt.Chart(data, width=165, height=160)
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("stage:N", sort=stages, title=None),
            y=alt.Y("reached_n:Q", title="Applications reaching the stage"),
            facet=alt.Facet("program:N", title=None, columns=4, header=alt.Header(labelLimit=200)),
            tooltip=["program", "stage", "reached", alt.Tooltip("conversion:Q", format=".0%")],
        )
    )
    programs = data["program"].n_unique() if data.height else 0
    return accessible(
        chart,
        "Hiring funnel",
        f"One panel per program ({programs}); a bar per stage, from applied to hired, for the "
        "applications that reached it. Counts too small to show are left out.",
    )


def cohort_growth_point_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Mean change from intake per cohort and theme, with 95% interval."""
    data = frame.filter(pl.col("mean_change").is_not_null())
    base = alt.Chart(data).encode(
        y=alt.Y("theme:N", title=None, sort=list(THEMES)),
        color=alt.Color("cohort:N", scale=alt.Scale(range=OKABE_ITO)),
        tooltip=["cohort", "theme", "trainees", alt.Tooltip("mean_change:Q", format="+.1f")],
    )
    points = base.mark_point(filled=True, size=70).encode(
        x=alt.X("mean_change:Q", title="Mean change (0-4 scale)"), shape=alt.Shape("cohort:N")
    )
    cohorts = data["cohort"].unique(maintain_order=True).to_list() if data.height else []
    return accessible(
        points + base.mark_rule().encode(x="change_low:Q", x2="change_high:Q"),
        "Growth since intake, by cohort",
        f"A point per cohort and theme for the mean change from intake, a line for its 95% interval; "
        f"cohorts ({', '.join(cohorts) or 'none'}) differ in colour and shape.",
    )


def effect_size_point_chart(frame: pl.DataFrame, value: str = "hedges_g") -> alt.LayerChart:
    """An effect per theme (Hedges' g or a correlation) with its 95% interval (`<value>`, low, high)."""
    low, high = ("g_low", "g_high") if value == "hedges_g" else ("low", "high")
    label = "Hedges' g" if value == "hedges_g" else "Correlation"
    data = frame.filter(pl.col(value).is_not_null())
    base = alt.Chart(data).encode(y=alt.Y("theme:N", title=None, sort=list(THEMES)))
    points = base.mark_point(filled=True, size=60, color=BAR_COLOUR).encode(
        x=alt.X(f"{value}:Q", title=label),
        tooltip=[
            "theme",
            alt.Tooltip(f"{value}:Q", format=".2f"),
            alt.Tooltip(f"{low}:Q", format=".2f"),
            alt.Tooltip(f"{high}:Q", format=".2f"),
        ],
    )
    zero = alt.Chart(pl.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return accessible(
        zero + base.mark_rule().encode(x=f"{low}:Q", x2=f"{high}:Q") + points,
        f"{label} per theme",
        f"A point per theme for the {label.lower()}, a line for its 95% interval, a dashed line at 0 "
        f"(no difference). Values: {listing(data, 'theme', value, '{:.2f}')}.",
    )


def outcome_band_point_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """One outcome's value per profile band with its 95% interval."""
    data = frame.filter(pl.col("value").is_not_null())
    base = alt.Chart(data).encode(
        x=alt.X("band:N", title="Themes scored 3 or more", sort=["0-2", "3-4", "5-6"])
    )
    points = base.mark_point(filled=True, size=60, color=BAR_COLOUR).encode(
        y=alt.Y("value:Q", title="Value"),
        tooltip=["band", "hires", alt.Tooltip("value:Q", format=".2f")],
    )
    return accessible(
        base.mark_rule().encode(y="low:Q", y2="high:Q") + points,
        "Outcome by theme profile",
        "A point per band of hires (by how many themes scored 3 or more) for the outcome's value, "
        f"a line for its 95% interval. Values: {listing(data, 'band', 'value', '{:.2f}')}.",
    )


def impact_ratio_bar_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Impact ratio per group with the four-fifths line; each bar's flag written beside it."""
    data = frame.filter(pl.col("impact_ratio").is_not_null())
    top = max([1.0, *data["impact_ratio"].to_list()]) * 1.25  # room for the flag beside the longest bar
    base = alt.Chart(data).encode(
        x=alt.X(
            "impact_ratio:Q", title="Impact ratio (vs highest-rate group)", scale=alt.Scale(domain=[0, top])
        ),
        y=alt.Y("group:N", title=None),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("flag:N", scale=alt.Scale(range=OKABE_ITO), title="flag"),
        tooltip=["group", "applicants", "selected", alt.Tooltip("impact_ratio:Q", format=".2f"), "flag"],
    )
    flags = base.mark_text(align="left", dx=4, fontSize=11, color="#111").encode(text=alt.Text("flag:N"))
    line = alt.Chart(pl.DataFrame({"x": [0.8]})).mark_rule(color="#D55E00", strokeDash=[6, 3]).encode(x="x:Q")
    return accessible(
        bars + flags + line,
        "Impact ratio by group",
        "A bar per group for its selection rate divided by the highest group's, its flag written "
        "beside it; a dashed line at 0.80 (the four-fifths rule). Ratios: "
        + listing(data, "group", "impact_ratio", "{:.2f}")
        + ".",
    )
