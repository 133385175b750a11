"""The board report's numbers: the same suppressed aggregates the leadership pages show, for a quarter.

Everything is read through leadership functions with a leadership scope (each passes the aggregate
gate of leadership/privacy.py); the one figure leadership has no page function for, reliability per
theme, is computed here from the rating patterns (counts only) and passes the same gate. Nothing
here returns a person's name or row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from dashboard.core.access import Scope
from dashboard.leadership import fairness, overview, privacy
from dashboard.reliability import inter_rater

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
BOARD_STAGE = "applied->hired"  # the four-fifths check the board reads first: application to hire
BOARD_DIMENSIONS = ("sex", "race_ethnicity")  # the combined groups are nearly all too small


class QuarterError(ValueError):
    """A quarter that is not written YYYYQn (e.g. 2026Q3)."""


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter, e.g. Quarter(2026, 3) for 2026Q3."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        following = Quarter(self.year + (self.number == 4), self.number % 4 + 1)
        return following.first_day - dt.timedelta(days=1)

    @property
    def dates(self) -> tuple[dt.date, dt.date]:
        return (self.first_day, self.last_day)

    @property
    def year_to(self) -> tuple[dt.date, dt.date]:
        """The four quarters ending with this one."""
        start = Quarter(self.year - 1, self.number).last_day + dt.timedelta(days=1)
        return (start, self.last_day)

    @property
    def label(self) -> str:
        """2026Q3 as people say it: 'July to September 2026 (2026Q3)'."""
        return f"{self.first_day:%B} to {self.last_day:%B %Y} ({self})"

    @property
    def pattern_key(self) -> str:
        """The quarter as rating_patterns writes it (2026-Q3)."""
        return f"{self.year}-Q{self.number}"


def parse_quarter(text: str) -> Quarter:
    """'2026Q3' -> Quarter(2026, 3); QuarterError naming what is wrong otherwise."""
    found = _QUARTER.match((text or "").strip().upper())
    if not found:
        raise QuarterError(f"a quarter is written YYYYQn, e.g. 2026Q3 (1 to 4), not {text!r}")
    year, number = int(found.group(1)), int(found.group(2))
    if not 1900 <= year <= 2999:
        raise QuarterError(f"the year of quarter {text!r} is out of range")
    return Quarter(year, number)


def last_complete_quarter(today: dt.date | None = None) -> Quarter:
    """The last quarter that has ended by `today` (default: today)."""
    today = today or dt.date.today()
    current = (today.month - 1) // 3 + 1
    return Quarter(today.year - 1, 4) if current == 1 else Quarter(today.year, current - 1)


def recent_quarters(count: int = 8, today: dt.date | None = None) -> list[Quarter]:
    """The last `count` complete quarters, the latest first."""
    quarters = [last_complete_quarter(today)]
    while len(quarters) < count:
        q = quarters[-1]
        quarters.append(Quarter(q.year - 1, 4) if q.number == 1 else Quarter(q.year, q.number - 1))
    return quarters


@dataclass(frozen=True)
class BoardFigures:
    """Every aggregate the board report shows (all passed the aggregate gate)."""

    quarter: Quarter
    funnel: pl.DataFrame
    time_quarter: pl.DataFrame
    time_year: pl.DataFrame
    profiles_quarter: pl.DataFrame
    profiles_year: pl.DataFrame
    fairness: pl.DataFrame
    reliability: pl.DataFrame

    @property
    def empty(self) -> bool:
        """True when the quarter has no application, no hiring interview and no hire."""
        no_hires = self.time_quarter["hires"].to_list() == ["0"]
        return self.funnel.is_empty() and self.profiles_quarter.is_empty() and no_hires


def reliability_by_theme(store, scope: Scope, quarter: Quarter, threshold: int = privacy.THRESHOLD):
    """Krippendorff's alpha per theme over the interviews up to the quarter's end, with n.

    Read from the rating patterns (how many raters gave each score, per interview count), never
    a rater's row; a theme on `threshold` or fewer interviews shows '<11' and no statistic."""
    scope.require(privacy.ROLE)
    ids = privacy.chosen_programs(store, scope)
    patterns = store.query("rating_patterns_by_theme", program_ids=ids)
    figures = inter_rater.theme_figures(patterns.filter(pl.col("quarter") <= quarter.pattern_key))
    shown = pl.col("n_units") > threshold
    statistics = ("krippendorff_alpha", "alpha_ci_low", "alpha_ci_high", "percent_agreement")
    frame = figures.select(
        "theme",
        n_units=pl.when(shown | (pl.col("n_units") == 0))
        .then(pl.col("n_units").cast(pl.String))
        .otherwise(pl.lit(privacy.primary_display(threshold))),
        **{name: pl.when(shown).then(pl.col(name)) for name in statistics},
        reading=pl.when(shown).then(pl.col("reading")).otherwise(pl.lit("too few interviews to judge")),
    )
    return privacy.assert_aggregate(frame, threshold)


def gather(store, scope: Scope, quarter: Quarter) -> BoardFigures:
    """Read every figure for `quarter` through the leadership functions (leadership scope required)."""
    scope.require(privacy.ROLE)
    funnel = overview.hiring_funnel(store, scope, dates=quarter.dates)
    profiles = overview.theme_prevalence(store, scope, "outcome", dates=quarter.dates)
    table = fairness.fairness_page_table(store, scope)
    board_fairness = table.filter(pl.col("dimension").is_in(BOARD_DIMENSIONS))
    figures = BoardFigures(
        quarter=quarter,
        funnel=funnel,
        time_quarter=overview.time_to_fill(store, scope, quarter.dates),
        time_year=overview.time_to_fill(store, scope, quarter.year_to),
        profiles_quarter=profiles,
        profiles_year=overview.theme_prevalence(store, scope, "outcome", dates=quarter.year_to),
        fairness=board_fairness,
        reliability=reliability_by_theme(store, scope, quarter),
    )
    for frame in (figures.funnel, figures.profiles_quarter, figures.fairness, figures.reliability):
        privacy.assert_aggregate(frame)  # the gate, once more, on what the document is built from
    return figures
