"""Load test: concurrent browser sessions against one Vocation server while an import runs.

    .venv/bin/python scripts/load_test.py [--sessions 10] [--seconds 120] [--scale 10] [--think 1]
        [--ramp 10] [--warmup 20] [--import-at 30] [--browser-nice 0] [--browsers-idle]
        [--browsers-cpu 1] [--json FILE] [--profile FILE]

Builds a database at the given scale, with demo panels and 40 interviews held yesterday whose
scorecards sample rater R01 has still to submit, starts `streamlit run dashboard/app.py` on a free
local port in demo mode (VOCATION_DEMO=1), then drives N Chromium sessions (Debian's
/usr/bin/chromium, through Playwright) for the given time. N - 1 of them open every page their
demo role may see, over and over; the last is the interviewer (R01), who opens My interviews,
picks a card not yet submitted, opens it, confirms the conflict-of-interest check, scores a theme
with a verbatim excerpt and submits, card after card. The sessions arrive over the first
`--ramp` seconds; `--import-at` seconds in, one admin session uploads a changed dataset on the
Data page and imports it. Every click until the page is drawn and idle again is a page view; the
views of the first `--warmup` seconds (sessions arriving, each browser loading the app, caches
filling) are reported apart and are not in the targets. Reports what the browsers saw (page
times overall, while the import ran and otherwise, per page or scorecard step; the interviewer's
submits, at least 1), the CPU used by the server and by the browsers, the server's memory at start
and end, and the server's own figures, measured inside the app (VOCATION_TIMING=1): the time of
each page view (a run of the script) with its CPU, per page, and the small writes made while the
import wrote. Targets: 0 errors, server p95 ≤ 0.5 s per view (overall and during the import),
small writes during the import p95 ≤ 1 s. With ten Chromiums on two cores the browsers' figures
say more about the browsers than about Vocation: they are reported, not targets.

What the machine itself costs is measured too: each view's time waiting, ready to run, for a core
(the app's `core_wait_s`), and a probe that has nothing to do with Vocation (a process at the
server's priority that only sleeps 10 ms, over and over) counts each time it was held off a core
for 50 ms or more. On this machine the browsers hold the server off the cores even under
`--browsers-idle` (docs/performance.md); `--browsers-cpu` keeps them and this script on the cores
given, so the server has the others to itself, as if each browser ran on its own computer.
Exit status 0 only when every target is met. Not part of `make test` (it takes
minutes). Errors leave a screenshot and the server's log under test-artifacts/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import functools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.core.access import Scope  # noqa: E402
from dashboard.ui.navigation import pages_for  # noqa: E402
from dashboard.ui.signin import DEMO_ROLES  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSING_ROLES = ("supervisor", "training_director", "leadership")
HEADINGS = {"home": "Vocation", "compare": "Compare applicants"}  # a page's title where not its menu name
OPEN_CARDS = 40  # cards seeded for the interviewer: more than a 120 s run submits


@dataclasses.dataclass
class Run:
    """What the sessions saw: each page view's start and seconds, errors, and the import's window."""

    views: list[tuple[str, float, float]] = dataclasses.field(default_factory=list)  # page, start, s
    errors: list[str] = dataclasses.field(default_factory=list)
    log: list[str] = dataclasses.field(default_factory=list)
    import_window: tuple[float, float] | None = None
    phases: dict[str, float] = dataclasses.field(default_factory=dict)  # import step -> time it ended
    cpu: list[tuple[float, float, float]] = dataclasses.field(default_factory=list)  # see sample_cpu
    stalls: list[tuple[float, float]] = dataclasses.field(default_factory=list)  # see stall_probe

    warmup_end: float = 0.0  # views that start before this are the warm-up's, outside the targets
    clock: float = 0.0  # time.time() - time.perf_counter(): the server's timing lines are in epoch seconds

    def seconds(self, during_import: bool | None = None) -> list[float]:
        """Page times after the warm-up: all of them, or only those that overlapped (or did not
        overlap) the import."""
        views = [(start, t) for _, start, t in self.views if start >= self.warmup_end]
        if during_import is None or self.import_window is None:
            return [t for _, t in views]
        a, b = self.import_window
        return [t for start, t in views if (start < b and start + t > a) == during_import]

    def warmup_seconds(self) -> list[float]:
        """Page times of the warm-up: sessions arriving, each browser loading the app, caches filling."""
        return [t for _, start, t in self.views if start < self.warmup_end]


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total, pids = 0, [pid]
    while pids:
        p = pids.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            pids.extend(int(c) for c in children)
        except OSError:
            continue
    return round(total / 1024, 1)


def _cpu_ticks() -> dict[int, tuple[str, int, int]]:
    """Every process: pid -> (command name, parent pid, user+system CPU ticks so far)."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        out[int(stat.parent.name)] = (name, int(rest[1]), int(rest[11]) + int(rest[12]))
    return out


async def sample_cpu(
    server_pid: int, deadline: float, samples: list[tuple[float, float, float]], nice: int
) -> None:
    """Once a second until the deadline: (time, server's CPU %, browsers' CPU %) of the last second;
    100 % is one core busy. The server's share includes its children (the upload parser).

    Also gives every browser process the priority `nice` (new ones inherit it from the process
    that starts them, and are caught here within a second)."""
    hz = os.sysconf("SC_CLK_TCK")
    niced: set[int] = set()
    before, t0 = _cpu_ticks(), time.perf_counter()
    while time.time() < deadline:
        await asyncio.sleep(1)
        now, t1 = _cpu_ticks(), time.perf_counter()
        server = {server_pid}
        for _ in range(3):  # children and grandchildren
            server |= {pid for pid, (_, ppid, _) in now.items() if ppid in server}
        browsers = {p for p, (name, _, _) in now.items() if "chrom" in name} - server
        for pid in browsers - niced:
            with contextlib.suppress(OSError):  # gone already
                os.setpriority(os.PRIO_PROCESS, pid, nice)
            niced.add(pid)
        used = [sum(now[p][2] - before.get(p, ("", 0, 0))[2] for p in group) for group in (server, browsers)]
        samples.append((t1, *(round(100 * u / hz / (t1 - t0), 1) for u in used)))
        before, t0 = now, t1


def generate(scale: int, out: Path, seed: int | None = None) -> Path:
    """Generate the sample data at `scale` (optionally with another seed) into `out`."""
    cmd = [
        sys.executable,
        str(ROOT / "sample_data" / "generate.py"),
        "--scale",
        str(scale),
        "--out",
        str(out),
    ]
    subprocess.run(cmd + (["--seed", str(seed)] if seed is not None else []), check=True)
    return out


def build(scale: int, folder: Path) -> tuple[Path, Path]:
    """Build a database at `scale`, and a second dataset for the import during the test: the same
    people with other answers, scores and outcomes (another seed), so that the import really
    changes the data and every cached page must be worked out again, as after a real import."""
    db_file = folder / "load.duckdb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard",
            "load",
            str(generate(scale, folder / "data")),
            "--db",
            str(db_file),
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    seed_open_cards(db_file, OPEN_CARDS)
    return generate(scale, folder / "changed", seed=20261125), db_file


def seed_open_cards(db_file: Path, count: int) -> list[str]:
    """Give the interviewer cards to submit: the demo panels (which `load` schedules on the
    bundled sample data only, so at other scales they are scheduled here), then `count` hiring
    interviews dated yesterday with sample rater R01 alone on the panel, each card not started
    (its conflict check still to do), through the same audited functions the pages use."""
    from datetime import date, timedelta

    from dashboard.demo import panels
    from dashboard.scorecards import interviews
    from dashboard.store import db

    store = db.Store.open(db_file)
    try:
        panels.seed(store)  # nothing when the sample's demo panels are there already
        open_apps = "select application_id from applications where status = 'open' order by 1"
        apps = [app for (app,) in store.con.execute(open_apps).fetchall()]
        panel, yesterday = (panels.demo_rater(store),), date.today() - timedelta(days=1)
        requests = [
            interviews.Request(yesterday, panel, application_id=apps[i % len(apps)]) for i in range(count)
        ]
        return [interviews.schedule(store, panels.SEEDER, req) for req in requests]
    finally:
        store.close()


def start_server(db_file: Path, port: int, log, timing_file: Path) -> subprocess.Popen:
    """Start the app on `port` (its output to the open file `log`; its own time of each page view
    and small write to `timing_file`, VOCATION_TIMING); wait until it answers."""
    env = {
        **os.environ,
        "VOCATION_DB": str(db_file),
        "VOCATION_DEMO": "1",
        "VOCATION_TIMING": "1",
        "VOCATION_TIMING_FILE": str(timing_file),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--logger.level",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


async def wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the app has finished running its script and drawn a title."""
    await page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms
    )
    await page.wait_for_selector("h1", timeout=timeout_ms)


async def browse(
    browser, base: str, number: int, deadline: float, run: Run, think: float, ramp: float
) -> None:
    """Session `number`: open the app, then visit every page its role may see through the menu,
    round and round, until the deadline (one browser session, as a person clicking through).

    Like people, the sessions do not move in step: each starts at its own moment and at its own
    page, and reads each page for a random time averaging `think` seconds (half to one and a half
    times it; seeded, so a run can be repeated)."""
    role = BROWSING_ROLES[number % len(BROWSING_ROLES)]
    rng = random.Random(number)
    await asyncio.sleep(rng.uniform(0, ramp))  # people arrive over the ramp, not all at once
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors = run.errors
    page.on("pageerror", lambda exc: errors.append(f"{role}: script error {exc}"))
    specs = pages_for(Scope("load", DEMO_ROLES[role][1]))
    first = number // len(BROWSING_ROLES) % len(specs)
    specs = specs[first:] + specs[:first]
    try:
        await page.goto(f"{base}/?role={role}")
        await wait_idle(page)
    except Exception as exc:
        errors.append(f"{role} first load: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    while time.time() < deadline:
        for spec in specs:
            if time.time() >= deadline:
                break
            start = time.perf_counter()
            try:
                await page.get_by_test_id("stSidebarNav").get_by_text(spec.title, exact=True).click()
                await page.wait_for_url(f"**/{'' if spec.key == 'home' else spec.key}*", timeout=30_000)
                # the new page's own title, then idle: right after the click the browser still
                # shows the previous page, idle, which must not count as this page drawn
                heading = page.locator("h1", has_text=HEADINGS.get(spec.key, spec.title))
                await heading.first.wait_for(timeout=30_000)
                await wait_idle(page)
                run.views.append((spec.key, start, time.perf_counter() - start))
                if await page.locator('[data-testid="stException"]').count():
                    errors.append(f"{role} {spec.key}: exception shown")
            except Exception as exc:  # a timeout or a crash is an error to count, not a reason to stop
                errors.append(f"{role} {spec.key}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
                shot = ROOT / "test-artifacts" / f"load-error-{role}-{spec.key}.png"
                shot.parent.mkdir(exist_ok=True)
                await page.screenshot(path=str(shot), full_page=True)
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)  # a person reads the page


OPEN_STATUSES = ("draft", "overdue", "not started")  # a card still to submit; drafts first
EXCERPTS = (
    "On Sundays I walk the dog for two hours and leave my phone at home.",
    "When a client cancels I use the hour to write up my notes, then I go home on time.",
    "I ask my supervisor to watch my recordings; I would rather hear it from her than guess.",
    "Every autumn I choose one skill to learn properly, this year motivational interviewing.",
)


class Tab:
    """The interviewer's tab, which counts the runs of the app's script it has seen finish, as
    the server tells it on the tab's websocket (a ForwardMsg script_finished). The page's own
    running/idle mark is not enough to wait for a run after a click: under load a short run
    came and went without the mark ever changing, and the wait never ended."""

    def __init__(self, page):
        self.page, self.finished, self.news = page, 0, asyncio.Event()
        self.picked = ""  # the option last picked on My interviews (reported with an error after it)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        from google.protobuf.message import DecodeError
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, bytes) or len(payload) > 256:  # page content: not the news
            return
        with contextlib.suppress(DecodeError):
            msg = ForwardMsg.FromString(payload)
            done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished in done:
                self.finished += 1
                self.news.set()

    async def step(self, run: Run, key: str, click, done) -> None:
        """`click()`, then wait until a run of the script has finished, the page is idle and the
        locator `done` is there; the seconds from the click count as a view of `key`."""
        seen, start = self.finished, time.perf_counter()
        await click()
        while self.finished == seen:
            self.news.clear()
            try:
                await asyncio.wait_for(self.news.wait(), 30 - (time.perf_counter() - start))
            except (TimeoutError, ValueError):
                raise TimeoutError("the app did not run within 30 s of the click") from None
        await wait_idle(self.page)
        await done.wait_for(timeout=30_000)
        run.views.append((key, start, time.perf_counter() - start))
        if await self.page.locator('[data-testid="stException"]').count():
            raise RuntimeError("exception shown")


async def pick_open_card(tab: Tab, run: Run) -> None:
    """On My interviews: pick the first card still to submit, dated today or before (typing its
    status into the Interview box filters the list), and wait for the page to run again."""
    page, today = tab.page, time.strftime("%Y-%m-%d")
    box = page.locator(".st-key-my_interviews_pick")
    shown = await box.get_by_role("combobox").input_value()  # the card picked now
    for status in OPEN_STATUSES:
        await box.click()
        await page.keyboard.press("Control+A")
        await page.keyboard.type(status)
        for option in await page.get_by_role("option").all():
            text = await option.inner_text()
            if text.endswith(f" · {status}") and text[:10] <= today:
                tab.picked = text
                if text == shown:  # picked already: nothing to run
                    await page.keyboard.press("Escape")
                    return
                await tab.step(run, "my_interviews_pick", option.click, box)
                shown = await box.get_by_role("combobox").input_value()
                if shown != text:
                    tab.picked = f"{text}, but the box shows {shown}"
                return
        await page.keyboard.press("Escape")
    raise RuntimeError("no open scorecard left")


async def interview(browser, base: str, deadline: float, run: Run, think: float, ramp: float) -> None:
    """The interviewer session (demo role: sample rater R01): open My interviews, pick a card not
    yet submitted, open it, confirm the conflict-of-interest check, score one theme with a verbatim
    excerpt and submit; then the next card, until the deadline. Reads each page `think` seconds
    on average, like the browsing sessions; every step is a page view."""
    rng = random.Random("interviewer")
    await asyncio.sleep(rng.uniform(0, ramp))
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    tab, errors = Tab(page), run.errors
    page.on("pageerror", lambda exc: errors.append(f"interviewer: script error {exc}"))

    async def read() -> None:  # a person reads the page (or types) before the next click
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)

    try:
        await page.goto(f"{base}/?role=interviewer")
        await wait_idle(page)
    except Exception as exc:
        errors.append(f"interviewer first load: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    menu = page.get_by_test_id("stSidebarNav").get_by_text("My interviews", exact=True)
    open_card = page.get_by_role("button", name="Open the scorecard")
    conflict = page.get_by_text("I have no dual relationship with this person")
    confirm = page.get_by_role("button", name="Confirm and open the scorecard")
    submit = page.get_by_role("button", name="Submit (locks the card)")
    while time.time() < deadline:
        step = "my_interviews"
        try:
            await tab.step(run, step, menu.click, open_card)
            await read()
            step = "my_interviews_pick"
            await pick_open_card(tab, run)
            await read()
            step = "scorecard"
            await tab.step(run, step, open_card.click, conflict.or_(submit))
            if await conflict.count():  # the conflict-of-interest check comes first
                await read()
                step = "scorecard_confirm"
                await tab.step(run, "scorecard_edit", conflict.click, confirm)
                await read()
                await tab.step(run, step, confirm.click, submit)
            await read()
            step = "scorecard_edit"  # the first theme: a score and an excerpt, each unlike the draft's
            theme = page.get_by_test_id("stRadio").first
            scores = [s for s in "01234" if not await theme.get_by_role("radio", name=s).is_checked()]
            await tab.step(run, step, theme.get_by_text(rng.choice(scores), exact=True).click, submit)
            excerpt = page.get_by_label("Excerpt 1: the person's own words").first
            said = await excerpt.input_value()
            await excerpt.fill(rng.choice([e for e in EXCERPTS if e != said]))
            await read()
            await tab.step(run, step, functools.partial(excerpt.press, "Control+Enter"), submit)
            await read()
            step = "scorecard_submit"
            done = page.get_by_text("Submitted. The panel's submitted cards are below.")
            await tab.step(run, step, submit.click, done)
        except Exception as exc:  # count it, photograph it, go on with the next card
            first_line = (str(exc) or "-").splitlines()[0][:120]
            picked = f" (picked: {tab.picked})" if step == "scorecard" else ""
            errors.append(f"interviewer {step}: {type(exc).__name__}: {first_line}{picked}")
            shot = ROOT / "test-artifacts" / f"load-error-interviewer-{step}.png"
            shot.parent.mkdir(exist_ok=True)
            await page.screenshot(path=str(shot), full_page=True)
            await page.keyboard.press("Escape")  # a list left open would catch the next click
        await read()
    await context.close()


async def import_during_load(browser, base: str, data: Path, run: Run, at: float) -> None:
    """The admin session: at `at` (perf_counter), upload a dataset on the Data page, check it and
    import it; the import's window runs from the upload to "Imported."."""
    await asyncio.sleep(max(0.0, at - 5 - time.perf_counter()))
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(f"{base}/data?role=admin")
        await wait_idle(page)
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        files = sorted(str(p) for p in data.glob("*.csv"))
        start = time.perf_counter()
        await page.locator('input[type="file"]').set_input_files(files)
        await page.wait_for_timeout(2000)
        await page.get_by_role("button", name="Check files").click()
        await page.get_by_role("button", name="Import").wait_for(timeout=300_000)
        run.phases["checked"] = time.perf_counter()
        await page.get_by_role("button", name="Import").click()
        await page.get_by_text("Imported.").wait_for(timeout=300_000)
        run.phases["imported"] = time.perf_counter()
        run.import_window = (start, time.perf_counter())
        run.log.append(f"import through the Data page: {time.perf_counter() - start:.1f} s (check + write)")
    except Exception as exc:
        run.errors.append(f"admin import: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    await context.close()


async def drive(base: str, data: Path, server_pid: int, args: argparse.Namespace) -> Run:
    """Run the sessions (the last one the interviewer, the others browsing) and the import together."""
    from playwright.async_api import async_playwright

    run = Run()
    if args.browser_nice:
        # With the kernel's autogroups (on by default) CPU is shared between sessions first: the server
        # runs in a session of its own, so a nice value inside this one would not weigh against it.
        # This session's group (this script and every browser it starts) gets the priority instead.
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(f"{args.browser_nice}\n")
        # Where autogroups are off, nice values count thread by thread, and a thread takes its nice
        # value from the thread that starts it: this thread steps down before Playwright's driver
        # and the browser start, so every thread of theirs is born at the lower priority (the server
        # was started before, at its own).
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), args.browser_nice)
    if args.browsers_idle:
        # Chromium sets its own threads' nice values (some to -8 when run as root), so a nice value
        # does not hold its threads down; the SCHED_IDLE policy does (they inherit it, and a nice value
        # means nothing under it): the browsers get only the CPU the server leaves.
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if args.browsers_cpu:
        # Even under SCHED_IDLE, the browsers held the server off the cores here (the probe shows it):
        # kept on these cores, they leave the others to the server (the browsers and Playwright's
        # driver inherit this thread's cores).
        os.sched_setaffinity(0, args.browsers_cpu)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for pid, (name, _, _) in _cpu_ticks().items():  # before the first tab: tabs inherit it
            if "chrom" in name:
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, pid, args.browser_nice)
        deadline, t0 = time.time() + args.seconds, time.perf_counter()
        run.clock = time.time() - time.perf_counter()
        run.warmup_end = t0 + args.warmup
        ramp, think = args.ramp, args.think
        tasks = [browse(browser, base, i, deadline, run, think, ramp) for i in range(args.sessions - 1)]
        tasks.append(interview(browser, base, deadline, run, think, ramp))
        tasks.append(import_during_load(browser, base, data, run, t0 + args.import_at))
        tasks.append(sample_cpu(server_pid, deadline, run.cpu, args.browser_nice))
        await asyncio.gather(*tasks)
        await browser.close()
    return run


def p95(values: list[float]) -> float:
    """The 95th percentile (the largest value when there are fewer than 20)."""
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values, default=0.0)


def cpu_summary(run: Run, during_import: bool) -> str:
    """Mean CPU of the server and of the browsers over the seconds inside (or outside) the import."""
    a, b = run.import_window or (0.0, 0.0)
    rows = [(srv, br) for t, srv, br in run.cpu if (a <= t <= b + 1) == during_import]
    if not rows:
        return "no samples"
    server, browsers = (statistics.mean(col) for col in zip(*rows, strict=True))
    return f"server {server:.0f} %, browsers {browsers:.0f} %"


# A process unrelated to Vocation, at the server's priority: it sleeps 10 ms, over and over, and
# writes each time it woke 50 ms or more late (held off a core: the machine's doing, not the app's).
STALL_PROBE = """
import sys, time
out, end = open(sys.argv[1], "w", buffering=1), time.time() + float(sys.argv[2])
while time.time() < end:
    t = time.perf_counter(); time.sleep(0.01); late = time.perf_counter() - t - 0.01
    if late >= 0.05:
        out.write(f"{time.time() - late:.3f} {late:.4f}\\n")
"""
STALL_MIN_S = 0.05


def stall_probe(out: Path, seconds: float) -> subprocess.Popen:
    """Start the probe (before this script steps down: it keeps the server's priority)."""
    return subprocess.Popen([sys.executable, "-c", STALL_PROBE, str(out), str(seconds)])


def read_stalls(run: Run, out: Path) -> None:
    """The probe's stalls, (start in this script's clock, seconds), into `run.stalls` (a line cut
    short by the probe's end is left out)."""
    lines = [line.split() for line in (out.read_text().splitlines() if out.exists() else [])]
    run.stalls = [(float(a) - run.clock, float(b)) for a, b in (p for p in lines if len(p) == 2)]


def stall_summary(run: Run, during_import: bool) -> str:
    """How often (and how long in all) the probe was held off a core, inside or outside the import."""
    a, b = run.import_window or (0.0, 0.0)
    late = [s for t, s in run.stalls if t >= run.warmup_end and (a <= t <= b) == during_import]
    return f"{len(late)} times, {sum(late):.1f} s in all"


def summary(values: list[float]) -> str:
    """'n=…, median … s, p95 … s' for a list of page times."""
    if not values:
        return "n=0"
    return f"n={len(values)}, median {statistics.median(values):.2f} s, p95 {p95(values):.2f} s"


SERVER_VIEW_TARGET_S = 0.5  # the server's own time per page view, p95 (VOCATION_TIMING)
SMALL_WRITE_TARGET_S = 1.0  # a small write (scorecard step, decision, grant ...) during the import, p95


def server_times(run: Run, timing_file: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """The server's page views after the warm-up (not the runs that checked and imported the upload:
    they are the admin's batch, reported apart), its small writes and those batch runs, from the
    app's VOCATION_TIMING lines; `start` in this script's clock."""
    views, writes, batch = [], [], []
    lines = timing_file.read_text().splitlines() if timing_file.exists() else []
    for line in lines:
        item = json.loads(line)
        item["start"] = item["at"] - item["wall_s"] - run.clock
        if item["kind"] == "view" and item.get("batch"):
            batch.append(item)
        elif item["kind"] == "view" and item["start"] >= run.warmup_end:
            views.append(item)
        elif item["kind"] == "write" and item["name"] != "import_refresh":
            writes.append(item)
    return views, writes, batch


def during(run: Run, items: list[dict], inside: bool = True) -> list[dict]:
    """The items that overlapped the import's window (or did not)."""
    a, b = run.import_window or (0.0, 0.0)
    return [i for i in items if (i["start"] < b and i["start"] + i["wall_s"] > a) == inside]


def print_server(run: Run, views: list[dict], writes: list[dict], batch: list[dict]) -> tuple[float, ...]:
    """Print the server's own figures; returns (view p95, view p95 during the import, small-write
    p95 while the import wrote)."""
    seconds = [v["wall_s"] for v in views]
    in_import = [v["wall_s"] for v in during(run, views)]
    print(f"server, page views (script runs) after the warm-up: {summary(seconds)} (target p95 ≤ 0.5 s)")
    print(f"  while the import ran: {summary(in_import)} (target p95 ≤ 0.5 s)")
    waits = [v["core_wait_s"] for v in views if "core_wait_s" in v]
    if waits:
        print(
            f"  waiting, ready to run, for a core: mean {statistics.mean(waits) * 1000:.0f} ms, p95 "
            f"{p95(waits) * 1000:.0f} ms per view (the script's thread, while other threads or processes "
            "had the cores)"
        )
        less = [v["wall_s"] - v.get("core_wait_s", 0.0) for v in views]
        less_import = [v["wall_s"] - v.get("core_wait_s", 0.0) for v in during(run, views)]
        print(f"  less those waits: p95 {p95(less):.2f} s, while the import ran {p95(less_import):.2f} s")
    cpu = [v["cpu_s"] for v in views]
    if cpu:
        print(
            f"  CPU per view: mean {statistics.mean(cpu) * 1000:.0f} ms, p95 {p95(cpu) * 1000:.0f} ms "
            "(the script's thread; DuckDB's worker threads not included)"
        )
    by_page: dict[str, list[dict]] = {}
    for v in views:
        by_page.setdefault(v["page"], []).append(v)
    for page, items in sorted(by_page.items(), key=lambda kv: -p95([i["wall_s"] for i in kv[1]])):
        wall, cpu = [i["wall_s"] for i in items], [i["cpu_s"] for i in items]
        print(f"  {page:<18} {summary(wall)}, CPU mean {statistics.mean(cpu) * 1000:.0f} ms per view")
    for item in batch:
        print(f"  the upload's {item['batch']} on the Data page (not a view): {item['wall_s']:.1f} s")
    imports = [w for w in writes if w["during_import"]]
    print(
        f"small writes while the import wrote: {summary([w['wall_s'] for w in imports])} (target p95 ≤ 1 s)"
    )
    if not imports:
        print(
            "  (none fell inside the import's write this time; `make bench` times them at scale 100 and 1,000)"
        )
    names: dict[str, list[float]] = {}
    for w in imports:
        names.setdefault(w["name"], []).append(w["wall_s"])
    for name, values in sorted(names.items()):
        print(f"  {name:<18} {summary(values)}, max {max(values):.2f} s")
    others = [w["wall_s"] for w in writes if not w["during_import"]]
    print(f"  otherwise: {summary(others)}")
    return p95(seconds), p95(in_import), p95([w["wall_s"] for w in imports])


def _cores(text: str) -> set[int]:
    """'1' or '2,3' -> the cores, which must be some (not all) of those this process may use."""
    try:
        cores = {int(c) for c in text.split(",")}
    except ValueError:
        raise argparse.ArgumentTypeError(f"cores as numbers separated by commas, not {text!r}") from None
    usable = os.sched_getaffinity(0)
    if not cores <= usable or cores == usable:
        raise argparse.ArgumentTypeError(f"some, not all, of the cores {sorted(usable)}")
    return cores


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print its report; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions", type=int, default=10, help="browser sessions, one of them the interviewer (at least 1)"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=10,
        help="seconds over which the sessions arrive (each at a seeded moment)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=20,
        help="seconds from the start whose page views (sessions arriving, browsers loading the app, "
        "caches filling) are reported apart, outside the targets",
    )
    parser.add_argument(
        "--import-at",
        type=float,
        default=30,
        help="seconds from the start when the admin uploads and imports",
    )
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a session reads a page before its next click"
    )
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=0,
        help="CPU priority of the browsers (and of this script): 0 (the default) = the server's; 19 = "
        "far below it, to see the server as if each person's browser ran on their own computer "
        "(set on this session's autogroup, which is what weighs against the server's)",
    )
    parser.add_argument(
        "--browsers-idle",
        action="store_true",
        help="run this script and the browsers under Linux's SCHED_IDLE policy: they get only the CPU "
        "the server leaves, as if each person's browser ran on their own computer (a nice value does "
        "not do it: Chromium sets its threads' own)",
    )
    parser.add_argument(
        "--browsers-cpu",
        type=_cores,
        help="keep this script and the browsers on these cores (e.g. 1, or 2,3), leaving the others to "
        "the server: on a machine where the browsers hold the server off the cores even under "
        "--browsers-idle, as if each browser ran on its own computer",
    )
    parser.add_argument(
        "--json", type=Path, help="write every page view, the import's steps and the scorecard submits here"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="record the server with py-spy (if installed) into this file, as collapsed stacks of "
        "the thread holding Python's GIL (what keeps the other sessions waiting)",
    )
    parser.add_argument(
        "--profile-threads",
        action="store_true",
        help="with --profile: record every thread, waiting or not, each stack under its thread's id "
        "(match a slow view's `thread` in the --json file to see what it waited for)",
    )
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions: at least 1 (the interviewer)")
    with tempfile.TemporaryDirectory(prefix="vocation-load-") as tmp:
        data, db_file = build(args.scale, Path(tmp))
        port = free_port()
        log_file = ROOT / "test-artifacts" / "load-server.log"
        log_file.parent.mkdir(exist_ok=True)
        timing_file = Path(tmp) / "timing.jsonl"
        server = start_server(db_file, port, log_file.open("w"), timing_file)
        stalls_file = Path(tmp) / "stalls.txt"
        probe = stall_probe(stalls_file, args.seconds + 30)
        try:
            mem_start = tree_rss_mb(server.pid)
            spy = None
            if args.profile:
                spy = subprocess.Popen(
                    [
                        str(Path(sys.executable).with_name("py-spy")),
                        "record",
                        "--pid",
                        str(server.pid),
                        "--format",
                        "raw",
                        "--rate",
                        "50",
                        *(["--threads", "--idle", "--nonblocking"] if args.profile_threads else ["--gil"]),
                        "--output",
                        str(args.profile),
                        "--duration",
                        str(args.seconds + 30),
                    ],
                    stdout=subprocess.DEVNULL,
                )
            run = asyncio.run(drive(f"http://127.0.0.1:{port}", data, server.pid, args))
            mem_end = tree_rss_mb(server.pid)
            if spy:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            probe.kill()
            probe.wait()
        views, writes, batch = server_times(run, timing_file)
        read_stalls(run, stalls_file)
    times = run.seconds()
    submits = [seconds for key, _, seconds in run.views if key == "scorecard_submit"]
    if args.json:
        report = {**dataclasses.asdict(run), "scorecard_submits": submits}
        report["server_views"], report["server_writes"], report["server_batch"] = views, writes, batch
        report["scorecard_submit_summary"] = {
            "n": len(submits),
            "median_s": statistics.median(submits) if submits else None,
            "p95_s": p95(submits) if submits else None,
        }
        args.json.write_text(json.dumps(report, indent=1))
    print(
        f"sessions: {args.sessions} ({args.sessions - 1} browsing, 1 interviewer) + 1 importing, "
        f"{args.seconds} s, scale {args.scale}, think {args.think} s, browsers at nice {args.browser_nice}"
        + (" under SCHED_IDLE" if args.browsers_idle else "")
    )
    print(f"browser, page views after the first {args.warmup:g} s: {summary(times)} (for reference)")
    print(f"  while the import ran: {summary(run.seconds(during_import=True))}")
    print(f"  otherwise:            {summary(run.seconds(during_import=False))}")
    print(
        f"warm-up, the first {args.warmup:g} s (sessions arriving over {args.ramp:g} s, each browser "
        f"loading the app, caches filling; not in the targets): {summary(run.warmup_seconds())}"
    )
    by_page: dict[str, list[float]] = {}
    for key, _, seconds in run.views:
        by_page.setdefault(key, []).append(seconds)
    for key, values in sorted(by_page.items(), key=lambda kv: -p95(kv[1])):
        print(f"  {key:<18} {summary(values)}, max {max(values):.2f} s")
    print(f"scorecard submits: {summary(submits)} (the interviewer; target at least 1)")
    print(f"CPU (100 % = one core of {os.cpu_count()}): {cpu_summary(run, True)} while the import ran;")
    print(f"  {cpu_summary(run, False)} otherwise")
    print(
        f"held off a core ≥ {STALL_MIN_S * 1000:.0f} ms, a probe unrelated to Vocation at the server's "
        f"priority: {stall_summary(run, True)} while the import ran; {stall_summary(run, False)} otherwise"
        + (f" (the browsers kept on core {sorted(args.browsers_cpu)})" if args.browsers_cpu else "")
    )
    print(f"errors: {len(run.errors)} (target 0)")
    for e in run.errors[:20]:
        print(f"  {e}")
    for line in run.log:
        print(line)
    print(f"server memory: {mem_start} MB at start, {mem_end} MB at end")
    view_p95, view_import_p95, write_p95 = print_server(run, views, writes, batch)
    met = view_p95 <= SERVER_VIEW_TARGET_S and view_import_p95 <= SERVER_VIEW_TARGET_S
    return 0 if not run.errors and submits and met and write_p95 <= SMALL_WRITE_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
