"""Screening applicants on the six themes: the ranked table, one applicant's evidence, a
side-by-side comparison, decisions, and blind-review codes.

Every function takes `(store, scope, ...)` and reads only the supervisor's programs: the
allowed program ids go into each query, and asking for anything outside them raises
AccessDenied. Scores come from the shared view `interview_theme_scores` (consensus where it
exists, else the mean of the independent ratings); for an application with several hiring
interviews, each theme takes its score from the latest interview that scored it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from dashboard.core.access import AccessDenied, Scope, readable_programs
from dashboard.core.contract import DECISIONS, STAGES, THEMES
from dashboard.hiring.hidden_names import blind, blind_code, blind_secret
from dashboard.scorecards import blind_rule
from dashboard.store import audit, db

ROLE = "supervisor"
HIGH_SCORE = 3
NOTE_MAX = 2000
PAGE_SIZE = 200  # rows on screen per page of the ranked table (ui.page_of)
SORT_EXPLAINED = (
    "Ranked by the number of themes scored 3 or above, then by the mean of the themes that "
    "were scored, then by the earliest application date."
)
SCORE_RULE = (
    "Each theme shows the consensus score where the raters agreed one, else the mean of their "
    "independent scores, from the latest hiring interview that scored it; blank means never probed."
)


@dataclass(frozen=True)
class ScreeningFilters:
    """What the Screening page narrows the ranked table to."""

    positions: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    applied_from: date | None = None
    applied_to: date | None = None
    min_scores: dict[str, float] = field(default_factory=dict)


# --- scope ----------------------------------------------------------------------------------


def program_choices(store, scope: Scope) -> pl.DataFrame:
    """The programs this supervisor may screen, with their names, for a picker."""
    allowed = readable_programs(store, scope, ROLE)
    return store.query("program_list").filter(pl.col("program_id").is_in(allowed))


# --- the ranked table -----------------------------------------------------------------------


def ranked_applicants(store, scope: Scope, program_id: str | None = None) -> pl.DataFrame:
    """Every applicant of the supervisor's programs (or one of them), one ranked row each."""
    program_ids = readable_programs(store, scope, ROLE, program_id)
    # one ranked query per scope (cached in the app); a program is a filter on it, so switching
    # programs reads nothing new and keeps the ranked order
    everyone = store.query(
        "screening_ranked_by_application",
        program_ids=readable_programs(store, scope, ROLE),
        high_score=HIGH_SCORE,
    )
    everyone = hide_pending(everyone, blind_rule.hidden_person_ids(store, scope))
    return everyone if program_id is None else everyone.filter(pl.col("program_id").is_in(program_ids))


EVIDENCE_COLUMNS = (*THEMES, "themes_at_3", "mean_score", "never_probed", "supporting", "counter")


def hide_pending(frame: pl.DataFrame, hidden: list[str]) -> pl.DataFrame:
    """The blind rule on the ranked table: a hidden person's scores and evidence are blanked and
    their row goes to the end (its place in the ranking would tell their scores)."""
    if not hidden:
        return frame
    about = pl.col("person_id").is_in(hidden)
    masked = blind_rule.mask_hidden(frame, hidden, list(EVIDENCE_COLUMNS))
    note = pl.when(about).then(pl.lit(blind_rule.HIDDEN_NOTE)).otherwise(pl.col("raters_differ"))
    return masked.with_columns(note.alias("raters_differ")).sort(about, maintain_order=True)


def apply_filters(frame: pl.DataFrame, filters: ScreeningFilters) -> pl.DataFrame:
    """The rows that pass the filters; a minimum score excludes applicants not rated on that theme."""
    keep = pl.lit(True)
    if filters.positions:
        keep &= pl.col("position").is_in(list(filters.positions))
    if filters.stages:
        keep &= pl.col("stage").is_in(list(filters.stages))
    if filters.applied_from:
        keep &= pl.col("applied_on") >= filters.applied_from
    if filters.applied_to:
        keep &= pl.col("applied_on") <= filters.applied_to
    for theme, minimum in filters.min_scores.items():
        if theme in THEMES and minimum and minimum > 0:
            keep &= (pl.col(theme) >= minimum).fill_null(False)
    return frame.filter(keep)


def screening_table(
    store,
    scope: Scope,
    program_id: str | None = None,
    filters: ScreeningFilters | None = None,
    hide_names: bool = False,
) -> pl.DataFrame:
    """The ranked, filtered table the Screening page and the report show."""
    table = apply_filters(ranked_applicants(store, scope, program_id), filters or ScreeningFilters())
    return with_names(store, table, hide_names)


def visible_columns(frame: pl.DataFrame, hide_names: bool) -> pl.DataFrame:
    """The columns put on screen and in the download (no ids or names in a blind review)."""
    hidden = {"person_id", "full_name"} | ({"application_id"} if hide_names else set())
    return frame.select([c for c in frame.columns if c not in hidden])


def with_names(store, frame: pl.DataFrame, hide_names: bool) -> pl.DataFrame:
    """The rows as shown: names replaced by blind codes (until a decision) when asked."""
    return blind(store, frame) if hide_names else frame


def download_frame(store, table: pl.DataFrame, hide_names: bool) -> pl.DataFrame:
    """The whole ranked, filtered table as the downloads (CSV, XLSX) carry it."""
    return visible_columns(with_names(store, table, hide_names), hide_names)


def table_csv(store, table: pl.DataFrame, hide_names: bool) -> str:
    """The whole ranked, filtered table as the download's CSV (the same text as the report)."""
    from dashboard.core import exports

    return exports.csv_text(download_frame(store, table, hide_names))


def filter_options(frame: pl.DataFrame) -> dict[str, list]:
    """The positions and stages present, and the applied-date range, for the filter widgets."""
    stages = set(frame["stage"].to_list())
    return {
        "positions": sorted(set(frame["position"].to_list())),
        "stages": [s for s in STAGES if s in stages],
        "first_applied": frame["applied_on"].min(),
        "last_applied": frame["applied_on"].max(),
    }


@db.memoize  # a small answer: cheaper to reuse than to reread the ranked table
def filter_choices(store, scope: Scope, program_id: str | None = None) -> dict[str, list]:
    """The filter widgets' choices for the supervisor's programs (or one of them)."""
    return filter_options(ranked_applicants(store, scope, program_id))


# --- one candidate --------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateDetail:
    """Everything the Candidate page shows about one application."""

    application: dict
    label: str
    profile: pl.DataFrame
    ratings: pl.DataFrame
    score_table: pl.DataFrame
    excerpts: pl.DataFrame
    applications: pl.DataFrame
    interviews: pl.DataFrame
    nominations: pl.DataFrame
    decisions: pl.DataFrame
    hidden: bool = False  # the reader's own scorecard for this person is pending: no scores shown


def application(store, scope: Scope, application_id: str) -> dict:
    """One application of the supervisor's programs; AccessDenied for any other (or none)."""
    program_ids = readable_programs(store, scope, ROLE)
    row = store.query("application_for_id", application_id=application_id, program_ids=program_ids)
    if row.height == 0:
        # the same answer whether the application exists elsewhere or not at all
        raise AccessDenied(f"the application {application_id} is not in your programs")
    return row.row(0, named=True)


def candidate_label(store, app: dict, decided: bool, hide_names: bool) -> str:
    """The applicant's name, or the blind code while no decision is recorded."""
    if hide_names and not decided:
        return blind_code(blind_secret(store), app["application_id"])
    return app["full_name"]


def score_table(scores: pl.DataFrame, ratings: pl.DataFrame) -> pl.DataFrame:
    """Per interview and theme: each rater's score, the consensus and the score used."""
    keys = ["interview_id", "interview_date", "theme"]
    by_rater = (
        ratings.pivot(on="rater_name", index=keys, values="score", aggregate_function="first")
        if ratings.height
        else ratings.select(keys)
    )
    return scores.join(by_rater, on=keys, how="left").select(
        "interview_date",
        "theme",
        *[c for c in by_rater.columns if c not in keys],
        "consensus_score",
        pl.col("score").round(2).alias("score_used"),
        pl.when(pl.col("pending"))
        .then(pl.lit("raters differ by 2+; consensus pending"))
        .when(pl.col("disagreement"))
        .then(pl.lit("raters differed by 2+; consensus reached"))
        .otherwise(pl.lit(""))
        .alias("mark"),
    )


def candidate_detail(store, scope: Scope, application_id: str, hide_names: bool = False) -> CandidateDetail:
    """One applicant's profile, evidence, history and decisions (AccessDenied outside scope)."""
    app = application(store, scope, application_id)
    program_ids, person_id = readable_programs(store, scope, ROLE), app["person_id"]
    profile = store.query(
        "theme_scores_by_application", application_ids=[application_id], program_ids=program_ids
    )
    ratings = store.query(
        "ratings_for_applications", application_ids=[application_id], program_ids=program_ids
    )
    scores = store.query(
        "interview_scores_for_application", application_id=application_id, program_ids=program_ids
    )
    decisions = store.query(
        "decisions_for_application", application_id=application_id, program_ids=program_ids
    )
    hidden = blind_rule.is_hidden(store, scope, person_id)
    excerpts = store.query("excerpts_for_application", application_id=application_id, program_ids=program_ids)
    if hidden:  # the blind rule: nothing of the raters' scores or evidence
        profile, ratings, scores, excerpts = (
            profile.head(0),
            ratings.head(0),
            scores.head(0),
            excerpts.head(0),
        )
    return CandidateDetail(
        application=app,
        label=candidate_label(store, app, decisions.height > 0, hide_names),
        profile=profile,
        ratings=ratings,
        score_table=score_table(scores, ratings),
        excerpts=excerpts,
        applications=store.query("applications_for_person", person_id=person_id, program_ids=program_ids),
        interviews=store.query("interviews_for_person", person_id=person_id, program_ids=program_ids),
        nominations=store.query("peer_nominations_for_person", person_id=person_id, program_ids=program_ids),
        decisions=decisions,
        hidden=hidden,
    )


def profile_chart_frame(profile: pl.DataFrame, ratings: pl.DataFrame, label: str = "") -> pl.DataFrame:
    """The profile chart's data: the score used per theme and, for the latest interview, each rater's."""
    used = profile.select(
        pl.col("theme"),
        pl.lit("score used").alias("series"),
        pl.col("score").cast(pl.Float64).round(2).alias("value"),
        pl.col("interview_id"),
    )
    raters = ratings.join(profile.select("theme", "interview_id"), on=["theme", "interview_id"]).select(
        pl.col("theme"),
        pl.col("rater_name").alias("series"),
        pl.col("score").cast(pl.Float64).alias("value"),
        pl.col("interview_id"),
    )
    frame = pl.concat([used, raters]).drop("interview_id")
    return frame.with_columns(
        pl.col("value").is_not_null().alias("rated"),
        pl.lit(label).alias("applicant"),
    )


def excerpts_for(detail: CandidateDetail, theme: str) -> pl.DataFrame:
    """One theme's excerpts, supporting first, as the Candidate page lists them."""
    return detail.excerpts.filter(pl.col("theme") == theme).select(
        pl.col("subtheme").fill_null("(theme as a whole)"),
        "stance",
        "text",
        pl.col("rater_name").alias("rater"),
        "interview_date",
    )


# --- decisions ------------------------------------------------------------------------------


def record_decision(store, scope: Scope, application_id: str, decision: str, note: str = "") -> None:
    """Store a decision (advance, hold, decline) with a note, who and when, and audit it."""
    if decision not in DECISIONS:
        raise ValueError(f"a decision is one of {', '.join(DECISIONS)}")
    application(store, scope, application_id)  # AccessDenied outside the supervisor's programs
    note = (note or "").strip()[:NOTE_MAX]
    values = {"application_id": application_id, "decision": decision, "note": note, "decided_by": scope.email}

    def work(cur) -> None:  # one transaction: the decision and its audit entry
        db.run_in(cur, "decision_insert", **values)
        audit.record_in(cur, scope, "decision", f"{application_id}: {decision}")

    db.transaction(store, work, name="decision")


# --- compare --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Two to four applicants side by side."""

    profiles: pl.DataFrame
    table: pl.DataFrame


@db.memoize  # a small answer: cheaper to reuse than to reread the ranked table
def compare_labels(store, scope: Scope, application_ids: list[str], hide_names: bool) -> dict[str, str]:
    """Each readable application's label (its name, or the blind code while undecided), in order."""
    everyone = ranked_applicants(store, scope)
    rows = everyone.filter(pl.col("application_id").is_in(list(application_ids)))
    rows = with_names(store, rows, hide_names)
    found = dict(zip(rows["application_id"], rows["candidate"], strict=True))
    return {a: found[a] for a in dict.fromkeys(application_ids) if a in found}


@db.memoize  # a small answer: cheaper to reuse than to reread the ranked table
def application_program(store, scope: Scope, application_id: str | None) -> str | None:
    """The program of one readable application (None for none or one outside the scope)."""
    if application_id is None:
        return None
    rows = ranked_applicants(store, scope).filter(pl.col("application_id") == application_id)
    return rows["program_id"][0] if rows.height else None


@db.memoize  # a small answer: cheaper to reuse than to reread the ranked table
def compare_choices(
    store, scope: Scope, program_id: str | None, wanted: list[str], hide_names: bool
) -> dict[str, str]:
    """The applicants offered on the Compare page: those asked for, then one program's, ranked."""
    program = ranked_applicants(store, scope, program_id) if program_id else None
    ids = [*wanted, *(program["application_id"].to_list() if program is not None else [])]
    return compare_labels(store, scope, ids, hide_names)


def compare(store, scope: Scope, application_ids: list[str], hide_names: bool = False) -> Comparison:
    """Profiles on one scale and a theme-by-applicant table with each cell's strongest excerpt."""
    if not 2 <= len(set(application_ids)) <= 4:
        raise ValueError("pick two to four applicants to compare")
    program_ids = readable_programs(store, scope, ROLE)
    names = compare_labels(store, scope, application_ids, hide_names)
    if len(names) != len(set(application_ids)):
        # the same answer whether an application exists elsewhere or not at all
        raise AccessDenied("an application to compare is not in your programs")
    labels: dict[str, str] = {}
    for application_id, name in names.items():
        labels[application_id] = name if name not in labels.values() else f"{name} ({application_id})"
    wanted = list(labels)
    hidden = set(blind_rule.hidden_person_ids(store, scope))
    everyone = ranked_applicants(store, scope).filter(pl.col("application_id").is_in(wanted))
    shown = [a for a, p in everyone.select("application_id", "person_id").iter_rows() if p not in hidden]
    scores = store.query("theme_scores_by_application", application_ids=shown, program_ids=program_ids)
    ratings = store.query("ratings_for_applications", application_ids=shown, program_ids=program_ids)
    profiles = pl.concat(
        [
            profile_chart_frame(
                scores.filter(pl.col("application_id") == a),
                ratings.filter(pl.col("application_id") == a),
                label,
            )
            for a, label in labels.items()
        ]
    )
    strongest = store.query(
        "strongest_excerpt_by_application", application_ids=shown, program_ids=program_ids
    )
    return Comparison(profiles, _compare_table(profiles, strongest, labels))


def _compare_table(profiles: pl.DataFrame, strongest: pl.DataFrame, labels: dict[str, str]) -> pl.DataFrame:
    """Theme rows, one column per applicant: 'score — strongest excerpt'."""
    table = pl.DataFrame({"theme": list(THEMES)})
    for application_id, label in labels.items():
        scores = profiles.filter((pl.col("applicant") == label) & (pl.col("series") == "score used"))
        quotes = strongest.filter(pl.col("application_id") == application_id).select("theme", "text")
        cell = scores.join(quotes, on="theme", how="left").select(
            "theme",
            pl.concat_str(
                [
                    pl.col("value").round(2).cast(pl.String).fill_null("not rated"),
                    pl.col("text").fill_null("(no supporting excerpt)"),
                ],
                separator=" — ",
            ).alias(label),
        )
        table = table.join(cell, on="theme", how="left")
    return table
