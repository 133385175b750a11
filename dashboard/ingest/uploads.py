"""Files uploaded on the Data page: read them in a separate, limited process, check, then import.

An uploaded file may be hostile or huge, so it is parsed by a child process
(`python -m dashboard.ingest.uploads SPEC`) that sets its own memory limit (RLIMIT_AS) and CPU limit and
is killed after a timeout: a bad file can only take that process down. The child writes each
file's contract columns to Parquet; the app then checks the whole batch against the database
(a dry run, nothing written) and, when the admin confirms, imports it through its own connection.

A coded project (`.qdpx`) is read in the child too, with its mapping files (`sources.csv`,
`coders.csv`, `codes.csv`) and the database's interviews, raters and codebook passed in the spec;
the child writes the project's excerpts, transcripts and positions as Parquet, and its summary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from dashboard.core import timing
from dashboard.core.access import Scope
from dashboard.ingest import qdpx_frames
from dashboard.ingest.importer import ImportReport, Problem, import_batch
from dashboard.refiqda.maps import Context
from dashboard.refiqda.qdpx import QdpxSummary
from dashboard.store import audit, db

PARSE_TIMEOUT_S = float(os.environ.get("VOCATION_PARSE_TIMEOUT_S", 120))
PARSE_MEMORY_MB = int(os.environ.get("VOCATION_PARSE_MEMORY_MB", 2048))
PARSE_NICE = 10  # the child's CPU priority below the server's (0 = the same; 19 = the lowest)


@dataclass
class UploadCheck:
    """A checked batch of uploads: the parsed files (path -> original name), any coded project read,
    and the report."""

    folder: Path
    parsed: dict[str, str]
    report: ImportReport
    projects: list[qdpx_frames.ProjectFrames] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        """The uploaded files that will be imported, by their own names."""
        return list(self.parsed.values()) + [p.file for p in self.projects]


UPLOAD_PREFIX = "vocation-upload-"
ABANDONED_AFTER_S = 24 * 3600  # a checked batch nobody imported or set aside within a day


def sweep_abandoned(root: Path | None = None) -> int:
    """Delete upload folders left for more than a day: a batch checked on the Data page whose
    session ended before it was imported or set aside (the browser closed, the server restarted).
    Returns how many were deleted."""
    now, deleted = time.time(), 0
    for folder in Path(root or tempfile.gettempdir()).glob(f"{UPLOAD_PREFIX}*"):
        try:
            old = folder.is_dir() and now - folder.stat().st_mtime > ABANDONED_AFTER_S
        except OSError:  # gone meanwhile
            continue
        if old:
            shutil.rmtree(folder, ignore_errors=True)
            deleted += 1
    return deleted


def save_uploads(files: list[tuple[str, bytes]]) -> tuple[Path, dict[str, str]]:
    """Write uploaded (name, bytes) to a new private folder; returns it and path -> original name.
    Folders abandoned for more than a day go first."""
    sweep_abandoned()
    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    (folder / "in").mkdir()
    names = {}
    for i, (name, data) in enumerate(files):
        path = folder / "in" / f"{i}{Path(name).suffix.lower()}"  # never trust the uploaded name as a path
        path.write_bytes(data)
        names[str(path)] = Path(name).name
    return folder, names


@dataclass
class Parsed:
    """What the child read: Parquet files (path -> name), coded projects, problems and notices."""

    files: dict[str, str]
    projects: list[qdpx_frames.ProjectFrames]
    problems: list[Problem]
    notices: list[str]


def parse_in_child(
    folder: Path,
    names: dict[str, str],
    timeout: float = PARSE_TIMEOUT_S,
    memory_mb: int = PARSE_MEMORY_MB,
    context: Context | None = None,
) -> Parsed:
    """Read the saved files in a limited child process (a project against `context`)."""
    spec = folder / "spec.json"
    result = folder / "result.json"
    (folder / "parsed").mkdir(exist_ok=True)
    files = [{"path": p, "name": n} for p, n in names.items()]
    spec.write_text(
        json.dumps(
            {
                "files": files,
                "out": str(folder / "parsed"),
                "result": str(result),
                "context": context.to_json() if context else None,
            }
        )
    )
    env = {**os.environ, "PYTHONPATH": str(db.ROOT), "POLARS_MAX_THREADS": "2"}
    cmd = [
        sys.executable,
        "-m",
        "dashboard.ingest.uploads",
        str(spec),
        str(memory_mb),
        str(int(timeout) + 1),
    ]
    try:
        subprocess.run(cmd, cwd=db.ROOT, env=env, timeout=timeout, capture_output=True, check=False)
    except subprocess.TimeoutExpired:
        rule = f"reading the files took longer than {timeout:g} s; split them"
        return Parsed({}, [], [_batch_problem(rule)], [])
    if not result.is_file():
        rule = f"the files could not be read within {memory_mb} MB of memory; split them or check them"
        return Parsed({}, [], [_batch_problem(rule)], [])
    out = json.loads(result.read_text())
    projects = [
        qdpx_frames.ProjectFrames(
            p["name"],
            QdpxSummary(**p["summary"]),
            {table: pl.read_parquet(path) for table, path in p["frames"].items()},
            p["checksum"],
        )
        for p in out["projects"]
    ]
    parsed = {f["path"]: f["name"] for f in out["parsed"]}
    return Parsed(parsed, projects, [Problem(**p) for p in out["problems"]], out["notices"])


def _batch_problem(rule: str) -> Problem:
    """A problem with the whole upload rather than one file or row."""
    return Problem("(upload)", None, "", "", rule)


def check_uploads(store, scope: Scope, files: list[tuple[str, bytes]], **limits) -> UploadCheck:
    """Parse uploads in a child process and check the batch against the database; writes nothing."""
    scope.require("admin")
    timing.note(batch="check")  # this page view's time is the upload's check (VOCATION_TIMING)
    folder, names = save_uploads(files)
    has_project = any(qdpx_frames.is_project(n) for n in names.values())
    child = parse_in_child(
        folder, names, context=Context.from_store(store) if has_project else None, **limits
    )
    problems = child.problems
    if child.files or child.projects:
        report = import_batch(
            list(child.files), store.con, dry_run=True, names=child.files, projects=child.projects
        )
    else:
        report = ImportReport()
        if not problems:
            problems.append(_batch_problem("no .csv, .xlsx, .parquet or .qdpx files were given"))
    report.problems = (problems + report.problems)[:200]
    report.problem_count += len(problems)
    report.notices = child.notices + report.notices
    return UploadCheck(folder, child.files, report, child.projects)


def import_uploads(
    store, scope: Scope, check: UploadCheck, progress: Callable[[float, str], None] | None = None
) -> ImportReport:
    """Import a checked batch through the app's connection, audit it, and refresh cached reads."""
    scope.require("admin")
    if not check.report.ok:
        raise ValueError("this batch has problems; fix the files and upload them again")
    timing.note(batch="import")  # this page view's time is the import's (VOCATION_TIMING)
    report = import_batch(
        list(check.parsed),
        store.con,
        imported_by=scope.email,
        progress=progress,
        names=check.parsed,
        projects=check.projects,
    )
    if report.written:
        rows = sum(c["inserted"] + c["updated"] for c in report.counts.values())
        audit.record(store, scope, "import", ", ".join(check.files), rows, role="admin")
    discard(check)
    return report


def discard(check: UploadCheck) -> None:
    """Delete an upload's temporary files."""
    shutil.rmtree(check.folder, ignore_errors=True)


def _limit_self(memory_mb: int, cpu_s: int) -> None:
    """Cap this (child) process's address space and CPU time, and lower its CPU priority: people
    opening pages are served before an upload is read."""
    import resource

    os.nice(PARSE_NICE)
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))


def child_main(spec_path: str, memory_mb: int, cpu_s: int) -> int:
    """The child process: read each file as the importer does and write its rows as Parquet."""
    _limit_self(memory_mb, cpu_s)
    from dashboard.ingest.importer import read_file

    spec = json.loads(Path(spec_path).read_text())
    out_dir = Path(spec["out"])
    notices: list[str] = []
    problems: list[Problem] = []
    parsed, incoming = [], []
    for i, f in enumerate(spec["files"]):
        if qdpx_frames.is_project_file(f["name"]):
            continue
        inc = read_file(Path(f["path"]), notices, problems, f["name"])
        if inc is not None:
            incoming.append(inc)
            out = out_dir / f"{i}.parquet"
            inc.frame.drop("_row").write_parquet(out)
            parsed.append({"path": str(out), "name": f["name"]})
    projects = []
    files = [(Path(f["path"]), f["name"]) for f in spec["files"] if qdpx_frames.is_project_file(f["name"])]
    if files:
        context = Context.from_json(spec["context"]) if spec["context"] else None
        for project in qdpx_frames.gather(files, incoming, lambda: context, None, problems):
            frames = {}
            for table, frame in project.frames.items():
                frames[table] = str(out_dir / f"project-{table}.parquet")
                frame.write_parquet(frames[table])
            summary = asdict(project.summary)
            projects.append(
                {"name": project.file, "summary": summary, "frames": frames, "checksum": project.checksum}
            )
    result = {
        "parsed": parsed,
        "projects": projects,
        "problems": [p.__dict__ for p in problems],
        "notices": notices,
    }
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
