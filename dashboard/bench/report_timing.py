"""The benchmark's timed command-line reports: each part of `report validation` (issue 23) on the
benchmark's database, in this process, with a limit of `REPORT_TARGET_S` seconds each."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from dashboard.core.access import Scope
from dashboard.leadership import validation_parts
from dashboard.leadership.privacy import chosen_programs
from dashboard.store import db

REPORT_TARGET_S = 5.0


def time_validation_parts(db_file: Path, as_of: dt.date | None = None) -> list[dict]:
    """Seconds to build each `report validation --part` table over every program (as the CLI does)."""
    store = db.Store.open(db_file)  # as the pages opened it (one configuration per file and process)
    rows = []
    try:
        ids = chosen_programs(store, Scope.system())
        for part in validation_parts.PARTS:
            error, start = "", time.perf_counter()
            try:
                table = validation_parts.part_table(store, ids, part, as_of or dt.date.today())
                height = table.height
            except Exception as exc:  # noqa: BLE001 - reported in the table, the run goes on
                error, height = f"{type(exc).__name__}: {exc}", 0
            seconds = time.perf_counter() - start
            rows.append({"part": part, "seconds": round(seconds, 2), "rows": height, "error": error})
    finally:
        store.close()
    return rows


def format_rows(rows: list[dict]) -> list[str]:
    """The timed reports as Markdown table lines."""
    lines = ["", "| report validation --part | seconds | rows | ok |", "| --- | ---: | ---: | --- |"]
    for r in rows:
        ok = r["seconds"] <= REPORT_TARGET_S and not r["error"]
        lines.append(
            f"| {r['part']} | {r['seconds']} | {r['rows']} | {'ok' if ok else 'OVER'} ≤ {REPORT_TARGET_S:g} s"
            f"{' ' + r['error'][:60] if r['error'] else ''} |"
        )
    return lines
