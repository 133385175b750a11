"""An excerpt in its passage: the transcript around an excerpt that came from a coded project.

The Candidate page offers, for each excerpt with a position in a transcript (see ingest/qdpx_frames.py),
the text around it with the excerpt between plain-text markers. It reads with the supervisor's
scope and under the blind rule (scorecards/blind_rule.py), like the excerpts themselves, and the page shows
the passage as plain text, never as HTML or Markdown. When a transcript no longer holds the excerpt's text at its position (the
project was re-imported after the transcript was edited), no passage is offered for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.core.access import Scope, readable_programs
from dashboard.scorecards import blind_rule

ROLE = "supervisor"
CONTEXT_CHARS = 300
MARK_START, MARK_END = ">>> ", " <<<"
MARKER_NOTE = f"the excerpt is between {MARK_START.strip()} and {MARK_END.strip()}"
LABEL_CHARS = 80


@dataclass(frozen=True)
class Passage:
    """One excerpt in its transcript: a label to pick it by, where it is from, and the text."""

    excerpt_id: str
    label: str
    source: str
    text: str


def _label(stance: str, excerpt: str) -> str:
    """How an excerpt is listed: its stance and its first words on one line."""
    words = " ".join(excerpt.split())
    short = words if len(words) <= LABEL_CHARS else words[: LABEL_CHARS - 1].rstrip() + "…"
    return f"{stance}: {short}"


def passage_text(before: str, selected: str, after: str, at_start: bool, at_end: bool) -> str:
    """The passage as plain text: whole words around the excerpt, which sits between the markers."""
    if not at_start:
        cut = next((i for i, c in enumerate(before) if c.isspace()), len(before))
        before = "…" + before[cut:].lstrip() if cut < len(before) else "…"
    if not at_end:
        cut = next((i for i in range(len(after) - 1, -1, -1) if after[i].isspace()), -1)
        after = after[:cut].rstrip() + "…" if cut > 0 else "…"
    return f"{before}{MARK_START}{selected}{MARK_END}{after}"


def excerpt_passages(
    store, scope: Scope, application_id: str, hide_source: bool = False, context_chars: int = CONTEXT_CHARS
) -> dict[str, list[Passage]]:
    """Per theme, the passages of an application's excerpts that have a transcript position.

    `hide_source` leaves out the transcript's name (blind review: it may name the applicant).
    """
    rows = store.query(
        "excerpt_passages_for_application",
        application_id=application_id,
        program_ids=readable_programs(store, scope, ROLE),
        context_chars=context_chars,
    )
    out: dict[str, list[Passage]] = {}
    if rows.is_empty() or blind_rule.is_hidden(store, scope, rows["person_id"][0]):
        return out  # the reader's own scorecard for this person is pending: no evidence shown
    for r in rows.iter_rows(named=True):
        if r["selected"] != r["excerpt_text"]:
            continue  # the transcript changed since this excerpt was imported
        text = passage_text(r["before"], r["selected"], r["after"], r["at_start"], r["at_end"])
        source = "(hidden in blind review)" if hide_source else r["source_name"]
        passage = Passage(r["excerpt_id"], _label(r["stance"], r["excerpt_text"]), source, text)
        out.setdefault(r["theme"], []).append(passage)
    return out
