"""The benchmark itself runs: `make bench` must not break unnoticed (a tiny scale, few pages)."""

from __future__ import annotations

import zipfile

from conftest import SAMPLE

from dashboard.bench import operations, runner
from dashboard.ingest import importer
from dashboard.store import db


def test_the_benchmarks_coded_project_imports_every_selection_with_no_mapping(tmp_path):
    path = tmp_path / "s.duckdb"
    con = db.connect(path)
    assert importer.import_batch([SAMPLE], con).written
    con.close()
    made = operations.write_project(path, tmp_path / "coded.qdpx", selections=120)
    assert made == 120
    assert zipfile.ZipFile(tmp_path / "coded.qdpx").testzip() is None
    con = db.connect(path)
    report = importer.import_batch([tmp_path / "coded.qdpx"], con)
    assert report.written, report.text()
    assert report.counts["excerpts"]["inserted"] == 120
    assert (
        con.execute(
            "select count(distinct stance) from excerpts where excerpt_id in"
            " (select excerpt_id from excerpt_positions)"
        ).fetchall()[0][0]
        == 2
    )
    con.close()


def test_make_bench_runs_end_to_end_at_a_tiny_scale(tmp_path, monkeypatch):
    monkeypatch.setenv("VOCATION_DB", str(tmp_path / "unused.duckdb"))  # bench.run sets it
    result = runner.run(
        1,
        runs=1,
        keep=str(tmp_path / "bench.duckdb"),
        pages=["home", "screening", "scorecard", "my_growth", "self_assessment"],
    )
    table = runner.format_table(result)
    assert result["rows_imported"] > 1000 and result["import_s"] > 0
    assert [p["page"] for p in result["pages"]] == [
        "Home",
        "Screening",
        "Scorecard",
        "My growth",
        "Self-assessment",
    ]
    assert not any(p["error"] for p in result["pages"]), table
    assert result["submit_error"] == "" and result["submit_ms"] > 0, table
    assert result["qdpx_error"] == "" and result["qdpx_selections"] > 0, table
    assert result["backup_error"] == "" and result["backup_mb"] > 0, table
    assert "coded selections" in table and "backup" in table
    assert [r["part"] for r in result["reports"]] == ["survival", "hazards", "validity", "score-gaps",
                                                      "rater-gaps", "differential"]  # fmt: skip
    assert not any(r["error"] for r in result["reports"]) and "| rater-gaps |" in table
    assert result["board_error"] == "" and result["board_s"] > 0, (
        table
    )  # the board report (target: format_line)
    assert "board report" in table
    assert result["contention_error"] == "" and "Small writes during an import" in table, table


def test_the_scorecard_is_opened_on_a_draft_even_days_after_the_panels_were_seeded(db_file):
    """A benchmark run that crossed midnight found no card 'draft' (a draft turns 'overdue' two
    days after the interview) and stopped; the draft is what it opens, whatever its status."""
    from datetime import date, timedelta

    from dashboard.bench import scorecard_steps
    from dashboard.demo import panels

    store = db.Store.open(db_file)
    panels.seed(store, on=date.today() - timedelta(days=5))
    store.close()
    state = scorecard_steps.page_state(db_file, "scorecard")
    con = db.connect(db_file)
    drafts = con.execute(
        "select count(*) from app_scorecards where interview_id = ? and rater_id = ? and version = 0",
        [state["scorecard_interview"], state["scorecard_rater"]],
    ).fetchall()[0][0]
    con.close()
    assert drafts == 1
