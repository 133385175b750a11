"""The README's commands: every command has --help and --db, and `make run` works from a clean clone."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT

from dashboard.cli import REPORTS, build_parser


def _run(*args, **kw):
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        **kw,
    )


def test_every_command_has_help_and_db():
    build_parser()
    commands = [
        ["load"],
        ["bench"],
        ["interviews", "schedule"],
        ["scorecard", "record"],
        ["scorecard", "list"],
        ["backup"],
        ["restore"],
        ["serve"],
        ["audit"],
        ["users", "list"],
    ]
    commands += [["report", name] for name in REPORTS]
    top = _run("--help")
    assert top.returncode == 0 and "load" in top.stdout
    for cmd in commands:
        out = _run(*cmd, "--help")
        assert out.returncode == 0, (cmd, out.stderr)
        assert "--db" in out.stdout, cmd


def test_make_test_runs_the_whole_suite():
    dry = subprocess.run(["make", "-n", "test"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert dry.returncode == 0
    assert "pytest" in dry.stdout
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_make_run_from_a_clean_clone_serves_the_sample(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    # the uncommitted working tree is what is under test: copy it over the clone
    for rel in subprocess.run(
        ["git", "ls-files", "-mo", "--exclude-standard"], capture_output=True, text=True, cwd=ROOT
    ).stdout.split():
        src = ROOT / rel
        if src.is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, clone / rel)
    venv = ROOT / ".venv" if (ROOT / ".venv").exists() else None
    if venv is None:
        pytest.skip("no project virtualenv to reuse")
    port = _free_port()
    proc = subprocess.Popen(
        ["make", "run", f"PORT={port}", f"VENV={venv}"],
        cwd=clone,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not answer on its port")
        assert (clone / "data" / "vocation.duckdb").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # make and the streamlit it started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard",
            "report",
            "counts",
            "--db",
            str(clone / "data" / "vocation.duckdb"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert "excerpts" in done.stdout
