"""The validation study's charts (Evidence and Reliability): retention curves and estimates with
their intervals. Aggregates only; a row whose estimate is hidden or missing is not drawn."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts.style import BAR_COLOUR, OKABE_ITO, accessible, listing, row_height

BANDS = ["0-2", "3-4", "5-6", "all"]
BAND_COLOURS = alt.Scale(domain=BANDS, range=[OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[0], OKABE_ITO[6]])
BAND_SHAPES = alt.Scale(domain=BANDS, range=["triangle-up", "square", "circle", "diamond"])


def survival_step_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Kaplan-Meier retention per band (month, survival, low, high, at_risk): steps with 95% bands."""
    data = frame.filter(pl.col("survival").is_not_null())
    base = alt.Chart(data).encode(
        x=alt.X("month:Q", title="Months since hire"),
        color=alt.Color("band:N", scale=BAND_COLOURS, sort=BANDS, title="Themes scored 3+"),
    )
    interval = base.mark_area(opacity=0.12, interpolate="step-after").encode(y="low:Q", y2="high:Q")
    steps = base.mark_line(interpolate="step-after").encode(
        y=alt.Y(
            "survival:Q", title="Still employed", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
        ),
    )
    points = base.mark_point(filled=True, size=30).encode(
        y="survival:Q",
        shape=alt.Shape("band:N", scale=BAND_SHAPES, sort=BANDS, title="Themes scored 3+"),
        tooltip=[
            "band",
            alt.Tooltip("month:Q", format=".0f"),
            alt.Tooltip("survival:Q", format=".0%"),
            alt.Tooltip("low:Q", format=".0%"),
            alt.Tooltip("high:Q", format=".0%"),
            "at_risk",
        ],
    )
    ends = data.group_by("band", maintain_order=True).last() if data.height else data
    return accessible(
        interval + steps + points,
        "Retention over time by theme profile",
        "A step line per band of hires (by how many themes scored 3 or more) and for all hires: the "
        "share still employed each month since hire (Kaplan-Meier), a shaded 95% interval. "
        f"Last month drawn: {listing(ends, 'band', 'survival', '{:.0%}')}.",
    )


def estimate_interval_chart(
    frame: pl.DataFrame,
    label: str,
    value: str,
    title: str,
    reference: float = 0.0,
    benchmarks: tuple[tuple[str, float], ...] = (),
    log_scale: bool = False,
) -> alt.LayerChart:
    """An estimate per row (`label`) with its 95% interval (low, high), a dashed line at `reference`
    (no effect) and dotted lines at any benchmarks (e.g. the meta-analytic r = .42 and .19)."""
    data = frame.filter(pl.col(value).is_not_null() & pl.col("low").is_not_null())
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    base = alt.Chart(data, height=row_height(data[label]) - 110).encode(
        y=alt.Y(f"{label}:N", title=None, sort=None)
    )
    points = base.mark_point(filled=True, size=60, color=BAR_COLOUR).encode(
        x=alt.X(f"{value}:Q", title=title, scale=scale),
        tooltip=[
            label,
            alt.Tooltip(f"{value}:Q", format=".2f"),
            alt.Tooltip("low:Q", format=".2f"),
            alt.Tooltip("high:Q", format=".2f"),
        ],
    )
    layers = alt.Chart(pl.DataFrame({"x": [reference]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    for name, at in benchmarks:
        marks = pl.DataFrame({"x": [at], "benchmark": [name]})
        rule = (
            alt.Chart(marks).mark_rule(strokeDash=[1, 3], color="#444").encode(x="x:Q", tooltip=["benchmark"])
        )
        text = (
            alt.Chart(marks)
            .mark_text(align="left", dx=3, dy=-6, color="#444")
            .encode(x="x:Q", y=alt.value(0), text="benchmark:N")
        )
        layers = layers + rule + text
    bench = "; dotted lines: " + ", ".join(f"{n} {v:.2f}" for n, v in benchmarks) if benchmarks else ""
    height = row_height(data[label])  # the whole chart: 30 px a row
    return accessible(
        (layers + base.mark_rule().encode(x="low:Q", x2="high:Q") + points).properties(height=height),
        title,
        f"A point per row for the estimate, a line for its 95% interval, a dashed line at "
        f"{reference:g} (no difference){bench}. Values: {listing(data, label, value, '{:.2f}')}.",
    )
