"""Backups and restore: every table (app-owned ones and tables added later included), a manifest
that is checked, refusals that name the problem, scheduled backups and what the Data page shows."""

from __future__ import annotations

import json
import threading
import time

import pytest
from conftest import grant, open_tab, signed_in_app
from ops_helpers import command, fingerprint

from dashboard.core.access import Scope
from dashboard.hiring import screening
from dashboard.ops import backup, backup_schedule
from dashboard.store import db

ADMIN = Scope("admin@example.org", (("admin", ""),))


def _with_app_data(db_file):
    """Give the sample database rows in the app-owned tables and a table no code knows of."""
    store = db.Store.open(db_file)
    application = store.con.execute("select application_id from applications order by 1 limit 1").fetchall()[
        0
    ][0]
    screening.record_decision(store, Scope.system(), application, "hold", "=see note")
    store.con.execute("create table app_future_feature (id integer primary key, note varchar)")
    store.con.execute("insert into app_future_feature values (1, 'made by a later version')")
    store.close()
    grant(db_file, "someone@example.org", "leadership")


def test_backup_then_restore_gives_back_every_table_exactly(db_file, tmp_path):
    _with_app_data(db_file)
    before = fingerprint(db_file)
    result = command("backup", "--to", str(tmp_path / "backups"), "--db", str(db_file))
    assert result.returncode == 0, result.stderr
    (folder,) = backup_schedule.complete_backups(tmp_path / "backups")
    assert str(folder) in result.stdout
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {t["name"] for t in manifest["tables"]} == set(before)  # every table, the unknown one too
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {k: v[0] for k, v in before.items()}
    assert manifest["schema_version"] == backup.schema_version() and manifest["source_db"] == str(db_file)
    assert all(len(t["sha256"]) == 64 for t in manifest["tables"])
    restored = tmp_path / "restored" / "vocation.duckdb"
    result = command("restore", "--from", str(folder), "--db", str(restored))
    assert result.returncode == 0, result.stderr
    assert fingerprint(restored) == before
    # the restored file is a working database: the app's ids go on past the restored ones
    store = db.Store.open(restored)
    application = store.con.execute("select application_id from applications order by 1 limit 1").fetchall()[
        0
    ][0]
    screening.record_decision(store, Scope.system(), application, "advance")
    ids = [r[0] for r in store.con.execute("select decision_id from app_decisions order by 1").fetchall()]
    store.close()
    assert len(ids) == 2 and ids[1] > ids[0]


def test_the_backup_is_recorded_and_audited_and_shown_on_the_data_page(db_file, tmp_path, monkeypatch):
    assert command("backup", "--to", str(tmp_path / "b"), "--db", str(db_file)).returncode == 0
    store = db.Store.open(db_file)
    status = backup_schedule.backup_status(store, ADMIN)
    entries = store.con.execute("select action, object from app_audit_log where action = 'backup'").fetchall()
    store.close()
    (folder,) = backup_schedule.complete_backups(tmp_path / "b")
    assert status.last.startswith("Last backup: ") and str(folder) in status.last and " rows, " in status.last
    assert "VOCATION_BACKUP_DIR is not set" in status.schedule
    assert entries == [("backup", str(folder))]
    grant(db_file, "admin@example.org", "admin")
    monkeypatch.setenv("VOCATION_BACKUP_DIR", str(tmp_path / "b"))
    at = signed_in_app(db_file, "admin@example.org", monkeypatch, "views/data.py")
    assert not at.exception
    open_tab(at, "data_tab", "Backups")
    shown = [t.value for t in at.text]
    assert status.last in shown
    assert any(t.startswith("Scheduled backups: every 24 h into") for t in shown)
    with pytest.raises(PermissionError):
        backup_schedule.backup_status(
            db.Store.open(db_file), Scope("lead@example.org", (("leadership", ""),))
        )


@pytest.fixture
def made_backup(db_file, tmp_path):
    assert command("backup", "--to", str(tmp_path / "b"), "--db", str(db_file)).returncode == 0
    (folder,) = backup_schedule.complete_backups(tmp_path / "b")
    return folder


def _restore(folder, target, *more):
    return command("restore", "--from", str(folder), "--db", str(target), *more)


def test_restore_refuses_a_changed_file(made_backup, tmp_path):
    data = bytearray((made_backup / "ratings.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (made_backup / "ratings.parquet").write_bytes(bytes(data))
    result = _restore(made_backup, tmp_path / "new.duckdb")
    assert result.returncode == 1
    assert "failed verification; nothing was restored" in result.stderr
    assert "table ratings: ratings.parquet does not match its checksum" in result.stderr
    assert not (tmp_path / "new.duckdb").exists()


def test_restore_refuses_a_missing_file_a_wrong_count_and_a_missing_manifest(made_backup, tmp_path):
    manifest = json.loads((made_backup / "manifest.json").read_text())
    (made_backup / "sites.parquet").unlink()
    for table in manifest["tables"]:
        if table["name"] == "people":
            table["rows"] += 1
    (made_backup / "manifest.json").write_text(json.dumps(manifest))
    result = _restore(made_backup, tmp_path / "new.duckdb")
    assert result.returncode == 1
    assert "table sites: sites.parquet is missing" in result.stderr
    assert "table people: people.parquet does not hold the" in result.stderr
    (made_backup / "manifest.json").unlink()
    result = _restore(made_backup, tmp_path / "new.duckdb")
    assert result.returncode == 1 and "is not a complete Vocation backup" in result.stderr
    assert not (tmp_path / "new.duckdb").exists()


def test_restore_runs_nothing_but_create_statements_from_a_manifest(made_backup, tmp_path):
    manifest = json.loads((made_backup / "manifest.json").read_text())
    manifest["tables"][0]["sql"] = "copy sites to '/tmp/stolen.csv'"
    (made_backup / "manifest.json").write_text(json.dumps(manifest))
    result = _restore(made_backup, tmp_path / "new.duckdb")
    assert result.returncode == 1 and "is not a single CREATE statement" in result.stderr


def test_restore_replaces_an_existing_file_only_with_force(made_backup, db_file, tmp_path):
    target = tmp_path / "existing.duckdb"
    store = db.Store.open(target)  # an empty database, different from the backup
    store.close()
    empty = fingerprint(target)
    result = _restore(made_backup, target)
    assert result.returncode == 1 and "already exists; nothing was restored. Add --force" in result.stderr
    assert fingerprint(target) == empty
    result = _restore(made_backup, target, "--force")
    assert result.returncode == 0, result.stderr
    assert fingerprint(target, skip=("app_audit_log", "app_meta")) == fingerprint(
        db_file, skip=("app_audit_log", "app_meta")
    )
    assert not list(tmp_path.glob(".existing.duckdb.restoring-*"))


def test_old_backups_are_pruned_and_partial_folders_ignored(db_file, tmp_path):
    folder = tmp_path / "b"
    store = db.Store.open(db_file)
    try:
        made = [backup.create_backup(store, ADMIN, folder).path for _ in range(3)]
    finally:
        store.close()
    (folder / ".partial-vocation-backup-20200101T000000Z-999999999").mkdir()
    (folder / "vocation-backup-20200101T000000Z").mkdir()  # no manifest: not a backup
    assert backup_schedule.complete_backups(folder) == made
    assert backup_schedule.prune(folder, 2) == made[:1]
    assert backup_schedule.complete_backups(folder) == made[1:]
    assert (folder / "vocation-backup-20200101T000000Z").is_dir()  # prune deletes only real backups


def test_schedule_settings_are_read_and_checked():
    assert backup_schedule.schedule_from_env({}) is None
    s = backup_schedule.schedule_from_env({"VOCATION_BACKUP_DIR": "/srv/b", "VOCATION_BACKUP_HOURS": "6"})
    assert (str(s.folder), s.hours, s.keep) == ("/srv/b", 6.0, 7)
    for bad in (
        {"VOCATION_BACKUP_HOURS": "daily"},
        {"VOCATION_BACKUP_KEEP": "0"},
        {"VOCATION_BACKUP_HOURS": "-1"},
    ):
        with pytest.raises(ValueError):
            backup_schedule.schedule_from_env({"VOCATION_BACKUP_DIR": "/srv/b", **bad})


def test_the_scheduler_backs_up_on_time_and_keeps_the_last_n(db_file, tmp_path, monkeypatch):
    folder = tmp_path / "scheduled"
    monkeypatch.setenv("VOCATION_BACKUP_DIR", str(folder))
    monkeypatch.setenv("VOCATION_BACKUP_HOURS", str(1.5 / 3600))  # every 1.5 s
    monkeypatch.setenv("VOCATION_BACKUP_KEEP", "2")
    store = db.Store.open(db_file)
    stop = backup_schedule.start_scheduled_backups(store)
    try:
        assert stop is not None and backup_schedule.start_scheduled_backups(store) is stop  # once per db
        deadline = time.time() + 60
        while time.time() < deadline:
            audits = store.con.execute(
                "select count(*) from app_audit_log where action = 'backup'"
            ).fetchall()
            if audits[0][0] >= 3:
                break
            time.sleep(0.2)
        assert audits[0][0] >= 3
    finally:
        stop.set()
        time.sleep(0.5)
        backup_schedule._started.pop(store.path, None)
    kept = backup_schedule.complete_backups(folder)
    assert 1 <= len(kept) <= 3  # pruned to 2 after each backup (a third may be finishing)
    who = store.con.execute("select distinct who from app_audit_log where action = 'backup'").fetchall()
    store.close()
    assert who == [("scheduled backup",)]


def test_a_failing_scheduled_backup_is_shown_on_the_data_page(db_file, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    store = db.Store.open(db_file)
    try:
        schedule = backup_schedule.Schedule(blocker, 24, 7)
        assert backup_schedule.run_scheduled_backup(store, schedule) is None
        status = backup_schedule.backup_status(store, ADMIN)
    finally:
        store.close()
    assert status.error.startswith("The scheduled backup at ") and "failed" in status.error


def test_a_backup_is_one_snapshot_even_while_someone_writes(db_file, tmp_path, monkeypatch):
    monkeypatch.setenv("VOCATION_TEST_PAUSE_IN", "backup")  # stop after the first table is written
    monkeypatch.setenv("VOCATION_TEST_PAUSE_S", "3")
    store = db.Store.open(db_file)
    roles_before = store.con.execute("select count(*) from app_user_roles").fetchall()[0][0]
    results = []
    worker = threading.Thread(
        target=lambda: results.append(backup.create_backup(store, ADMIN, tmp_path / "b"))
    )
    worker.start()
    deadline = time.time() + 30
    while time.time() < deadline and not list((tmp_path / "b").glob(".partial-*/*.parquet")):
        time.sleep(0.05)
    # meanwhile, while the backup is part-way, another connection commits a write
    writer = store.con.cursor()
    writer.execute("insert into app_user_roles values ('during@example.org', 'admin', '', 'tests', now())")
    writer.close()
    worker.join()
    store.close()
    assert results
    manifest = json.loads((results[0].path / "manifest.json").read_text())
    rows = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert manifest["tables"][0]["name"] != "app_user_roles"  # it was read after the write
    assert fingerprint(db_file)["app_user_roles"][0] == roles_before + 1
    assert rows["app_user_roles"] == roles_before  # the backup does not see a write made after it began
    restored = tmp_path / "r.duckdb"
    assert command("restore", "--from", str(results[0].path), "--db", str(restored)).returncode == 0
    assert fingerprint(restored)["app_user_roles"][0] == roles_before
