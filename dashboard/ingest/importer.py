"""Import a batch of exported files: read, check the whole batch, then write it in one transaction.

A batch is refused whole if any row breaks a rule; the report names the file, the row number as
a spreadsheet shows it (the header is row 1), the column, the value and the rule. A good batch is
upserted by key inside one explicit transaction, so re-importing the same rows changes nothing
and a failure part-way leaves the database as it was. App-owned tables are never touched.

The steps live in ingest/reader.py (files to text frames), ingest/checker.py (every rule) and
ingest/writer.py (the transaction); this module runs them in order and reports.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from dashboard.ingest import qdpx_frames, writer
from dashboard.ingest.checker import app_owned_checks, check_batch, drop_stages
from dashboard.ingest.reader import Incoming, Problem, expand_paths, read_file
from dashboard.refiqda.maps import Context, MapSource
from dashboard.store import db

__all__ = ["ImportReport", "Problem", "batch_checksum", "expand_paths", "import_batch", "read_file"]

REPORT_CAP = 200  # problems listed in full; the rest are counted
# DuckDB's memory while an import checks and writes (MB; VOCATION_IMPORT_MEMORY overrides it for
# the write): it spills the staged rows to disk beyond this, and writes a large batch through to
# disk (with no key declared, queries/schema.sql, DuckDB holds no index in memory for its rows);
# polars' chunks need the rest of a 2 GB budget. DuckDB's limit is the whole process's: in the
# app, pages read meanwhile under it (a 300 MB cap made their reads run out of memory under the
# load test), so it is never set lower than this.
IMPORT_MEMORY_MB = 1024
WRITE_ATTEMPTS = 4  # a write that meets a concurrent transaction's rows is tried again


@dataclass
class ImportReport:
    """What an import found and did."""

    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notices: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    written: bool = False
    projects: list = field(default_factory=list)  # qdpx.QdpxSummary of each coded project read

    @property
    def ok(self) -> bool:
        """True when the batch broke no rule."""
        return self.problem_count == 0

    def problems_frame(self) -> pl.DataFrame:
        """The listed problems as a table."""
        schema = {
            "file": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "value": pl.String,
            "rule": pl.String,
        }
        return pl.DataFrame([p.__dict__ for p in self.problems], schema=schema)

    def counts_frame(self) -> pl.DataFrame:
        """Inserted / updated / unchanged per table."""
        rows = [{"table": t, **c} for t, c in self.counts.items()]
        schema = {"table": pl.String, "inserted": pl.Int64, "updated": pl.Int64, "unchanged": pl.Int64}
        return pl.DataFrame(rows, schema=schema)

    def text(self) -> str:
        """The report as plain text for the command line."""
        lines = [f"notice: {n}" for n in self.notices]
        lines += [line for summary in self.projects for line in summary.lines()]
        if not self.ok:
            lines.append(f"Refused: {self.problem_count} problem(s); nothing was written.")
            for p in self.problems:
                row = "header" if p.row == 1 else (f"row {p.row}" if p.row else "-")
                lines.append(f"  {p.file}, {row}, column {p.column or '-'}: {p.value!r} — {p.rule}")
            if self.problem_count > len(self.problems):
                lines.append(f"  … and {self.problem_count - len(self.problems)} more problem(s)")
            return "\n".join(lines)
        lines.append("Imported." if self.written else "Checked: no problems.")
        for t, c in self.counts.items():
            lines.append(
                f"  {t}: {c['inserted']} inserted, {c['updated']} updated, {c['unchanged']} unchanged"
            )
        return "\n".join(lines)


def import_batch(
    paths: Iterable[str | Path],
    con: duckdb.DuckDBPyConnection,
    imported_by: str = "command line",
    dry_run: bool = False,
    progress: Callable[[float, str], None] | None = None,
    names: dict[str, str] | None = None,
    maps: dict[str, MapSource] | None = None,
    projects: list[qdpx_frames.ProjectFrames] | None = None,
) -> ImportReport:
    """Check a batch of files and, if every row is good, write it in one transaction.

    `names` maps a path to the file name shown in reports (uploads live under temporary names).
    A `.qdpx` among the paths is read with its mapping files (`maps`: kind -> file, or files named
    sources.csv, coders.csv, codes.csv among the paths); `projects` are ones already read (uploads).
    """
    report = ImportReport()
    problems: list[Problem] = []
    incoming: list[Incoming] = []
    files = [(path, (names or {}).get(str(path), "") or path.name) for path in expand_paths(paths)]
    if not files and not projects:
        problems.append(Problem("", None, "", "", "no .csv, .xlsx, .parquet or .qdpx files were given"))
    for path, name in files:
        if not qdpx_frames.is_project_file(name):
            _add(incoming, read_file(path, report.notices, problems, name), problems)
    project_files = [(path, name) for path, name in files if qdpx_frames.is_project_file(name)]

    def context() -> Context:  # read from the database only when there is a project to map
        return Context.from_store(db.Store(con, _db_file(con)))

    projects = list(projects or []) + qdpx_frames.gather(project_files, incoming, context, maps, problems)
    for project in projects:
        report.projects.append(project.summary)
        for inc in qdpx_frames.to_incoming(project):
            _add(incoming, inc, problems)
    staged: dict[str, str] = {}
    previous = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    # DuckDB holds the staged rows: under a cap it spills them to disk instead of growing
    con.execute("set memory_limit = $limit", {"limit": f"{IMPORT_MEMORY_MB}MB"})
    try:
        found = pl.DataFrame()
        if incoming:
            owned = db.run_query(con, "app_owned_key_list")  # interviews and scorecards made in the app
            found, staged = check_batch(con, incoming, owned)
        outcome = (imported_by, dry_run, progress, previous, projects)
        return _finish(con, report, problems, found, staged, incoming, outcome)
    finally:
        drop_stages(con, staged)
        con.execute("set memory_limit = $limit", {"limit": previous})


def _finish(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    problems: list[Problem],
    found: pl.DataFrame,
    staged: dict[str, str],
    incoming: list[Incoming],
    outcome: tuple,
) -> ImportReport:
    """Report the problems found or, for a good batch, write its stages in one transaction.

    `outcome` is (imported_by, dry_run, progress, DuckDB's memory limit outside the import, the
    batch's coded projects).
    """
    imported_by, dry_run, progress, unlimited, projects = outcome
    report.problem_count = len(problems) + found.height
    if found.height:
        problems += [Problem(**r) for r in found.sort("file", "row").head(REPORT_CAP).to_dicts()]
    report.problems = problems[:REPORT_CAP]
    if not report.ok:
        return report
    if dry_run:
        report.counts = {k: {"inserted": 0, "updated": 0, "unchanged": 0} for k in staged}
        return report
    checksum = _combine({i.checksum for i in incoming})
    from_projects = {f"{p.file} ({t})" for p in projects for t in qdpx_frames.PROJECT_TABLES}
    shown = [i.file for i in incoming if i.file not in from_projects]
    record = {
        "at": datetime.now(),
        "by": imported_by,
        "files": ", ".join(shown + [p.file for p in projects]),
        "checksum": checksum,
    }
    cap = os.environ.get("VOCATION_IMPORT_MEMORY") or f"{IMPORT_MEMORY_MB}MB"
    files = {i.table.name: i.file for i in incoming}
    conflicts = 0
    while True:
        if conflicts and _collides_now(con, staged, files, report):
            return report
        try:
            writer.write_batch(con, staged, report.counts, record, progress, cap, unlimited)
            break
        except (duckdb.OutOfMemoryException, duckdb.TransactionException) as exc:
            report.counts.clear()  # nothing was written
            if isinstance(exc, duckdb.OutOfMemoryException) or "allocate" in str(exc):
                if cap is None:
                    raise
                # the cap was too tight for this batch (a commit out of memory): again without it
                report.notices.append(
                    f"DuckDB's memory cap ({cap}) was too tight for this batch: written without it"
                )
                con.execute("set memory_limit = $limit", {"limit": unlimited})
                cap = None
                continue
            # a write meanwhile touched the same rows (store/write_gate.py keeps small writes off
            # the import's rows; this is a safety net): try again, after checking again that no
            # app-owned key collides
            conflicts += 1
            if conflicts == WRITE_ATTEMPTS:
                raise
            time.sleep(0.2 * conflicts)
    report.written = True  # writer.write_batch has bumped the cached reads' version
    return report


def _add(incoming: list[Incoming], inc: Incoming | None, problems: list[Problem]) -> None:
    """Add a read file to the batch, unless another file already fills its table."""
    if inc is None:
        return
    if any(other.table.name == inc.table.name for other in incoming):
        problems.append(Problem(inc.file, None, "", "", f"a second file for table {inc.table.name}"))
        return
    incoming.append(inc)


def _collides_now(con, staged: dict[str, str], files: dict[str, str], report: ImportReport) -> bool:
    """Before a retried write: refuse the batch if an app-owned key now collides (made meanwhile)."""
    found = app_owned_checks(con, staged, files, db.run_query(con, "app_owned_key_list"))
    report.problems = [Problem(**r) for r in found.head(REPORT_CAP).to_dicts()]
    report.problem_count = found.height
    return found.height > 0


def _combine(checksums: Iterable[str]) -> str:
    """One checksum for a batch from its files' checksums (order does not matter)."""
    return hashlib.sha256("".join(sorted(checksums)).encode()).hexdigest()


def batch_checksum(paths: Iterable[Path]) -> str:
    """The checksum an import of these files records."""
    return _combine(hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths)


def _db_file(con: duckdb.DuckDBPyConnection) -> str:
    """The file behind a connection (for the cache's data version)."""
    row = (
        con.cursor()
        .execute("select file from pragma_database_list where name = current_database()")
        .fetchall()[0]
    )
    return row[0] if row and row[0] else ":memory:"
