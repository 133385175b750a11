"""Every page × every role: a page is in the navigation exactly when the role allows it, a page
outside the role is refused when asked for by URL, and the page's data functions refuse a
person who does not hold its role. Written over navigation.PAGES, so new pages are covered."""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pytest
from conftest import ROOT, grant, open_tab, signed_in_app
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options
from streamlit.util import calc_hash

from dashboard.core.access import ALL_PROGRAMS, ROLES, SCOPED_ROLES, Scope
from dashboard.store import db
from dashboard.ui.navigation import PAGES, PageSpec

PROGRAMS = {role: ("P01",) if role in SCOPED_ROLES else ("",) for role in ROLES}
RESTRICTED = [spec for spec in PAGES if spec.roles is not None]


def _scope(email: str, roles) -> Scope:
    return Scope(email, tuple((r, p) for r in roles for p in PROGRAMS[r]))


def _registered_scripts(at: AppTest) -> set[Path]:
    # AppTest keeps the pages st.navigation registered (no public accessor in 1.67)
    return {Path(str(info["script_path"])).resolve() for info in at._registered_pages.values()}


@pytest.mark.parametrize("role", ROLES)
def test_role_sees_exactly_its_pages_and_each_renders(role, db_file, monkeypatch, app_as):
    email = f"{role}@example.org"
    at = app_as(role, PROGRAMS[role], email=email)
    assert not at.exception
    scope = _scope(email, [role])
    registered = _registered_scripts(at)
    for spec in PAGES:
        assert (Path(spec.path).resolve() in registered) == spec.allows(scope), (role, spec.key)
    charts = 0
    for spec in PAGES:
        if spec.allows(scope):
            at.switch_page(spec.script).run()
            assert not at.exception, (role, spec.key, [e.message for e in at.exception])
            for section in _sections(at, spec.key):  # a page in tabs draws only the open one
                charts += _assert_charts_valid(at, f"{spec.key} {section}")
                _assert_tables_readable(at, f"{spec.key} {section}")
    # trainee@example.org is no enrolled person: its pages say so (tests/test_trainees_self.py draws them)
    assert charts or role in ("admin", "interviewer", "trainee"), role  # the walk did check charts


def _sections(at: AppTest, page: str):
    """Open each tab of a page whose tabs are drawn on demand (keyed '<page>_tab'), in turn; a
    page without them is one section."""
    key = f"{page}_tab"
    if key not in at.session_state:
        yield ""
        return
    for label in [tab.label for tab in at.tabs]:
        open_tab(at, key, label)
        assert [tab.label for tab in at.tabs].count(label) == 1
        yield label


def _assert_tables_readable(at: AppTest, page: str) -> None:
    """Every table has readable headings (no database names) and shows empty cells blank."""
    for table in at.dataframe:
        assert not [c for c in table.value.columns if "_" in str(c)], (page, list(table.value.columns))
        assert table.proto.HasField("placeholder") and table.proto.placeholder == "", page


def _assert_charts_valid(at: AppTest, page: str) -> int:
    """Every chart the page drew is valid Vega-Lite with its data attached (the app skips Altair's
    validation at run time; this is where it is checked)."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        alt.Root.validate(spec)
        assert spec["title"]["text"] and spec["description"].startswith(spec["title"]["text"]), page
        names = {d.name for d in element.proto.datasets}
        assert _data_names(spec) and _data_names(spec) <= names, page
        assert all(d.data.data for d in element.proto.datasets), page
    return len(at.get("vega_lite_chart"))


def _data_names(spec) -> set[str]:
    """The named datasets a Vega-Lite spec (or any part of it) draws from."""
    if isinstance(spec, list):
        return set().union(*map(_data_names, spec)) if spec else set()
    if not isinstance(spec, dict):
        return set()
    own = {spec["data"]["name"]} if isinstance(spec.get("data"), dict) and "name" in spec["data"] else set()
    return own.union(*(_data_names(v) for k, v in spec.items() if k != "data"))


@pytest.mark.parametrize("role", ROLES)
def test_pages_outside_the_role_are_refused_by_url(role, db_file, monkeypatch, app_as):
    email = f"{role}@example.org"
    at = app_as(role, PROGRAMS[role], email=email)
    for spec in PAGES:
        if spec.allows(_scope(email, [role])):
            continue
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(spec.script)
        # what a browser does for /<url_path>: ask for the page's hash; the default page runs instead
        at._page_hash = calc_hash(spec.key)
        at.run()
        assert not at.exception
        assert at.title[0].value == "Vocation", (role, spec.key)
        at._page_hash = ""


@pytest.mark.parametrize("spec", RESTRICTED, ids=lambda s: s.key)
def test_page_data_is_refused_to_every_other_role(spec, db_file, monkeypatch):
    others = [r for r in ROLES if r not in spec.roles]
    if not others:
        pytest.skip("every role may open this page")
    email = "other@example.org"
    for role in others:
        grant(db_file, email, role, (ALL_PROGRAMS,) if role in SCOPED_ROLES else ("",))
    # open the menu to everyone, so that only the data functions stand in the way
    monkeypatch.setattr(PageSpec, "allows", lambda self, scope: True)
    reads = []
    real_run_query = db.run_query
    monkeypatch.setattr(
        db, "run_query", lambda con, name, **p: reads.append(name) or real_run_query(con, name, **p)
    )
    with patch_config_options({"client.showErrorDetails": "full"}):  # config.toml redacts errors
        at = signed_in_app(db_file, email, monkeypatch)
        reads.clear()  # sign-in and Home
        at.switch_page(spec.script).run()
    assert all(e.proto.type.endswith("AccessDenied") for e in at.exception), [
        (e.proto.type, e.message) for e in at.exception
    ]
    refused = list(at.exception)
    reads = [r for r in reads if r != "user_roles_for_email"]  # app.py signing the person in
    assert refused or not reads, f"{spec.key} read {reads} for roles {others} without AccessDenied"
    assert not at.dataframe or refused


def test_every_page_script_exists_and_is_under_views():
    for spec in PAGES:
        assert Path(spec.path).is_file(), spec.script
        assert spec.script.startswith("views/"), spec.script
    assert (ROOT / "dashboard" / "views" / "data.py").is_file()


def test_a_charts_numbers_are_drawn_when_its_expander_is_opened(db_file, monkeypatch, app_as):
    at = app_as("leadership", page="views/overview.py", email="lead@example.org")
    assert not at.exception
    shown = len(at.dataframe)
    assert at.get("vega_lite_chart")
    at.session_state["overview_prevalence_chart_numbers"] = True
    at.run()
    assert not at.exception
    assert len(at.dataframe) == shown + 1
