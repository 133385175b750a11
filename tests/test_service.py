"""`python -m dashboard serve`: the app as a service takes commands and backs up from the moment it
starts, before anyone opens a page; stopped, it removes its socket."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request

from ops_helpers import ROOT, command, env

from dashboard.ops import backup_schedule, command_server


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_takes_commands_and_backs_up_before_any_page_is_opened(db_file, tmp_path):
    port = _free_port()
    backups = tmp_path / "scheduled"
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--db", str(db_file), "--port", str(port),
         "--", "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env=env(VOCATION_BACKUP_DIR=str(backups), VOCATION_BACKUP_HOURS="1", VOCATION_BACKUP_KEEP="3"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    sock = command_server.socket_path(db_file)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.3)
        assert sock.is_socket()  # held and serving with no page opened
        added = command("users", "add", "ops@example.org", "--role", "admin", "--db", str(db_file))
        assert added.returncode == 0, added.stderr
        while time.time() < deadline and not backup_schedule.complete_backups(backups):
            time.sleep(0.3)
        assert len(backup_schedule.complete_backups(backups)) == 1  # due at once, then every hour
        audit = command("audit", "--action", "backup", "--db", str(db_file))
        assert "scheduled backup" in audit.stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    assert not sock.exists()
    direct = command("users", "list", "--db", str(db_file))  # the file is free again: runs here
    assert "ops@example.org" in direct.stdout
