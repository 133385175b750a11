"""The pages of the app and the roles that may open each one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard.core.access import Scope


@dataclass(frozen=True)
class PageSpec:
    """One page: its URL, title, its script under dashboard/views/ and who may open it."""

    key: str
    title: str
    script: str  # relative to dashboard/, e.g. "views/home.py" (AppTest.switch_page takes this)
    roles: tuple[str, ...] | None  # None: anyone signed in
    icon: str = ":material/article:"

    def allows(self, scope: Scope) -> bool:
        """True when `scope` holds a role that may open this page."""
        return self.roles is None or bool(scope.roles.intersection(self.roles))

    @property
    def path(self) -> str:
        """The page script's absolute path."""
        return str(Path(__file__).resolve().parent.parent / self.script)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "Home", "views/home.py", None, ":material/home:"),
    PageSpec("screening", "Screening", "views/screening.py", ("supervisor",), ":material/groups:"),
    PageSpec("candidate", "Candidate", "views/candidate.py", ("supervisor",), ":material/person_search:"),
    PageSpec("compare", "Compare", "views/compare.py", ("supervisor",), ":material/compare_arrows:"),
    PageSpec(
        "interview_kit",
        "Interview kit",
        "views/interview_kit.py",
        ("supervisor", "training_director", "interviewer"),
        ":material/checklist:",
    ),
    PageSpec("overview", "Overview", "views/overview.py", ("leadership",), ":material/monitoring:"),
    PageSpec("evidence", "Evidence", "views/evidence.py", ("leadership",), ":material/science:"),
    PageSpec("fairness", "Fairness", "views/fairness.py", ("leadership",), ":material/balance:"),
    PageSpec("trainees", "Trainees", "views/trainees.py", ("training_director",), ":material/school:"),
    PageSpec(
        "curriculum", "Curriculum", "views/curriculum.py", ("training_director",), ":material/menu_book:"
    ),
    PageSpec(
        "my_interviews",
        "My interviews",
        "views/my_interviews.py",
        ("interviewer",),
        ":material/event:",
    ),
    PageSpec("scorecard", "Scorecard", "views/scorecard.py", ("interviewer",), ":material/edit_note:"),
    PageSpec("my_growth", "My growth", "views/my_growth.py", ("trainee",), ":material/trending_up:"),
    PageSpec(
        "self_assessment",
        "Self-assessment",
        "views/self_assessment.py",
        ("trainee",),
        ":material/self_improvement:",
    ),
    PageSpec("data", "Data", "views/data.py", ("admin",), ":material/upload_file:"),
    PageSpec(
        "reliability",
        "Reliability",
        "views/reliability.py",
        ("supervisor", "training_director"),
        ":material/balance:",
    ),
)


def pages_for(scope: Scope) -> list[PageSpec]:
    """The pages `scope` may open, in menu order."""
    return [p for p in PAGES if p.allows(scope)]
