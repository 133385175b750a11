"""Self-assessment rules (pure): what a trainee's self-assessment holds, what makes it complete,
reading one from the command line, and the self-vs-panel gaps the pages and report show.

A self-assessment scores each of the six themes on the interview kit's anchored 0-4 scale, or
leaves it "not assessed" (null, never 0), and gives an example from the trainee's own practice
for every score. gap = self - panel: positive, the trainee rates themselves higher than the
panel did (over-rating); negative, lower (under-rating).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from dashboard.core.contract import THEMES
from dashboard.scorecards.card_rules import parse_scores
from dashboard.training.growth_rules import ASSESSMENTS

SCORES = (0, 1, 2, 3, 4)
EXAMPLE_MAX = 2000
REASON_MAX = 1000
GAP_RULE = (
    "Gap = self-score − panel score (the panel's consensus where there is one, else the mean of its "
    "raters). Positive: the trainee rates themselves higher than the panel did; negative: lower."
)
REPORT_COLUMNS = ("person_id", "interview_id", "purpose", "theme", "self_score", "panel_score", "gap")


class SelfAssessmentError(ValueError):
    """A self-assessment broke one or more rules; `problems` lists (theme or '', message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(self._line(t, m) for t, m in problems))
        self.problems = problems

    @staticmethod
    def _line(theme: str, message: str) -> str:
        return f"{theme}: {message}" if theme else message

    def lines(self) -> list[str]:
        """Each problem as one line of text."""
        return [self._line(t, m) for t, m in self.problems]


@dataclass(frozen=True)
class SelfAssessment:
    """Per theme a score 0-4 (None: not assessed) and the example that backs it."""

    scores: dict[str, int | None] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)


def check(sa: SelfAssessment, final: bool) -> list[tuple[str, str]]:
    """The problems of a self-assessment (empty when fine); `final` = being submitted."""
    problems: list[tuple[str, str]] = []
    for theme in sorted(set(sa.scores) | set(sa.examples)):
        if theme not in THEMES:
            problems.append((theme, f"is not a theme; themes are {', '.join(THEMES)}"))
    for theme, score in sa.scores.items():
        if theme in THEMES and score is not None and score not in SCORES:
            problems.append((theme, f"score {score} is not on the 0-4 scale"))
    for theme, text in sa.examples.items():
        if len(text or "") > EXAMPLE_MAX:
            problems.append((theme, f"the example is longer than {EXAMPLE_MAX} characters"))
    if final:
        for theme in THEMES:
            if sa.scores.get(theme) is not None and not (sa.examples.get(theme) or "").strip():
                problems.append((theme, "a score needs an example from your own practice"))
        if all(sa.scores.get(t) is None for t in THEMES):
            problems.append(("", "score at least one theme (the others may be 'not assessed')"))
    return problems


def parse_cli(
    scores: list[str], not_assessed: list[str], examples: list[str]
) -> tuple[SelfAssessment, list[tuple[str, str]]]:
    """From `--score THEME=N`, `--not-assessed THEME` and `--example THEME:TEXT`."""
    values, problems = parse_scores(scores, not_assessed)
    found: dict[str, str] = {}
    for item in examples:
        theme, sep, text = item.partition(":")
        theme = theme.strip()
        if not sep or not text.strip():
            problems.append(("", f"--example {item[:40]!r}: write THEME:TEXT"))
        elif theme in found:
            problems.append((theme, "has two examples; give one"))
        else:
            found[theme] = text.strip()
    return SelfAssessment(values, found), problems


def from_rows(rows: pl.DataFrame) -> SelfAssessment:
    """A SelfAssessment from one version's score rows (theme, score, example)."""
    return SelfAssessment(
        {r["theme"]: r["score"] for r in rows.iter_rows(named=True)},
        {r["theme"]: r["example"] for r in rows.iter_rows(named=True) if r["example"]},
    )


def self_vs_panel(selfs: pl.DataFrame, panel: pl.DataFrame) -> pl.DataFrame:
    """Per review and theme: self-score, panel score and gap (null where either is missing).

    `selfs`: person_id, interview_id, purpose, interview_date, theme, self_score (every theme of
    each submitted self-assessment); `panel`: interview_id, theme, panel_score.
    """
    joined = selfs.join(
        panel.select("interview_id", "theme", "panel_score"), on=["interview_id", "theme"], how="left"
    )
    order = {t: i for i, t in enumerate(THEMES)}
    return (
        joined.with_columns(
            (pl.col("self_score").cast(pl.Float64) - pl.col("panel_score")).round(2).alias("gap"),
            pl.col("theme").replace_strict(order, default=99).alias("_t"),
        )
        .sort("person_id", "interview_date", "interview_id", "_t")
        .drop("_t")
    )


def mean_gaps(gaps: pl.DataFrame) -> pl.DataFrame:
    """Across trainees: mean gap per review purpose and theme, with n (pairs with both scores)."""
    both = gaps.filter(pl.col("gap").is_not_null())
    out = both.group_by("purpose", "theme").agg(
        pl.col("gap").mean().round(2).alias("mean_gap"),
        pl.len().cast(pl.Int64).alias("n"),
    )
    rank = {p: i for i, p in enumerate(ASSESSMENTS)}
    order = {t: i for i, t in enumerate(THEMES)}
    return (
        out.with_columns(
            pl.col("purpose").replace_strict(rank, default=9).alias("_p"),
            pl.col("theme").replace_strict(order, default=99).alias("_t"),
            pl.when(pl.col("mean_gap") > 0)
            .then(pl.lit("over-rate"))
            .when(pl.col("mean_gap") < 0)
            .then(pl.lit("under-rate"))
            .otherwise(pl.lit("agree"))
            .alias("direction"),
        )
        .sort("_p", "_t")
        .drop("_p", "_t")
    )


def intake_to_exit(means: pl.DataFrame) -> pl.DataFrame:
    """Per theme: mean gap at intake and at exit, with their n, and the change (exit - intake)."""

    def at(purpose: str) -> pl.DataFrame:
        return means.filter(pl.col("purpose") == purpose).select(
            "theme", pl.col("mean_gap").alias(f"{purpose}_gap"), pl.col("n").alias(f"{purpose}_n")
        )

    frame = pl.DataFrame({"theme": list(THEMES)}).join(at("intake"), on="theme", how="left")
    frame = frame.join(at("exit"), on="theme", how="left")
    return frame.with_columns((pl.col("exit_gap") - pl.col("intake_gap")).round(2).alias("change"))
