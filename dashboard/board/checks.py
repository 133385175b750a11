"""The board report's checks on the hiring process: fairness (the four-fifths rule) and reliability.

Sections built from the suppressed aggregates board/figures.py gathered; no person's row is read.
"""

from __future__ import annotations

import polars as pl

from dashboard import charts
from dashboard.board.figures import BOARD_DIMENSIONS, BOARD_STAGE, BoardFigures
from dashboard.board.typeset import Figure, Note, Paragraph, Section, Table
from dashboard.leadership import fairness, privacy
from dashboard.reliability.inter_rater import ALPHA_NOTE

BLANK = "—"
DIMENSION_WORDS = {"sex": "sex", "race_ethnicity": "race/ethnicity"}


def _percent(value) -> str:
    return BLANK if value is None else f"{value:.0%}"


def _number(value, digits: int = 2) -> str:
    return BLANK if value is None else f"{value:.{digits}f}"


def _interval(low, high, fmt) -> str:
    return BLANK if low is None or high is None else f"{fmt(low)} to {fmt(high)}"


def _words(name: str) -> str:
    return DIMENSION_WORDS.get(name) or name.replace("->", " to ").replace("_", " ")


def fairness_section(figures: BoardFigures) -> Section:
    table = figures.fairness
    flagged = table.filter(pl.col("flag") == "below 0.80")
    shown_flags = flagged.filter(pl.col("impact_ratio").is_not_null())
    summary = (
        "Groups whose selection rate is below four-fifths (0.80) of the highest group's: "
        + "; ".join(
            f"{g} ({_words(d)}), {_words(s)}, impact ratio {_number(r)}"
            for s, d, g, r in shown_flags.select("stage", "dimension", "group", "impact_ratio").iter_rows()
        )
        + "."
        if shown_flags.height
        else "No group with a shown impact ratio falls below four-fifths (0.80) of the highest group's."
    )
    hidden = flagged.height - shown_flags.height
    if hidden:
        summary += f" {hidden} further flag(s) rest on counts too small to show; their ratios are hidden."
    blocks: list = [
        Paragraph(
            "Selection rates by self-identified sex and race/ethnicity at each stage, for every "
            "application on record. A group whose rate is below four-fifths (0.80) of the highest "
            "group's is flagged: a prompt to look closer, not a finding of bias."
        ),
        Paragraph(summary),
    ]
    columns = ("Grouped by", "Group", "Applicants (n)", "Selected", "Rate", "Impact ratio", "Flag")
    for stage, _, _ in fairness.TRANSITIONS:
        part = table.filter(pl.col("stage") == stage)
        rows = tuple(
            (
                _words(r["dimension"]),
                r["group"],
                r["applicants"],
                r["selected"],
                _percent(r["selection_rate"]),
                _number(r["impact_ratio"]),
                r["flag"],
            )
            for r in part.iter_rows(named=True)
        )
        if rows:
            blocks.append(Table(f"Selection rates, {_words(stage)}", columns, rows))
    for dimension in BOARD_DIMENSIONS:
        part = table.filter((pl.col("stage") == BOARD_STAGE) & (pl.col("dimension") == dimension))
        drawn = part.filter(pl.col("impact_ratio").is_not_null())
        if drawn.height:
            values = ", ".join(
                f"{g} {_number(r)} ({f})"
                for g, r, f in drawn.select("group", "impact_ratio", "flag").iter_rows()
            )
            alt_text = (
                f"Bar chart of the impact ratio by {_words(dimension)} from application to hire, with a "
                f"dashed line at 0.80 (the four-fifths rule). Ratios drawn: {values}. Groups with hidden "
                "counts are not drawn."
            )
            chart = charts.impact_ratio_bar_chart(part)
            blocks.append(
                Figure(chart, alt_text, f"Impact ratio by {_words(dimension)}, application to hire")
            )
    blocks.append(
        Note(
            "n = applicants in each group; groups with fewer than 11 applicants are too small to judge. "
            "The compliance officer's unsuppressed table is the `report fairness` command."
        )
    )
    return Section("Fairness: the four-fifths check", tuple(blocks))


def reliability_section(figures: BoardFigures) -> Section:
    frame = figures.reliability
    rows = tuple(
        (
            r["theme"],
            r["n_units"],
            _number(r["krippendorff_alpha"], 3),
            _interval(r["alpha_ci_low"], r["alpha_ci_high"], lambda v: f"{v:.3f}"),
            _percent(r["percent_agreement"]),
            r["reading"],
        )
        for r in frame.iter_rows(named=True)
    )
    blocks: list = [
        Paragraph(
            "How far two raters' independent scores of the same interview agree, beyond chance, per "
            f"theme, over every interview rated up to the end of {figures.quarter}. Krippendorff's "
            "guidance: alpha of 0.800 or more is reliable, 0.667 to 0.800 tentative, below unreliable."
        ),
        Table(
            "Agreement between raters per theme",
            ("Theme", "Interviews (n)", "Alpha", "95% interval", "Exact agreement", "Reading"),
            rows,
        ),
    ]
    drawn = frame.filter(pl.col("krippendorff_alpha").is_not_null())
    if drawn.height:
        values = ", ".join(
            f"{t} {a:.3f} (n = {n})"
            for t, a, n in drawn.select("theme", "krippendorff_alpha", "n_units").iter_rows()
        )
        alt_text = (
            "Point chart of Krippendorff's alpha per theme with 95% intervals and dashed guide lines at "
            f"0.667 and 0.800. Alpha: {values}."
        )
        blocks.append(Figure(charts.theme_alpha_point_chart(drawn), alt_text, "Agreement per theme"))
    blocks.append(
        Note(f"{ALPHA_NOTE} Themes rated on {privacy.THRESHOLD} or fewer interviews are not shown.")
    )
    return Section("Reliability of ratings", tuple(blocks))
