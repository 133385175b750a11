"""Files uploaded on the Data page: read them in a separate, limited process, check, then import.

An uploaded file may be hostile or huge, so it is parsed by a child process
(`python -m dashboard.uploads SPEC`) that sets its own memory limit (RLIMIT_AS) and CPU limit and
is killed after a timeout: a bad file can only take that process down. The child writes each
file's contract columns to Parquet; the app then checks the whole batch against the database
(a dry run, nothing written) and, when the admin confirms, imports it through its own connection.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard import audit, db
from dashboard.access import Scope
from dashboard.importer import ImportReport, Problem, import_batch

PARSE_TIMEOUT_S = float(os.environ.get("VOCATION_PARSE_TIMEOUT_S", 120))
PARSE_MEMORY_MB = int(os.environ.get("VOCATION_PARSE_MEMORY_MB", 2048))


@dataclass
class UploadCheck:
    """A checked batch of uploads: the parsed files (path -> original name) and the report."""

    folder: Path
    parsed: dict[str, str]
    report: ImportReport


def save_uploads(files: list[tuple[str, bytes]]) -> tuple[Path, dict[str, str]]:
    """Write uploaded (name, bytes) to a new private folder; returns it and path -> original name."""
    folder = Path(tempfile.mkdtemp(prefix="vocation-upload-"))
    (folder / "in").mkdir()
    names = {}
    for i, (name, data) in enumerate(files):
        path = folder / "in" / f"{i}{Path(name).suffix.lower()}"  # never trust the uploaded name as a path
        path.write_bytes(data)
        names[str(path)] = Path(name).name
    return folder, names


def parse_in_child(
    folder: Path,
    names: dict[str, str],
    timeout: float = PARSE_TIMEOUT_S,
    memory_mb: int = PARSE_MEMORY_MB,
) -> tuple[dict[str, str], list[Problem], list[str]]:
    """Read the saved files in a limited child process: (parsed Parquet -> name, problems, notices)."""
    spec = folder / "spec.json"
    result = folder / "result.json"
    (folder / "parsed").mkdir(exist_ok=True)
    files = [{"path": p, "name": n} for p, n in names.items()]
    spec.write_text(json.dumps({"files": files, "out": str(folder / "parsed"), "result": str(result)}))
    env = {**os.environ, "PYTHONPATH": str(db.ROOT), "POLARS_MAX_THREADS": "2"}
    cmd = [
        sys.executable,
        "-m",
        "dashboard.uploads",
        str(spec),
        str(memory_mb),
        str(int(timeout) + 1),
    ]
    try:
        subprocess.run(cmd, cwd=db.ROOT, env=env, timeout=timeout, capture_output=True, check=False)
    except subprocess.TimeoutExpired:
        return (
            {},
            [_batch_problem(f"reading the files took longer than {timeout:g} s; split them")],
            [],
        )
    if not result.is_file():
        rule = f"the files could not be read within {memory_mb} MB of memory; split them or check them"
        return {}, [_batch_problem(rule)], []
    out = json.loads(result.read_text())
    parsed = {f["path"]: f["name"] for f in out["parsed"]}
    return parsed, [Problem(**p) for p in out["problems"]], out["notices"]


def _batch_problem(rule: str) -> Problem:
    """A problem with the whole upload rather than one file or row."""
    return Problem("(upload)", None, "", "", rule)


def check_uploads(store, scope: Scope, files: list[tuple[str, bytes]], **limits) -> UploadCheck:
    """Parse uploads in a child process and check the batch against the database; writes nothing."""
    scope.require("admin")
    folder, names = save_uploads(files)
    parsed, problems, notices = parse_in_child(folder, names, **limits)
    if parsed:
        report = import_batch(list(parsed), store.con, dry_run=True, names=parsed)
    else:
        report = ImportReport()
        if not problems:
            problems.append(_batch_problem("no .csv, .xlsx or .parquet files were given"))
    report.problems = (problems + report.problems)[:200]
    report.problem_count += len(problems)
    report.notices = notices + report.notices
    return UploadCheck(folder, parsed, report)


def import_uploads(
    store, scope: Scope, check: UploadCheck, progress: Callable[[float, str], None] | None = None
) -> ImportReport:
    """Import a checked batch through the app's connection, audit it, and refresh cached reads."""
    scope.require("admin")
    if not check.report.ok:
        raise ValueError("this batch has problems; fix the files and upload them again")
    report = import_batch(
        list(check.parsed),
        store.con,
        imported_by=scope.email,
        progress=progress,
        names=check.parsed,
    )
    if report.written:
        rows = sum(c["inserted"] + c["updated"] for c in report.counts.values())
        audit.record(store, scope, "import", ", ".join(check.parsed.values()), rows, role="admin")
        db.bump_version(store.path)
    discard(check)
    return report


def discard(check: UploadCheck) -> None:
    """Delete an upload's temporary files."""
    shutil.rmtree(check.folder, ignore_errors=True)


def _limit_self(memory_mb: int, cpu_s: int) -> None:
    """Cap this (child) process's address space and CPU time."""
    import resource

    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))


def child_main(spec_path: str, memory_mb: int, cpu_s: int) -> int:
    """The child process: read each file as the importer does and write its rows as Parquet."""
    _limit_self(memory_mb, cpu_s)
    from dashboard.importer import read_file

    spec = json.loads(Path(spec_path).read_text())
    notices: list[str] = []
    problems: list[Problem] = []
    parsed = []
    for i, f in enumerate(spec["files"]):
        incoming = read_file(Path(f["path"]), notices, problems, f["name"])
        if incoming is not None:
            out = Path(spec["out"]) / f"{i}.parquet"
            incoming.frame.drop("_row").write_parquet(out)
            parsed.append({"path": str(out), "name": f["name"]})
    result = {"parsed": parsed, "problems": [p.__dict__ for p in problems], "notices": notices}
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
