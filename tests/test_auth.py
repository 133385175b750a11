"""Sign-in, session expiry, sign-out, users and roles from the command line, the audit log,
and the hardening rules (config, no HTML from data, no formatted SQL, no secrets in the code)."""

from __future__ import annotations

import json
import re
import time
import tomllib

import pytest
from conftest import ROOT, grant, signed_in_app

from dashboard import cli
from dashboard.core.access import AccessDenied, Scope
from dashboard.ops import users
from dashboard.store import audit, db
from dashboard.ui.signin import scope_for_email, session_expired

AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "vocation",
    "client_secret": "test-client-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}


def _run(capsys, *argv) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def _audit_rows(db_file, action=None):
    store = db.Store.open(db_file)
    try:
        return audit.read_log(store, Scope.system(), action=action).to_dicts()
    finally:
        store.close()


# --- users and roles from the command line ----------------------------------------------------


def test_users_add_list_remove(db_file, capsys, store_at):
    status, out, _ = _run(
        capsys,
        "users",
        "add",
        "Sup@Example.org",
        "--role",
        "supervisor",
        "--program",
        "P01",
        "--program",
        "P02",
        "--db",
        str(db_file),
    )
    assert status == 0 and "sup@example.org" in out
    _run(capsys, "users", "add", "sup@example.org", "--role", "leadership", "--db", str(db_file))
    status, out, _ = _run(capsys, "users", "list", "--format", "json", "--db", str(db_file))
    rows = {(r["email"], r["role"], r["program_id"]) for r in json.loads(out)}
    assert rows == {
        ("sup@example.org", "supervisor", "P01"),
        ("sup@example.org", "supervisor", "P02"),
        ("sup@example.org", "leadership", ""),
    }
    status, out, _ = _run(
        capsys, "users", "remove", "sup@example.org", "--role", "supervisor", "--db", str(db_file)
    )
    assert status == 0 and "Removed 2" in out
    store = store_at(db_file)
    assert scope_for_email(store, "SUP@example.org").roles == {"leadership"}
    _run(capsys, "users", "remove", "sup@example.org", "--db", str(db_file))
    _, out, _ = _run(capsys, "users", "list", "--db", str(db_file))
    assert "sup@example.org" not in out
    changes = _audit_rows(db_file, "user_change")
    assert len(changes) == 4
    assert all(r["who"].startswith("command line") and r["role"] == "admin" for r in changes)
    assert changes[-1]["object"] == "add supervisor to sup@example.org for P01, P02"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role", "supervisor"], "at least one --program"),
        (["--role", "training_director", "--program", "NOPE"], "no such program: NOPE"),
        (["--role", "leadership", "--program", "P01"], "give it no --program"),
    ],
)
def test_users_add_refuses_bad_grants(db_file, capsys, argv, message):
    status, _, err = _run(capsys, "users", "add", "x@example.org", *argv, "--db", str(db_file))
    assert status == 2 and message in err
    assert _audit_rows(db_file, "user_change") == []


def test_users_add_refuses_unknown_role_and_bad_address(db_file, capsys):
    with pytest.raises(SystemExit):
        cli.main(["users", "add", "x@example.org", "--role", "owner", "--db", str(db_file)])
    status, _, err = _run(capsys, "users", "add", "not an address", "--role", "admin", "--db", str(db_file))
    assert status == 2 and "not an email address" in err


def test_all_programs_grant_resolves_to_every_program(db_file, capsys, store_at):
    _run(
        capsys,
        "users",
        "add",
        "td@example.org",
        "--role",
        "training_director",
        "--program",
        "*",
        "--db",
        str(db_file),
    )
    store = store_at(db_file)
    from dashboard.core.access import readable_programs

    scope = scope_for_email(store, "td@example.org")
    every = store.query("program_list")["program_id"].to_list()
    assert len(every) > 1
    assert readable_programs(store, scope, "training_director") == every
    with pytest.raises(AccessDenied):
        readable_programs(store, scope, "supervisor")


def test_user_functions_require_admin(db_file, store_at):
    store = store_at(db_file)
    lead = Scope("lead@example.org", (("leadership", ""),))
    for call in (
        lambda: users.list_users(store, lead),
        lambda: users.grant_role(store, lead, "x@example.org", "admin"),
        lambda: users.revoke_role(store, lead, "x@example.org"),
        lambda: audit.read_log(store, lead),
        lambda: users.import_history(store, lead),
    ):
        with pytest.raises(AccessDenied):
            call()


# --- the audit log ---------------------------------------------------------------------------


def test_audit_command_filters_by_day_and_prints_json(db_file, capsys):
    grant(db_file, "a@example.org", "admin")
    _run(capsys, "users", "add", "l@example.org", "--role", "leadership", "--db", str(db_file))
    status, out, _ = _run(capsys, "audit", "--format", "json", "--db", str(db_file))
    entries = json.loads(out)
    assert status == 0 and [e["action"] for e in entries] == ["user_change"]
    _, out, _ = _run(capsys, "audit", "--since", "2999-01-01", "--db", str(db_file))
    assert out.strip() == "audit_id,logged_at,who,role,action,object,row_count"
    status, _, err = _run(capsys, "audit", "--since", "yesterday", "--db", str(db_file))
    assert status == 2 and "error" in err


def test_audit_log_is_append_only_in_every_query_and_module():
    for path in [*(ROOT / "queries").glob("*.sql"), *(ROOT / "dashboard").rglob("*.py")]:
        text = path.read_text(encoding="utf-8").lower()
        assert not re.search(r"(update|delete\s+from|truncate)\s+app_audit_log", text), path


# --- sign-in, session expiry, sign-out -------------------------------------------------------


def test_session_expiry_uses_the_token_time_then_the_first_seen_time():
    now = 1_000_000.0
    assert not session_expired({"iat": now - 3600}, {}, hours=8, now=now)
    assert session_expired({"iat": now - 9 * 3600}, {}, hours=8, now=now)
    state: dict = {}
    assert not session_expired({}, state, hours=1, now=now)
    assert not session_expired({}, state, hours=1, now=now + 3000)
    assert session_expired({}, state, hours=1, now=now + 3700)


def _signed_in(db_file, monkeypatch, email, **claims):
    """An AppTest with sign-in configured and this person signed in."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VOCATION_DB", str(db_file))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": email, **claims}
    return at


def test_sign_in_is_audited_once_per_session(db_file, monkeypatch):
    grant(db_file, "lead@example.org", "leadership")
    at = _signed_in(db_file, monkeypatch, "lead@example.org", iat=int(time.time()))
    at.run()
    at.run()
    assert not at.exception
    entries = _audit_rows(db_file, "sign_in")
    assert [(e["who"], e["role"]) for e in entries] == [("lead@example.org", "leadership")]


def test_an_old_sign_in_is_ended(db_file, monkeypatch):
    grant(db_file, "lead@example.org", "leadership")
    monkeypatch.setenv("VOCATION_SESSION_HOURS", "2")
    at = _signed_in(db_file, monkeypatch, "lead@example.org", iat=int(time.time()) - 3 * 3600)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Your session has ended"
    assert not at.dataframe
    at.run()
    assert [b.key for b in at.button] == ["auth_sign_in"]  # signed out: the sign-in page


def test_session_length_from_secrets(db_file, monkeypatch):
    grant(db_file, "lead@example.org", "leadership")
    at = _signed_in(db_file, monkeypatch, "lead@example.org", iat=int(time.time()) - 3 * 3600)
    at.secrets["vocation"] = {"session_hours": 24}
    at.run()
    assert at.title[0].value == "Vocation"


def test_sign_out_returns_to_the_sign_in_page(db_file, monkeypatch):
    grant(db_file, "lead@example.org", "leadership")
    at = _signed_in(db_file, monkeypatch, "lead@example.org", iat=int(time.time()))
    at.run()
    assert at.sidebar.button(key="auth_sign_out").label == "Sign out"
    at.sidebar.button(key="auth_sign_out").click().run()
    assert not at.exception
    assert [b.key for b in at.button] == ["auth_sign_in"]
    assert not at.dataframe


def test_a_signed_out_visitor_sees_only_the_sign_in_page(db_file, monkeypatch):
    at = _signed_in(db_file, monkeypatch, "x@example.org")
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.key for b in at.button] == ["auth_sign_in"]
    assert not at.dataframe and not at.expander


def test_no_role_page_offers_sign_out(db_file, monkeypatch):
    at = signed_in_app(db_file, "stranger@example.org", monkeypatch)
    assert at.title[0].value == "No access yet"
    assert at.sidebar.button(key="auth_sign_out")
    assert _audit_rows(db_file, "sign_in") == []


# --- hardening -------------------------------------------------------------------------------


def test_streamlit_config_is_hardened():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    assert 0 < server["maxUploadSize"] <= 200
    assert 0 < server["maxMessageSize"] <= 200
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False


def test_secrets_example_has_every_auth_key_and_real_secrets_are_ignored():
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert set(AUTH_SECRETS) <= set(example["auth"])
    assert "session_hours" in example["vocation"]
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_no_html_is_rendered_from_code():
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in text, path
        assert "st.html(" not in text and "components.html" not in text, path


def test_secrets_are_read_only_by_the_signin_module_and_never_printed():
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "signin.py":
            assert "st.secrets" not in text, path
        assert not re.search(r"(print|log\w*\.\w+|st\.\w+)\(\s*st\.secrets", text), path
        assert "cookie_secret" not in text and "client_secret" not in text, path


def test_command_line_import_is_audited(tmp_path, capsys):
    path = tmp_path / "fresh.duckdb"
    status, _, _ = _run(capsys, "load", str(ROOT / "sample_data"), "--db", str(path))
    assert status == 0
    (entry,) = _audit_rows(path, "import")
    assert entry["who"].startswith("command line") and entry["row_count"] > 0
    _run(capsys, "load", str(ROOT / "sample_data"), "--check", "--db", str(path))
    assert len(_audit_rows(path, "import")) == 1  # a check writes nothing, not even to the log
