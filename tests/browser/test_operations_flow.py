"""The app as a system of record, end to end: the real app under `streamlit run` with sign-in,
Chromium on its pages, and `python -m dashboard` commands run as processes while it serves.

Also: a sign-in whose token says the email is not verified, or carries none, is refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect
from test_browser_flows import (  # noqa: F401 - fixtures and the harness
    CHROMIUM,
    ROOT,
    _free_port,
    _serve_signed_in,
    _settle,
    _shot,
    browser,
    page,
    sign_in,
)

from dashboard.ops import command_server
from dashboard.store import db

pytestmark = pytest.mark.browser

ADMIN, NEWCOMER = "admin@example.org", "newcomer@example.org"
UNVERIFIED, NO_EMAIL = "unverified@example.org", "no-email-user"


@pytest.fixture(scope="module")
def provider():
    """A local OpenID Connect provider: an admin, a newcomer, an unverified address, no address."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make browser)")
    from oidc_provider_mock import User, run_server_in_thread

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    users = [
        User(sub=ADMIN, claims={"email": ADMIN, "email_verified": True}),
        User(sub=NEWCOMER, claims={"email": NEWCOMER}),
        User(sub=UNVERIFIED, claims={"email": UNVERIFIED, "email_verified": False}),
        User(sub=NO_EMAIL, claims={"name": "No Email"}),
    ]
    with run_server_in_thread(port=_free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def served(provider, sample_db_file, tmp_path_factory):
    """The app with sign-in, on its own copy of the sample database; yields (url, database path)."""
    work = tmp_path_factory.mktemp("operations")
    db_path = work / "vocation.duckdb"
    shutil.copy(sample_db_file, db_path)
    con = db.connect(db_path)
    for email in (ADMIN, UNVERIFIED):  # the unverified address even holds a role: still refused
        con.execute(
            "insert into app_user_roles values ($e, 'admin', '', 'tests', now())",
            {"e": email},
        )
    con.close()
    for url in _serve_signed_in(work, db_path, provider):
        yield url, db_path


def _command(*argv: str, cwd=None) -> subprocess.CompletedProcess:
    """`python -m dashboard ARGV` as its own process, as cron or an auditor would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCATION_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *argv],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=180,
    )


def test_commands_run_while_the_app_serves_and_open_pages_show_the_change(browser, served, tmp_path):  # noqa: F811
    url, db_path = served
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    newcomer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, url, ADMIN)
    expect(admin.get_by_text("Last import:").first).to_contain_text("by tests")
    assert command_server.socket_path(db_path).is_socket()  # the app holds the file and serves
    sign_in(newcomer, url, NEWCOMER)
    expect(newcomer.get_by_role("heading", name="No access yet")).to_be_visible()

    counts = _command("report", "counts", "--db", str(db_path))
    assert counts.returncode == 0, counts.stderr
    sites_before = next(
        int(line.split(",")[1]) for line in counts.stdout.splitlines() if line.startswith("sites,")
    )
    export = tmp_path / "nightly"
    export.mkdir()
    sites = (ROOT / "sample_data" / "sites.csv").read_text().rstrip("\n")
    (export / "sites.csv").write_text(f"{sites}\nS42,Opened by the nightly import,West\n")
    load = _command("load", "nightly", "--by", "nightly cron", "--db", str(db_path), cwd=tmp_path)
    assert load.returncode == 0, load.stderr + load.stdout
    added = _command("users", "add", NEWCOMER, "--role", "leadership", "--db", str(db_path))
    assert added.returncode == 0, added.stderr
    audit = _command("audit", "--format", "json", "--db", str(db_path))
    assert audit.returncode == 0, audit.stderr
    entries = json.loads(audit.stdout)
    assert entries[0]["action"] == "user_change" and entries[0]["object"] == f"add leadership to {NEWCOMER}"
    assert entries[1]["action"] == "import" and entries[1]["object"] == "sites"
    counts = _command("report", "counts", "--db", str(db_path))
    assert f"sites,{sites_before + 1}" in counts.stdout.splitlines()
    backup = _command("backup", "--to", str(tmp_path / "backups"), "--db", str(db_path))
    assert backup.returncode == 0, backup.stderr

    # the open pages, on their next run
    admin.reload()
    _settle(admin)
    expect(admin.get_by_text("Last import:").first).to_contain_text("by nightly cron")
    _shot(admin, "operations-home-after-import")
    admin.goto(f"{url}/data")
    _settle(admin)
    admin.get_by_role("tab", name="Backups").click()
    expect(admin.get_by_text("Last backup:").first).to_contain_text(str(tmp_path / "backups"))
    _shot(admin, "operations-data-backups")
    newcomer.reload()
    _settle(newcomer)
    expect(newcomer.get_by_role("heading", name="No access yet")).to_have_count(0)
    expect(newcomer.get_by_test_id("stSidebarNav").get_by_text("Overview", exact=True)).to_be_visible()
    _shot(newcomer, "operations-newcomer-after-users-add")


@pytest.mark.parametrize(
    ("who", "says"), [(UNVERIFIED, "has not been verified"), (NO_EMAIL, "no email address")]
)
def test_a_sign_in_with_an_unverified_or_missing_email_is_refused(page, served, who, says):  # noqa: F811
    url, _ = served
    sign_in(page, url, who)
    expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(page.get_by_text(says).first).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    _shot(page, f"sign-in-refused-{who.split('@')[0]}")
    page.goto(f"{url}/data")
    _settle(page)
    expect(page.get_by_role("heading", name="Data")).to_have_count(0)
