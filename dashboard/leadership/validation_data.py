"""The validation study's person-level inputs, read for the study's data functions only.

Nothing here is given to a page: `validation_parts` turns these frames into aggregates (the
command line's unsuppressed tables) and `validation` into the suppressed frames leadership sees.

Definitions (docs/leadership.md, "The validation study"):
- a hire's **profile**: the six theme scores of their latest hiring interview before the hire
  date (the materialized `hire_profiles`); a hire without one is left out of the study and counted;
- the **composite**: the mean of the themes scored; the **band**: how many of the six themes
  scored 3 or more, grouped 0-2, 3-4, 5-6 (no band when a theme is unscored);
- **tenure**: days from `staff.hired_on` to `left_on` (an event) or to the as-of date (censored);
- an **applicant's** scores: those Screening shows (`application_scores`), one row per person
  (their latest scored application to the programs).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.core.contract import THEMES
from dashboard.leadership import fairness
from dashboard.validation import survival

COMPOSITE = "composite"
PREDICTORS = (*THEMES, COMPOSITE)
RETAINED = "retained_12m"


def as_of_date(as_of) -> dt.date:
    """The as-of date: the one given (a date or YYYY-MM-DD) or today."""
    if as_of is None:
        return dt.date.today()
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    return dt.date.fromisoformat(str(as_of))


def _with_composite(frame: pl.DataFrame) -> pl.DataFrame:
    """Theme scores as floats and the composite (mean of the themes scored; null when none is)."""
    frame = frame.with_columns(pl.col(list(THEMES)).cast(pl.Float64))
    return frame.with_columns(pl.mean_horizontal(list(THEMES)).alias(COMPOSITE))


def all_hires(store, program_ids, as_of) -> pl.DataFrame:
    """Every hire into the programs by as_of: tenure_days, left_job, profiled and the profile."""
    raw = store.query("validation_hires", program_ids=list(program_ids), as_of=as_of_date(as_of))
    return raw.with_columns(pl.col("tenure_days").cast(pl.Float64), pl.col("left_job").cast(pl.Int64))


def hires(store, program_ids, as_of) -> pl.DataFrame:
    """The study's hires (those with a profile), with the composite and their profile band."""
    profiled = all_hires(store, program_ids, as_of).filter(pl.col("profiled"))
    return survival.with_profile_band(_with_composite(profiled), THEMES)


def outcomes(store, program_ids, as_of) -> pl.DataFrame:
    """Per profiled hire and measure: the outcome value, the themes and the composite."""
    raw = store.query("validation_outcomes", program_ids=list(program_ids), as_of=as_of_date(as_of))
    keys = ["person_id", "program_id", "hired_on"]
    profile = hires(store, program_ids, as_of).select(*keys, *PREDICTORS)
    return raw.join(profile, on=keys, how="inner")


def applicants(store, program_ids) -> pl.DataFrame:
    """Every scored applicant to the programs (one row per person) with the composite."""
    raw = store.query("validation_applicant_scores", program_ids=list(program_ids))
    return _with_composite(raw)


def groups(store, program_ids) -> pl.DataFrame:
    """person_id, dimension, group for the applicants (from fairness, the restricted path)."""
    return fairness.groups_by_person(store, program_ids)


def rating_gaps(store, program_ids, hidden_person_ids=()) -> pl.DataFrame:
    """Each panel rating's gap to the other raters' mean: interview, person, rater, theme, gap."""
    return store.query(
        "rating_gaps_for_programs",
        program_ids=list(program_ids),
        hidden_person_ids=list(hidden_person_ids),
    )


def panel_ratings(store, program_ids, hidden_person_ids=()) -> pl.DataFrame:
    """Independent ratings of the programs' hiring interviews: interview, person, rater, theme, score."""
    return store.query(
        "panel_ratings_for_programs",
        program_ids=list(program_ids),
        hidden_person_ids=list(hidden_person_ids),
    )
