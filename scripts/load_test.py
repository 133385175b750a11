"""Load test: concurrent browser sessions against one Vocation server while an import runs.

    .venv/bin/python scripts/load_test.py [--sessions 10] [--seconds 120] [--scale 10]

Builds a database at the given scale, starts `streamlit run dashboard/app.py` on a free local
port in demo mode (VOCATION_DEMO=1), then drives N Chromium sessions (Debian's /usr/bin/chromium,
through Playwright) that open every page their demo role may see, over and over, for the given
time; one admin session meanwhile uploads a dataset on the Data page and imports it. Reports the
errors (must be 0), the p95 page time (must be ≤ 3 s) and the server's memory at start and end.
Exit status 0 only when both targets are met. Not part of `make test` (it takes minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.auth import DEMO_ROLES, Scope  # noqa: E402
from dashboard.navigation import pages_for  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSING_ROLES = ("supervisor", "training_director", "leadership")


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


def build(scale: int, folder: Path) -> tuple[Path, Path]:
    """Generate data at `scale` and import it into a fresh database; return (data dir, db file)."""
    data, db_file = folder / "data", folder / "load.duckdb"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "sample_data" / "generate.py"),
            "--scale",
            str(scale),
            "--out",
            str(data),
        ],
        check=True,
    )
    subprocess.run(
        [sys.executable, "-m", "dashboard", "load", str(data), "--db", str(db_file)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return data, db_file


def start_server(db_file: Path, port: int) -> subprocess.Popen:
    """Start the app on `port` and wait until it answers its health check."""
    env = {**os.environ, "VOCATION_DB": str(db_file), "VOCATION_DEMO": "1"}
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
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
    browser, base: str, role: str, deadline: float, times: list[float], errors: list[str], think: float
) -> None:
    """One session: open the app, then visit every page its role may see through the menu, round
    and round, until the deadline (one browser session, as a person clicking through)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"{role}: script error {exc}"))
    specs = pages_for(Scope("load", DEMO_ROLES[role][1]))
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
                await wait_idle(page)
                times.append(time.perf_counter() - start)
                if await page.locator('[data-testid="stException"]').count():
                    errors.append(f"{role} {spec.key}: exception shown")
            except Exception as exc:  # a timeout or a crash is an error to count, not a reason to stop
                errors.append(f"{role} {spec.key}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
            await asyncio.sleep(think)  # a person reads the page before the next click


async def import_during_load(browser, base: str, data: Path, errors: list[str], log: list[str]) -> None:
    """The admin session: upload a dataset on the Data page, check it, import it."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(f"{base}/data?role=admin")
        await wait_idle(page)
        files = sorted(str(p) for p in data.glob("*.csv"))
        await page.locator('input[type="file"]').set_input_files(files)
        await page.wait_for_timeout(2000)
        start = time.perf_counter()
        await page.get_by_role("button", name="Check files").click()
        await page.get_by_role("button", name="Import").wait_for(timeout=300_000)
        await page.get_by_role("button", name="Import").click()
        await page.get_by_text("Imported.").wait_for(timeout=300_000)
        log.append(f"import through the Data page: {time.perf_counter() - start:.1f} s (check + write)")
    except Exception as exc:
        errors.append(f"admin import: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    await context.close()


async def drive(
    base: str, sessions: int, seconds: int, data: Path, think: float
) -> tuple[list[float], list[str], list[str]]:
    """Run the browsing sessions and the import together."""
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []
    log: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        deadline = time.time() + seconds
        tasks = [
            browse(browser, base, BROWSING_ROLES[i % len(BROWSING_ROLES)], deadline, times, errors, think)
            for i in range(sessions)
        ]
        tasks.append(import_during_load(browser, base, data, errors, log))
        await asyncio.gather(*tasks)
        await browser.close()
    return times, errors, log


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print its report; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--think", type=float, default=1.0, help="seconds each session waits between clicks")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vocation-load-") as tmp:
        data, db_file = build(args.scale, Path(tmp))
        port = free_port()
        server = start_server(db_file, port)
        try:
            mem_start = tree_rss_mb(server.pid)
            times, errors, log = asyncio.run(
                drive(f"http://127.0.0.1:{port}", args.sessions, args.seconds, data, args.think)
            )
            mem_end = tree_rss_mb(server.pid)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times, default=0)
    print(
        f"sessions: {args.sessions} + 1 importing, {args.seconds} s, scale {args.scale}, think {args.think} s"
    )
    print(
        f"page views: {len(times)}; median {statistics.median(times) if times else 0:.2f} s; p95 {p95:.2f} s (target ≤ 3 s)"
    )
    print(f"errors: {len(errors)} (target 0)")
    for e in errors[:20]:
        print(f"  {e}")
    for line in log:
        print(line)
    print(f"server memory: {mem_start} MB at start, {mem_end} MB at end")
    return 0 if not errors and p95 <= 3.0 and times else 1


if __name__ == "__main__":
    sys.exit(main())
