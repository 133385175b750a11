"""Self-assessments: a trainee rates themselves at each review (intake, midpoint, exit, annual) on
the interview kit's anchored 0-4 scale, with an example from their own practice for every score.

Like a scorecard: a draft may be saved at any time; Submit locks it; after that only an amendment
with a reason changes it, and the first submission is kept for ever. Every write is one
transaction with its audit entry. A trainee writes only their own (scope.person_ids); a paper
form is typed in by an admin on the command line. Self-scores are never ratings: nothing here
writes `ratings`, so Screening, Reliability and the validation study never see them.

Blind both ways: a rater reads the self-assessment only once their own card for that review is
submitted (`for_rater`); what the trainee sees of the panel is in training/self_view.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core.access import AccessDenied, Scope
from dashboard.core.contract import THEMES
from dashboard.scorecards import blind_rule, interviews
from dashboard.store import audit, db
from dashboard.training.self_rules import (
    REASON_MAX,
    SelfAssessment,
    SelfAssessmentError,
    check,
    from_rows,
)

REVIEWS = interviews.REVIEW_PURPOSES


def _check_actor(scope: Scope, person_id: str, paper: bool) -> str:
    """The role writing: an admin typing a paper form, or the trainee themselves."""
    if paper:
        scope.require("admin")
        return "admin"
    if person_id not in scope.own_people():
        raise AccessDenied("you can self-assess only your own reviews")
    return "trainee"


def _check_review(cur, interview_id: str, person_id: str) -> None:
    """The interview is a review of this person, held in a program they are enrolled in."""
    found = db.run_in(cur, "interview_for_id", interview_id=interview_id)
    if found.is_empty():
        raise SelfAssessmentError([("", f"no interview has the id {interview_id}")])
    row = found.row(0, named=True)
    if row["purpose"] not in REVIEWS:
        raise SelfAssessmentError(
            [
                (
                    "",
                    f"interview {interview_id} is a {row['purpose']} interview, not a review (intake, "
                    "midpoint, exit or annual)",
                )
            ]  # fmt: skip
        )
    if row["person_id"] != person_id:
        raise SelfAssessmentError([("", f"interview {interview_id} is not a review of {person_id}")])
    enrolled = db.run_in(cur, "trainee_enrollments_for_people", person_ids=[person_id])
    if enrolled.is_empty():
        raise SelfAssessmentError(
            [("", f"{person_id} has no enrollment: only trainees enrolled in a cohort self-assess")]
        )
    if row["program_id"] not in enrolled["program_id"].to_list():
        raise SelfAssessmentError(
            [
                (
                    "",
                    f"interview {interview_id} is held in {row['program_id']}, where {person_id} is not enrolled",
                )
            ]
        )


def _versions(cur, interview_id: str, person_id: str) -> pl.DataFrame:
    return db.run_in(
        cur, "self_assessment_versions_for_review", interview_id=interview_id, person_id=person_id
    )


def _new_version(cur, scope, interview_id, person_id, version, sa: SelfAssessment, reason=None) -> int:
    """Insert one saved state with its theme rows (all six once submitted); returns its id."""
    row = db.run_in(
        cur,
        "self_assessment_insert",
        interview_id=interview_id,
        person_id=person_id,
        version=version,
        reason=reason,
        saved_by=scope.email,
    )
    sa_id = int(row["self_assessment_id"][0])
    themes = THEMES if version >= 1 else tuple(t for t in THEMES if t in sa.scores or t in sa.examples)
    for theme in themes:
        example = (sa.examples.get(theme) or "").strip() or None
        db.run_in(
            cur,
            "self_assessment_score_insert",
            self_assessment_id=sa_id,
            theme=theme,
            score=sa.scores.get(theme),
            example=example,
        )
    return sa_id


def _write(store, scope: Scope, interview_id: str, person_id: str, paper: bool, work):
    """Check who writes, then run `work(cur, versions, role)` as one transaction."""
    role = _check_actor(scope, person_id, paper)

    def run(cur):
        _check_review(cur, interview_id, person_id)
        return work(cur, _versions(cur, interview_id, person_id), role)

    out = db.transaction(store, run, name="self_assessment")
    return out


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise SelfAssessmentError(problems)


def save_draft(
    store, scope: Scope, interview_id: str, person_id: str, sa: SelfAssessment, paper=False
) -> int:
    """Save (replace) the draft: values may be incomplete, none may be invalid; returns its id."""
    _refuse(check(sa, final=False))

    def work(cur, versions, role) -> int:
        if (versions["version"] >= 1).any():
            raise SelfAssessmentError(
                [("", "this self-assessment is already submitted; amend it with a reason")]
            )
        db.run_in(
            cur, "self_assessment_draft_delete_for_review", interview_id=interview_id, person_id=person_id
        )
        sa_id = _new_version(cur, scope, interview_id, person_id, 0, sa)
        audit.record_in(cur, scope, "self_assessment", f"{interview_id}: {person_id} draft", 0, role)
        return sa_id

    return _write(store, scope, interview_id, person_id, paper, work)


def submit(store, scope: Scope, interview_id: str, person_id: str, sa: SelfAssessment, paper=False) -> int:
    """Submit the self-assessment (locks it); returns its id. Submitting twice is refused."""
    _refuse(check(sa, final=True))

    def work(cur, versions, role) -> int:
        done = versions.filter(pl.col("version") >= 1)
        if done.height:
            when = done["saved_at"].min().strftime("%Y-%m-%d %H:%M")
            raise SelfAssessmentError([("", f"already submitted ({when}); amend it with a reason")])
        db.run_in(
            cur, "self_assessment_draft_delete_for_review", interview_id=interview_id, person_id=person_id
        )
        sa_id = _new_version(cur, scope, interview_id, person_id, 1, sa)
        scored = sum(s is not None for s in sa.scores.values())
        audit.record_in(cur, scope, "self_assessment", f"{interview_id}: {person_id} submitted", scored, role)
        return sa_id

    return _write(store, scope, interview_id, person_id, paper, work)


def amend(
    store, scope: Scope, interview_id: str, person_id: str, sa: SelfAssessment, reason: str, paper=False
) -> int:
    """Correct a submitted self-assessment by a new version with a reason; the first stays."""
    problems = check(sa, final=True)
    if not (reason or "").strip():
        problems.append(("", "an amendment needs a reason"))
    _refuse(problems)

    def work(cur, versions, role) -> int:
        if not (versions["version"] >= 1).any():
            raise SelfAssessmentError([("", "not submitted yet; save a draft or submit it instead")])
        version = int(versions["version"].max()) + 1
        sa_id = _new_version(cur, scope, interview_id, person_id, version, sa, reason.strip()[:REASON_MAX])
        obj = f"{interview_id}: {person_id} version {version}"
        audit.record_in(cur, scope, "self_assessment", obj, version, role)
        return sa_id

    return _write(store, scope, interview_id, person_id, paper, work)


# --- reads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Own:
    """One review's self-assessment: every saved version and the latest content."""

    versions: pl.DataFrame
    content: SelfAssessment

    @property
    def submitted(self) -> bool:
        """True once the first version is submitted."""
        return bool((self.versions["version"] >= 1).any())


def own(store, scope: Scope, interview_id: str, person_id: str) -> Own:
    """The trainee's own self-assessment of one review (drafts are seen by their author only)."""
    _check_actor(scope, person_id, paper=False)
    versions = store.query(
        "self_assessment_versions_for_review", interview_id=interview_id, person_id=person_id
    )
    content = SelfAssessment()
    if versions.height:
        ids = [int(versions["self_assessment_id"][-1])]
        content = from_rows(store.query("self_assessment_scores_for_ids", self_assessment_ids=ids))
    return Own(versions, content)


def for_rater(store, scope: Scope, interview_id: str, rater_id: str) -> pl.DataFrame | None:
    """The reviewed trainee's submitted self-assessment in force, for a rater on the panel, only
    once the rater's own card is submitted and they owe no card on another review of the same
    person (it never anchors them); None before that or when there is none. Columns: theme, self_score ('not assessed' where so), example."""
    if rater_id not in interviews.interviewer_raters(store, scope):
        raise AccessDenied("you can read a self-assessment only as a rater on the panel")
    row = interviews.interview(store, interview_id)
    seats = interviews.panel_seats(store, [interview_id]).filter(pl.col("rater_id") == rater_id)
    if row is None or seats.is_empty() or seats["status"][0] != "submitted":
        return None
    if blind_rule.is_hidden(store, scope, row["person_id"]):  # a card still owed on another review
        return None
    versions = store.query(
        "self_assessment_versions_for_review", interview_id=interview_id, person_id=row["person_id"]
    ).filter(pl.col("version") >= 1)
    if versions.is_empty():
        return None
    rows = store.query(
        "self_assessment_scores_for_ids", self_assessment_ids=[int(versions["self_assessment_id"][-1])]
    )
    order = {t: i for i, t in enumerate(THEMES)}
    return (
        rows.with_columns(pl.col("theme").replace_strict(order, default=99).alias("_t"))
        .sort("_t")
        .select(
            "theme",
            pl.col("score").cast(pl.String).fill_null("not assessed").alias("self_score"),
            pl.col("example").fill_null(""),
        )
    )
