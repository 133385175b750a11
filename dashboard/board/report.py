"""The board report: a quarter's hiring, theme profiles, fairness and reliability as a tagged PDF.

`board_document(store, scope, quarter)` gathers the figures (board/figures.py: the leadership pages'
own suppressed aggregates) and lays them out as a typeset Document; `board_pdf` renders it. Charts
are the pages' own Altair builders (dashboard/charts), each with a text alternative that states the
numbers it draws; tables have header cells. No person's name or row is ever read here.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard import charts
from dashboard.board import checks
from dashboard.board.figures import (
    BoardFigures,
    Quarter,
    gather,
    last_complete_quarter,
    parse_quarter,
)
from dashboard.board.typeset import Document, Figure, Note, Paragraph, Section, Table, render_pdf
from dashboard.core.access import Scope
from dashboard.core.contract import STAGES, THEMES
from dashboard.leadership import privacy, validation_summary

TITLE = "Hiring and training: report to the board"
BLANK = "—"
STUDY_LIMITS = (
    "The six themes come from an exploratory qualitative study of 15 therapists, with no comparison "
    "group and no client outcomes. Use them as guidance for a structured interview, not as a validated "
    "selection test or a sole hiring criterion; no figure here shows that the themes cause better hires."
)


def _percent(value) -> str:
    return BLANK if value is None else f"{value:.0%}"


def _number(value, digits: int = 2) -> str:
    return BLANK if value is None else f"{value:.{digits}f}"


def _interval(low, high, fmt) -> str:
    return BLANK if low is None or high is None else f"{fmt(low)} to {fmt(high)}"


def _about(figures: BoardFigures, produced: dt.date) -> Section:
    quarter = figures.quarter
    return Section(
        "About this report",
        (
            Paragraph(
                f"This report covers {quarter.label}: applications made and hiring interviews held in "
                f"the quarter, hires whose hire date falls in it, and, where a quarter alone is too "
                f"small to show, the four quarters ending with it. Fairness covers every application "
                f"on record and reliability every rated interview up to the quarter's end, as the "
                f"Fairness and Reliability figures do in Vocation. Produced on {produced:%d %B %Y}."
            ),
            Note(privacy.suppression_note()),
            Note(STUDY_LIMITS),
        ),
    )


def _funnel(figures: BoardFigures) -> Section:
    funnel = figures.funnel
    if funnel.is_empty():
        return Section("Hiring funnel", (Paragraph(f"No applications were made in {figures.quarter}."),))
    programs = funnel["program"].unique(maintain_order=True).to_list()
    reached = {(p, s): r for p, s, r in funnel.select("program", "stage", "reached").iter_rows()}
    rows = tuple((program, *(reached[(program, stage)] for stage in STAGES)) for program in programs)
    total = funnel.filter(pl.col("program") == privacy.ALL_LABEL)
    steps = [
        f"{stage} {shown}" + (f" ({_percent(conv)} of the stage before)" if conv is not None else "")
        for stage, shown, conv in total.select("stage", "reached", "conversion").iter_rows()
    ]
    blocks = [
        Paragraph(
            f"Applications made in {figures.quarter}, by the furthest stage each has reached so far, "
            f"over all programs: {'; '.join(steps)}."
        ),
        Table(
            f"Applications reaching each stage, {figures.quarter}",
            ("Program", *(s.capitalize() for s in STAGES)),
            rows,
        ),
    ]
    drawn = funnel.filter(pl.col("reached_n").is_not_null() & (pl.col("program") != privacy.ALL_LABEL))
    if drawn.height and drawn["reached_n"].sum() > 0:
        values = "; ".join(
            f"{program}: " + ", ".join(f"{s} {n}" for s, n in part.select("stage", "reached_n").iter_rows())
            for (program,), part in drawn.group_by("program", maintain_order=True)
        )
        alt_text = (
            f"Bar chart, one panel per program, of the applications made in {figures.quarter} that "
            f"reached each stage. Bars drawn: {values}. Counts from 1 to {privacy.THRESHOLD} and "
            "counts that would reveal them are not drawn."
        )
        blocks.append(
            Figure(
                charts.hiring_funnel_bar_chart(drawn),
                alt_text,
                f"Hiring funnel by program, {figures.quarter}",
            )
        )
    blocks.append(
        Note(f"n = applications made in {figures.quarter}; the table's first column is each program's n.")
    )
    return Section("Hiring funnel", tuple(blocks))


def _time_to_fill(figures: BoardFigures) -> Section:
    def row(period: str, frame: pl.DataFrame) -> tuple:
        one = frame.row(0, named=True)
        middle = _interval(one["lower_quartile_days"], one["upper_quartile_days"], lambda v: f"{v:.0f}")
        median = BLANK if one["median_days"] is None else f"{one['median_days']:.0f}"
        return (period, one["hires"], median, middle)

    start, end = figures.quarter.year_to
    return Section(
        "Time to fill",
        (
            Paragraph(
                "Days from an application to the hire it led to, for hires whose hire date falls in the "
                "period: the median and the middle half (lower to upper quartile)."
            ),
            Table(
                "Days from application to hire",
                ("Period", "Hires (n)", "Median days", "Middle half (days)"),
                (
                    row(str(figures.quarter), figures.time_quarter),
                    row(f"Four quarters, {start:%b %Y} to {end:%b %Y}", figures.time_year),
                ),
            ),
            Note(
                f"With {privacy.THRESHOLD} or fewer hires in a period the days are not shown. Vocation "
                "has no requisition dates, so time to fill counts from the application."
            ),
        ),
    )


def _profile_table(frame: pl.DataFrame, period: str) -> Table:
    order = {theme: i for i, theme in enumerate(THEMES)}
    groups = {"hired": 0, "not hired": 1, privacy.ALL_LABEL: 2}
    frame = frame.sort(
        pl.col("theme").replace_strict(order, default=99), pl.col("group").replace_strict(groups, default=9)
    )
    rows = tuple(
        (
            r["theme"],
            "all interviewed" if r["group"] == privacy.ALL_LABEL else r["group"],
            r["interviewed"],
            r["showing"],
            _percent(r["share"]),
            _interval(r["share_low"], r["share_high"], _percent),
        )
        for r in frame.iter_rows(named=True)
    )
    return Table(
        f"Interviewed applicants scoring a theme 3 or more, {period}",
        ("Theme", "Group", "Interviewed (n)", "Scoring 3+", "Share", "95% interval"),
        rows,
    )


def _profiles(figures: BoardFigures) -> Section:
    start, end = figures.quarter.year_to
    year = f"{start:%B %Y} to {end:%B %Y}"
    blocks: list = [
        Paragraph(
            "Theme profiles: of the applicants interviewed for hire, the share whose interview scored "
            "each theme 3 or more (0-4 scale), for those hired, those not hired and everyone "
            f"interviewed, in {figures.quarter} and over the four quarters {year}."
        )
    ]
    if figures.profiles_year.is_empty():
        blocks.append(Paragraph("No hiring interviews were held in these periods."))
        return Section("Theme profiles of applicants and hires", tuple(blocks))
    if not figures.profiles_quarter.is_empty():
        blocks.append(_profile_table(figures.profiles_quarter, str(figures.quarter)))
    blocks.append(_profile_table(figures.profiles_year, year))
    drawn = figures.profiles_year.filter(pl.col("share").is_not_null())
    if drawn.height:
        values = "; ".join(
            f"{theme} ({'all interviewed' if group == privacy.ALL_LABEL else group}) {_percent(share)}"
            for group, theme, share in drawn.select("group", "theme", "share").iter_rows()
        )
        alt_text = (
            f"Bar chart, one panel per theme, of the share of interviewed applicants ({year}) whose "
            f"interview scored the theme 3 or more, with 95% intervals. Shares drawn: {values}. "
            "Shares built on a hidden count are not drawn."
        )
        chart = charts.theme_prevalence_bar_chart(figures.profiles_year)
        blocks.append(Figure(chart, alt_text, f"Theme profiles, {year}"))
    blocks.append(Note("Scores are guidance from a structured interview, not a validated selection test."))
    return Section("Theme profiles of applicants and hires", tuple(blocks))


def _validation_headline(store, scope: Scope, quarter: Quarter) -> Section:
    """The local validation study's headline as of the quarter's last day, with where to read more."""
    as_of = quarter.last_day
    return Section(
        "Local validation study",
        (
            Paragraph(validation_summary.headline(store, scope, as_of)),
            Note(
                f"As of {as_of.isoformat()}. Retention over time, validity corrected for selection, how precise "
                "each estimate is and the fairness of the scores themselves are on the Evidence page, with "
                "their sample sizes; an observational study of this program's own hires, not proof of cause."
            ),
        ),
    )


def _limits() -> Section:
    return Section(
        "What these figures can and cannot say",
        (
            Paragraph(STUDY_LIMITS),
            Paragraph(
                "Every figure is an aggregate of this program's own records, not an experiment: a "
                "difference between groups does not show its cause, and small groups give wide intervals."
            ),
        ),
    )


def board_document(store, scope: Scope, quarter: Quarter | str | None = None, today: dt.date | None = None):
    """The board report for `quarter` (a Quarter or 'YYYYQn'; default the last complete quarter)."""
    scope.require(privacy.ROLE)
    if quarter is None:
        quarter = last_complete_quarter(today)
    elif isinstance(quarter, str):
        quarter = parse_quarter(quarter)
    figures = gather(store, scope, quarter)
    produced = today or dt.date.today()
    if figures.empty:
        nothing = Section(
            f"No data for {quarter}",
            (
                Paragraph(
                    f"No applications were made, no hiring interviews held and no hires made in "
                    f"{quarter.label}: there is nothing to report for this quarter. Choose another "
                    "quarter, or check that the quarter's data has been imported."
                ),
            ),
        )
        sections = (_about(figures, produced), nothing, _limits())
    else:
        sections = (
            _about(figures, produced),
            _funnel(figures),
            _time_to_fill(figures),
            _profiles(figures),
            _validation_headline(store, scope, quarter),
            checks.fairness_section(figures),
            checks.reliability_section(figures),
            _limits(),
        )
    return Document(TITLE, subtitle=quarter.label, language="en-US", author="Vocation", sections=sections)


def board_pdf(store, scope: Scope, quarter: Quarter | str | None = None) -> bytes:
    """The board report as tagged PDF/UA-1 bytes."""
    return render_pdf(board_document(store, scope, quarter))
