"""Report commands: each prints, as CSV or JSON, the same table a page shows.

`REPORTS` is the one registry (name -> (function(store, args) -> frame, function(parser) adding
its options, help)); the command line imports it and builds `python -m dashboard report NAME`
from it. A new report is one function here and one entry in REPORTS. `DOCUMENTS` adds formats
beyond csv and json for a report: name -> {format: function(store, args) -> text}. A report that
writes a file (`board`, a PDF) returns the line saying what it wrote.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import polars as pl

from dashboard.board import figures as board_figures
from dashboard.board import report as board_report
from dashboard.core.access import AccessDenied, Scope
from dashboard.hiring import screening
from dashboard.ingest import summary
from dashboard.leadership import evidence, fairness, overview, validation_parts
from dashboard.leadership.privacy import chosen_programs
from dashboard.refiqda import qdc
from dashboard.reliability import inter_rater
from dashboard.training import self_view, tracking


def _none(parser) -> None:
    """A report without options."""


def counts_report(store, args) -> pl.DataFrame:
    """Rows per contract table."""
    return summary.data_summary(store)


def _overview_args(parser) -> None:
    parser.add_argument(
        "--part",
        choices=("prevalence", "funnel", "growth"),
        default="prevalence",
        help="which Overview table to print (default: prevalence)",
    )
    parser.add_argument("--by", choices=overview.DIMENSIONS, default="site", help="prevalence groups")


def overview_report(store, args) -> pl.DataFrame:
    """The Overview page's tables, small cells suppressed."""
    scope = Scope.system()
    part = getattr(args, "part", "prevalence")
    if part == "funnel":
        return overview.hiring_funnel(store, scope).drop("reached_n")
    if part == "growth":
        return overview.growth_by_cohort(store, scope)
    return overview.theme_prevalence(store, scope, getattr(args, "by", "site"))


def _evidence_args(parser) -> None:
    parser.add_argument(
        "--part",
        choices=("exemplars", "outcomes", "associations"),
        default="exemplars",
        help="which Evidence table to print (default: exemplars)",
    )


def evidence_report(store, args) -> pl.DataFrame:
    """The Evidence page's tables, small groups suppressed."""
    scope = Scope.system()
    part = getattr(args, "part", "exemplars")
    if part == "outcomes":
        return evidence.outcomes_by_band(store, scope)
    if part == "associations":
        return evidence.theme_associations(store, scope)
    return evidence.exemplar_comparison(store, scope)


def _fairness_args(parser) -> None:
    parser.add_argument("--program", action="append", help="limit to this program id (repeatable)")


def fairness_report(store, args) -> pl.DataFrame:
    """The unsuppressed fairness table for the compliance officer."""
    return fairness.selection_table(store, Scope.system(), getattr(args, "program", None))


def _validation_args(parser) -> None:
    parser.add_argument("--part", required=True, choices=validation_parts.PARTS, help="which table to print")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="the as-of date (default: today)")
    parser.add_argument("--program", action="append", help="limit to this program id (repeatable)")


def validation_report(store, args) -> pl.DataFrame:
    """One part of the local validation study, unsuppressed (for the compliance officer)."""
    try:
        as_of = dt.date.fromisoformat(args.as_of) if getattr(args, "as_of", None) else dt.date.today()
    except ValueError:
        raise SystemExit(f"validation: --as-of must be a date as YYYY-MM-DD, got {args.as_of!r}") from None
    programs = getattr(args, "program", None)
    ids = chosen_programs(store, Scope.system(), programs)
    unknown = sorted(set(programs or ()) - set(ids))
    if unknown:
        raise SystemExit(f"validation: no such program: {', '.join(unknown)}")
    return validation_parts.part_table(store, ids, args.part, as_of)


def _board_args(parser) -> None:
    parser.add_argument("--to", required=True, metavar="FILE.pdf", help="where to write the PDF")
    parser.add_argument("--quarter", metavar="YYYYQn", help="the quarter (default: the last complete one)")


def board_pdf_report(store, args) -> str:
    """Write the board report (tagged PDF/UA-1) for a quarter to --to; say what was written."""
    try:
        quarter = board_figures.parse_quarter(args.quarter) if args.quarter else None
    except board_figures.QuarterError as exc:
        raise SystemExit(f"board: {exc}") from None
    target = Path(args.to)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise SystemExit(f"board: cannot write {args.to}: not a file in a folder you can write to")
    quarter = quarter or board_figures.last_complete_quarter()
    data = board_report.board_pdf(store, Scope.system(), quarter)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise SystemExit(f"board: cannot write {args.to}: {exc.strerror or exc}") from None
    return f"Wrote the board report for {quarter} to {args.to} ({len(data):,} bytes).\n"


def _screening_args(parser) -> None:
    parser.add_argument("--program", required=True, metavar="ID", help="the program to screen")
    parser.add_argument("--hide-names", action="store_true", help="blind review: codes instead of names")


def screening_report(store, args) -> pl.DataFrame:
    """The Screening page's ranked table for one program (run with every permission)."""
    table = screening.screening_table(store, Scope.system(), args.program, hide_names=args.hide_names)
    return screening.visible_columns(table, args.hide_names)


def reliability_report(store, args) -> pl.DataFrame:
    """Agreement, Cohen's kappa and Krippendorff's alpha per theme and rater pair."""
    return inter_rater.reliability_report_frame(store, Scope.system())


def _gap_args(parser) -> None:
    parser.add_argument("--program", required=True, metavar="ID", help="program id")
    parser.add_argument("--cohort", metavar="ID", help="one cohort of that program (default: all)")


def curriculum_gaps_report(store, args) -> pl.DataFrame:
    """The Curriculum page's gap list."""
    try:
        return tracking.curriculum_gaps(store, Scope.system(), args.program, args.cohort)
    except AccessDenied as exc:  # an unknown program or cohort: a message, not a traceback
        raise SystemExit(f"curriculum-gaps: {exc}") from None


def _plan_args(parser) -> None:
    parser.add_argument("--person", required=True, metavar="ID", help="the trainee's person id")


def trainee_plan_report(store, args) -> pl.DataFrame:
    """The Trainees page's development plan for one person."""
    try:
        return tracking.plan_frame(tracking.development_plan(store, Scope.system(), args.person))
    except AccessDenied as exc:
        raise SystemExit(f"trainee-plan: {exc}") from None


def self_assessment_report(store, args) -> pl.DataFrame:
    """Self vs panel per trainee, review and theme: person_id, interview_id, purpose, theme,
    self_score, panel_score, gap (self - panel; blank where either is missing)."""
    try:
        return self_view.report_frame(store, Scope.system(), args.program, args.cohort)
    except AccessDenied as exc:
        raise SystemExit(f"self-assessment: {exc}") from None


def codebook_report(store, args) -> pl.DataFrame:
    """The codebook's codes as the .qdc export holds them: GUID, name, path and what each maps to."""
    return qdc.codebook_codes(*qdc.codebook_frames(store)).drop("color")


def codebook_qdc_report(store, args) -> str:
    """The codebook as a REFI-QDA `.qdc` document."""
    return qdc.codebook_qdc(store, Scope.system())


REPORTS = {
    "board": (
        board_pdf_report,
        _board_args,
        "the board report for a quarter, written as a tagged PDF to --to",
    ),
    "counts": (counts_report, _none, "rows per table and the last import"),
    "overview": (
        overview_report,
        _overview_args,
        "theme prevalence, hiring funnel or cohort growth, as the page shows",
    ),
    "evidence": (
        evidence_report,
        _evidence_args,
        "exemplars vs others, outcomes by profile band, theme associations",
    ),
    "fairness": (
        fairness_report,
        _fairness_args,
        "selection rates, impact ratios and Fisher p by group (unsuppressed)",
    ),
    "validation": (
        validation_report,
        _validation_args,
        "the local validation study: survival, hazards, validity, score-gaps, rater-gaps or "
        "differential (unsuppressed)",
    ),
    "screening": (
        screening_report,
        _screening_args,
        "the ranked applicants of one program, as the Screening page shows them",
    ),
    "reliability": (
        reliability_report,
        _none,
        "inter-rater reliability per theme and rater pair (all programs)",
    ),
    "curriculum-gaps": (
        curriculum_gaps_report,
        _gap_args,
        "themes ranked by curriculum gap (need high, coverage low)",
    ),
    "trainee-plan": (
        trainee_plan_report,
        _plan_args,
        "one trainee's development plan: weak themes, modules, excerpts",
    ),
    "self-assessment": (
        self_assessment_report,
        _gap_args,
        "trainees' self-scores beside the panel's, with the gap, per review and theme",
    ),
    "codebook": (
        codebook_report,
        _none,
        "the codebook's codes with their stable GUIDs; --format qdc prints the REFI-QDA .qdc file",
    ),
}
DOCUMENTS = {"codebook": {"qdc": codebook_qdc_report}}
