"""The blind rule: until a rater has submitted their own scorecard for an interview, nothing of
any other rater's card for that person reaches them, on any page, whatever roles they hold.

Data functions that read a person's scores or evidence (Screening, Candidate, Compare, Trainees,
Curriculum, Reliability, the panels) ask `hidden_person_ids` for the signed-in person and drop
or mask those people's scores and excerpts. The set is read by email, so it holds however the
scope was built: a supervisor who sits on a pending panel for X sees none of X's ratings.
"""

from __future__ import annotations

import polars as pl

from dashboard.core.access import Scope

HIDDEN_NOTE = "hidden until you submit your scorecard"


def hidden_person_ids(store, scope: Scope) -> list[str]:
    """The people whose ratings and evidence this person may not see yet (sorted; often empty)."""
    if not scope.email:
        return []
    return store.query("hidden_persons_for_email", email=scope.email)["person_id"].to_list()


def is_hidden(store, scope: Scope, person_id: str) -> bool:
    """True when this person's ratings and evidence are hidden from `scope` for now."""
    return person_id in hidden_person_ids(store, scope)


def drop_hidden(frame: pl.DataFrame, hidden: list[str], column: str = "person_id") -> pl.DataFrame:
    """The rows not about a hidden person."""
    if not hidden or frame.is_empty():
        return frame
    return frame.filter(~pl.col(column).is_in(hidden))


def mask_hidden(
    frame: pl.DataFrame, hidden: list[str], columns: list[str], column: str = "person_id"
) -> pl.DataFrame:
    """Blank `columns` on the rows about a hidden person (the rows stay, their scores do not)."""
    if not hidden or frame.is_empty():
        return frame
    about = pl.col(column).is_in(hidden)
    return frame.with_columns(
        pl.when(about).then(None).otherwise(pl.col(c)).alias(c) for c in columns if c in frame.columns
    )
