"""The scorecard's content and its rules, as pure functions: what a card holds, what makes it
invalid (always) and what a submit needs besides; and the command line's card syntax.

Used by dashboard.scorecards.cards (the page and the `scorecard record` command share these rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.core.contract import STANCES, THEMES

SCORES = (0, 1, 2, 3, 4)
TEXT_MAX = 2000


class CardError(ValueError):
    """A scorecard broke rules; `problems` holds (theme or '', message) for each, nothing was written."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{t}: {m}" if t else m for t, m in problems))
        self.problems = problems

    def lines(self) -> list[str]:
        """One message per problem."""
        return [f"{t}: {m}" if t else m for t, m in self.problems]


@dataclass(frozen=True)
class Excerpt:
    """One verbatim excerpt: what the person said, as evidence for or against a theme."""

    theme: str
    stance: str
    text: str
    subtheme: str | None = None


@dataclass(frozen=True)
class Card:
    """A card's content: theme -> score (None = not assessed; absent = not assessed), excerpts."""

    scores: dict[str, int | None] = field(default_factory=dict)
    excerpts: tuple[Excerpt, ...] = ()


# --- rules (pure) -------------------------------------------------------------------------


def check_card(card: Card, subthemes: dict[str, str], final: bool) -> list[tuple[str, str]]:
    """Every broken rule of a card: always the values; when `final`, also what a submit needs."""
    problems: list[tuple[str, str]] = []
    for theme, score in card.scores.items():
        if theme not in THEMES:
            problems.append((theme, f"is not a theme ({', '.join(THEMES)})"))
        elif score is not None and (isinstance(score, bool) or score not in SCORES):
            problems.append((theme, f"score {score!r} is not a whole number from 0 to 4"))
    for i, ex in enumerate(card.excerpts, 1):
        where = ex.theme if ex.theme in THEMES else ""
        if ex.theme not in THEMES:
            problems.append(("", f"excerpt {i}: {ex.theme!r} is not a theme ({', '.join(THEMES)})"))
        if ex.subtheme and subthemes.get(ex.subtheme) != ex.theme:
            rule = "is not a sub-theme" if ex.subtheme not in subthemes else "belongs to another theme"
            problems.append((where, f"excerpt {i}: sub-theme {ex.subtheme!r} {rule}"))
        if ex.stance not in STANCES:
            problems.append((where, f"excerpt {i}: stance {ex.stance!r} is not one of: {', '.join(STANCES)}"))
        if not ex.text.strip():
            problems.append((where, f"excerpt {i}: the text is empty"))
        elif len(ex.text) > TEXT_MAX:
            problems.append((where, f"excerpt {i}: the text is longer than {TEXT_MAX} characters"))
    if final:
        scored = [t for t in THEMES if card.scores.get(t) is not None]
        evidenced = {ex.theme for ex in card.excerpts}
        if not scored:
            problems.append(("", "score at least one theme (the others are 'not assessed')"))
        problems += [
            (t, "a score needs at least one verbatim excerpt for this theme")
            for t in scored
            if t not in evidenced
        ]
    return problems


def parse_scores(
    scores: list[str], not_assessed: list[str]
) -> tuple[dict[str, int | None], list[tuple[str, str]]]:
    """`--score THEME=N` and `--not-assessed THEME` as {theme: score or None}, and the problems
    (a scorecard's and a self-assessment's command lines share them)."""
    problems: list[tuple[str, str]] = []
    values: dict[str, int | None] = {}
    for item in scores:
        theme, sep, number = item.partition("=")
        theme = theme.strip()
        if not sep or not number.strip().isdigit():
            problems.append((theme, f"--score {item!r}: write THEME=N with N a whole number from 0 to 4"))
        elif theme in values:
            problems.append((theme, "is given twice"))
        else:
            values[theme] = int(number)
    for theme in (t.strip() for t in not_assessed):
        if theme in values:
            problems.append((theme, "has a score and is marked not assessed"))
        else:
            values[theme] = None
    return values, problems


def parse_cli(
    scores: list[str], not_assessed: list[str], excerpts: list[str]
) -> tuple[Card, list[tuple[str, str]]]:
    """A card from `--score THEME=N`, `--not-assessed THEME`, `--excerpt THEME[/SUB]:STANCE:TEXT`."""
    values, problems = parse_scores(scores, not_assessed)
    found = []
    for item in excerpts:
        parts = item.split(":", 2)
        if len(parts) != 3:
            problems.append(("", f"--excerpt {item[:40]!r}: write THEME[/SUBTHEME]:STANCE:TEXT"))
            continue
        theme, _, sub = parts[0].strip().partition("/")
        found.append(Excerpt(theme, parts[1].strip(), parts[2].strip(), sub.strip() or None))
    return Card(values, tuple(found)), problems
