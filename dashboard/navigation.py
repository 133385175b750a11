"""The pages of the app and the roles that may open each one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard.auth import Scope


@dataclass(frozen=True)
class PageSpec:
    """One page: its URL, title, its script under dashboard/views/ and who may open it."""

    key: str
    title: str
    script: str  # relative to dashboard/, e.g. "views/home.py" (AppTest.switch_page takes this)
    roles: tuple[str, ...] | None  # None: anyone signed in
    icon: str = ":material/article:"
    section: str = "Vocation"

    def allows(self, scope: Scope) -> bool:
        """True when `scope` holds a role that may open this page."""
        return self.roles is None or bool(scope.roles.intersection(self.roles))

    @property
    def path(self) -> str:
        """The page script's absolute path."""
        return str(Path(__file__).resolve().parent / self.script)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "Home", "views/home.py", None, ":material/home:"),
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
