"""Scheduled backups in the app's process, and what the Data page says about backups.

Settings (environment): VOCATION_BACKUP_DIR, the folder (unset: no scheduled backups);
VOCATION_BACKUP_HOURS, how often (default 24); VOCATION_BACKUP_KEEP, how many complete backups
to keep in that folder (default 7; older ones are deleted after each new backup).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dashboard.core.access import Scope
from dashboard.ops import backup

DEFAULT_HOURS, DEFAULT_KEEP = 24.0, 7
RETRY_AFTER_FAILURE_S = 900
SCHEDULER_SCOPE = Scope("scheduled backup", Scope.system().grants)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """Where scheduled backups go, how often, how many are kept."""

    folder: Path
    hours: float
    keep: int

    def text(self) -> str:
        """The schedule in words."""
        return f"Scheduled backups: every {self.hours:g} h into {self.folder}, keeping the last {self.keep}."


def schedule_from_env(env=None) -> Schedule | None:
    """The schedule the environment sets (None when VOCATION_BACKUP_DIR is unset); ValueError if bad."""
    env = os.environ if env is None else env
    folder = env.get("VOCATION_BACKUP_DIR", "").strip()
    if not folder:
        return None
    try:
        hours = float(env.get("VOCATION_BACKUP_HOURS") or DEFAULT_HOURS)
        keep = int(env.get("VOCATION_BACKUP_KEEP") or DEFAULT_KEEP)
    except ValueError:
        raise ValueError(
            "VOCATION_BACKUP_HOURS must be a number of hours and VOCATION_BACKUP_KEEP a whole number"
        ) from None
    if hours <= 0 or keep < 1:
        raise ValueError("VOCATION_BACKUP_HOURS must be above 0 and VOCATION_BACKUP_KEEP at least 1")
    return Schedule(Path(folder).absolute(), hours, keep)


def complete_backups(folder: Path) -> list[Path]:
    """The complete backups in `folder` (named by time, with a manifest), oldest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if backup.NAME_RE.match(p.name) and (p / backup.MANIFEST).is_file()]
    return sorted(found, key=lambda p: (_taken(p), p.name))


def _taken(path: Path) -> float:
    """When a backup was taken, from its folder's name (UTC)."""
    stamp = path.name.removeprefix(backup.PREFIX)[:16]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backups; returns those deleted."""
    old = complete_backups(folder)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old


def next_due(schedule: Schedule) -> float:
    """When the next backup is due: one interval after the newest one (now if there is none)."""
    done = complete_backups(schedule.folder)
    return _taken(done[-1]) + schedule.hours * 3600 if done else time.time()


def run_scheduled_backup(store, schedule: Schedule) -> backup.BackupResult | None:
    """Take one backup and prune old ones; a failure is logged and kept for the Data page."""
    try:
        result = backup.create_backup(store, SCHEDULER_SCOPE, schedule.folder)
        prune(schedule.folder, schedule.keep)
        return result
    except Exception as exc:  # the scheduler must survive a full disk or a vanished folder
        log.exception("scheduled backup failed")
        error = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "error": str(exc)}
        store.append("app_meta_upsert", key=backup.BACKUP_ERROR_KEY, value=json.dumps(error))
        return None


def _loop(store, schedule: Schedule, stop: threading.Event) -> None:
    while not stop.is_set():
        wait = next_due(schedule) - time.time()
        if wait > 0:
            stop.wait(min(wait, 3600))
        elif run_scheduled_backup(store, schedule) is None:
            stop.wait(min(RETRY_AFTER_FAILURE_S, schedule.hours * 3600))


_started: dict[str, threading.Event] = {}


def start_scheduled_backups(store) -> threading.Event | None:
    """Start the backup thread for the app's store when VOCATION_BACKUP_DIR is set (once per database)."""
    try:
        schedule = schedule_from_env()
    except ValueError as exc:
        log.error("scheduled backups are off: %s", exc)
        return None
    if schedule is None or store.path in _started:
        return _started.get(store.path)
    stop = _started[store.path] = threading.Event()
    thread = threading.Thread(
        target=_loop, args=(store, schedule, stop), name="vocation-backups", daemon=True
    )
    thread.start()
    import atexit

    atexit.register(_stop, stop, thread)
    return stop


def _stop(stop: threading.Event, thread: threading.Thread) -> None:
    """At exit: end the backup thread (waiting for a backup under way a little while)."""
    stop.set()
    thread.join(timeout=10)


# --- what the Data page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class BackupStatus:
    """The last backup and the schedule, in words, for the Data page."""

    last: str
    schedule: str
    error: str


def _meta(store, key: str) -> dict | None:
    rows = store.query_uncached("app_meta_for_key", key=key)
    return json.loads(rows["value"][0]) if rows.height else None


def backup_status(store, scope: Scope) -> BackupStatus:
    """When and where the last backup was made and with how many rows; the schedule; a recent failure."""
    scope.require("admin")
    last = _meta(store, backup.LAST_BACKUP_KEY)
    if last is None:
        last_text = "No backup of this database has been made yet."
    else:
        gone = "" if Path(last["path"]).is_dir() else " (that folder is no longer there)"
        last_text = (
            f"Last backup: {last['created_at']} (UTC), {last['tables']} tables, {last['rows']:,} rows, "
            f"in {last['path']}{gone}."
        )
    try:
        schedule = schedule_from_env()
        schedule_text = (
            schedule.text() if schedule else "No scheduled backups (VOCATION_BACKUP_DIR is not set)."
        )
    except ValueError as exc:
        schedule_text = f"Scheduled backups are off: {exc}."
    failed = _meta(store, backup.BACKUP_ERROR_KEY)
    error = ""
    if failed and (last is None or failed["at"] > last["created_at"]):
        error = f"The scheduled backup at {failed['at']} (UTC) failed: {failed['error']}"
    return BackupStatus(last_text, schedule_text, error)
