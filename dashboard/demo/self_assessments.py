"""Self-assessments for the bundled sample data, so the trainee's pages and the training
director's self-vs-panel view can be seen from a clean clone. Self-assessments are app-owned (the
data contract has no file for them), so they are seeded like the demo panels: once, into the
sample database only, through the same audited functions a paper form goes through.

The demo trainee is the first active trainee (the one whose midpoint review the demo panels
schedule): their intake is self-assessed (so its panel scores show), their imported midpoint has
a draft. Every other trainee self-assesses their intake and exit reviews, deterministically:
over-rating most at intake on the themes trainees find hardest to see in themselves, less at exit.
"""

from __future__ import annotations

from dashboard.core.contract import THEMES
from dashboard.demo.panels import SEEDER
from dashboard.training import self_assessment
from dashboard.training.self_rules import SelfAssessment

# mean self - panel gap a sample trainee shows per theme: at intake, and at exit
_BIAS = {
    "balance": (1.0, 0.3),
    "adaptiveness": (0.6, 0.2),
    "transcendence": (-0.6, -0.4),
    "learning": (1.2, 0.2),
    "fit": (0.4, 0.0),
    "beliefs": (-0.3, 0.1),
}
_EXAMPLES = {
    "balance": "I kept my Friday afternoons for notes and left on time even in a hard week.",
    "adaptiveness": "When a client missed three sessions I moved our meetings to the bus stop café.",
    "transcendence": "After a group session I felt part of something bigger than the clinic.",
    "learning": "I brought a recording of a stuck session to supervision and asked what I missed.",
    "fit": "I chose this placement because I grew up two streets from the clinic.",
    "beliefs": "I tell clients that change is slow but real, because I have seen it.",
}


def demo_trainee(store) -> str:
    """The demo trainee's person id: the first active trainee (U00400 in the sample)."""
    rows = store.query("active_trainee_list")
    return rows["person_id"][0] if rows.height else ""


def demo_trainee_email(store) -> str:
    """The sign-in address of the demo trainee ('' when there is none)."""
    person = demo_trainee(store)
    if not person:
        return ""
    found = store.query("trainee_enrollments_for_people", person_ids=[person])
    return _email(store, person) if found.height else ""


def _email(store, person_id: str) -> str:
    rows = store.query("email_for_person", person_id=person_id)
    return rows["email"][0] if rows.height and rows["email"][0] else ""


def _score(panel: float, theme: str, purpose: str, person_id: str) -> int:
    """A deterministic self-score near the panel's plus the theme's bias at this review."""
    bias = _BIAS[theme][0 if purpose == "intake" else 1]
    wobble = (sum(map(ord, person_id + theme)) % 3 - 1) * 0.5
    return int(min(4, max(0, round(panel + bias + wobble))))


def _assessment(scores: dict[str, float], purpose: str, person_id: str) -> SelfAssessment:
    mine = {t: _score(scores[t], t, purpose, person_id) if t in scores else None for t in THEMES}
    return SelfAssessment(mine, {t: _EXAMPLES[t] for t, s in mine.items() if s is not None})


def seed(store, others: bool = True) -> int:
    """Seed the demo self-assessments (once: nothing when any exists); returns how many. Without
    `others`, only the demo trainee's (the benchmark's, at any scale)."""
    if store.query("self_assessments_total")["n"][0]:
        return 0
    me = demo_trainee(store)
    rows = store.query("review_scores_for_purposes", purposes=["intake", "midpoint", "exit"])
    done = 0
    for (person, interview_id, purpose), part in rows.group_by(
        "person_id", "interview_id", "purpose", maintain_order=True
    ):
        if person != me and not others:
            continue
        scores = dict(zip(part["theme"], part["panel_score"], strict=True))
        sa = _assessment(scores, purpose, person)
        if person == me and purpose == "midpoint":
            self_assessment.save_draft(store, SEEDER, interview_id, person, sa, paper=True)
        elif purpose in ("intake", "exit") or person == me:
            self_assessment.submit(store, SEEDER, interview_id, person, sa, paper=True)
        else:
            continue
        done += 1
    return done


def seed_if_sample(store) -> int:
    """Seed the demo self-assessments when the database holds only the bundled sample data."""
    from dashboard.demo.sample import is_sample_database

    return seed(store) if is_sample_database(store) else 0
