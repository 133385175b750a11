"""Scorecards: a rater's scores on the six themes with verbatim evidence, made in Vocation.

Per theme a score on the anchored 0-4 scale, or not assessed (stored as null, never 0); one or
more excerpts (theme, optional sub-theme of the same theme, stance, text). A draft may be saved
at any time; submitting needs a conflict-of-interest confirmation first and at least one excerpt
for every scored theme, and locks the card; after that only an amendment with a reason changes
it (the first submission is kept for ever: Reliability reads it). Each submit or amendment is
written, in the same transaction, into `ratings` and `excerpts` and the interview's
materialized scores, so every page and report reads imported and in-app ratings alike.
There is no hire / no-hire verdict: Screening's score rule combines the scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core.access import AccessDenied, Scope
from dashboard.core.contract import THEMES
from dashboard.notify import interview_mail, outbox
from dashboard.scorecards import blind_rule, interviews
from dashboard.scorecards.card_rules import (  # noqa: F401 - the rules are part of this module's interface
    SCORES,
    TEXT_MAX,
    Card,
    CardError,
    Excerpt,
    check_card,
    parse_cli,
)
from dashboard.store import audit, db

REASON_MAX = 1000
NOT_ASSESSED = "not assessed"


def subtheme_themes(store) -> dict[str, str]:
    """Sub-theme code -> its theme, from the database's codebook."""
    return dict(store.query("subtheme_list").select("code", "theme").iter_rows())


# --- who may write which card -------------------------------------------------------------


def _check_actor(store, scope: Scope, rater_id: str, paper: bool) -> None:
    """A rater writes only their own card; a paper card is typed by an admin (the command line)."""
    if paper:
        scope.require("admin")
    elif rater_id not in interviews.interviewer_raters(store, scope):
        raise AccessDenied("you can open and record only your own scorecard")


def _seat(cur, interview_id: str, rater_id: str) -> tuple[dict, pl.DataFrame]:
    """The seat and the card's versions, read inside the transaction; CardError when no seat."""
    seats = db.run_in(cur, "panel_seats_for_interviews", interview_ids=[interview_id])
    mine = seats.filter(pl.col("rater_id") == rater_id)
    if mine.is_empty():
        raise CardError([("", f"rater {rater_id} is not on the panel of interview {interview_id}")])
    seat = mine.row(0, named=True)
    if seat["seat_status"] == "recused":
        raise CardError([("", f"rater {rater_id} recused themselves from interview {interview_id}")])
    return seat, db.run_in(cur, "scorecard_versions_for_seat", interview_id=interview_id, rater_id=rater_id)


def _write_content(cur, scorecard_id: int, card: Card, final: bool) -> None:
    """The card's scores (all six when final: unscored ones as not assessed) and excerpts."""
    themes = THEMES if final else tuple(t for t in THEMES if t in card.scores)
    for theme in themes:
        db.run_in(
            cur,
            "scorecard_score_insert",
            scorecard_id=scorecard_id,
            theme=theme,
            score=card.scores.get(theme),
        )
    for i, ex in enumerate(card.excerpts, 1):
        db.run_in(
            cur,
            "scorecard_excerpt_insert",
            scorecard_id=scorecard_id,
            position=i,
            theme=ex.theme,
            subtheme=ex.subtheme or None,
            stance=ex.stance,
            text=ex.text.strip(),
        )


def _new_version(cur, scope, interview_id, rater_id, version, card, reason=None) -> int:
    """Insert one saved state of the card with its content; returns its id."""
    row = db.run_in(
        cur,
        "scorecard_insert",
        interview_id=interview_id,
        rater_id=rater_id,
        version=version,
        reason=reason,
        saved_by=scope.email,
    )
    scorecard_id = int(row["scorecard_id"][0])
    _write_content(cur, scorecard_id, card, final=version >= 1)
    return scorecard_id


# --- writes -------------------------------------------------------------------------------


def _write(store, scope, interview_id, rater_id, paper, work, step: str) -> None:
    """Check who writes, then run `work(cur, seat, versions)` as one transaction (retried on conflict);
    `step` names it (confirm, recuse, draft, submit, amend) for VOCATION_TIMING."""
    _check_actor(store, scope, rater_id, paper)
    db.transaction(
        store, lambda cur: work(cur, *_seat(cur, interview_id, rater_id)), name=f"scorecard_{step}"
    )


def confirm_no_conflict(store, scope: Scope, interview_id: str, rater_id: str, paper: bool = False) -> None:
    """The rater confirms no dual relationship (former client, relative, supervisee, close colleague)."""
    _write(
        store,
        scope,
        interview_id,
        rater_id,
        paper,
        lambda cur, seat, versions: _confirm(cur, interview_id, rater_id),
        "confirm",
    )


def _confirm(cur, interview_id: str, rater_id: str) -> None:
    db.run_in(cur, "panel_seat_confirm", interview_id=interview_id, rater_id=rater_id)


def recuse(store, scope: Scope, interview_id: str, rater_id: str, reason: str, paper: bool = False) -> None:
    """The rater leaves the panel for a conflict of interest, with a reason (audited); a calendar
    cancellation to the rater (never the reason) and, if the rest are in, the scheduler's note."""
    reason = (reason or "").strip()
    settings, _ = outbox.mail_settings()

    def work(cur, seat, versions) -> None:
        if not reason:
            raise CardError([("", "say why you recuse yourself (the reason is shown to the scheduler)")])
        if (versions["version"] >= 1).any():
            raise CardError([("", "the scorecard is already submitted; amend it instead")])
        db.run_in(cur, "scorecard_draft_delete_for_seat", interview_id=interview_id, rater_id=rater_id)
        db.run_in(
            cur, "panel_seat_recuse", interview_id=interview_id, rater_id=rater_id, reason=reason[:REASON_MAX]
        )
        audit.record_in(cur, scope, "recusal", f"{interview_id}: {rater_id} recused", 1, _role(paper))
        if settings is not None:
            seq = interview_mail.sequence(cur, interview_id) + 1
            interview_mail.queue_cancellations(cur, settings, interview_id, seq, "recused", [rater_id])
            interview_mail.queue_if_panel_complete(cur, settings, interview_id)

    _write(store, scope, interview_id, rater_id, paper, work, "recuse")


def _role(paper: bool) -> str:
    """The role an audit entry names: the coordinator (admin) for paper cards, else the interviewer."""
    return "admin" if paper else "interviewer"


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise CardError(problems)


def save_draft(
    store, scope: Scope, interview_id: str, rater_id: str, card: Card, paper: bool = False
) -> None:
    """Save (replace) the rater's draft: any values may be incomplete, none may be invalid."""
    _refuse(check_card(card, subtheme_themes(store), final=False))

    def work(cur, seat, versions) -> None:
        if paper and seat["seat_status"] == "seated":
            _confirm(cur, interview_id, rater_id)
        elif seat["seat_status"] != "confirmed":
            raise CardError([("", "confirm you have no conflict of interest (or recuse) before rating")])
        if (versions["version"] >= 1).any():
            raise CardError([("", "the scorecard is already submitted; amend it with a reason instead")])
        db.run_in(cur, "scorecard_draft_delete_for_seat", interview_id=interview_id, rater_id=rater_id)
        _new_version(cur, scope, interview_id, rater_id, 0, card)

    _write(store, scope, interview_id, rater_id, paper, work, "draft")


def _materialize(cur, interview_id: str, rater_id: str, scorecard_id: int) -> None:
    """The card in force becomes the rater's ratings and excerpts; the materialized tables refresh."""
    db.run_in(
        cur, "scorecard_materialize", interview_id=interview_id, rater_id=rater_id, scorecard_id=scorecard_id
    )
    db.refresh_interview(cur, interview_id)


def submit(store, scope: Scope, interview_id: str, rater_id: str, card: Card, paper: bool = False) -> int:
    """Submit the card (locks it); returns its id. Submitting twice is refused. The last card of a
    panel queues a note to the scheduler in the same transaction (when mail is on)."""
    _refuse(check_card(card, subtheme_themes(store), final=True))
    settings, _ = outbox.mail_settings()

    def work(cur, seat, versions) -> int:
        if paper and seat["seat_status"] == "seated":
            _confirm(cur, interview_id, rater_id)  # the paper form carries the rater's confirmation
        elif seat["seat_status"] != "confirmed":
            raise CardError([("", "confirm you have no conflict of interest (or recuse) before rating")])
        if seat["interview_date"] > interviews.today():
            when = seat["interview_date"]
            raise CardError(
                [("", f"the interview is on {when}: submit from that day (save a draft until then)")]
            )
        done = versions.filter(pl.col("version") >= 1)
        if done.height:
            when = done["saved_at"].min().strftime("%Y-%m-%d %H:%M")
            raise CardError([("", f"this scorecard was already submitted ({when}); amend it with a reason")])
        db.run_in(cur, "scorecard_draft_delete_for_seat", interview_id=interview_id, rater_id=rater_id)
        scorecard_id = _new_version(cur, scope, interview_id, rater_id, 1, card)
        _materialize(cur, interview_id, rater_id, scorecard_id)
        audit.record_in(cur, scope, "submit", f"{interview_id}: {rater_id}", len(card.excerpts), _role(paper))
        if settings is not None:
            interview_mail.queue_if_panel_complete(cur, settings, interview_id)
        return scorecard_id

    out: list[int] = []
    _write(
        store, scope, interview_id, rater_id, paper, lambda cur, s, v: out.append(work(cur, s, v)), "submit"
    )
    return out[-1]


def amend(
    store, scope: Scope, interview_id: str, rater_id: str, card: Card, reason: str, paper: bool = False
) -> int:
    """Correct a submitted card by a new version with a reason; the first submission stays."""
    problems = check_card(card, subtheme_themes(store), final=True)
    if not (reason or "").strip():
        problems.append(("", "an amendment needs a reason"))
    _refuse(problems)

    def work(cur, seat, versions) -> int:
        if not (versions["version"] >= 1).any():
            raise CardError([("", "the scorecard is not submitted yet; save or submit it instead")])
        version = int(versions["version"].max()) + 1
        scorecard_id = _new_version(
            cur, scope, interview_id, rater_id, version, card, reason.strip()[:REASON_MAX]
        )
        _materialize(cur, interview_id, rater_id, scorecard_id)
        audit.record_in(
            cur,
            scope,
            "amend",
            f"{interview_id}: {rater_id} version {version}",
            len(card.excerpts),
            _role(paper),
        )
        return scorecard_id

    out: list[int] = []
    _write(
        store, scope, interview_id, rater_id, paper, lambda cur, s, v: out.append(work(cur, s, v)), "amend"
    )
    return out[-1]


# --- reads --------------------------------------------------------------------------------


def card_content(store, scorecard_ids: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Scores and excerpts of these cards."""
    ids = [int(i) for i in scorecard_ids]
    return (
        store.query("scorecard_scores_for_cards", scorecard_ids=ids),
        store.query("scorecard_excerpts_for_cards", scorecard_ids=ids),
    )


def as_card(scores: pl.DataFrame, excerpts: pl.DataFrame) -> Card:
    """A Card from one card's score and excerpt rows."""
    return Card(
        {t: s for t, s in scores.select("theme", "score").iter_rows()},
        tuple(
            Excerpt(r["theme"], r["stance"], r["text"], r["subtheme"]) for r in excerpts.iter_rows(named=True)
        ),
    )


@dataclass(frozen=True)
class OwnCard:
    """The rater's own card: the seat, every version, and the latest content."""

    seat: dict
    versions: pl.DataFrame
    card: Card

    @property
    def submitted(self) -> bool:
        """True once the first version is submitted."""
        return bool((self.versions["version"] >= 1).any())


def own_card(store, scope: Scope, interview_id: str, rater_id: str) -> OwnCard:
    """The rater's own card (drafts are seen by their author only); AccessDenied for anyone else."""
    _check_actor(store, scope, rater_id, paper=False)
    seats = interviews.panel_seats(store, [interview_id]).filter(pl.col("rater_id") == rater_id)
    if seats.is_empty():
        raise AccessDenied(f"you are not on the panel of interview {interview_id}")
    versions = store.query("scorecard_versions_for_seat", interview_id=interview_id, rater_id=rater_id)
    card = Card()
    if versions.height:
        scores, excerpts = card_content(store, [versions["scorecard_id"][-1]])
        card = as_card(scores, excerpts)
    return OwnCard(seats.row(0, named=True), versions, card)


def submitted_cards(store, scope: Scope, interview_id: str) -> pl.DataFrame:
    """The panel's submitted cards in force, one row per theme and rater: score and excerpts.

    Empty while the reader is blinded for this person (a pending seat of their own); callers
    check that the reader sits on the panel or oversees the interview.
    """
    row = interviews.interview(store, interview_id)
    if row is None or blind_rule.is_hidden(store, scope, row["person_id"]):
        return _empty_cards()
    cards = store.query("submitted_cards_for_interviews", interview_ids=[interview_id])
    if cards.is_empty():
        return _empty_cards()
    scores, excerpts = card_content(store, cards["scorecard_id"].to_list())
    quoted = excerpts.group_by("scorecard_id", "theme").agg(
        pl.concat_str([pl.lit("["), pl.col("stance"), pl.lit("] "), pl.col("text")])
        .str.join("\n")
        .alias("excerpts")
    )
    return (
        cards.join(scores, on="scorecard_id")
        .join(quoted, on=["scorecard_id", "theme"], how="left")
        .select(
            "rater_id",
            "rater_name",
            "version",
            "theme",
            pl.col("score").cast(pl.String).fill_null(NOT_ASSESSED).alias("score"),
            pl.col("excerpts").fill_null(""),
        )
    )


def _empty_cards() -> pl.DataFrame:
    names = ("rater_id", "rater_name", "theme", "score", "excerpts")
    return pl.DataFrame(schema={"version": pl.Int32, **{n: pl.String for n in names}}).select(
        "rater_id", "rater_name", "version", "theme", "score", "excerpts"
    )


def side_by_side(cards: pl.DataFrame) -> pl.DataFrame:
    """Theme rows, one column per rater: 'score' and the rater's excerpts (text only)."""
    if cards.is_empty():
        return pl.DataFrame({"theme": list(THEMES)})
    cell = pl.concat_str([pl.col("score"), pl.col("excerpts")], separator="\n").str.strip_chars()
    wide = cards.with_columns(cell.alias("cell")).pivot(on="rater_name", index="theme", values="cell")
    return pl.DataFrame({"theme": list(THEMES)}).join(wide, on="theme", how="left")


def list_cards(
    store, scope: Scope, interview_id: str | None = None, status: str | None = None
) -> pl.DataFrame:
    """Every panel seat of the interviews scheduled in Vocation with its status (for the command line)."""
    scope.require("admin")
    if status is not None and status not in interviews.STATUSES:
        raise ValueError(f"status is one of: {', '.join(interviews.STATUSES)}")
    rows = interviews.with_status(
        store.query("panel_seat_list", interview_id=interview_id), interviews.today()
    )
    return rows if status is None else rows.filter(pl.col("status") == status)
