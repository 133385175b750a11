"""VOCATION_TIMING=1 (core/timing.py): each page view's server time and CPU, and each small write's
time, as JSON lines in $VOCATION_TIMING_FILE; off, nothing is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import grant, signed_in_app

from dashboard.core import timing
from dashboard.store import db


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def timing_file(tmp_path, monkeypatch):
    path = tmp_path / "timing.jsonl"
    monkeypatch.setenv("VOCATION_TIMING", "1")
    monkeypatch.setenv("VOCATION_TIMING_FILE", str(path))
    return path


def test_a_page_view_is_timed_with_its_cpu_and_how_it_ended(timing_file):
    with timing.page_view(lambda: "screening"):
        timing.note(batch="import")
        sum(range(200_000))
    with pytest.raises(RuntimeError), timing.page_view(lambda: "home"):
        raise RuntimeError("rerun")
    first, second = _lines(timing_file)
    assert first["kind"] == "view" and first["page"] == "screening" and first["outcome"] == "finished"
    assert first["batch"] == "import" and 0 < first["cpu_s"] <= first["process_cpu_s"] + 0.01
    assert first["wall_s"] > 0
    assert second["page"] == "home" and second["outcome"] == "RuntimeError" and "batch" not in second


@pytest.mark.skipif(not Path("/proc/thread-self/schedstat").exists(), reason="Linux's schedstat")
def test_a_view_kept_off_its_core_by_another_process_says_how_long_it_waited(timing_file):
    """`core_wait_s`: the view's thread ready to run but held off its core (here by two busy
    processes on the same core, so it runs about a third of the time) is the machine's doing, told
    apart from the view's own CPU time."""
    core, before = min(os.sched_getaffinity(0)), os.sched_getaffinity(0)
    busy = [
        subprocess.Popen(
            [sys.executable, "-c", "while True: pass"], preexec_fn=lambda: os.sched_setaffinity(0, {core})
        )
        for _ in range(2)
    ]
    try:
        os.sched_setaffinity(0, {core})  # this thread only
        time.sleep(0.3)  # the busy processes are running
        with timing.page_view(lambda: "screening"):
            end = time.perf_counter() + 0.9
            while time.perf_counter() < end:
                pass
    finally:
        os.sched_setaffinity(0, before)
        for process in busy:
            process.kill()
            process.wait()
    (line,) = _lines(timing_file)
    assert line["core_wait_s"] > 1.3 * line["cpu_s"], line  # it ran about a third of the time
    assert line["core_wait_s"] + line["cpu_s"] == pytest.approx(line["wall_s"], abs=0.1)


def test_a_small_write_is_timed_by_name(db_file, timing_file):
    store = db.Store.open(db_file)
    try:
        db.transaction(store, lambda cur: cur.execute("select 1"), name="user_change")
    finally:
        store.close()
    (line,) = _lines(timing_file)
    assert line["kind"] == "write" and line["name"] == "user_change"
    assert line["during_import"] is False and line["attempts"] == 1 and line["wall_s"] >= 0


def test_the_app_writes_a_line_per_run_of_a_page(db_file, timing_file, monkeypatch):
    grant(db_file, "lead@example.org", "leadership")
    at = signed_in_app(db_file, "lead@example.org", monkeypatch)
    assert not at.exception
    views = [line for line in _lines(timing_file) if line["kind"] == "view"]
    assert views and views[-1]["outcome"] == "finished" and views[-1]["page"] == "home"


def test_off_by_default_nothing_is_written(tmp_path, monkeypatch):
    path = tmp_path / "timing.jsonl"
    monkeypatch.delenv("VOCATION_TIMING", raising=False)
    monkeypatch.setenv("VOCATION_TIMING_FILE", str(path))
    with timing.page_view(lambda: "home"):
        pass
    assert not path.exists()
