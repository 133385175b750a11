"""How the pages word and format data: readable column headings, dates as dates, empty values
blank, scores to one decimal, changes signed ('2.3 (+1.3)'), and why a chart has nothing to show.

Pure functions, no Streamlit: ui/widgets.py applies them to every table a page shows. The `report`
commands and the CSV downloads do not use them; they keep the documented column names and the
full precision that scripts read.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core.contract import SMALL_SAMPLE, THEMES

# Column name -> heading. A name not listed is turned into words ('left_on' -> 'Left on').
HEADINGS: dict[str, str] = {
    **{theme: theme.capitalize() for theme in THEMES},
    "action": "Action",
    "added_at": "Added",
    "added_by": "Added by",
    "alpha_ci_high": "Alpha, 95% upper",
    "alpha_ci_low": "Alpha, 95% lower",
    "applicant": "Applicant",
    "applicants": "Applicants",
    "application_id": "Application ID",
    "applied_on": "Applied on",
    "audit_id": "Entry",
    "band": "Themes scored 3+",
    "candidate": "Applicant",
    "change_high": "Change, 95% upper",
    "change_low": "Change, 95% lower",
    "checksum": "Checksum",
    "cohen_kappa": "Cohen's kappa",
    "cohort": "Cohort",
    "cohort_id": "Cohort ID",
    "consensus_score": "Consensus",
    "conversion": "Went on from previous stage",
    "correlation": "Correlation",
    "counter": "Counter-indicators",
    "coverage": "Coverage (hours × emphasis)",
    "coverage_rank": "Coverage rank",
    "decided_at": "Decided",
    "decision": "Decision",
    "difference": "Difference",
    "dimension": "Grouped by",
    "email": "Email",
    "emphasis": "Emphasis (1-3)",
    "enrolled_on": "Enrolled on",
    "fisher_p": "Fisher p",
    "flag": "Flag",
    "full_name": "Name",
    "g_high": "g, 95% upper",
    "g_low": "g, 95% lower",
    "gap": "Points apart",
    "gap_rank": "Gap rank",
    "gap_score": "Gap score",
    "growth": "Change since intake",
    "hedges_g": "Hedges' g",
    "high": "95% upper",
    "hires": "Hires",
    "hours": "Hours",
    "impact_ratio": "Impact ratio",
    "import_id": "Import ID",
    "imported_at": "Imported",
    "imported_by": "Imported by",
    "imported_on": "Imported consensus dated",
    "imported_score": "Imported consensus",
    "intake_score": "Intake score",
    "interview_date": "Interview date",
    "interview_id": "Interview ID",
    "interviewed": "Interviewed",
    "krippendorff_alpha": "Krippendorff's alpha",
    "latest_date": "Latest assessment on",
    "latest_purpose": "Latest assessment",
    "latest_score": "Latest score",
    "leaning": "Leaning",
    "left_on": "Left on",
    "logged_at": "When",
    "low": "95% lower",
    "mark": "Mark",
    "mean_change": "Mean change",
    "mean_difference": "Mean difference",
    "mean_exemplars": "Mean, exemplars",
    "mean_growth": "Mean change since intake",
    "mean_growth_completed": "Mean change, completed",
    "mean_growth_not_completed": "Mean change, not completed",
    "mean_intake": "Mean at intake",
    "mean_latest": "Mean, latest",
    "mean_level": "Mean latest score",
    "mean_others": "Mean, others",
    "mean_score": "Mean score",
    "measure": "Outcome",
    "module_id": "Module ID",
    "module_name": "Module",
    "modules_completed": "Modules completed",
    "n": "n",
    "n_completed": "n completed",
    "n_exemplars": "n exemplars",
    "n_growth": "n with a change",
    "n_level": "n assessed",
    "n_modules": "Modules",
    "n_not_completed": "n not completed",
    "n_others": "n others",
    "n_pairs": "Rater pairs",
    "n_ratings": "Ratings",
    "n_units": "Interviews",
    "n_with_consensus": "With a consensus",
    "need": "Need",
    "need_rank": "Need rank",
    "never_probed": "Never probed",
    "note": "Note",
    "object": "Object",
    "percent_agreement": "Exact agreement",
    "percent_within_one": "Within one point",
    "person_id": "Person ID",
    "person_name": "Person",
    "position": "Position",
    "program": "Program",
    "program_id": "Program ID",
    "program_name": "Program",
    "purpose": "Purpose",
    "quarter": "Quarter",
    "rater": "Rater",
    "rater_a": "Rater A",
    "rater_b": "Rater B",
    "rater_id": "Rater ID",
    "rater_name": "Rater",
    "rater_scores": "Raters' scores",
    "raters": "Raters",
    "raters_differ": "⚑ Raters differ",
    "reached": "Applications",
    "reading": "Reading",
    "recorded_at": "Recorded",
    "recorded_by": "Recorded by",
    "recorded_note": "Note",
    "recorded_score": "Recorded consensus",
    "role": "Role",
    "row": "Row",
    "row_count": "Rows",
    "rule": "Rule",
    "score": "Score",
    "score_used": "Score used",
    "sd_difference": "Spread (SD)",
    "selected": "Selected",
    "selection_rate": "Selection rate",
    "share": "Share scoring 3+",
    "share_high": "Share, 95% upper",
    "share_low": "Share, 95% lower",
    "showing": "Scoring 3+",
    "small_sample": "Small sample",
    "source": "Source",
    "stage": "Stage",
    "stance": "Stance",
    "status": "Status",
    "status_on": "Status since",
    "subtheme": "Subtheme",
    "supporting": "Supporting",
    "table": "Table",
    "table_name": "Table",
    "text": "Excerpt",
    "theme": "Theme",
    "themes": "Themes",
    "themes_at_3": "Themes ≥ 3",
    "themes_rated": "Themes rated",
    "trainee": "Trainee",
    "trainees": "Trainees",
    "used_because": "Used because",
    "value": "Value",
    "weighted_kappa": "Weighted kappa",
    "who": "Who",
}

# Number formats (printf style, as Streamlit's NumberColumn takes them) by column name.
SCORE = "%.1f"  # a 0-4 score or a mean of scores
CHANGE = "%+.1f"  # a change or difference in score points: always signed
COEFFICIENT = "%.2f"
AGREEMENT = "%.3f"  # kappa and alpha are read against 0.667 and 0.800
QUANTITY = "%.1f"  # hours, and hours x emphasis
P_VALUE = "%.3f"
PERCENT = "percent"  # a proportion from 0 to 1
_SCORES = {*THEMES, "score", "score_used", "consensus_score", "mean_score", "latest_score", "intake_score"}
_SCORES |= {"mean_intake", "mean_latest", "mean_exemplars", "mean_others", "mean_level", "need"}
_SCORES |= {"imported_score", "recorded_score"}
_CHANGES = {"growth", "mean_growth", "mean_change", "change_low", "change_high", "difference"}
_CHANGES |= {"mean_growth_completed", "mean_growth_not_completed", "mean_difference"}
_AGREEMENT = {"krippendorff_alpha", "alpha_ci_low", "alpha_ci_high", "cohen_kappa", "weighted_kappa"}
_PERCENT = {"percent_agreement", "percent_within_one", "share", "share_low", "share_high"}
_PERCENT |= {"selection_rate", "conversion"}
NUMBER_FORMATS: dict[str, str] = {
    **dict.fromkeys(_SCORES, SCORE),
    **dict.fromkeys(_CHANGES, CHANGE),
    **dict.fromkeys(_AGREEMENT, AGREEMENT),
    **dict.fromkeys(_PERCENT, PERCENT),
    "fisher_p": P_VALUE,
    "hours": QUANTITY,
    "coverage": QUANTITY,
}
DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DD HH:mm"


@dataclass(frozen=True)
class Display:
    """A table ready to show: readable headings, and how each column is formatted."""

    frame: pl.DataFrame
    formats: dict[str, tuple[str, str]]  # heading -> ("number" | "date" | "datetime", format)
    headings: dict[str, str]  # column name -> heading


def heading(name: str) -> str:
    """The readable heading of a column ('left_on' -> 'Left on')."""
    if name in HEADINGS:
        return HEADINGS[name]
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def number_format(name: str, dtype: pl.DataType) -> str | None:
    """How a column of fractional numbers is written; None for text and whole numbers (shown as
    they are: a rater's score of 3 stays '3')."""
    if not dtype.is_float():
        return None
    return NUMBER_FORMATS.get(name, COEFFICIENT)


def for_display(frame: pl.DataFrame, scores: tuple[str, ...] = ()) -> Display:
    """`frame` with readable headings and its columns' formats; yes/no for true/false.

    `scores` names further columns holding 0-4 scores (e.g. one per rater)."""
    formats: dict[str, tuple[str, str]] = {}
    renamed: dict[str, str] = {}
    for name, dtype in frame.schema.items():
        label = heading(name)
        if label in renamed.values():  # two columns that word alike stay apart
            label = f"{label} ({name})"
        renamed[name] = label
        if dtype == pl.Date:
            formats[label] = ("date", DATE_FORMAT)
        elif isinstance(dtype, pl.Datetime):
            formats[label] = ("datetime", DATETIME_FORMAT)
        elif dtype.is_float():
            formats[label] = ("number", SCORE if name in scores else number_format(name, dtype))
    shown = frame.with_columns(
        pl.when(pl.col(name)).then(pl.lit("yes")).when(pl.col(name).not_()).then(pl.lit("no")).alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.Boolean
    )
    return Display(shown.rename(renamed), formats, renamed)


CODE_WORDS = {
    "retained_12m": "12-month retention",
    "race_ethnicity": "race/ethnicity",
    "sex_x_race_ethnicity": "sex and race/ethnicity",
}


def words(code: str) -> str:
    """A code offered in a picker, as words: 'client_outcome' -> 'Client outcome',
    'applied->interviewed' -> 'Applied to interviewed', 'retained_12m' -> '12-month retention'."""
    text = CODE_WORDS.get(code) or code.replace("->", " to ").replace("_", " ")
    return text[:1].upper() + text[1:]


def score_text(score: float | None) -> str:
    """A score to one decimal ('2.3'), or blank when there is none."""
    return "" if score is None else f"{score:.1f}"


def change_text(change: float | None) -> str:
    """A change to one decimal, always signed ('+1.3', '-0.5', '+0.0'), or blank."""
    return "" if change is None else f"{change:+.1f}"


def score_with_change(score: float | None, change: float | None, missing: str = "not assessed") -> str:
    """'2.3 (+1.3)', '2.3' when there is no change, or `missing` when there is no score."""
    if score is None:
        return missing
    return score_text(score) + (f" ({change_text(change)})" if change is not None else "")


def empty_reason(
    frame: pl.DataFrame,
    value: str,
    nothing: str = "Nothing to show for this choice.",
    hidden: str | None = None,
) -> str | None:
    """Why a chart of `frame`'s `value` column would be empty, in words; None when it has something.

    No rows: `nothing`. Rows whose values are all hidden (small groups): `hidden`, by default a
    sentence naming the small-group rule."""
    if frame.is_empty():
        return nothing
    if frame[value].is_null().all():
        return hidden or (
            f"Every group here has {SMALL_SAMPLE} or fewer people, so no figure is drawn: showing it could "
            "identify someone. The table under 'Chart data' lists the groups."
        )
    return None
