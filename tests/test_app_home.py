"""The app shell: Home renders on the sample data, and demo mode fails closed on other data."""

from __future__ import annotations

import pytest
from conftest import ROOT, open_expander
from streamlit.testing.v1 import AppTest

from dashboard import codebook
from dashboard.core import labels

APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def app(db_file, monkeypatch):
    """An AppTest of the whole app on a private copy of the sample database."""
    monkeypatch.setenv("VOCATION_DB", str(db_file))
    monkeypatch.delenv("VOCATION_DEMO", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def test_home_renders_themes_limits_and_counts(app):
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Vocation"
    assert len(at.expander) == 6
    theme = codebook.load_themes().row(0, named=True)
    assert theme["definition"] not in [t.value for t in at.text]  # drawn when its expander opens
    open_expander(at, f"home_theme_{theme['code']}")
    assert theme["definition"] in [t.value for t in at.text]
    assert any("demo" in w.value.lower() for w in at.warning)
    counts = at.dataframe[0].value
    assert "excerpts" in set(counts[labels.heading("table_name")])


def test_demo_mode_refuses_a_database_that_is_not_the_sample(app, db_file):
    from dashboard.store import db

    con = db.connect(db_file)
    con.execute(
        "insert into app_imports (imported_at, files, checksum, inserted, updated, unchanged, summary)"
        " values (now(), 'real.csv', 'not-the-sample', 1, 0, 0, '{}')"
    )
    con.close()
    at = app.run()
    assert not at.exception
    assert any("Sign-in is not configured" in e.value for e in at.error)
    assert not at.dataframe


def test_signed_in_person_without_a_role_sees_no_data(app_as):
    at = app_as(None)
    assert not at.exception
    assert at.title[0].value == "No access yet"
    assert not at.dataframe


def test_signed_in_person_with_a_role_sees_home(app_as):
    at = app_as("leadership", page="views/home.py", email="lead@example.org")
    assert not at.exception
    assert at.title[0].value == "Vocation"
    assert not at.warning  # no demo banner once signed in
