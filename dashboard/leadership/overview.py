"""Overview (leadership): theme prevalence, the hiring funnel, time to fill and cohort growth, as aggregates.

Every public data function is `@aggregate` (see leadership/privacy.py): counts go through suppression,
means and intervals are shown only for groups larger than the threshold.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from dashboard.core import stats
from dashboard.core.access import Scope
from dashboard.core.contract import STAGES, THEMES
from dashboard.leadership.privacy import (
    ALL_LABEL,
    ROLE,
    SUPPRESSED_NOTE,
    THRESHOLD,
    aggregate,
    chosen_programs,
    display_count,
    primary_display,
    suppress_table,
    with_totals,
)

DIMENSIONS = ("site", "program", "year", "outcome")  # outcome: hired or not hired
ALL_DATES = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))  # no date limit (the pages filter by year)


@aggregate
def filter_options(store, scope: Scope) -> dict[str, pl.DataFrame]:
    """Programs (with sites) and the year range leadership can filter on."""
    scope.require(ROLE)
    allowed = chosen_programs(store, scope)
    programs = store.query("program_site_list").filter(pl.col("program_id").is_in(allowed))
    return {"programs": programs, "years": store.query("data_year_range")}


@aggregate
def theme_prevalence(
    store,
    scope: Scope,
    dimension: str = "site",
    programs=None,
    sites=None,
    years: tuple[int, int] = (1900, 2999),
    threshold: int = THRESHOLD,
    dates: tuple[dt.date, dt.date] = ALL_DATES,
) -> pl.DataFrame:
    """Share of interviewed applicants scoring >= 3 per theme and group, small cells hidden.

    `dates` narrows the interviews to a date range (the board report's quarter)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}")
    ids = chosen_programs(store, scope, programs, sites)
    raw = store.query(
        "theme_prevalence_by_group",
        program_ids=ids,
        year_from=years[0],
        year_to=years[1],
        date_from=dates[0],
        date_to=dates[1],
        dimension=dimension,
    )
    parts = []
    for theme in [t for t in THEMES if t in set(raw["theme"])]:
        cells = raw.filter(pl.col("theme") == theme).drop("theme")
        table = with_totals(cells, "group_label", "showing", "not_showing", ALL_LABEL, threshold)
        parts.append(table.with_columns(theme=pl.lit(theme)))
    if not parts:
        return _empty_prevalence()
    out = pl.concat(parts)
    return stats.share_intervals(out, "showing", "total", "share").select(
        pl.col("group_label").alias("group"),
        "theme",
        pl.col("total_shown").alias("interviewed"),
        pl.col("showing_shown").alias("showing"),
        "share",
        "share_low",
        "share_high",
    )


def _empty_prevalence() -> pl.DataFrame:
    """The prevalence frame's shape with no rows."""
    return pl.DataFrame(
        schema={
            "group": pl.String,
            "theme": pl.String,
            "interviewed": pl.String,
            "showing": pl.String,
            "share": pl.Float64,
            "share_low": pl.Float64,
            "share_high": pl.Float64,
        }
    )


@aggregate
def hiring_funnel(
    store,
    scope: Scope,
    programs=None,
    sites=None,
    years: tuple[int, int] = (1900, 2999),
    threshold: int = THRESHOLD,
    dates: tuple[dt.date, dt.date] = ALL_DATES,
) -> pl.DataFrame:
    """Applications reaching each stage per program and conversion from the previous stage.

    `dates` narrows the applications to those made in a date range (the board report's quarter).

    Suppression works on the additive cells (applications by furthest stage reached, with
    program and stage totals published); a 'reached' count is shown only when every cell it
    adds up is shown, so it reveals nothing the visible cells do not.
    """
    ids = chosen_programs(store, scope, programs, sites)
    raw = store.query(
        "hiring_funnel_by_program",
        program_ids=ids,
        year_from=years[0],
        year_to=years[1],
        date_from=dates[0],
        date_to=dates[1],
    )
    if raw.is_empty():
        return _funnel_frame([])
    grid = (
        raw["program_name"]
        .unique()
        .sort()
        .to_frame()
        .join(pl.DataFrame({"stage": list(STAGES)}), how="cross")
        .join(raw, on=["program_name", "stage"], how="left")
        .with_columns(pl.col("applications").fill_null(0))
    )
    cut = suppress_table(grid, "program_name", "stage", "applications", threshold=threshold)
    rows = []
    for program, cells in cut.group_by("program_name", maintain_order=True):
        rows.extend(_funnel_rows(program[0], cells, grid, threshold))
    # the stage totals over the selected programs are published margins: only small ones hidden
    total = (
        grid.group_by("stage").agg(pl.col("applications").sum()).with_columns(program_name=pl.lit(ALL_LABEL))
    )
    margin = suppress_table(total, "program_name", "stage", "applications", threshold=threshold, totals=False)
    rows.extend(_funnel_rows(ALL_LABEL, margin, total, threshold))
    return _funnel_frame(rows)


def _funnel_rows(program: str, cells: pl.DataFrame, grid: pl.DataFrame, threshold: int) -> list:
    """One program's funnel: reached per stage (shown or hidden) and conversion."""
    true = dict(grid.filter(pl.col("program_name") == program).select("stage", "applications").iter_rows())
    hidden = dict(cells.select("stage", "suppressed").iter_rows())
    rows, previous = [], None
    for i, stage in enumerate(STAGES):
        suffix = STAGES[i:]
        reached = sum(true[s] for s in suffix)
        # the first stage is the program's total (a published margin); later stages add cells
        visible = (i == 0 or not any(hidden[s] for s in suffix)) and not 1 <= reached <= threshold
        value = reached if visible else None
        conversion = None
        if value is not None and previous not in (None, 0):
            conversion = value / previous
        rows.append((program, stage, value, display_count(reached, visible, threshold), conversion))
        previous = value
    return rows


def _funnel_frame(rows: list) -> pl.DataFrame:
    """The funnel frame from (program, stage, reached, reached_shown, conversion) rows."""
    return pl.DataFrame(
        rows,
        schema={
            "program": pl.String,
            "stage": pl.String,
            "reached_n": pl.Int64,
            "reached": pl.String,
            "conversion": pl.Float64,
        },
        orient="row",
    )


@aggregate
def time_to_fill(
    store, scope: Scope, dates: tuple[dt.date, dt.date], programs=None, sites=None, threshold: int = THRESHOLD
) -> pl.DataFrame:
    """Hires with a hire date in `dates` and the days from application to hire (median, quartiles).

    One row. With `threshold` or fewer hires the count shows as '<11' and the days are hidden."""
    scope.require(ROLE)
    ids = chosen_programs(store, scope, programs, sites)
    row = store.query("time_to_fill_for_programs", program_ids=ids, date_from=dates[0], date_to=dates[1])
    hires = int(row["hires"][0])
    shown = hires > threshold
    days = ("median_days", "lower_quartile_days", "upper_quartile_days")
    return pl.DataFrame(
        {
            "hires": [display_count(hires, shown or hires == 0, threshold)],
            **{name: [float(row[name][0]) if shown else None] for name in days},
            "note": ["" if shown or hires == 0 else SUPPRESSED_NOTE.format(threshold + 1)],
        },
        schema={"hires": pl.String, **dict.fromkeys(days, pl.Float64), "note": pl.String},
    )


@aggregate
def growth_by_cohort(
    store,
    scope: Scope,
    programs=None,
    sites=None,
    years: tuple[int, int] = (1900, 2999),
    threshold: int = THRESHOLD,
) -> pl.DataFrame:
    """Mean change per cohort and theme from intake to latest assessment, with 95% interval.

    Groups of `threshold` or fewer trainees show only '<11' and a note.
    """
    ids = chosen_programs(store, scope, programs, sites)
    raw = store.query("cohort_growth_by_theme", program_ids=ids, year_from=years[0], year_to=years[1])
    sd = raw["sd_change"].to_numpy().astype(float)
    sd[raw["no_spread"].to_numpy()] = np.nan  # no spread: no interval, as stats.mean_ci
    low, high = stats.mean_ci_from_summary(raw["mean_change"], sd, raw["trainees"])
    shown = pl.col("trainees") > threshold
    means = ("mean_intake", "mean_latest", "mean_change", "change_low", "change_high")
    note = pl.lit(SUPPRESSED_NOTE.format(threshold + 1))
    return (
        raw.with_columns(change_low=low, change_high=high)
        .select(
            cohort=pl.col("cohort_name"),
            theme="theme",
            trainees=pl.when(shown)
            .then(pl.col("trainees").cast(pl.String))
            .otherwise(pl.lit(primary_display(threshold))),
            **{name: pl.when(shown).then(pl.col(name).cast(pl.Float64)) for name in means},
            note=pl.when(shown).then(pl.lit("")).otherwise(note),
        )
        .sort("cohort", "theme")
    )
