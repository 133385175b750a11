"""Remake the README's screenshots (docs/images/*.png) from the sample data, in demo mode.

Builds a temporary database from sample_data/, serves the app on a free port with
`python -m dashboard serve`, opens a few pages as the demo roles (`?role=`) in headless Chromium
(Playwright's Python API, Debian's /usr/bin/chromium) and saves one PNG per page. Run it after a
change to a page the pictures show:

    .venv/bin/python scripts/screenshots.py              # every shot
    .venv/bin/python scripts/screenshots.py --only screening
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (file name, page path, demo role, tab to open or None, heading to scroll to the top): what each
# picture shows, to whom
SHOTS = [
    ("screening", "screening", "supervisor", None, "Applicants (n ="),
    ("overview", "overview", "leadership", None, "Theme prevalence among"),
    ("evidence", "evidence", "leadership", "Retention over time", "Retention over time"),
    ("trainees", "trainees", "training_director", None, "Latest score and change since intake"),
]
VIEWPORT = {"width": 1280, "height": 800}


def free_port() -> int:
    """A TCP port nobody is listening on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    """Wait until the app answers /_stcore/health (or fail if it exits first)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the app exited before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not become healthy in {seconds:.0f} s")


def settle(page) -> None:
    """Wait until the page's script has run, its title is drawn and Vega has drawn every chart."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')]"
        ".every(c => c.querySelector('svg'))",
        timeout=60_000,
    )
    page.wait_for_timeout(1500)  # fonts, the grid's canvas and chart transitions


def show_from(page, heading: str) -> None:
    """Scroll the page so that the heading starting with `heading` is near the top (the page's
    content, not only its filters, is in the picture)."""
    found = page.locator('[data-testid="stMain"] :is(h1, h2, h3)', has_text=heading).first
    found.wait_for(timeout=30_000)
    found.evaluate("h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)


def main(argv: list[str] | None = None) -> int:
    """Build the sample database, serve it, and save the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a shot's name (repeatable); default every shot")
    parser.add_argument("--out", type=Path, default=IMAGES, help="where the PNGs go (default docs/images)")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.only or s[0] in args.only]
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="vocation-shots-") as tmp:
        work = Path(tmp)
        db = work / "vocation.duckdb"
        subprocess.run(
            [sys.executable, "-m", "dashboard", "load", "sample_data", "--db", str(db), "--by", "screenshots"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        (work / "no-secrets.toml").write_text("")  # demo mode: no [auth], whatever .streamlit/ holds
        env = {**os.environ, "VOCATION_DB": str(db), "VOCATION_DEMO": "1"}
        env.pop("VOCATION_BACKUP_DIR", None)
        port = free_port()
        url = f"http://localhost:{port}"
        log = (work / "app.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port), "--",
             "--server.headless", "true", "--secrets.files", str(work / "no-secrets.toml")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_healthy(url, proc)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                for name, path, role, tab, heading in shots:
                    context = browser.new_context(viewport=VIEWPORT)  # a new demo session per shot
                    page = context.new_page()
                    page.goto(f"{url}/{path}?role={role}")
                    settle(page)
                    if page.get_by_text("Page not found").count():
                        raise RuntimeError(f"{path} is not a page for {role}")
                    if tab:
                        page.get_by_role("tab", name=tab).click()
                        settle(page)
                    show_from(page, heading)
                    target = args.out / f"{name}.png"
                    page.screenshot(path=str(target))
                    print(
                        f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {path} as {role}"
                    )
                    context.close()
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
