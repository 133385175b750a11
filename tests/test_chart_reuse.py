"""Charts built once per content (charts/reuse.py): equal frames give the chart built before, a
changed frame a new one, and a reused chart turns into the same Vega-Lite every time."""

from __future__ import annotations

import polars as pl

from dashboard import charts
from dashboard.charts.reuse import content_key
from dashboard.ui import widgets


def _alpha(value: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "theme": ["Balance", "Transcendence"],
            "krippendorff_alpha": [value, 0.7],
            "alpha_ci_low": [value - 0.1, 0.6],
            "alpha_ci_high": [value + 0.1, 0.8],
            "n_units": [40, 41],
            "reading": ["tentative", "tentative"],
        }
    )


def test_equal_frames_give_the_same_chart_and_a_change_a_new_one():
    first = charts.theme_alpha_point_chart(_alpha(0.71))
    assert charts.theme_alpha_point_chart(_alpha(0.71)) is first  # another frame, equal content
    changed = charts.theme_alpha_point_chart(_alpha(0.72))
    assert changed is not first
    assert "0.720" in changed.to_dict(validate=False)["description"]
    frame = pl.DataFrame({"row": ["a"], "r": [0.2], "low": [0.1], "high": [0.3], "n": [50]})
    one = charts.estimate_interval_chart(frame, "row", "r", "Observed r")
    assert charts.estimate_interval_chart(frame.clone(), "row", "r", "Observed r") is one
    assert (
        charts.estimate_interval_chart(frame, "row", "r", "Observed r, again") is not one
    )  # another argument


def test_a_reused_chart_gives_the_same_vega_lite_each_time():
    chart = charts.theme_alpha_point_chart(_alpha(0.65))
    once = widgets.vega_lite_spec(chart)
    assert widgets.vega_lite_spec(charts.theme_alpha_point_chart(_alpha(0.65))) == once


def test_the_content_key_tells_frames_apart_by_schema_and_rows():
    a = pl.DataFrame({"x": [1, 2]})
    assert content_key(a) == content_key(pl.DataFrame({"x": [1, 2]}))
    assert content_key(a) != content_key(pl.DataFrame({"x": [2, 1]}))
    assert content_key(a) != content_key(pl.DataFrame({"x": [1.0, 2.0]}))
    assert content_key(a) != content_key(pl.DataFrame({"y": [1, 2]}))
