"""Sign-in refuses an identity whose token carries no email or says the email is not verified."""

from __future__ import annotations

import time

import pytest
from conftest import ROOT, grant

from dashboard.core.access import Scope
from dashboard.store import audit, db
from dashboard.ui.signin import sign_in_refusal

AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "vocation",
    "client_secret": "test-client-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}


def _signed_in(db_file, monkeypatch, claims: dict):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VOCATION_DB", str(db_file))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "iat": int(time.time()), **claims}
    at.run()
    return at


def _sign_ins(db_file) -> list[dict]:
    store = db.Store.open(db_file)
    try:
        return audit.read_log(store, Scope.system(), action="sign_in").to_dicts()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("claims", "says"),
    [
        ({"email": "admin@example.org", "email_verified": False}, "has not been verified"),
        ({"email": "admin@example.org", "email_verified": "false"}, "has not been verified"),
        ({"name": "No Email"}, "carried no email address"),
        ({"email": "  ", "email_verified": True}, "carried no email address"),
    ],
)
def test_an_unverified_or_missing_email_is_refused_with_a_clear_page(db_file, monkeypatch, claims, says):
    grant(db_file, "admin@example.org", "admin")
    at = _signed_in(db_file, monkeypatch, claims)
    assert not at.exception
    assert at.title[0].value == "Sign-in refused"
    assert says in at.text[0].value
    assert at.button(key="auth_sign_out").label == "Sign out"
    assert not at.dataframe and not at.sidebar.selectbox and not at.tabs
    assert _sign_ins(db_file) == []  # nothing was shown, nobody signed in
    at.button(key="auth_sign_out").click().run()
    assert [b.label for b in at.button] == ["Sign in"]


@pytest.mark.parametrize("verified", [{"email_verified": True}, {}])
def test_a_verified_email_or_one_without_the_claim_signs_in(db_file, monkeypatch, verified):
    grant(db_file, "admin@example.org", "admin")
    at = _signed_in(db_file, monkeypatch, {"email": "admin@example.org", **verified})
    assert not at.exception
    assert at.title[0].value == "Vocation"
    assert [e["who"] for e in _sign_ins(db_file)] == ["admin@example.org"]


def test_the_refusal_rule():
    assert sign_in_refusal({"email": "a@b.org"}) == ""
    assert sign_in_refusal({"email": "a@b.org", "email_verified": True}) == ""
    assert sign_in_refusal({"email": "a@b.org", "email_verified": False})
    assert sign_in_refusal({"email": None})
    assert sign_in_refusal({})
