"""Crash safety with real processes: kill -9 an import, a decision, a consensus, a backup and a
restore part-way (inside their transaction, at a test-only pause point); the database then opens,
what was there before is intact, and the interrupted write is wholly absent. Let run to the end,
the same write is wholly there."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLE
from ops_helpers import command, fingerprint, start, start_command, wait_for_line
from test_derived import _assert_derived_equal_live as assert_derived_equal_live

from dashboard.ops import backup_schedule
from dashboard.store import db

PAUSE = {"VOCATION_TEST_PAUSE_S": "120"}


def _killed_at_pause(proc, label: str) -> None:
    """Wait until the process is paused inside its transaction, then kill -9 it."""
    try:
        wait_for_line(proc.stderr, f"paused in {label}", proc)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -9


def _changed_export(tmp_path):
    """The whole sample export with a new site and every person renamed: a batch touching many rows."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLE, export)
    sites = (export / "sites.csv").read_text().rstrip("\n")
    (export / "sites.csv").write_text(f"{sites}\nS55,Added by the nightly import,South\n")
    people = (export / "people.csv").read_text().splitlines()
    renamed = [people[0]] + [line.replace(",", ",Renamed ", 1) for line in people[1:]]
    (export / "people.csv").write_text("\n".join(renamed) + "\n")
    return export


def test_an_import_killed_part_way_leaves_the_database_as_it_was(db_file, tmp_path):
    before = fingerprint(db_file)
    export = _changed_export(tmp_path)
    proc = start_command("load", str(export), "--db", str(db_file), VOCATION_TEST_PAUSE_IN="import", **PAUSE)
    _killed_at_pause(proc, "import")
    assert fingerprint(db_file) == before  # opens, and nothing of the batch is there
    result = command("load", str(export), "--db", str(db_file))
    assert result.returncode == 0, result.stderr
    after = fingerprint(db_file)
    con = db.connect(db_file)
    try:
        assert con.execute("select count(*) from sites where site_id = 'S55'").fetchall() == [(1,)]
        renamed = con.execute("select count(*) from people where full_name like 'Renamed %'").fetchall()
        assert renamed == [(before["people"][0],)]  # the whole batch, every row of it
    finally:
        con.close()
    assert after["app_imports"][0] == before["app_imports"][0] + 1


DECISIONS = """
import os, sys
from dashboard.hiring import screening
from dashboard.store import db
from dashboard.core.access import Scope
store = db.Store.open(sys.argv[1])
first, second = [r[0] for r in store.con.execute(
    "select application_id from applications order by 1 limit 2").fetchall()]
screening.record_decision(store, Scope.system(), first, "advance", "kept")
print("first committed", file=sys.stderr, flush=True)
os.environ["VOCATION_TEST_PAUSE_IN"] = "decision"
screening.record_decision(store, Scope.system(), second, "decline", "lost")
"""


def test_a_decision_killed_part_way_is_wholly_absent_and_the_one_before_it_kept(db_file):
    before = fingerprint(db_file)
    proc = start(DECISIONS.replace("sys.argv[1]", repr(str(db_file))), **PAUSE)
    wait_for_line(proc.stderr, "first committed", proc)
    _killed_at_pause(proc, "decision")
    con = db.connect(db_file)  # the log of the committed decision is replayed on opening
    try:
        decisions = con.execute("select decision, note from app_decisions").fetchall()
        audits = con.execute("select action, object from app_audit_log where action = 'decision'").fetchall()
    finally:
        con.close()
    assert decisions == [("advance", "kept")]
    assert len(audits) == 1 and audits[0][1].endswith(": advance")  # the decision and its entry, together
    after = fingerprint(db_file)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"app_decisions", "app_audit_log"}


CONSENSUS = """
import os, sys
from dashboard.reliability import inter_rater as reliability
from dashboard.store import db
from dashboard.core.access import Scope
store = db.Store.open({path!r})
queue = reliability.disagreement_queue(store, Scope.system(), "supervisor")
first, second = queue.row(0, named=True), queue.row(1, named=True)
reliability.record_consensus(store, Scope.system(), "supervisor", first["interview_id"], first["theme"], 3, "kept")
print("first committed", file=sys.stderr, flush=True)
os.environ["VOCATION_TEST_PAUSE_IN"] = "consensus"
print("second", second["interview_id"], second["theme"], file=sys.stderr, flush=True)
reliability.record_consensus(store, Scope.system(), "supervisor", second["interview_id"], second["theme"], 1, "lost")
"""


DERIVED = {"interview_theme_scores", "application_scores", "rating_patterns", "hire_profiles"}


def test_a_consensus_killed_part_way_is_wholly_absent_scores_included(db_file):
    before = fingerprint(db_file)
    proc = start(CONSENSUS.format(path=str(db_file)), **PAUSE)
    wait_for_line(proc.stderr, "first committed", proc)
    _, interview_id, theme = wait_for_line(proc.stderr, "second ", proc)[-1].split()
    _killed_at_pause(proc, "consensus")
    con = db.connect(db_file)
    try:
        recorded = con.execute("select score, note from app_consensus order by consensus_id").fetchall()
        audits = con.execute("select object from app_audit_log where action = 'consensus'").fetchall()
        second = con.execute(
            "select pending, consensus_score from interview_theme_scores where interview_id = $i and theme = $t",
            {"i": interview_id, "t": theme},
        ).fetchall()
        # every materialized table equals its live view: the first consensus in, the second not
        assert_derived_equal_live(con)
    finally:
        con.close()
    assert recorded == [(3, "kept")]
    assert len(audits) == 1 and audits[0][0] != f"{interview_id}/{theme}"
    assert second == [(True, None)]  # its materialized score was not refreshed either
    after = fingerprint(db_file)
    changed = {name for name in before if before[name] != after[name]}
    # the first one's, and the materialized tables its interview touches
    assert changed - DERIVED == {"app_consensus", "app_audit_log"}
    assert {"interview_theme_scores", "application_scores"} <= changed


def test_a_backup_killed_part_way_leaves_no_backup_that_looks_complete(db_file, tmp_path):
    before = fingerprint(db_file)
    folder = tmp_path / "backups"
    proc = start_command(
        "backup", "--to", str(folder), "--db", str(db_file), VOCATION_TEST_PAUSE_IN="backup", **PAUSE
    )
    _killed_at_pause(proc, "backup")
    assert fingerprint(db_file) == before  # the database opens; the backup recorded nothing
    assert backup_schedule.complete_backups(folder) == []
    (partial,) = folder.iterdir()
    assert partial.name.startswith(".partial-") and not (partial / "manifest.json").exists()
    result = command("restore", "--from", str(partial), "--db", str(tmp_path / "r.duckdb"))
    assert result.returncode == 1 and "not a complete Vocation backup" in result.stderr
    result = command("backup", "--to", str(folder), "--db", str(db_file))
    assert result.returncode == 0, result.stderr
    assert [p.name.startswith("vocation-backup-") for p in folder.iterdir()] == [True]  # partial cleaned


def test_a_restore_killed_before_it_swaps_leaves_the_target_as_it_was(db_file, tmp_path):
    assert command("backup", "--to", str(tmp_path / "b"), "--db", str(db_file)).returncode == 0
    (made,) = backup_schedule.complete_backups(tmp_path / "b")
    target = tmp_path / "live.duckdb"
    db.connect(target).close()
    before = fingerprint(target)
    args = ("restore", "--from", str(made), "--db", str(target), "--force")
    proc = start_command(*args, VOCATION_TEST_PAUSE_IN="restore", **PAUSE)
    _killed_at_pause(proc, "restore")
    assert fingerprint(target) == before
    assert list(tmp_path.glob(".live.duckdb.restoring-*"))  # the half-built copy, never swapped in
    result = command(*args)
    assert result.returncode == 0, result.stderr
    assert fingerprint(target)["sites"] == fingerprint(db_file)["sites"]
    assert not list(tmp_path.glob(".live.duckdb.restoring-*"))  # cleaned up by the next restore


def test_a_role_grant_killed_part_way_is_wholly_absent(db_file):
    before = fingerprint(db_file)
    args = ("users", "add", "half@example.org", "--role", "admin", "--db", str(db_file))
    proc = start_command(*args, VOCATION_TEST_PAUSE_IN="user_change", **PAUSE)
    _killed_at_pause(proc, "user_change")
    assert fingerprint(db_file) == before  # neither the grant nor its audit entry
    assert command(*args).returncode == 0
    after = fingerprint(db_file)
    assert after["app_user_roles"][0] == 1 and after["app_audit_log"][0] == before["app_audit_log"][0] + 1


@pytest.mark.parametrize("label", ["import", "decision", "consensus", "user_change", "backup", "restore"])
def test_each_pause_point_exists_in_the_code(label):
    from pathlib import Path

    code = "".join(p.read_text() for p in (Path(db.ROOT) / "dashboard").rglob("*.py"))
    assert f'pause_for_tests("{label}")' in code or f'name="{label}")' in code
