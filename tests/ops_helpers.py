"""Helpers for the operations tests: run `python -m dashboard` as a real process, stand in for the
app's process, and fingerprint a database."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def env(**extra: str) -> dict:
    """The environment for a child process: this checkout first on the path, no stray settings."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("VOCATION_")}
    out["PYTHONPATH"] = str(ROOT)
    out.update(extra)
    return out


def command(*argv: str, cwd: Path | None = None, timeout: float = 180, **extra: str):
    """Run `python -m dashboard ARGV` in its own process; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *argv],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env(**extra),
        timeout=timeout,
    )


def start(code: str, **extra: str) -> subprocess.Popen:
    """A Python process running `code` (dedented), its stderr piped (the pause hook reports there)."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_command(*argv: str, **extra: str) -> subprocess.Popen:
    """`python -m dashboard ARGV` started in the background, stdout and stderr piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", *argv],
        cwd=ROOT,
        env=env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(stream, wanted: str, proc: subprocess.Popen, limit: int = 400) -> list[str]:
    """Read lines from `stream` until one contains `wanted`; fail if the process ends first."""
    seen = []
    for _ in range(limit):
        line = stream.readline()
        if not line:
            raise AssertionError(f"process ended (status {proc.poll()}) before {wanted!r}: {seen}")
        seen.append(line)
        if wanted in line:
            return seen
    raise AssertionError(f"{wanted!r} never came: {seen}")


APP_STANDIN = """
import sys, time
from dashboard import cli
from dashboard.store import db
cli.serve_in_app()  # as app.py does
store = db._open_store(sys.argv[1])  # what the app does when its first page opens
print("serving", flush=True)
time.sleep(600)
"""


def start_app_standin(db_file: Path, **extra: str) -> subprocess.Popen:
    """A process that opens the database as the app does (so it serves commands) and waits.

    The browser tests start the real app; this stands in for it where a test kills it with -9."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(APP_STANDIN), str(db_file)],
        cwd=ROOT,
        env=env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "serving", proc.stderr.read()
    return proc


def fingerprint(db_file: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Row count and an order-independent content hash of every table in the file."""
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where not internal and not temporary order by 1"
            ).fetchall()
        ]
        out = {}
        for name in names:
            if name in skip:
                continue
            stmt = f"select count(*), coalesce(sum(hash(t)), 0) from {name} as t"  # noqa: S608 - catalog names
            out[name] = con.execute(stmt).fetchall()[0]
        return out
    finally:
        con.close()
