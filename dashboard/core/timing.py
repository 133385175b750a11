"""The server's own time (`VOCATION_TIMING=1`): each run of a page's script (a page view) and each
small write, measured inside the app and written as one JSON line each, apart from what a browser
sees (on a 2-core machine the browsers of a load test take most of the CPU).

A view's line: {"kind": "view", "at", "page", "wall_s" (the run's start to its end), "cpu_s" (CPU of
the thread that ran it: DuckDB's own worker threads are not in it), "process_cpu_s" (the whole
process's CPU meanwhile, other sessions' work included), "outcome" ("finished", or the exception
that ended the run: RerunException, StopException ...), "thread" (its native id, to find it in a
py-spy recording), "core_wait_s" (Linux: the time its thread was ready to run but waited for a
core while other threads or processes had it, the browsers' in a load test; from
/proc/thread-self/schedstat), "queries"/"queries_s" (named reads run, not found in the cache, and
their seconds), "read_retries" (reads tried again for memory during an import), and "batch": "check" or
"import" for the run on the Data page that checked or imported an upload: the admin's batch, not a
page view}.
A write's line: {"kind": "write", "at", "name", "wall_s" (from the call, waiting for the write
lock included, to the commit), "during_import", "attempts"}.

Lines are appended to the file $VOCATION_TIMING_FILE names, else logged (logger
"vocation.timing", level INFO). Off (the default), nothing is measured.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

log = logging.getLogger("vocation.timing")
_lock = threading.Lock()
_local = threading.local()


def enabled() -> bool:
    """Whether $VOCATION_TIMING is on (1, true or yes)."""
    return (os.environ.get("VOCATION_TIMING") or "").strip().lower() in ("1", "true", "yes")


def record(kind: str, **fields) -> None:
    """Write one measurement (a JSON line) to $VOCATION_TIMING_FILE, or to the log."""
    line = json.dumps({"kind": kind, "at": round(time.time(), 3), **fields}, default=str)
    path = os.environ.get("VOCATION_TIMING_FILE")
    if not path:
        log.info(line)
        return
    with _lock, open(path, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def note(**fields) -> None:
    """Add fields to the line of the page view running in this thread (if one is measured)."""
    run = getattr(_local, "run", None)
    if run is not None:
        run.update(fields)


def count(field: str, seconds: float = 0.0) -> None:
    """Count one event of `field` in this thread's page view (if one is measured), with the seconds
    it cost added to `<field>_s`: a read retried for memory during an import, say."""
    run = getattr(_local, "run", None)
    if run is not None:
        run[field] = run.get(field, 0) + 1
        if seconds:
            run[f"{field}_s"] = round(run.get(f"{field}_s", 0.0) + seconds, 4)


def _core_wait() -> float | None:
    """Seconds this thread has waited, ready to run, for a core (Linux's schedstat), or None."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


@contextmanager
def page_view(page_of: Callable[[], str]):
    """Measure the script run inside the block as one page view of `page_of()` (asked at its end)."""
    if not enabled():
        yield
        return
    _local.run = {}
    wall, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
    waited = _core_wait()
    outcome = "error"
    try:
        yield
        outcome = "finished"
    except BaseException as exc:  # st.rerun and st.stop end a run by raising
        outcome = type(exc).__name__
        raise
    finally:
        extra, _local.run = _local.run, None
        if waited is not None and (now := _core_wait()) is not None:
            extra["core_wait_s"] = round(now - waited, 4)
        record(
            "view",
            page=page_of(),
            wall_s=round(time.perf_counter() - wall, 4),
            cpu_s=round(time.thread_time() - cpu, 4),
            process_cpu_s=round(time.process_time() - process, 4),
            outcome=outcome,
            thread=threading.get_native_id(),
            **extra,
        )


@contextmanager
def write(name: str, during_import: bool):
    """Measure one small write (the block: waiting for the lock, the transaction, the commit).
    The block may set `attempts` on the yielded dict."""
    if not enabled():
        yield {}
        return
    start, info = time.perf_counter(), {"attempts": 1}
    try:
        yield info
    finally:
        record(
            "write",
            name=name,
            wall_s=round(time.perf_counter() - start, 4),
            during_import=during_import,
            **info,
        )
