"""The pages of the app and the roles that may open each one."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from dashboard.auth import Scope


@dataclass(frozen=True)
class PageSpec:
    """One page: its URL, title, the module with its `page()` function and who may open it."""

    key: str
    title: str
    module: str
    roles: tuple[str, ...] | None  # None: anyone signed in
    icon: str = ":material/article:"
    section: str = "Vocation"

    def allows(self, scope: Scope) -> bool:
        """True when `scope` holds a role that may open this page."""
        return self.roles is None or bool(scope.roles.intersection(self.roles))

    def render(self) -> None:
        """Run the page."""
        importlib.import_module(self.module).page()


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "Home", "dashboard.views.home", None, ":material/home:"),
)


def pages_for(scope: Scope) -> list[PageSpec]:
    """The pages `scope` may open, in menu order."""
    return [p for p in PAGES if p.allows(scope)]
