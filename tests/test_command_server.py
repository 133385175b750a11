"""Commands while the app runs: a process holding the database (as the app does) serves every
`python -m dashboard` command, run here as real processes; reads at once, writes one at a time."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time
from datetime import date

import pytest
from conftest import SAMPLE
from ops_helpers import command, start, start_app_standin, start_command, wait_for_line

from dashboard import cli
from dashboard.ops import backup_schedule, command_server
from dashboard.store import db

PARSE = cli.build_parser().parse_args  # what the app hands forwarded arguments to


@pytest.fixture
def serving(db_file):
    """The app's side in this process: the database opened as the app opens it, serving commands."""
    store = db.Store(db.connect(db_file), db_file, cached=False)
    path = command_server.serve(store, PARSE)
    yield store
    command_server.stop(store.path)
    assert path is None or not path.exists()
    store.close()


def _sites_csv(folder, *rows):
    folder.mkdir(parents=True, exist_ok=True)
    lines = (SAMPLE / "sites.csv").read_text().rstrip("\n").splitlines()
    (folder / "sites.csv").write_text("\n".join([*lines, *rows]) + "\n")
    return folder


def test_every_kind_of_command_runs_in_the_serving_process(serving, db_file, tmp_path):
    before = db.data_version(db_file)
    sites = serving.query("table_counts").filter(table_name="sites")["row_count"][0]
    socket_file = command_server.socket_path(db_file)
    assert stat.S_IMODE(socket_file.stat().st_mode) == 0o600 and socket_file.is_socket()
    # a read: the same CSV as run directly
    counts = command("report", "counts", "--db", str(db_file))
    assert counts.returncode == 0, counts.stderr
    assert counts.stdout.splitlines()[0] == "table_name,row_count"
    assert db.data_version(db_file) == before  # a read changes nothing
    # a write: the import, with paths relative to the folder the command runs in
    changes = _sites_csv(tmp_path / "export", "S77,Opened while the app ran,East")
    check = command("load", "export", "--check", "--db", str(db_file), cwd=tmp_path)
    assert check.returncode == 0 and db.data_version(db_file) == before  # a check writes nothing
    load = command("load", "export", "--by", "nightly cron", "--db", str(db_file), cwd=tmp_path)
    assert load.returncode == 0, load.stderr
    assert "sites: 1 inserted" in load.stdout
    assert db.data_version(db_file) > before  # every open page recomputes on its next run
    assert serving.query("table_counts").filter(table_name="sites")["row_count"][0] == sites + 1
    assert changes.is_dir()
    # users, audit, backup: all while the file is held here
    add = command("users", "add", "New.Person@Example.org", "--role", "leadership", "--db", str(db_file))
    assert add.returncode == 0 and "Granted leadership to new.person@example.org" in add.stdout
    audit = command("audit", "--format", "json", "--db", str(db_file))
    entries = json.loads(audit.stdout)
    assert [e["action"] for e in entries[:2]] == ["user_change", "import"]
    assert entries[0]["who"].startswith("command line")
    back = command("backup", "--to", "backups", "--db", str(db_file), cwd=tmp_path)
    assert back.returncode == 0, back.stderr
    assert len(backup_schedule.complete_backups(tmp_path / "backups")) == 1
    # errors come back as the command's own message and exit status
    bad = command("users", "add", "not-an-address", "--role", "leadership", "--db", str(db_file))
    assert bad.returncode == 2 and "is not an email address" in bad.stderr
    refused = command("load", str(tmp_path / "nowhere.csv"), "--db", str(db_file))
    assert refused.returncode == 1 and "nothing was written" in refused.stdout


def test_restore_and_bench_refuse_to_run_inside_the_app(serving, db_file, tmp_path):
    result = command("restore", "--from", str(tmp_path), "--db", str(db_file), "--force")
    assert result.returncode == 1
    result = command("bench", "--db", str(db_file), "--pages", "home")
    assert result.returncode == 1 and "Stop it first" in result.stderr


def test_writes_from_several_commands_at_once_are_all_applied(serving, db_file, tmp_path):
    folders = [_sites_csv(tmp_path / f"batch{i}", f"S8{i},Site {i},North") for i in range(3)]
    procs = [start_command("load", str(f), "--db", str(db_file)) for f in folders]
    procs.append(start_command("users", "add", "x@example.org", "--role", "admin", "--db", str(db_file)))
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    sites = serving.con.execute("select site_id from sites where site_id like 'S8_' order by 1").fetchall()
    assert sites == [("S80",), ("S81",), ("S82",)]
    imports = serving.con.execute("select count(*) from app_imports").fetchall()[0][0]
    assert imports == 4  # the sample import and the three batches


def test_a_stale_socket_is_replaced_and_a_foreign_file_is_left_alone(db_file):
    path = command_server.socket_path(db_file)
    old = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old.bind(str(path))
    old.close()  # a socket left by a process killed with -9
    store = db.Store(db.connect(db_file), db_file)
    try:
        assert command_server.serve(store, PARSE) == path
        assert command("report", "counts", "--db", str(db_file)).returncode == 0
    finally:
        command_server.stop(store.path)
    path.write_text("not a socket")
    try:
        assert command_server.serve(store, PARSE) is None  # refuses to delete what it did not make
        assert path.read_text() == "not a socket"
    finally:
        store.close()


def test_a_long_database_path_gets_its_socket_in_a_private_folder(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "vocation.duckdb"
    path = command_server.socket_path(deep)
    assert path.parent == command_server.SOCKET_DIR / f"vocation-{os.getuid()}"
    assert len(str(path)) < 100
    deep.parent.mkdir(parents=True)
    store = db.Store(db.connect(deep), deep)
    try:
        assert command_server.serve(store, PARSE) == path
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert command("report", "counts", "--db", str(deep)).returncode == 0
    finally:
        command_server.stop(store.path)
        store.close()


def test_a_connection_from_another_user_is_refused(serving, db_file, monkeypatch):
    monkeypatch.setattr(command_server, "_peer_uid", lambda conn: os.getuid() + 1)
    result = command("users", "add", "a@example.org", "--role", "admin", "--db", str(db_file))
    assert result.returncode == 1 and "refused: not the user who runs the app" in result.stderr
    assert serving.con.execute("select count(*) from app_user_roles").fetchall()[0][0] == 0


def test_a_holder_that_takes_no_commands_is_named_clearly(db_file):
    holder = start(
        f"""
        import duckdb, time
        con = duckdb.connect({str(db_file)!r})
        print("holding", flush=True)
        time.sleep(60)
        """
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        t0 = time.monotonic()
        result = command("audit", "--db", str(db_file), VOCATION_BUSY_WAIT_S="2")
        waited = time.monotonic() - t0
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1 and waited >= 2
    assert "in use by another process" in result.stderr and "does not take commands" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_command_waits_for_the_app_to_start_serving(db_file):
    holder = start(
        f"""
        import time, duckdb
        con = duckdb.connect({str(db_file)!r})  # like an app between opening the file and listening
        print("holding", flush=True)
        time.sleep(3)
        con.close()
        from dashboard import cli
        from dashboard.store import db
        cli.serve_in_app()  # as app.py does
        store = db._open_store({str(db_file)!r})
        print("serving", flush=True)
        time.sleep(60)
        """
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = command("users", "add", "late@example.org", "--role", "admin", "--db", str(db_file))
        assert holder.stdout.readline().strip() == "serving"
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 0, result.stderr
    assert "Granted admin to late@example.org" in result.stdout


def test_the_app_waits_for_a_command_holding_the_file_at_its_start(db_file, monkeypatch):
    holder = start(
        f"""
        import duckdb, time
        con = duckdb.connect({str(db_file)!r})
        print("holding", flush=True)
        time.sleep(2)
        """
    )
    assert holder.stdout.readline().strip() == "holding"
    store = db._open_store(str(db_file))  # waits up to 15 s for the holder to finish
    try:
        assert store.query("program_list").height > 0
    finally:
        command_server.stop(store.path)
        db._app_stores.pop(str(db_file)).close()
        holder.wait()
    holder = start(
        f"import duckdb, time; con = duckdb.connect({str(db_file)!r}); print('holding', flush=True); time.sleep(60)"
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        monkeypatch.setenv("VOCATION_OPEN_WAIT_S", "1")
        with pytest.raises(db.DatabaseBusyError, match="The app waited for it; reload this page"):
            db._open_store(str(db_file))
    finally:
        holder.kill()
        holder.wait()


def test_an_app_killed_mid_command_tells_the_caller_and_loses_nothing_committed(db_file, tmp_path):
    app = start_app_standin(db_file, VOCATION_TEST_PAUSE_IN="import", VOCATION_TEST_PAUSE_S="60")
    try:
        first = command("users", "add", "kept@example.org", "--role", "admin", "--db", str(db_file))
        assert first.returncode == 0
        load = start_command("load", str(_sites_csv(tmp_path / "x", "S90,Lost,East")), "--db", str(db_file))
        wait_for_line(load.stderr, "paused in import", load)  # the app's pause, streamed to the caller
        app.kill()
        app.wait()
        out, err = load.communicate(timeout=60)
    finally:
        app.kill()
    assert load.returncode == 1 and "the app stopped before the command finished" in err
    con = db.connect(db_file)
    try:
        assert con.execute("select count(*) from sites where site_id = 'S90'").fetchall() == [(0,)]
        assert con.execute("select email from app_user_roles").fetchall() == [("kept@example.org",)]
    finally:
        con.close()


def test_output_of_a_served_command_reaches_only_its_caller(serving, db_file, capsys):
    printed = []
    run = lambda: printed.append(command("report", "counts", "--db", str(db_file)).stdout)  # noqa: E731
    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    print("the app's own output")
    for t in threads:
        t.join()
    assert len(set(printed)) == 1 and printed[0].startswith("table_name,row_count")
    assert capsys.readouterr().out == "the app's own output\n"


def test_interview_and_scorecard_commands_run_in_the_serving_process(serving, db_file):
    application = serving.con.execute(
        "select application_id from applications where stage = 'applied' order by 1 limit 1"
    ).fetchall()[0][0]
    raters = [r[0] for r in serving.con.execute("select rater_id from raters order by 1 limit 2").fetchall()]
    on = date.today().isoformat()
    schedule = command(
        "interviews", "schedule", "--application", application, "--on", on,
        "--panel", raters[0], "--panel", raters[1], "--db", str(db_file),
    )  # fmt: skip
    assert schedule.returncode == 0, schedule.stderr
    interview = schedule.stdout.strip().splitlines()[-1]
    record = command(
        "scorecard", "record", "--interview", interview, "--rater", raters[0], "--score", "balance=3",
        "--excerpt", "balance:supports:=HYPERLINK(1) keeps me going", "--db", str(db_file),
    )  # fmt: skip
    assert record.returncode == 0, record.stderr
    listed = command("scorecard", "list", "--interview", interview, "--format", "json", "--db", str(db_file))
    cards = json.loads(listed.stdout)
    assert sorted(c["status"] for c in cards) == ["not started", "submitted"]
    assert serving.con.execute(
        "select count(*) from ratings where interview_id = $i", {"i": interview}
    ).fetchall() == [(1,)]


def test_a_grant_sent_while_a_forwarded_import_runs_does_not_wait_for_it(serving, db_file):
    with command_server.IMPORT_LOCK:  # a forwarded `load` is running
        result = command(
            "users", "add", "during@example.org", "--role", "admin", "--db", str(db_file), timeout=60
        )
    assert result.returncode == 0, result.stderr
    granted = serving.con.execute("select email from app_user_roles where email = 'during@example.org'")
    assert granted.fetchall() == [("during@example.org",)]
