"""The one fixtures module: the sample data loaded once into a DuckDB file and fresh copies of it,
stores on any database file, `build` for hand-made test data, and the app signed in as a role."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.core.contract import TABLES
from dashboard.ingest.importer import import_batch
from dashboard.store import db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
# No background recomputation of cached reads in tests (store/warmer.py): a test's reads and counts
# stay its own; tests/test_versions.py runs the warmer by hand, the load test runs the app with it.
os.environ.setdefault("VOCATION_WARM_CACHE", "0")


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory) -> Path:
    """A database file holding the bundled sample data (built once per test run)."""
    path = tmp_path_factory.mktemp("sample") / "vocation.duckdb"
    con = db.connect(path)
    report = import_batch([SAMPLE], con, imported_by="tests")
    con.close()
    assert report.ok, report.text()
    return path


@pytest.fixture(scope="session")
def seeded_db_file(sample_db_file, tmp_path_factory) -> Path:
    """The sample database with its demo panels scheduled (as `load sample_data` seeds them)."""
    from dashboard.demo import panels

    path = tmp_path_factory.mktemp("seeded") / "vocation.duckdb"
    shutil.copy(sample_db_file, path)
    store = db.Store.open(path)
    assert len(panels.seed(store)) == 5
    store.close()
    return path


@pytest.fixture
def panels_db(seeded_db_file, tmp_path) -> Path:
    """A private copy of the sample database with its demo panels, for one test."""
    path = tmp_path / "vocation.duckdb"
    shutil.copy(seeded_db_file, path)
    return path


@pytest.fixture
def db_file(sample_db_file, tmp_path) -> Path:
    """A private copy of the sample database for one test."""
    path = tmp_path / "vocation.duckdb"
    shutil.copy(sample_db_file, path)
    return path


@pytest.fixture
def store_at():
    """Open an uncached store on a database file; every store opened is closed after the test."""
    opened: list[db.Store] = []

    def open_store(path: Path, read_only: bool = False) -> db.Store:
        opened.append(db.Store.open(path, read_only=read_only))
        return opened[-1]

    yield open_store
    for one in opened:
        one.close()


@pytest.fixture
def store(db_file, store_at) -> db.Store:
    """An uncached store on a private copy of the sample database."""
    return store_at(db_file)


def build(con: duckdb.DuckDBPyConnection, rows: dict[str, list[tuple]]) -> None:
    """Add hand-made rows (table -> rows in contract column order) and recompute the scores.

    Every hand-made test database is built with this, on top of an empty or a sample database.
    """
    for table, values in rows.items():
        if values:
            marks = ", ".join("?" * len(values[0]))
            # the first columns in contract order: a row may leave out optional trailing ones (raters.email)
            names = con.execute(
                "select column_name from information_schema.columns where table_name = $t order by ordinal_position",
                {"t": table},
            ).fetchall()
            cols = ", ".join(n for (n,) in names[: len(values[0])])
            con.executemany(f"insert into {table} ({cols}) values ({marks})", values)  # noqa: S608 - test tables
    db.refresh_scores(con)


@pytest.fixture
def app_as(request, monkeypatch):
    """`app_as(role, programs, page=..., db=..., email=...)`: the app signed in with that role.

    The role is granted (over `programs`; '' for an unscoped role) to `email` (default
    ROLE@example.org) in `db` (default: the test's copy of the sample database); role=None signs
    in someone with no role.
    """

    def run(role, programs=("",), page=None, db=None, email=None):
        path = db or request.getfixturevalue("db_file")  # copied only when no other database is given
        email = email or f"{role or 'nobody'}@example.org"
        if role:
            grant(path, email, role, tuple(programs))
        return signed_in_app(path, email, monkeypatch, page)

    return run


@pytest.fixture
def con(db_file):
    """A writable connection to a private copy of the sample database."""
    connection = db.connect(db_file)
    yield connection
    connection.close()


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """A fingerprint of every table's contents (contract and app-owned)."""
    names = [t.name for t in TABLES] + [
        "app_imports",
        "app_decisions",
        "app_consensus",
        "app_user_roles",
        "app_audit_log",
        "app_interviews",
        "app_panel_seats",
        "app_scorecards",
        "app_scorecard_scores",
        "app_scorecard_excerpts",
        "app_self_assessments",
        "app_self_assessment_scores",
    ]
    out = {}
    for name in names:
        stmt = f"select count(*), coalesce(sum(hash(t)), 0) from {name} as t"  # noqa: S608 - fixed names
        out[name] = con.execute(stmt).fetchall()[0]
    return out


def grant(db_file: Path, email: str, role: str, programs: tuple[str, ...] = ("",)) -> None:
    """Give `email` a role (over these programs) in the database at `db_file`."""
    con = db.connect(db_file)
    for program in programs:
        con.execute(
            "insert into app_user_roles (email, role, program_id, added_by, added_at)"
            " values ($email, $role, $program, 'tests', now()) on conflict do nothing",
            {"email": email, "role": role, "program": program},
        )
    con.close()


def signed_in_app(db_file: Path, email: str, monkeypatch, page: str | None = None):
    """An AppTest of the whole app signed in as `email` (roles as granted), optionally on one page."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VOCATION_DB", str(db_file))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def open_tab(at, key: str, label: str):
    """Switch a page's tabs (`key`, as the page names them) to `label` and re-run: only the open
    tab's content runs, as in the browser."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, at.exception
    return at


def open_expander(at, key: str):
    """Open a drawn-on-demand expander (`key`) and re-run, as a click on it does."""
    return open_tab(at, key, True)
