"""The importer: the sample data loads, bad input is refused precisely, nothing is half-written."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap

import polars as pl
import pytest
from conftest import ROOT, SAMPLE, table_checksums

from dashboard.cli import main
from dashboard.core.contract import TABLES
from dashboard.ingest import importer, writer
from dashboard.store import db


def write_csv(path, header, rows, newline="\n", bom=False):
    """Write a small CSV with proper quoting."""
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        w = csv.writer(fh, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)
    return path


def one(con, sql):
    """The first value of a query."""
    return con.execute(sql).fetchall()[0][0]


def test_sample_data_loads_every_table(con):
    for table in TABLES:
        csv_path = SAMPLE / f"{table.name}.csv"
        if not csv_path.exists():
            continue
        expected = pl.read_csv(csv_path, infer_schema=False).height
        assert one(con, f"select count(*) from {table.name}") == expected, table.name  # noqa: S608


def test_reimport_changes_nothing(con):
    before = table_checksums(con)
    report = importer.import_batch([SAMPLE], con)
    assert report.ok
    assert all(c["inserted"] == 0 and c["updated"] == 0 for c in report.counts.values())
    after = table_checksums(con)
    after.pop("app_imports")
    before.pop("app_imports")
    assert after == before


def test_changed_row_is_updated_by_key(con, tmp_path):
    site = con.execute("select site_id, site_name, region from sites order by site_id limit 1").fetchall()[0]
    path = write_csv(
        tmp_path / "sites.csv", ["site_id", "site_name", "region"], [[site[0], "Renamed clinic", site[2]]]
    )
    report = importer.import_batch([path], con)
    assert report.ok, report.text()
    assert report.counts["sites"] == {"inserted": 0, "updated": 1, "unchanged": 0}
    assert one(con, f"select site_name from sites where site_id = '{site[0]}'") == "Renamed clinic"  # noqa: S608


def test_csv_variants_bom_crlf_quotes_and_headers(con, tmp_path):
    site_id = one(con, "select site_id from sites limit 1")
    path = tmp_path / "Programs.csv"
    rows = [["PX1", site_id, 'Clinic, "north"\nwing', "adults"]]
    write_csv(path, [" Program ID", "SITE_ID", "Program Name ", "Population"], rows, newline="\r\n", bom=True)
    # a column the contract does not know is ignored with a notice
    text = path.read_text(encoding="utf-8-sig").splitlines()
    report = importer.import_batch([path], con)
    assert report.ok, report.text()
    assert one(con, "select program_name from programs where program_id = 'PX1'") == 'Clinic, "north"\nwing'
    assert text


def test_unknown_column_is_ignored_with_notice(con, tmp_path):
    path = write_csv(
        tmp_path / "raters.csv", ["rater_id", "full_name", "shoe size"], [["RX9", "Ada Example", "42"]]
    )
    report = importer.import_batch([path], con)
    assert report.ok
    assert any("shoe_size" in n for n in report.notices)


def test_xlsx_and_parquet(con, tmp_path):
    frame = pl.DataFrame(
        {"module_id": ["MX1"], "module_name": ["Test module"], "hours": [3.5], "description": [None]}
    )
    frame.write_excel(tmp_path / "Modules.xlsx")
    pl.DataFrame({"module_id": ["MX1"], "theme": ["balance"], "emphasis": [2]}).write_parquet(
        tmp_path / "module_themes.parquet"
    )
    report = importer.import_batch([tmp_path / "Modules.xlsx", tmp_path / "module_themes.parquet"], con)
    assert report.ok, report.text()
    assert one(con, "select hours from modules where module_id = 'MX1'") == 3.5
    assert one(con, "select emphasis from module_themes where module_id = 'MX1'") == 2


def _interview(con):
    return con.execute("select interview_id, rater_id from ratings limit 1").fetchall()[0]


BAD_CASES = {
    "missing required column": (
        "raters.csv",
        ["rater_id"],
        [["RX1"]],
        (1, "full_name", "required column is missing"),
    ),
    "blank required value": (
        "raters.csv",
        ["rater_id", "full_name"],
        [["RX1", "  "]],
        (2, "full_name", "blank"),
    ),
    "not a whole number": (
        "ratings.csv",
        ["interview_id", "rater_id", "theme", "score"],
        [["{iv}", "{rater}", "balance", "three"]],
        (2, "score", "whole number"),
    ),
    "score out of range": (
        "ratings.csv",
        ["interview_id", "rater_id", "theme", "score"],
        [["{iv}", "{rater}", "balance", "5"]],
        (2, "score", "outside 0–4"),
    ),
    "code not allowed": (
        "ratings.csv",
        ["interview_id", "rater_id", "theme", "score"],
        [["{iv}", "{rater}", "kindness", "3"]],
        (2, "theme", "not one of"),
    ),
    "bad date": (
        "cohorts.csv",
        ["cohort_id", "program_id", "cohort_name", "starts_on"],
        [["CX1", "{program}", "Test", "31/12/2024"]],
        (2, "starts_on", "date"),
    ),
    "duplicate key": (
        "raters.csv",
        ["rater_id", "full_name"],
        [["RX1", "A"], ["RX2", "B"], ["RX1", "C"]],
        (4, "rater_id", "duplicate key"),
    ),
    "unknown reference": (
        "programs.csv",
        ["program_id", "site_id", "program_name"],
        [["PX1", "NO-SUCH-SITE", "Test"]],
        (2, "site_id", "refers to no sites.site_id"),
    ),
    "hiring interview without application": (
        "interviews.csv",
        ["interview_id", "person_id", "program_id", "application_id", "interview_date", "purpose"],
        [["IX1", "{person}", "{program}", "", "2025-01-02", "hiring"]],
        (2, "application_id", "required when purpose is hiring"),
    ),
    "subtheme of another theme": (
        "excerpts.csv",
        ["excerpt_id", "interview_id", "rater_id", "theme", "subtheme", "stance", "text"],
        [["EX1", "{iv}", "{rater}", "balance", "spiritual", "supports", "I keep Sundays free."]],
        (2, "subtheme", "another theme"),
    ),
    "self nomination": (
        "peer_nominations.csv",
        ["nominator_id", "nominee_id", "nominated_on"],
        [["{person}", "{person}", "2025-01-02"]],
        (2, "nominee_id", "nominate themselves"),
    ),
    "end before start": (
        "staff.csv",
        ["person_id", "program_id", "role_title", "hired_on", "left_on"],
        [["{person}", "{program}", "Clinician", "2025-01-02", "2024-01-01"]],
        (2, "left_on", "before hired_on"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_is_refused_with_a_precise_report(con, tmp_path, case):
    name, header, rows, (row, column, rule) = BAD_CASES[case]
    iv, rater = _interview(con)
    values = {
        "iv": iv,
        "rater": rater,
        "program": one(con, "select program_id from programs limit 1"),
        "person": one(con, "select person_id from people limit 1"),
    }
    rows = [[cell.format(**values) for cell in r] for r in rows]
    path = write_csv(tmp_path / name, header, rows)
    before = table_checksums(con)
    report = importer.import_batch([path], con)
    assert not report.ok
    assert not report.written
    hits = [
        p
        for p in report.problems
        if p.file == name and p.row == row and p.column == column and rule in p.rule
    ]
    assert hits, report.text()
    assert table_checksums(con) == before


def test_one_bad_row_anywhere_rejects_the_whole_batch(con, tmp_path):
    good = write_csv(tmp_path / "raters.csv", ["rater_id", "full_name"], [["RX1", "Ada"], ["RX2", "Bo"]])
    bad = write_csv(tmp_path / "sites.csv", ["site_id", "site_name"], [["SX1", "Ok"], ["SX2", ""]])
    before = table_checksums(con)
    report = importer.import_batch([good, bad], con)
    assert not report.ok and report.problem_count == 1
    assert table_checksums(con) == before


def test_references_resolve_within_the_batch(con, tmp_path):
    sites = write_csv(tmp_path / "sites.csv", ["site_id", "site_name"], [["SX1", "New site"]])
    programs = write_csv(
        tmp_path / "programs.csv", ["program_id", "site_id", "program_name"], [["PX1", "SX1", "New"]]
    )
    report = importer.import_batch([programs, sites], con)
    assert report.ok, report.text()


def test_every_problem_is_listed_and_huge_reports_are_capped(con, tmp_path):
    rows = [[f"RX{i}", ""] for i in range(importer.REPORT_CAP + 50)]
    path = write_csv(tmp_path / "raters.csv", ["rater_id", "full_name"], rows)
    report = importer.import_batch([path], con)
    assert report.problem_count == importer.REPORT_CAP + 50
    assert len(report.problems) == importer.REPORT_CAP
    assert "and 50 more" in report.text()


def test_unknown_file_name_and_unreadable_file(con, tmp_path):
    (tmp_path / "payroll.csv").write_text("a,b\n1,2\n")
    (tmp_path / "sites.xlsx").write_bytes(b"not really a spreadsheet")
    report = importer.import_batch([tmp_path / "payroll.csv", tmp_path / "sites.xlsx"], con)
    assert not report.ok
    rules = " ".join(p.rule for p in report.problems)
    assert "matches no table" in rules and "cannot be read" in rules


def test_failure_between_tables_leaves_nothing_written(con, tmp_path, monkeypatch):
    sites = write_csv(tmp_path / "sites.csv", ["site_id", "site_name"], [["SX1", "New site"]])
    programs = write_csv(
        tmp_path / "programs.csv", ["program_id", "site_id", "program_name"], [["PX1", "SX1", "New"]]
    )
    real = writer.write_table
    calls = []

    def failing(con_, table, frame):
        calls.append(table.name)
        if len(calls) == 2:
            raise RuntimeError("disk unplugged")
        return real(con_, table, frame)

    monkeypatch.setattr(writer, "write_table", failing)
    before = table_checksums(con)
    with pytest.raises(RuntimeError):
        importer.import_batch([sites, programs], con)
    assert calls == ["sites", "programs"]
    assert table_checksums(con) == before


def test_app_owned_tables_are_never_touched(con):
    con.execute(
        "insert into app_decisions (application_id, decision, note, decided_by, decided_at)"
        " values ('A1', 'advance', 'keep', 'sup@example.org', now())"
    )
    importer.import_batch([SAMPLE], con)
    assert one(con, "select count(*) from app_decisions") == 1


def test_import_is_recorded(con):
    n = one(con, "select count(*) from app_imports")
    importer.import_batch([SAMPLE], con, imported_by="someone")
    assert one(con, "select count(*) from app_imports") == n + 1
    assert one(con, "select imported_by from app_imports order by import_id desc limit 1") == "someone"


def test_cli_load_reports_and_exit_status(tmp_path, capsys):
    target = tmp_path / "x.duckdb"
    assert main(["load", str(SAMPLE), "--db", str(target)]) == 0
    assert "inserted" in capsys.readouterr().out
    bad = write_csv(tmp_path / "raters.csv", ["rater_id", "full_name"], [["RX1", ""]])
    assert main(["load", str(bad), "--db", str(target)]) == 1
    out = capsys.readouterr().out
    assert "raters.csv, row 2, column full_name" in out and "nothing was written" in out


def test_cli_load_says_when_the_database_is_busy(tmp_path):
    target = tmp_path / "busy.duckdb"
    db.connect(target).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(target)!r})
            print('ready', flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = subprocess.run(
            [sys.executable, "-m", "dashboard", "load", str(SAMPLE), "--db", str(target)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        holder.kill()
    assert result.returncode == 1
    assert "in use by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_memory_cap_too_tight_for_the_batch_falls_back_and_still_imports(tmp_path, monkeypatch):
    monkeypatch.setenv("VOCATION_IMPORT_MEMORY", "1MB")
    caps = []
    real = writer.write_batch
    monkeypatch.setattr(writer, "write_batch", lambda *a: caps.append(a[5]) or real(*a))
    con = db.connect(tmp_path / "tight.duckdb")
    report = importer.import_batch([SAMPLE], con)
    assert caps == ["1MB", None]  # refused under the cap, then written without it
    assert report.ok and report.written
    assert (
        one(con, "select count(*) from excerpts")
        == pl.read_csv(SAMPLE / "excerpts.csv", infer_schema=False).height
    )
    assert one(con, "select count(*) from app_imports") == 1
    con.close()
