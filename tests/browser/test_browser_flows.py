"""Real-browser flows: a local OpenID Connect provider, the app under `streamlit run`, Chromium.

One predefined provider user per role; each test signs in through the real redirect. Screenshots
of every page each role may open are saved under test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from dashboard.core.access import ROLES, SCOPED_ROLES, Scope
from dashboard.store import db
from dashboard.ui.navigation import PAGES, pages_for
from dashboard.ui.signin import DEMO_EMAIL, DEMO_ROLES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAYLOAD = "<img src=x onerror=alert(1)>"
EMAILS = {role: f"{role}@example.org" for role in ROLES}


def _sample_trainee() -> tuple[str, str]:
    """The demo trainee of the sample data (the first active trainee) and their address."""
    import polars as pl

    data = ROOT / "sample_data"
    active = pl.read_csv(data / "enrollments.csv").filter(pl.col("status") == "active")
    cohorts = pl.read_csv(data / "cohorts.csv", try_parse_dates=True)
    first = active.join(cohorts, on="cohort_id").sort(["starts_on", "person_id"], descending=[True, False])
    person = first["person_id"][0]
    people = pl.read_csv(data / "people.csv").filter(pl.col("person_id") == person)
    return person, people["email"][0]


TRAINEE, EMAILS["trainee"] = _sample_trainee()  # a trainee is the enrolled person with the address
PROGRAMS = {role: ("P01",) if role in SCOPED_ROLES else ("",) for role in ROLES}
NO_ROLE = "nobody@example.org"
MARKUP_APPLICATION: list[str] = []  # the application whose interview holds the excerpt EXSS
MARKUP_INTERVIEW: list[str] = []  # and that interview


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scope(role: str) -> Scope:
    return Scope(EMAILS[role], tuple((role, p) for p in PROGRAMS[role]))


@pytest.fixture(scope="module")
def provider():
    """A local OpenID Connect provider with one predefined user per role (and one without)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    from oidc_provider_mock import User, run_server_in_thread

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on localhost
    users = [User(sub=e, claims={"email": e, "name": e.split("@")[0]}) for e in [*EMAILS.values(), NO_ROLE]]
    with run_server_in_thread(port=_free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def app_url(provider, sample_db_file, tmp_path_factory):
    """`streamlit run dashboard/app.py` with sign-in pointed at the local provider."""
    work = tmp_path_factory.mktemp("browser")
    db_path = work / "vocation.duckdb"
    shutil.copy(sample_db_file, db_path)
    con = db.connect(db_path)
    for role in ROLES:
        for program in PROGRAMS[role]:
            con.execute(
                "insert into app_user_roles (email, role, program_id, added_by, added_at)"
                " values ($email, $role, $program, 'tests', now())",
                {"email": EMAILS[role], "role": role, "program": program},
            )
    interview, rater, application = con.execute(
        "select e.interview_id, e.rater_id, i.application_id from excerpts as e"
        " join interviews as i on i.interview_id = e.interview_id"
        " where i.program_id = $p and i.application_id is not null order by e.excerpt_id limit 1",
        {"p": PROGRAMS["supervisor"][0]},
    ).fetchall()[0]
    con.execute(
        "insert into excerpts values ('EXSS', $i, $r, 'fit', null, 'supports', $t)",
        {"i": interview, "r": rater, "t": f"I said {PAYLOAD} in the interview"},
    )
    MARKUP_APPLICATION.append(application)
    MARKUP_INTERVIEW.append(interview)
    con.close()
    yield from _serve_signed_in(work, db_path, provider)


@pytest.fixture(scope="module")
def demo_url(sample_db_file, tmp_path_factory):
    """The app in demo mode (no sign-in configured) on a copy of the sample database."""
    work = tmp_path_factory.mktemp("demo")
    shutil.copy(sample_db_file, work / "vocation.duckdb")
    env = {**os.environ, "VOCATION_DB": str(work / "vocation.duckdb"), "VOCATION_DEMO": "1"}
    yield from _serve(work, _free_port(), env, ["--secrets.files", str(work / "no-secrets.toml")])


def _serve(work: Path, port: int, env: dict, extra: list[str]):
    """Run `streamlit run dashboard/app.py` on `port` until the fixture ends; yields its URL."""
    log = (work / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.port", str(port), *extra],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _serve_signed_in(work: Path, db_path: Path, provider: str):
    """Serve the app on `db_path` with sign-in through the OpenID Connect provider at `provider`."""
    port = _free_port()
    secrets = work / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "browser-test-cookie-secret-0123456789"\n'
        'client_id = "vocation-tests"\n'
        'client_secret = "browser-test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    env = {**os.environ, "VOCATION_DB": str(db_path), "AUTHLIB_INSECURE_TRANSPORT": "1"}
    env.pop("VOCATION_DEMO", None)
    yield from _serve(work, port, env, ["--secrets.files", str(secrets)])


def _wait_healthy(url: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in 60 s")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) whose page records any JavaScript dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    yield tab
    context.close()


expect.set_options(timeout=30_000)


_IDLE = """() => { const app = document.querySelector('[data-testid="stApp"]');
                   return app && app.getAttribute('data-test-script-state') === 'notRunning'
                       && !document.querySelector('[data-testid="stStatusWidget"]'); }"""


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script: the app says its script is not running
    (a first load starts as 'initial', so the wait covers the whole first run, not just the title)
    and still says so 400 ms later (a click's rerun may start a moment after the click)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    page.wait_for_function(_IDLE, timeout=30_000)
    page.wait_for_timeout(400)
    page.wait_for_function(_IDLE, timeout=30_000)


def _button(page, key: str):
    """One of the app's buttons, found by its Streamlit key (the element carries class st-key-KEY)."""
    return page.locator(f".st-key-{key} button")


def sign_in(page, app_url: str, email: str) -> None:
    """Sign in through the real redirect: app -> provider -> pick the user -> back to the app."""
    page.goto(app_url)
    _button(page, "auth_sign_in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.get_by_role("button", name=email, exact=True).click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    expect(_button(page, "auth_sign_out")).to_be_visible()
    _settle(page)


def nav_titles(page) -> list[str]:
    """The page titles in the sidebar navigation."""
    links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
    # each link's text is its icon's ligature name, then its title
    return [t.strip().splitlines()[-1] for t in links.all_inner_texts()]


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_trainee_signs_in_and_sees_only_their_own_growth(page, app_url):
    sign_in(page, app_url, EMAILS["trainee"])
    assert nav_titles(page) == ["Home", "My growth", "Self-assessment"]
    page.goto(f"{app_url}/my_growth")
    _settle(page)
    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()
    expect(page.get_by_text("No review has been scheduled for you yet.")).to_have_count(0)
    _shot(page, "trainee-signed-in-my_growth")
    page.goto(f"{app_url}/self_assessment")
    _settle(page)
    expect(page.get_by_role("heading", name="Self-assessment")).to_be_visible()
    expect(page.get_by_text("An example from my own practice").first).to_be_visible()
    page.goto(f"{app_url}/screening")
    _settle(page)
    assert page.get_by_role("heading", name="Screening", exact=True).count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_and_sees_exactly_its_pages(page, app_url, role):
    sign_in(page, app_url, EMAILS[role])
    expect(_button(page, "auth_sign_out")).to_be_visible()
    allowed = pages_for(_scope(role))
    # Streamlit shows no navigation menu when there is only one page
    assert nav_titles(page) == ([p.title for p in allowed] if len(allowed) > 1 else [])
    for spec in allowed:
        page.goto(f"{app_url}/{spec.key}" if spec.key != "home" else app_url)
        _settle(page)
        assert not page.get_by_text("Page not found").count()
        _shot(page, f"{role}-{spec.key}")
    assert page.dialogs == []


def test_a_person_without_a_role_sees_no_access(page, app_url):
    sign_in(page, app_url, NO_ROLE)
    expect(page.get_by_role("heading", name="No access yet")).to_be_visible()
    _shot(page, "no-role")
    assert nav_titles(page) == []


def test_leadership_is_refused_pages_outside_its_role(page, app_url):
    sign_in(page, app_url, EMAILS["leadership"])
    refused = [p for p in PAGES if not p.allows(_scope("leadership"))]
    assert refused
    for spec in refused:
        page.goto(f"{app_url}/{spec.key}")
        _settle(page)
        expect(page.get_by_text("Page not found").first).to_be_visible()
        assert page.get_by_role("heading", name=spec.title, exact=True).count() == 0
        _shot(page, f"leadership-refused-{spec.key}")


def test_admin_uploads_a_bad_file_sees_the_report_then_imports_a_good_one(page, app_url, tmp_path):
    sign_in(page, app_url, EMAILS["admin"])
    page.goto(f"{app_url}/data")
    _settle(page)
    bad = tmp_path / "ratings.csv"
    interview, rater = (ROOT / "sample_data" / "ratings.csv").read_text().splitlines()[1].split(",")[:2]
    rows = [f"{interview},{rater},balance,9", f"{interview},{rater},{PAYLOAD},2"]
    bad.write_text("interview_id,rater_id,theme,score\n" + "\n".join(rows) + "\n")
    page.locator('input[type="file"]').set_input_files(str(bad))
    _button(page, "data_check").click()
    page.get_by_text("The batch was refused").wait_for(timeout=30_000)
    expect(page.get_by_text("3 problem(s)", exact=False)).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    _shot(page, "admin-data-refused")

    page.goto(f"{app_url}/data")  # a new session: an empty uploader
    _settle(page)
    good = tmp_path / "sites.csv"
    sites = (ROOT / "sample_data" / "sites.csv").read_text().rstrip("\n")
    good.write_text(f"{sites}\nS9,Browser test site,North\n")
    page.locator('input[type="file"]').set_input_files(str(good))
    _button(page, "data_check").click()
    page.get_by_text("No problems found").wait_for(timeout=30_000)
    _button(page, "data_import").click()
    page.get_by_text("Imported.").wait_for(timeout=30_000)
    _shot(page, "admin-data-imported")
    assert page.dialogs == []


def test_an_excerpt_with_markup_shows_as_text_and_runs_nothing(page, app_url):
    sign_in(page, app_url, EMAILS["supervisor"])
    page.goto(f"{app_url}/candidate?application={MARKUP_APPLICATION[0]}")
    _settle(page)
    page.locator('[data-testid="stExpander"] summary', has_text="Personal fit").first.click()
    # the grid draws on a canvas and mirrors its cells as text for screen readers
    expect(page.get_by_text(f"I said {PAYLOAD} in the interview").first).to_be_attached()
    page.wait_for_timeout(500)
    assert page.locator("img[src='x']").count() == 0
    assert page.dialogs == []
    _shot(page, "supervisor-candidate-markup")


def test_admin_imports_a_coded_project_and_the_supervisor_reads_a_passage(page, app_url, tmp_path):
    from qdpx_writer import Sel, Src, guid, write_qdpx

    from dashboard.refiqda.qdc import code_guid

    text = f"Interviewer: What keeps you going?\nApplicant: I sing in a choir on Tuesdays. I once wrote {PAYLOAD}.\n"
    coder = guid("browser/coder")
    sel = Sel("sing in a choir on Tuesdays", [code_guid("balance")], coder=coder)
    src = Src(f"{MARKUP_INTERVIEW[0]} transcript", text, [sel], crlf=True)
    codes = [{"guid": code_guid("balance"), "name": "Balance between work and nonwork passions"}]
    users = [{"guid": coder, "name": "R01"}]
    project = write_qdpx(tmp_path / "coded.qdpx", [src], users, codes, origin="NVivo 14", scheme="utf16")
    sign_in(page, app_url, EMAILS["admin"])
    page.goto(f"{app_url}/data")
    _settle(page)
    page.locator('input[type="file"]').set_input_files(str(project))
    _button(page, "data_check").click()
    page.get_by_text("No problems found").wait_for(timeout=30_000)
    expect(page.get_by_text("1 excerpt(s) from 1 coding(s)", exact=False)).to_be_visible()
    _button(page, "data_import").click()
    page.get_by_text("Imported.").wait_for(timeout=30_000)
    _shot(page, "admin-data-qdpx-imported")

    supervisor = page.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    supervisor.dialogs = []
    supervisor.on("dialog", lambda d: (supervisor.dialogs.append(d.message), d.dismiss()))
    sign_in(supervisor, app_url, EMAILS["supervisor"])
    supervisor.goto(f"{app_url}/candidate?application={MARKUP_APPLICATION[0]}")
    _settle(supervisor)
    supervisor.locator('[data-testid="stExpander"] summary', has_text="Balance").first.click()
    _settle(supervisor)
    picker = supervisor.locator(".st-key-candidate_passage_balance")
    option = supervisor.locator('[role="option"]', has_text="sing in a choir on Tuesdays").first
    for _ in range(3):  # a rerun that lands while the list is open closes it: open it again
        picker.click(timeout=30_000)
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            _settle(supervisor)
    option.click()
    code = supervisor.locator('[data-testid="stCode"]').first
    expect(code).to_contain_text(">>> sing in a choir on Tuesdays <<<", timeout=30_000)
    expect(code).to_contain_text(f"I once wrote {PAYLOAD}.")  # the markup as text
    assert supervisor.locator("img[src='x']").count() == 0
    assert supervisor.dialogs == []
    _shot(supervisor, "supervisor-candidate-passage")
    supervisor.context.close()


def test_supervisor_records_a_decision_and_sees_it_after_reload(page, app_url):
    note = f"Browser test {time.time():.0f}: second interview first"
    sign_in(page, app_url, EMAILS["supervisor"])
    page.goto(f"{app_url}/candidate?application={MARKUP_APPLICATION[0]}")
    _settle(page)
    page.get_by_text("hold", exact=True).first.click()
    page.get_by_label("Note").first.fill(note)
    _button(page, "candidate_record").click()
    _settle(page)
    page.reload()
    _settle(page)
    expect(page.get_by_text(note).first).to_be_attached()
    _shot(page, "supervisor-candidate-decision")


def test_sign_out_returns_to_the_sign_in_page(page, app_url):
    sign_in(page, app_url, EMAILS["leadership"])
    _button(page, "auth_sign_out").click()
    end_session = page.get_by_role("button", name="End session")
    end_session.wait_for(timeout=30_000)  # the provider's own sign-out confirmation
    end_session.click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    _settle(page)
    expect(_button(page, "auth_sign_in")).to_be_visible()
    _shot(page, "signed-out")
    assert nav_titles(page) == []
    page.goto(f"{app_url}/data")  # the identity cookie is gone
    _settle(page)
    expect(_button(page, "auth_sign_in")).to_be_visible()


def test_a_demo_session_keeps_its_role_and_opens_a_charts_numbers(page, demo_url):
    # ?role= is in the URL only until the first click; the role must stay (it once fell back to
    # the first role when the browser got a selectbox whose default had changed with the URL)
    page.goto(f"{demo_url}/?role=leadership")
    _settle(page)
    titles = [p.title for p in pages_for(Scope(DEMO_EMAIL, DEMO_ROLES["leadership"][1]))]
    for title in [*titles[1:], titles[0], *titles[1:]]:
        page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
        _settle(page)
        assert nav_titles(page) == titles, title
        expect(page.get_by_role("heading", name=title if title != "Home" else "Vocation")).to_be_visible()
    # a chart's numbers are drawn when its expander is opened
    page.get_by_test_id("stSidebarNav").get_by_text("Overview", exact=True).click()
    _settle(page)
    numbers = page.get_by_test_id("stExpander").filter(has_text="Chart data").first
    expect(numbers.get_by_test_id("stDataFrame")).to_have_count(0)
    numbers.get_by_text("Chart data (text alternative)").click()
    expect(numbers.get_by_test_id("stDataFrame")).to_have_count(1)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=DEMO_ROLES["training_director"][0]).click()
    _settle(page)
    director = pages_for(Scope(DEMO_EMAIL, DEMO_ROLES["training_director"][1]))
    assert nav_titles(page) == [p.title for p in director]
