"""WCAG 2.1 AA in a real browser: axe-core on every page for every role that may open it (demo mode,
`?role=`), and a keyboard-only path from Screening to a recorded decision.

One app server for the module. A page passes with no critical or serious violation and no skipped
heading level; moderate and minor findings are printed (run with -s to see them). A screenshot
of every page and role lands in test-artifacts/a11y-<role>-<page>.png.
"""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from test_browser_flows import ARTIFACTS, _free_port, _serve, _settle, browser  # noqa: F401 (fixtures)

from dashboard.core.access import Scope
from dashboard.demo import self_assessments
from dashboard.store import db
from dashboard.ui.navigation import PAGES
from dashboard.ui.signin import DEMO_EMAIL, DEMO_ROLES

pytestmark = pytest.mark.browser

BLOCKING = {"critical", "serious"}
ALWAYS_BLOCKING = {"heading-order", "page-has-heading-one"}  # headings in order, one title per page
AXE = Axe()


def _cases() -> list[tuple[str, str]]:
    """Every (role, page) pair navigation allows, read from navigation.PAGES (new pages included)."""
    return [
        (role, spec.key)
        for role, (_, grants) in DEMO_ROLES.items()
        for spec in PAGES
        if spec.allows(Scope(DEMO_EMAIL, grants))
    ]


@pytest.fixture(scope="module")
def demo_url(seeded_db_file, tmp_path_factory):
    """The app in demo mode on a copy of the sample database with its demo panels (as `load
    sample_data` seeds them), so the interviewer's pages and the panels on Candidate have content."""
    work = tmp_path_factory.mktemp("a11y")
    shutil.copy(seeded_db_file, work / "vocation.duckdb")
    store = db.Store.open(
        work / "vocation.duckdb"
    )  # and the trainees' self-assessments, as `load` seeds them
    self_assessments.seed(store)
    store.close()
    env = {**os.environ, "VOCATION_DB": str(work / "vocation.duckdb"), "VOCATION_DEMO": "1"}
    yield from _serve(work, _free_port(), env, ["--secrets.files", str(work / "no-secrets.toml")])


@pytest.fixture(scope="module")
def opened(seeded_db_file) -> dict[str, list[str]]:
    """What Candidate, Compare and the Scorecard open: applications with hiring interviews (the
    first with a demo panel), and the demo interviewer's drafted card."""
    con = duckdb.connect(str(seeded_db_file), read_only=True)
    drafted = con.execute(
        "select s.interview_id, i.application_id from app_scorecards as s"
        " join interviews as i using (interview_id) where s.rater_id = 'R01' and s.version = 0"
    ).fetchone()
    other = con.execute(
        "select distinct application_id from interviews where application_id is not null"
        " and application_id <> $a order by 1 limit 1",
        {"a": drafted[1]},
    ).fetchone()[0]
    con.close()
    return {
        "candidate": [f"application={drafted[1]}"],
        "compare": [f"application={drafted[1]}", f"application={other}"],
        "scorecard": [f"interview={drafted[0]}", "rater=R01"],
    }


@pytest.fixture(scope="module")
def tab(browser):  # noqa: F811 (the imported fixture)
    """One browser tab for the module (a new demo session per page load)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _url(base: str, role: str, page: str, opened: dict[str, list[str]]) -> str:
    path = "" if page == "home" else page
    return f"{base}/{path}?role={role}" + "".join(f"&{q}" for q in opened.get(page, []))


def _ready(page, charts: int = 0) -> None:
    """The page's script has run (its title is drawn) and Vega has drawn at least `charts` charts,
    and every chart on the page (Vega draws after the script has run)."""
    _settle(page)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=30_000)
    page.wait_for_function(
        "n => { const c = [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')];"
        " return c.length >= n && c.every(x => x.querySelector('svg')); }",
        arg=charts,
        timeout=30_000,
    )


def full_page_shot(page, name: str) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its own container, so the window
    is made as tall as the content first)."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height + 40, 900), 12_000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size(size)


def check_page(page, name: str) -> list[str]:
    """Run axe on the page; return the blocking findings, print the others."""
    results = AXE.run(page)
    blocking, others = [], []
    for violation in results.response["violations"]:
        targets = "; ".join(str(n["target"]) for n in violation["nodes"][:3])
        line = f"{name}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])}): {targets}"
        if violation["impact"] in BLOCKING or violation["id"] in ALWAYS_BLOCKING:
            blocking.append(line + "\n    " + violation["nodes"][0].get("failureSummary", ""))
        else:
            others.append(line)
    for line in others:
        print("axe (not blocking):", line)
    return blocking


@pytest.mark.parametrize(("role", "page_key"), _cases())
def test_axe_finds_no_serious_violation(tab, demo_url, opened, role, page_key):  # noqa: F811
    tab.goto(_url(demo_url, role, page_key, opened))
    _ready(tab)
    assert tab.get_by_text("Page not found").count() == 0
    blocking = check_page(tab, f"{role}/{page_key}")
    full_page_shot(tab, f"a11y-{role}-{page_key}")
    assert not blocking, "\n".join(blocking)


SECTIONED = [  # pages drawn one tab at a time: each tab is its own view to check
    ("leadership", "overview"),
    ("leadership", "evidence"),
    ("training_director", "trainees"),
    ("training_director", "curriculum"),
    ("supervisor", "reliability"),
    ("admin", "data"),
]


def _open_section(page, label: str, charts: int = 0) -> None:
    """Click a tab of the page's sections and wait until the page has drawn it."""
    page.get_by_test_id("stMain").get_by_role("tab", name=label, exact=True).click()
    _settle(page)
    expect(page.get_by_role("tab", name=label, exact=True)).to_have_attribute("aria-selected", "true")
    _ready(page, charts)


@pytest.mark.parametrize(("role", "page_key"), SECTIONED)
def test_every_section_of_a_page_in_tabs_passes_axe(tab, demo_url, opened, role, page_key):  # noqa: F811
    tab.goto(_url(demo_url, role, page_key, opened))
    _ready(tab)
    labels = tab.get_by_test_id("stMain").get_by_role("tab").all_inner_texts()
    assert len(labels) >= 3, labels
    problems = []
    for label in labels[1:]:  # the first is the page's first view, checked above
        _open_section(tab, label)
        assert tab.get_by_test_id("stException").count() == 0, label
        problems += check_page(tab, f"{role}/{page_key} ({label})")
        full_page_shot(tab, f"a11y-{role}-{page_key}-{label.lower().replace(' ', '_')}")
    assert not problems, "\n".join(problems)


def test_every_chart_is_named_for_screen_readers_by_its_description(tab, demo_url, opened):  # noqa: F811
    tab.goto(_url(demo_url, "training_director", "curriculum", opened))
    _ready(tab, charts=1)
    script = "charts => charts.map(c => c.getAttribute('aria-label'))"
    names = tab.locator('[data-testid="stVegaLiteChart"]').evaluate_all(script)
    _open_section(tab, "Coverage", charts=1)
    names += tab.locator('[data-testid="stVegaLiteChart"]').evaluate_all(script)
    assert len(names) == 2, names
    assert all(n and n != "Vega visualization" and "Chart data" in n for n in names), names


# --- keyboard only ----------------------------------------------------------------------------


def _focused(page) -> dict:
    """What has the keyboard focus: tag, type, accessible name, visible label, text, test id."""
    return page.evaluate(
        """() => { const a = document.activeElement;
                   const host = a.closest('[data-testid]');
                   return {tag: a.tagName, type: a.type || '', label: a.getAttribute('aria-label') || '',
                           labelled: a.labels && a.labels[0] ? a.labels[0].innerText.trim() : '',
                           text: (a.innerText || '').trim(),
                           testid: host ? host.getAttribute('data-testid') : ''}; }"""
    )


def tab_to(page, wanted, limit: int = 120, key: str = "Tab") -> dict:
    """Press Tab until `wanted(focused)` holds; fail if it takes more than `limit` presses."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"never reached the element with {limit} presses of {key}; last: {focused}")


def test_keyboard_only_screening_to_candidate_to_a_recorded_decision(browser, demo_url):  # noqa: F811
    """Screening -> select an applicant -> open -> record a decision, with key presses only."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    note = "Keyboard only: invite to a second interview"
    page.goto(f"{demo_url}/screening?role=supervisor")
    _ready(page)
    page.get_by_test_id("data-grid-canvas").first.wait_for(timeout=30_000)  # the ranked table is drawn
    # into the ranked table; arrow down to the first applicant; Shift+Space selects the row
    tab_to(page, lambda f: f["testid"] == "data-grid-canvas")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+Space")
    _settle(page)
    # Tab moves along the row and then out of the table, on to "Open applicant"
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Open applicant")
    page.keyboard.press("Enter")
    page.wait_for_url("**/candidate**", timeout=30_000)
    _ready(page, charts=1)
    full_page_shot(page, "a11y-keyboard-candidate")
    # the decision: the radio group takes the focus on its checked option; arrows pick "hold"
    tab_to(page, lambda f: f["type"] == "radio" and f["labelled"] in ("advance", "hold", "decline"))
    for _ in range(3):
        if _focused(page)["labelled"] == "hold":
            break
        page.keyboard.press("ArrowRight")
    assert _focused(page)["labelled"] == "hold"
    tab_to(page, lambda f: f["tag"] == "TEXTAREA")
    page.keyboard.type(note)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Record decision")
    page.keyboard.press("Enter")
    _settle(page)
    decisions = page.get_by_test_id("stDataFrame").filter(has_text=note)
    decisions.first.wait_for(state="attached", timeout=30_000)
    assert page.get_by_text(note).count() >= 1
    full_page_shot(page, "a11y-keyboard-decision-recorded")
    context.close()


def test_find_an_applicant_and_the_templates_tab_pass_axe_too(tab, demo_url, seeded_db_file):  # noqa: F811
    """States a page reaches only by use: a search's results on Candidate, the Data page's
    Templates tab; each is checked and photographed like the pages' first views."""
    con = duckdb.connect(str(seeded_db_file), read_only=True)
    application_id, name = con.execute(
        "select a.application_id, p.full_name from applications as a join people as p using (person_id)"
        " order by 1 limit 1"
    ).fetchone()
    con.close()
    tab.goto(f"{demo_url}/candidate?role=supervisor")
    _ready(tab)
    search = tab.get_by_label("Name or id of the applicant (part of either)")
    search.fill(name.split()[-1])
    search.press("Enter")
    _settle(tab)
    tab.get_by_label("Matching applicants").click()
    tab.get_by_role("option", name=f"{name} · {application_id}", exact=False).first.click()
    _ready(tab, charts=1)
    assert tab.get_by_text(f"Applicant: {name}").count() == 1
    blocking = check_page(tab, "supervisor/candidate (found by name)")
    full_page_shot(tab, "a11y-supervisor-candidate-found-by-name")
    assert not blocking, "\n".join(blocking)

    tab.goto(f"{demo_url}/data?role=admin")
    _ready(tab)
    tab.get_by_role("tab", name="Templates").click()
    _settle(tab)
    tab.get_by_text("Save it as", exact=False).first.wait_for(timeout=30_000)
    blocking = check_page(tab, "admin/data (templates)")
    full_page_shot(tab, "a11y-admin-data-templates")
    assert not blocking, "\n".join(blocking)
