"""The board report: tagged PDF/UA-1 of the leadership pages' own suppressed aggregates for a quarter,
no person's name, the command's errors, and the Overview page's download."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pikepdf
import polars as pl
import pytest
from conftest import ROOT

from dashboard import cli
from dashboard.board import figures, report
from dashboard.board.typeset import Table
from dashboard.core.access import AccessDenied, Scope
from dashboard.leadership import fairness, overview, privacy
from dashboard.store import db

LEAD = Scope("lead@example.org", (("leadership", ""),))
QUARTER = figures.parse_quarter("2025Q4")  # the sample's last quarter with hires
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
COUNT_COLUMNS = {
    "Applied",
    "Screened",
    "Interviewed",
    "Offered",
    "Hired",
    "Hires (n)",
    "Interviewed (n)",
    "Scoring 3+",
    "Applicants (n)",
    "Selected",
    "Interviews (n)",
}


def _elements(pdf: pikepdf.Pdf) -> list:
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append(kid)
    return found


@pytest.fixture
def pdf_file(store, tmp_path):
    path = tmp_path / "board.pdf"
    path.write_bytes(report.board_pdf(store, LEAD, QUARTER))
    return path


def _text(path) -> str:
    out = subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(out.split())


def test_the_pdf_is_tagged_with_title_language_headings_alt_and_header_cells(pdf_file):
    with pikepdf.open(pdf_file) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en-US"
        assert str(pdf.docinfo["/Title"]) == report.TITLE
        with pdf.open_metadata() as meta:
            assert meta["pdfuaid:part"] == "1"
        elements = _elements(pdf)
        kinds = [str(e.S) for e in elements]
        assert kinds.count("/H1") >= 7 and "/TH" in kinds and "/Table" in kinds
        figures_ = [e for e in elements if e.S == "/Figure"]
        assert len(figures_) >= 2  # profiles and reliability (the impact ratio only where one can be shown)
        assert all(len(str(f.get("/Alt", "")).strip()) > 80 for f in figures_)  # a real summary


def test_the_text_holds_the_pages_figures_and_no_persons_name(store, pdf_file):
    text = _text(pdf_file)
    for heading in (
        "Hiring funnel",
        "Time to fill",
        "Theme profiles of applicants and hires",
        "Local validation study",
        "Fairness: the four-fifths check",
        "Reliability of ratings",
    ):
        assert heading in text
    assert "exploratory qualitative study of 15 therapists" in text and "no client outcomes" in text
    funnel = overview.hiring_funnel(store, LEAD, dates=QUARTER.dates)
    applied = funnel.filter((pl.col("program") == privacy.ALL_LABEL) & (pl.col("stage") == "applied"))
    assert f"applied {applied['reached'][0]}" in text
    year = overview.time_to_fill(store, LEAD, QUARTER.year_to).row(0, named=True)
    assert year["median_days"] is not None and f" {year['hires']} {year['median_days']:.0f} " in text
    profiles = overview.theme_prevalence(store, LEAD, "outcome", dates=QUARTER.year_to)
    shown = profiles.filter(pl.col("share").is_not_null())
    assert shown.height
    for row in shown.iter_rows(named=True):
        assert (
            f"{row['theme']} all interviewed {row['interviewed']} {row['showing']} {row['share']:.0%}" in text
        )
    table = fairness.fairness_page_table(store, LEAD)
    ratios = table.filter(
        pl.col("impact_ratio").is_not_null() & (pl.col("dimension") != "sex_x_race_ethnicity")
    )
    for row in ratios.iter_rows(named=True):
        assert (
            f"{row['applicants']} {row['selected']} {row['selection_rate']:.0%} "
            f"{row['impact_ratio']:.2f} {row['flag']}" in text
        )
    reliability = figures.reliability_by_theme(store, LEAD, QUARTER)
    for row in reliability.iter_rows(named=True):
        assert f"{row['theme']} {row['n_units']} {row['krippendorff_alpha']:.3f}" in text
    people = store.con.execute("select full_name from people").fetchall()
    assert len(people) > 100
    leaked = [name for (name,) in people if name and name in text]
    assert not leaked, leaked[:5]


def test_suppressed_cells_stay_suppressed(store):
    document = report.board_document(store, LEAD, QUARTER)
    tables = [b for s in document.sections for b in s.blocks if isinstance(b, Table)]
    assert tables
    for table_ in tables:  # no count from 1 to 10 in any count column
        for i, column in enumerate(table_.columns):
            if column in COUNT_COLUMNS:
                for row in table_.rows:
                    value = str(row[i]).replace(",", "")
                    assert not (value.isdigit() and 1 <= int(value) <= privacy.THRESHOLD), (
                        table_.caption,
                        row,
                    )
    raw = store.query(
        "hiring_funnel_by_program",
        program_ids=privacy.chosen_programs(store, LEAD),
        year_from=1900,
        year_to=2999,
        date_from=QUARTER.first_day,
        date_to=QUARTER.last_day,
    )
    applied = raw.group_by("program_name").agg(pl.col("applications").sum())
    funnel = next(t for t in tables if t.caption.startswith("Applications reaching"))
    first = {row[0]: row[1] for row in funnel.rows}
    small = applied.filter(pl.col("applications").is_between(1, privacy.THRESHOLD))
    assert small.height
    for program, _ in small.iter_rows():
        assert first[program] == "<11"


def test_a_quarter_without_data_says_so(store, tmp_path):
    document = report.board_document(store, LEAD, "2031Q2")
    assert [s.heading for s in document.sections][1] == "No data for 2031Q2"
    path = tmp_path / "empty.pdf"
    path.write_bytes(report.render_pdf(document))
    assert "there is nothing to report for this quarter" in _text(path)


def test_quarters_and_scope():
    assert figures.last_complete_quarter(dt.date(2026, 12, 4)) == figures.Quarter(2026, 3)
    assert figures.last_complete_quarter(dt.date(2026, 2, 1)) == figures.Quarter(2025, 4)
    assert figures.parse_quarter(" 2026q1 ").dates == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert figures.Quarter(2025, 4).year_to == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert [str(q) for q in figures.recent_quarters(3, dt.date(2026, 2, 1))] == ["2025Q4", "2025Q3", "2025Q2"]
    for bad in ("2026Q5", "2026-Q1", "Q1 2026", "", "26Q1"):
        with pytest.raises(figures.QuarterError, match="YYYYQn"):
            figures.parse_quarter(bad)


def test_only_leadership_may_have_it(store):
    with pytest.raises(AccessDenied):
        report.board_document(store, Scope("sup@example.org", (("supervisor", "*"),)), QUARTER)


def test_the_command_writes_the_pdf_and_refuses_bad_input(db_file, tmp_path, capsys):
    target = tmp_path / "board.pdf"
    assert (
        cli.main(["report", "board", "--to", str(target), "--quarter", "2025Q4", "--db", str(db_file)]) == 0
    )
    assert (
        target.read_bytes().startswith(b"%PDF")
        and "Wrote the board report for 2025Q4" in capsys.readouterr().out
    )
    for args, message in (
        (["--to", str(tmp_path / "a.pdf"), "--quarter", "2025Q5"], "YYYYQn"),
        (["--to", str(tmp_path / "missing" / "a.pdf")], "cannot write"),
        (["--to", str(tmp_path)], "cannot write"),
    ):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["report", "board", *args, "--db", str(db_file)])
        assert exit_.value.code != 0 and message in str(exit_.value.code)
    assert not (tmp_path / "a.pdf").exists()
    status = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard",
            "report",
            "board",
            "--to",
            str(tmp_path / "b.pdf"),
            "--quarter",
            "nonsense",
            "--db",
            str(db_file),
        ],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
    )
    assert status.returncode == 1 and "board: a quarter is written YYYYQn" in status.stderr


def test_overview_offers_the_board_report_and_audits_the_download(app_as, db_file):
    at = app_as("leadership", page="views/overview.py")
    assert not at.exception
    button = next(b for b in at.get("download_button") if b.label == "Board report (PDF)")
    button.click()
    at.run()
    assert not at.exception
    store = db.Store.open(db_file)
    exported = store.con.execute("select object from app_audit_log where action = 'export'").fetchall()
    store.close()
    assert exported and exported[-1][0].startswith("board report ")
