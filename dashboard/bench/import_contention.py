"""The benchmark's "small write during an import": while an import of a scale's whole export writes
(in the app's process, on a cursor of its connection, as a forwarded `python -m dashboard load`
runs), an interviewer submits scorecards and an admin grants roles from other threads; each is
timed (target 1 s), and whether it committed before the import ended is recorded.

The database is the bundled sample with fresh panels for the demo rater; the import is the
scale's generated export (the benchmark's own data folder), so it writes for as long as the
benchmark's import does. `measure` returns the times; `format_line` one line of the report.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

from dashboard.core.access import Scope
from dashboard.demo import panels
from dashboard.ingest.importer import import_batch
from dashboard.ops import users
from dashboard.scorecards import cards
from dashboard.store import db

SMALL_WRITE_TARGET_MS = 1000.0
ADMIN = Scope("bench-admin@vocation.local", (("admin", ""),))
PAUSE_S = 0.25  # between one small write and the next of the same kind
CARD = {"balance": 3, "adaptiveness": 2, "learning": 4, "fit": 3, "beliefs": 3, "transcendence": 2}


def _prepare(db_file: Path, seats: int) -> tuple[str, list[str]]:
    """The sample imported, `seats` fresh interviews with the demo rater (conflict checked)."""
    from dashboard.bench import scorecard_steps

    con = db.connect(db_file)
    try:
        report = import_batch([db.SAMPLE_DIR], con, imported_by="bench")
        if not report.written:
            raise RuntimeError(report.text())
    finally:
        con.close()
    return scorecard_steps.fresh_seats(db_file, seats)


def measure(data_dir: Path, work_dir: Path, seats: int = 15) -> dict:
    """Import `data_dir` into a fresh sample database while submitting cards and granting roles."""
    db_file = Path(work_dir) / "contention.duckdb"
    rater, interviews = _prepare(db_file, seats)
    store = db.Store.open(db_file)  # the app's one connection; threads take cursors of it
    app = db.Store(store.con, db_file, cached=False)
    me = panels._as_rater(app, rater)
    writing, ended = threading.Event(), threading.Event()
    times: dict[str, list[tuple[float, bool]]] = {"submit": [], "grant": []}
    errors: list[str] = []
    out: dict = {}

    def progress(_fraction: float, what: str) -> None:
        if what.startswith("writing"):
            writing.set()

    def load() -> None:
        start = time.perf_counter()
        try:
            report = import_batch([data_dir], store.con.cursor(), imported_by="bench", progress=progress)
            out["written"] = report.written
        except Exception as exc:  # noqa: BLE001 - reported in the results
            errors.append(f"import: {type(exc).__name__}: {exc}")
        finally:
            out["import_s"] = time.perf_counter() - start
            writing.set()
            ended.set()

    def timed(kind: str, write) -> None:
        writing.wait()
        n = 0
        while not ended.is_set():
            start = time.perf_counter()
            try:
                if not write(n):
                    return
            except Exception as exc:  # noqa: BLE001 - reported in the results
                errors.append(f"{kind}: {type(exc).__name__}: {exc}")
                return
            times[kind].append((time.perf_counter() - start, not ended.is_set()))
            n += 1
            time.sleep(PAUSE_S)

    def submit(n: int) -> bool:
        if n >= len(interviews):
            return False
        cards.submit(app, me, interviews[n], rater, panels.demo_card(CARD))
        return True

    def grant(n: int) -> bool:
        users.grant_role(app, ADMIN, f"bench-grant-{n}@vocation.local", "leadership")
        return True

    threads = [
        threading.Thread(target=load),
        threading.Thread(target=timed, args=("submit", submit)),
        threading.Thread(target=timed, args=("grant", grant)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    submitted = [i for i in interviews[: len(times["submit"])]]
    out["submitted_once"] = _each_once(store, submitted)
    store.close()
    return _summary(times, out, errors)


def _each_once(store: db.Store, interview_ids: list[str]) -> bool:
    """Each submitted card's ratings in the materialized scores exactly once (one rater per theme)."""
    if not interview_ids:
        return True
    rows = store.con.execute(
        "select count(*), max(n_raters), min(n_raters) from interview_theme_scores"
        " where interview_id in (select unnest($ids))",
        {"ids": interview_ids},
    ).fetchall()[0]
    return rows == (6 * len(interview_ids), 1, 1)


def _summary(times: dict, out: dict, errors: list[str]) -> dict:
    """Median and worst of each kind (all of them, and how many committed before the import ended)."""
    result = {
        "contention_import_s": round(out.get("import_s", 0.0), 1),
        "contention_error": "; ".join(errors),
    }
    for kind, got in times.items():
        ms = [s * 1000 for s, _ in got]
        result[f"during_{kind}_n"] = len(ms)
        result[f"during_{kind}_before_end"] = sum(1 for _, before in got if before)
        result[f"during_{kind}_median_ms"] = round(statistics.median(ms), 1) if ms else 0.0
        result[f"during_{kind}_worst_ms"] = round(max(ms), 1) if ms else 0.0
    if not out.get("written", False) and not errors:
        result["contention_error"] = "the import did not write"
    if not out.get("submitted_once", True):
        result["contention_error"] += " a submitted card is not in the materialized scores exactly once"
    return result


def format_line(result: dict) -> str:
    """One line of the benchmark's report for the small writes made while an import wrote."""
    parts = []
    for kind, label in (("submit", "scorecard submit"), ("grant", "role grant")):
        ok = result[f"during_{kind}_worst_ms"] <= SMALL_WRITE_TARGET_MS and result[f"during_{kind}_n"] > 0
        parts.append(
            f"{label} median {result[f'during_{kind}_median_ms']} ms, worst {result[f'during_{kind}_worst_ms']} ms "
            f"({result[f'during_{kind}_before_end']} of {result[f'during_{kind}_n']} committed before the "
            f"import ended; {'ok' if ok and not result['contention_error'] else 'OVER'} ≤ "
            f"{SMALL_WRITE_TARGET_MS:g} ms)"
        )
    error = f" {result['contention_error']}" if result["contention_error"] else ""
    return f"Small writes during an import ({result['contention_import_s']} s): " + "; ".join(parts) + error
