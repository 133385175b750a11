"""The one formatter the pages use: readable headings, dates as dates, blanks, one decimal, signs."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from dashboard.core import labels
from dashboard.core.contract import THEMES


def test_headings_are_words_for_listed_and_unlisted_columns():
    assert labels.heading("application_id") == "Application ID"
    assert labels.heading("left_on") == "Left on"
    assert labels.heading("score_used") == "Score used"
    assert labels.heading("some_new_column") == "Some new column"  # an unlisted name still reads
    assert all("_" not in heading for heading in labels.HEADINGS.values())


def test_every_score_change_and_rate_column_has_its_format():
    assert labels.number_format("balance", pl.Float64) == "%.1f"
    assert labels.number_format("latest_score", pl.Float64) == "%.1f"
    assert labels.number_format("growth", pl.Float64) == "%+.1f"  # changes are signed
    assert labels.number_format("krippendorff_alpha", pl.Float64) == "%.3f"
    assert labels.number_format("selection_rate", pl.Float64) == "percent"
    assert labels.number_format("an_unlisted_ratio", pl.Float64) == "%.2f"
    assert labels.number_format("score", pl.Int8) is None  # whole numbers shown as they are
    assert labels.number_format("theme", pl.String) is None


def test_for_display_renames_formats_and_writes_yes_no():
    frame = pl.DataFrame(
        {
            "person_id": ["T1", "T2"],
            "left_on": [date(2025, 6, 30), None],
            "recorded_at": [datetime(2025, 1, 2, 3, 4), None],
            "latest_score": [2.333333, None],
            "growth": [1.333333, -0.5],
            "small_sample": [True, False],
            "n_units": [12, 3],
        }
    )
    shown = labels.for_display(frame)
    assert shown.frame.columns == [
        "Person ID", "Left on", "Recorded", "Latest score", "Change since intake", "Small sample",
        "Interviews",
    ]  # fmt: skip
    assert shown.formats == {
        "Left on": ("date", "YYYY-MM-DD"),
        "Recorded": ("datetime", "YYYY-MM-DD HH:mm"),
        "Latest score": ("number", "%.1f"),
        "Change since intake": ("number", "%+.1f"),
    }
    assert shown.frame["Small sample"].to_list() == ["yes", "no"]
    # values keep their types (the table sorts numbers as numbers); an empty date stays empty
    assert shown.frame["Latest score"].to_list() == [2.333333, None]
    assert shown.frame["Left on"].dtype == pl.Date and shown.frame["Left on"][1] is None


def test_for_display_scores_named_columns_and_keeps_alike_headings_apart():
    frame = pl.DataFrame({"program_id": ["P1"], "program": ["North"], "Ana Ruiz": [2.5], "Bo Li": [3]})
    shown = labels.for_display(frame, scores=("Ana Ruiz", "Bo Li"))
    assert shown.frame.columns == ["Program ID", "Program", "Ana Ruiz", "Bo Li"]
    assert shown.formats == {"Ana Ruiz": ("number", "%.1f")}  # the whole-number 3 stays '3'
    twins = labels.for_display(pl.DataFrame({"rater": ["a"], "rater_name": ["b"]}))
    assert twins.frame.columns == ["Rater", "Rater (rater_name)"]


def test_theme_columns_read_as_theme_names():
    shown = labels.for_display(pl.DataFrame({theme: [1.25] for theme in THEMES}))
    assert shown.frame.columns == [theme.capitalize() for theme in THEMES]
    assert {fmt for _, fmt in shown.formats.values()} == {"%.1f"}


@pytest.mark.parametrize(
    ("score", "change", "text"),
    [
        (2.333333, 1.333333, "2.3 (+1.3)"),
        (3.0, None, "3.0"),
        (1.0, -0.25, "1.0 (-0.2)"),
        (2.0, 0.0, "2.0 (+0.0)"),
        (None, None, "not assessed"),
    ],
)
def test_score_with_change(score, change, text):
    assert labels.score_with_change(score, change) == text


def test_codes_in_pickers_read_as_words():
    assert labels.words("retained_12m") == "12-month retention"
    assert labels.words("client_outcome") == "Client outcome"
    assert labels.words("applied->interviewed") == "Applied to interviewed"
    assert labels.words("sex_x_race_ethnicity") == "Sex and race/ethnicity"
    assert labels.words("site") == "Site"


def test_blank_for_missing_scores_and_changes():
    assert labels.score_text(None) == "" and labels.change_text(None) == ""
    assert labels.score_text(2.25) == "2.2" and labels.change_text(1.0) == "+1.0"


def test_empty_reason_says_why_a_chart_has_nothing():
    shown = pl.DataFrame({"band": ["0-2", "3-4"], "value": [0.5, None]})
    hidden = pl.DataFrame(
        {"band": ["0-2", "3-4"], "value": [None, None]}, schema_overrides={"value": pl.Float64}
    )
    assert labels.empty_reason(shown, "value") is None
    assert labels.empty_reason(shown.clear(), "value", nothing="No hires yet.") == "No hires yet."
    reason = labels.empty_reason(hidden, "value")
    assert reason and "10 or fewer" in reason and "Chart data" in reason
    assert labels.empty_reason(hidden, "value", hidden="All hidden.") == "All hidden."
