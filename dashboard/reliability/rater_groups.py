"""Rater x group (Reliability, supervisors): does a rater score one group differently from how
their co-raters scored the same applicants?

On panels (hiring interviews with two or more raters) each rating's gap is the rater's score minus
the mean of the other raters' scores on the same interview and theme. Per rater, theme and group:
the rater's mean gap for the group minus their mean gap for the reference group (the largest),
negative = the group scored lower; a Welch 95% interval; the interviews on each side. Flagged when
the interval excludes 0 and the difference is at least 0.5 points either way. Because co-raters saw
the same applicant, this separates a rater's treatment of a group from real differences between
applicants. Groups come from the restricted fairness path (leadership/fairness.py); this module
returns aggregates per rater, never an applicant.
"""

from __future__ import annotations

import polars as pl

from dashboard.core.access import Scope, readable_programs
from dashboard.leadership import validation_data, validation_parts
from dashboard.reliability import inter_rater
from dashboard.scorecards import blind_rule
from dashboard.validation.group_gaps import GAP_FLAG, GAP_MIN_INTERVIEWS

NOTE = (
    "Each rating's gap: the rater's score minus the other raters' mean on the same interview and "
    "theme. Difference: the rater's mean gap for the group minus for the reference group (the "
    f"largest); negative = scored lower than colleagues did. Flagged when the 95% Welch interval "
    f"excludes 0 and the difference is at least {GAP_FLAG} points. Cells need {GAP_MIN_INTERVIEWS} "
    "interviews on each side. With many raters, themes and groups some flags arise by chance: a "
    "flag is a reason to review the rater's scorecards and excerpts, not a finding."
)
NO_PANELS = (
    "No hiring interview in your programs has two or more raters with applicants' groups on record: "
    "a rater can only be compared with co-raters on the same interview."
)


def rater_group_gaps(store, scope: Scope, role: str, flagged_only: bool = False) -> pl.DataFrame:
    """Per rater, dimension, group and theme in the role's programs: difference, Welch CI, n, flag."""
    ids = readable_programs(store, scope, inter_rater.rater_role(role))
    hidden = list(blind_rule.hidden_person_ids(store, scope))
    ratings = validation_data.rating_gaps(store, ids, hidden)
    table = validation_parts.rater_gaps_part(ratings, validation_data.groups(store, ids))
    if flagged_only:
        table = table.filter(pl.col("flagged"))
    return table.sort(pl.col("flagged"), pl.col("difference").abs(), descending=True, nulls_last=True)


def flagged_raters(gaps: pl.DataFrame) -> int:
    """How many raters have at least one flagged cell."""
    return gaps.filter(pl.col("flagged"))["rater_id"].n_unique()
