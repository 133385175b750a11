"""Backups and restore: a consistent copy of every table, checked before it is put back.

`backup` reads every table the database holds (found in DuckDB's catalog at run time, so tables
added later are covered) in one read transaction, writes each to Parquet in a hidden
`.partial-` folder with a manifest.json (row count and SHA-256 per table, the tables' DDL, the
schema version, when, from where), then renames the folder to `vocation-backup-<UTC time>`: a
backup killed part-way leaves no folder that looks complete. `restore` checks the manifest
against the files, builds the new database beside the target and renames it in. Scheduled
backups run in the app's process (see start_scheduled_backups).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dashboard.core.access import Scope
from dashboard.core.pause_points import pause_for_tests
from dashboard.store import audit, db

MANIFEST = "manifest.json"
FORMAT, FORMAT_VERSION = "vocation-backup", 1
PREFIX, PARTIAL = "vocation-backup-", ".partial-"
NAME_RE = re.compile(rf"^{PREFIX}\d{{8}}T\d{{6}}Z(-\d+)?$")
LAST_BACKUP_KEY, BACKUP_ERROR_KEY = "last_backup", "last_backup_error"


class BackupError(RuntimeError):
    """A backup cannot be made, verified or restored; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore wrote."""

    path: Path
    created_at: str
    tables: int
    rows: int

    def text(self, verb: str = "Backed up") -> str:
        """One line for the command's output."""
        return f"{verb} {self.tables} tables ({self.rows:,} rows, taken {self.created_at}): {self.path}"


def schema_version() -> str:
    """A fingerprint of queries/schema.sql: the schema the backed-up database was made with."""
    return hashlib.sha256(db.sql_text("schema").encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk (a rename is durable only once its folder is flushed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _file_name(index: int, table: str) -> str:
    return f"{table}.parquet" if re.fullmatch(r"[A-Za-z0-9_]+", table) else f"table-{index:03d}.parquet"


def _catalog(cur: duckdb.DuckDBPyConnection, name: str) -> list[dict]:
    """A catalog query run on this cursor (inside its transaction), as rows."""
    return cur.sql(db.sql_text(name)).pl().to_dicts()


def _write_snapshot(store, folder: Path, created: datetime) -> dict:
    """Every table to Parquet in `folder`, in one read transaction; returns the manifest."""
    cur = store.con.cursor()
    try:
        cur.begin()
        tables = []
        for i, row in enumerate(_catalog(cur, "catalog_table_list")):
            path = folder / _file_name(i, row["table_name"])
            relation = cur.table(row["table_name"])
            relation.write_parquet(str(path))
            rows = relation.aggregate("count(*)").fetchall()[0][0]
            _fsync(path)
            tables.append(
                {
                    "name": row["table_name"],
                    "file": path.name,
                    "rows": rows,
                    "sha256": _sha256(path),
                    "sql": row["sql"],
                }
            )
            if i == 0:
                pause_for_tests("backup")
        sequences = [
            {"name": r["sequence_name"], "sql": r["sql"]} for r in _catalog(cur, "catalog_sequence_list")
        ]
        views = _catalog(cur, "catalog_view_list")
        cur.commit()
    finally:
        cur.close()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created.isoformat(timespec="seconds"),
        "source_db": store.path,
        "schema_version": schema_version(),
        "duckdb_version": duckdb.__version__,
        "total_rows": sum(t["rows"] for t in tables),
        "tables": tables,
        "sequences": sequences,
        "views_and_indexes": views,
    }


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete `.partial-` folders left by backups that were killed (their process is gone)."""
    removed = []
    for path in folder.glob(f"{PARTIAL}*"):
        pid = path.name.rsplit("-", 1)[-1]
        if path.is_dir() and pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def create_backup(store, scope: Scope, to_dir: str | Path) -> BackupResult:
    """Back up every table of `store` into a new folder under `to_dir`; record and audit it."""
    scope.require("admin")
    to_dir = Path(to_dir).resolve()
    to_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(to_dir)
    created = datetime.now(UTC).replace(microsecond=0)
    name = f"{PREFIX}{created:%Y%m%dT%H%M%SZ}"
    n = 1
    while (to_dir / name).exists():
        n += 1
        name = f"{PREFIX}{created:%Y%m%dT%H%M%SZ}-{n}"
    partial = to_dir / f"{PARTIAL}{name}-{os.getpid()}"
    partial.mkdir()
    try:
        manifest = _write_snapshot(store, partial, created)
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _fsync(partial / MANIFEST)
        _fsync(partial)
        final = to_dir / name
        os.rename(partial, final)
        _fsync(to_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    result = BackupResult(final, manifest["created_at"], len(manifest["tables"]), manifest["total_rows"])
    record = {
        "created_at": result.created_at,
        "path": str(final),
        "tables": result.tables,
        "rows": result.rows,
    }
    store.append("app_meta_upsert", key=LAST_BACKUP_KEY, value=json.dumps(record))
    audit.record(store, scope, "backup", str(final), result.rows, role="admin")
    return result


# --- verify and restore ----------------------------------------------------------------------


def _single_create(sql: str, what: str) -> str:
    """The DDL if it is exactly one CREATE statement (a manifest carries nothing else to run)."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise BackupError(f"{what}: its DDL does not parse ({exc})") from None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.CREATE:
        raise BackupError(f"{what}: its DDL is not a single CREATE statement")
    return sql


def verify_backup(folder: str | Path) -> dict:
    """The manifest of the backup in `folder`, once every file matches its row count and checksum."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    if not (folder / MANIFEST).is_file():
        raise BackupError(
            f"{folder} has no {MANIFEST}: it is not a complete Vocation backup "
            "(a backup that was interrupted leaves none). Nothing was restored."
        )
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        tables = manifest["tables"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(
            f"{folder / MANIFEST} is damaged (not a Vocation manifest). Nothing was restored."
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("format_version", 99) > FORMAT_VERSION:
        raise BackupError(f"{folder} is not a Vocation backup this version can read")
    problems = []
    for t in tables:
        path = folder / str(t.get("file", ""))
        if path.name != t.get("file") or path.suffix != ".parquet":
            problems.append(f"table {t.get('name')}: bad file name {t.get('file')!r}")
        elif not path.is_file():
            problems.append(f"table {t['name']}: {t['file']} is missing")
        elif _sha256(path) != t.get("sha256"):
            problems.append(
                f"table {t['name']}: {t['file']} does not match its checksum (changed or damaged)"
            )
        elif pq.read_metadata(path).num_rows != t.get("rows"):
            problems.append(f"table {t['name']}: {t['file']} does not hold the {t.get('rows')} rows listed")
    if problems:
        raise BackupError(
            f"The backup in {folder} failed verification; nothing was restored:\n  " + "\n  ".join(problems)
        )
    for item in (*manifest.get("sequences", []), *tables, *manifest.get("views_and_indexes", [])):
        _single_create(item["sql"], f"{item['name']} in {MANIFEST}")
    return manifest


def _build(manifest: dict, folder: Path, path: Path) -> None:
    """Create the database at `path` from a verified backup, in one transaction; check the counts."""
    con = duckdb.connect(str(path))
    try:
        con.begin()
        for seq in manifest.get("sequences", []):
            con.execute(seq["sql"])
        for t in manifest["tables"]:
            con.execute(t["sql"])
            con.read_parquet(str(folder / t["file"])).insert_into(t["name"])
            found = con.table(t["name"]).aggregate("count(*)").fetchall()[0][0]
            if found != t["rows"]:
                raise BackupError(f"table {t['name']}: restored {found} rows, the manifest lists {t['rows']}")
        for item in manifest.get("views_and_indexes", []):
            con.execute(item["sql"])
        con.commit()
        con.execute("checkpoint")
    finally:
        con.close()


def _release(target: Path) -> None:
    """Make sure nobody holds `target`, folding its write-ahead log in (opening and closing it)."""
    try:
        duckdb.connect(str(target)).close()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise BackupError(
                f"{target} is in use by another process (is the Vocation app running on it?). "
                "Stop it first, or restore to another file and point VOCATION_DB at that."
            ) from None
    wal = Path(f"{target}.wal")
    if wal.exists():  # a log that could not be folded in must not be replayed onto the new file
        wal.rename(f"{wal}.before-restore-{int(time.time())}")


def restore_backup(folder: str | Path, target: str | Path, force: bool = False) -> BackupResult:
    """Verify the backup in `folder` and make `target` a copy of it (replacing it only with force)."""
    folder, target = Path(folder), Path(target).absolute()
    manifest = verify_backup(folder)
    if target.exists() and not force:
        raise BackupError(
            f"{target} already exists; nothing was restored. Add --force to replace it (it is replaced "
            "only once the restored copy is complete and checked)."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.restoring-*"):  # left by a restore that was killed
        pid = stale.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if pid.isdigit() and not _pid_alive(int(pid)):
            stale.unlink(missing_ok=True)
    building = target.parent / f".{target.name}.restoring-{os.getpid()}"
    for leftover in (building, Path(f"{building}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        _build(manifest, folder, building)
        pause_for_tests("restore")
        if target.exists():
            _release(target)
        os.replace(building, target)
        _fsync(target.parent)
    finally:
        for leftover in (building, Path(f"{building}.wal")):
            leftover.unlink(missing_ok=True)
    return BackupResult(target, manifest["created_at"], len(manifest["tables"]), manifest["total_rows"])
