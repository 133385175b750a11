"""Find a person: applicants by name or id on Candidate, trainees by name or id on Trainees.

Each search reads only the programs the person's role covers (the supervisor's for applicants,
the training director's for trainees): the allowed program ids go into the query, so a name in
another program is never found. In a blind review an applicant is found by application id or
blind code only, and shown by the code until a decision is recorded: a name typed into the
search must not reveal which code belongs to whom.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core.access import Scope, readable_programs
from dashboard.hiring.hidden_names import blind, blind_code, blind_secret

RESULT_LIMIT = 50  # matches offered at a time; typing more narrows them


@dataclass(frozen=True)
class Matches:
    """What a search found: the rows offered (at most RESULT_LIMIT) and how many matched."""

    rows: pl.DataFrame
    total: int

    def summary(self, noun: str) -> str:
        """'3 applicants found', or how many are offered of how many."""
        if self.total == 0:
            return f"No {noun}s found in your programs."
        found = f"{self.total} {noun}{'s' if self.total != 1 else ''} found"
        if self.total > self.rows.height:
            return f"{found}; the first {self.rows.height} are offered. Type more to narrow them."
        return found + "."


def _matches(frame: pl.DataFrame) -> Matches:
    return Matches(frame.head(RESULT_LIMIT), frame.height)


def find_applicants(store, scope: Scope, text: str, hide_names: bool = False) -> Matches:
    """The supervisor's applications whose applicant's name, person id or application id contains
    `text`; in a blind review, by application id or blind code only, labelled by the code."""
    text = text.strip()
    if not text:
        return _matches(pl.DataFrame(schema={"application_id": pl.String, "label": pl.String}))
    found = store.query(
        "applications_for_search_text",
        text="" if hide_names else text,
        match_names=not hide_names,
        program_ids=readable_programs(store, scope, "supervisor"),
    )
    if hide_names:
        found = blind(store, found).with_columns(pl.col("candidate").alias("full_name"))
        secret, wanted = blind_secret(store), text.lower()
        keep = [
            wanted in a.lower() or wanted in blind_code(secret, a).lower() for a in found["application_id"]
        ]
        found = found.filter(pl.Series(keep, dtype=pl.Boolean))
    label = pl.format(
        "{} · {} · {} · applied {} · {}",
        "full_name",
        "application_id",
        pl.col("program_name").fill_null(pl.col("program_id")),
        pl.col("applied_on").dt.strftime("%Y-%m-%d"),
        "stage",
    )
    return _matches(found.select("application_id", label.alias("label")))


def find_trainees(store, scope: Scope, text: str) -> Matches:
    """The training director's trainees (one row per cohort they are in) whose name or person id
    contains `text`, with the program and cohort to open them in."""
    text = text.strip()
    schema = {"person_id": pl.String, "program_id": pl.String, "cohort_id": pl.String, "label": pl.String}
    if not text:
        return _matches(pl.DataFrame(schema=schema))
    found = store.query(
        "trainees_for_search_text",
        text=text,
        program_ids=readable_programs(store, scope, "training_director"),
    )
    label = pl.format(
        "{} · {} · {} ({}) · {}",
        "full_name",
        "person_id",
        "cohort_name",
        pl.col("program_name").fill_null(pl.col("program_id")),
        "status",
    )
    return _matches(found.select("person_id", "program_id", "cohort_id", label.alias("label")))
