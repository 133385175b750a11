"""Interviews scheduled in Vocation for the bundled sample data, so the scorecard workflow can be
seen from a clean clone: upcoming panels, a draft, an overdue card, a recusal and a panel whose
cards are all in. `python -m dashboard load sample_data` seeds them once, into the sample
database only (and the benchmark into its own), through the same audited functions the pages use.

The demo interviewer is the first rater (sample rater R01; R001 in data of more than 99 raters)
and the panels are drawn from the first five: dates are relative to the day of seeding.
"""

from __future__ import annotations

from datetime import date, timedelta

from dashboard.core.access import ALL_PROGRAMS, Scope
from dashboard.scorecards import cards, interviews
from dashboard.scorecards.cards import Card, Excerpt

SEEDER = Scope(
    "sample data (seeded)",
    (("supervisor", ALL_PROGRAMS), ("training_director", ALL_PROGRAMS), ("admin", "")),
)

_SAYS = {
    "balance": (
        "supports",
        "On Saturdays I coach my daughter's football team; I come back on Monday with room for clients.",
    ),
    "adaptiveness": ("supports", "When the waitlist doubled we started a drop-in group instead of waiting."),
    "learning": ("supports", "I record sessions so my supervisor can pick them apart; I ask for it."),
    "fit": ("counter", "Honestly I took this post because it was the first offer I had."),
    "beliefs": ("supports", "I believe people can change, even after years in the system."),
    "transcendence": ("supports", "Some moments in a session feel bigger than the two of us."),
}


def demo_card(scores: dict[str, int | None]) -> Card:
    """A card with the given scores and, for each scored theme, one sample excerpt."""
    return Card(scores, tuple(Excerpt(t, *_SAYS[t]) for t, s in scores.items() if s is not None))


def demo_raters(store) -> list[str]:
    """The raters of the demo panels: the first five by id, the demo interviewer first."""
    return store.query("rater_list")["rater_id"].to_list()[:5]


def demo_rater(store) -> str:
    """The demo interviewer's rater id (R01 in the sample)."""
    found = demo_raters(store)
    return found[0] if found else ""


def demo_interviewer_email(store) -> str:
    """The sign-in address of the demo interviewer (sample rater R01)."""
    return _emails(store).get(demo_rater(store)) or ""


def _emails(store) -> dict[str, str]:
    raters = store.query("rater_list")
    return dict(zip(raters["rater_id"], raters["email"], strict=True))


def _as_rater(store, rater_id: str) -> Scope:
    return Scope(_emails(store)[rater_id], (("interviewer", ""),))


def _submit(store, interview_id: str, rater_id: str, scores: dict[str, int | None]) -> None:
    who = _as_rater(store, rater_id)
    cards.confirm_no_conflict(store, who, interview_id, rater_id)
    cards.submit(store, who, interview_id, rater_id, demo_card(scores))


def demo_program(store) -> str:
    """The program the demo panels are scheduled in: the first (P01 in the sample; P001 at scale
    1,000, whose ids have three digits)."""
    programs = store.query("program_list")["program_id"]
    return programs[0] if len(programs) else ""


def seed(store, on: date | None = None) -> list[str]:
    """Schedule the demo panels (once: nothing when any interview is scheduled); returns their ids."""
    if store.query("panel_seat_list", interview_id=None).height:
        return []
    on = on or date.today()
    apps = store.query("open_applications_for_program", program_id=demo_program(store))
    apps = apps["application_id"].to_list()[:4]
    trainee = store.query("active_trainee_list").head(1).rows()
    raters = demo_raters(store)
    if len(apps) < 4 or not trainee or len(raters) < 5:
        return []
    me_id, r2, r3, r4, r5 = raters

    def hiring(app: str, days: int, panel: tuple[str, ...]) -> str:
        req = interviews.Request(on + timedelta(days=days), panel, application_id=app)
        return interviews.schedule(store, SEEDER, req)

    upcoming = hiring(apps[0], 3, (me_id, r2))
    drafted = hiring(apps[1], -1, (me_id, r3))
    _submit(store, drafted, r3, {"balance": 3, "learning": 4, "fit": 2})
    me = _as_rater(store, me_id)
    cards.confirm_no_conflict(store, me, drafted, me_id)
    cards.save_draft(store, me, drafted, me_id, demo_card({"balance": 2}))
    late = hiring(apps[2], -6, (me_id, r2))
    _submit(store, late, r2, {"adaptiveness": 3, "beliefs": 2})
    done = hiring(apps[3], -10, (me_id, r4))
    _submit(store, done, me_id, {"balance": 3, "adaptiveness": 1, "beliefs": 3})
    _submit(store, done, r4, {"balance": 3, "adaptiveness": 3, "beliefs": None})
    person, program = trainee[0]
    review = interviews.Request(
        on + timedelta(days=7), (me_id, r5), person_id=person, program_id=program, purpose="midpoint"
    )
    midpoint = interviews.schedule(store, SEEDER, review)
    cards.recuse(
        store, _as_rater(store, r5), midpoint, r5, "I was this trainee's clinical supervisor last year."
    )
    return [upcoming, drafted, late, done, midpoint]


def seed_if_sample(store) -> list[str]:
    """Seed the demo panels when the database holds only the bundled sample data."""
    from dashboard.demo.sample import is_sample_database

    return seed(store) if is_sample_database(store) else []
