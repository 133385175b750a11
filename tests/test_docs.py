"""The README and docs/ name only what exists, and document everything that exists: every link,
anchor and image resolves; every command, report and VOCATION_* variable they mention is real;
every report and variable the code has is documented; every module path they name exists."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

from dashboard import cli
from dashboard.reports import REPORTS

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
GUIDES = [
    "supervisors-and-interviewers.md",
    "training-directors.md",
    "leadership.md",
    "admin.md",
    "data-contract.md",
    "performance.md",
    "development.md",
]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _all_text() -> str:
    return "\n".join(_text(p) for p in PAGES)


def _code_text() -> str:
    paths = [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def _outside_code(text: str) -> str:
    """The text without fenced code blocks (a `#` there is a comment, not a heading)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation removed except '-' and '_', spaces to '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file (repeated headings get -1, -2, as on GitHub)."""
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _outside_code(_text(path)), re.M):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def test_slug_follows_github():
    assert slug("Scorecards: interviewers rate in Vocation") == "scorecards-interviewers-rate-in-vocation"
    assert slug("2. Fill `.streamlit/secrets.toml`") == "2-fill-streamlitsecretstoml"
    assert slug("Demo mode (no sign-in)") == "demo-mode-no-sign-in"


def test_every_guide_exists_and_the_readme_links_to_it():
    readme = _text(README)
    for guide in GUIDES:
        assert (ROOT / "docs" / guide).is_file(), guide
        assert f"](docs/{guide})" in readme, f"README does not link to docs/{guide}"


def test_the_readme_is_a_front_door():
    assert len(_text(README).splitlines()) <= 250


def test_every_link_and_anchor_resolves():
    for page in PAGES:
        for target in LINK.findall(_outside_code(_text(page))):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            file_part, _, anchor = target.partition("#")
            resolved = (page.parent / file_part).resolve() if file_part else page
            where = f"{page.relative_to(ROOT)} links to {target}"
            assert resolved.exists(), where
            if anchor:
                assert resolved.suffix == ".md", where
                assert anchor in anchors(resolved), f"{where}: no such heading"


def test_every_image_exists_and_is_a_png():
    images = [t for p in PAGES for t in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", _text(p))]
    assert len(images) >= 2, "the README shows screenshots"
    for page in PAGES:
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", _text(page)):
            image = (page.parent / target).resolve()
            assert image.is_file(), f"{page.name} shows {target}"
            assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", target


def _subcommands(parser) -> dict:
    action = next((a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"), None)
    return action.choices if action else {}


def test_every_command_the_docs_name_exists():
    commands = _subcommands(cli.build_parser())
    for page in PAGES:
        named = re.findall(r"python -m dashboard ([a-z-]+)(?: ([a-z-]+))?", _text(page))
        for command, sub in named:
            assert command in commands, f"{page.name} names `python -m dashboard {command}`"
            subs = _subcommands(commands[command])
            if subs and sub:
                assert sub in subs, f"{page.name} names `python -m dashboard {command} {sub}`"


def test_every_report_is_documented_and_every_documented_report_exists():
    named = set(re.findall(r"python -m dashboard report ([a-z-]+)", _all_text()))
    assert named == set(REPORTS)


def test_every_vocation_variable_is_real_and_documented():
    in_code = set(re.findall(r"VOCATION_[A-Z_]+", _code_text()))
    in_docs = set(re.findall(r"VOCATION_[A-Z_]+", _all_text()))
    assert in_docs == in_code
    table = _text(README).split("## Configuration", 1)[1].split("\n## ", 1)[0]
    admin = _text(ROOT / "docs" / "admin.md")
    for name in in_code:
        assert f"`{name}`" in table, f"{name} is not in the README's Configuration table"
        assert f"`{name}`" in admin, f"{name} is not in docs/admin.md"


def test_every_module_the_docs_name_exists():
    pattern = r"(?:dashboard|queries|tests|scripts)/[\w/]+\.(?:py|sql|md)"
    missing = sorted(
        {f"{page.name}: {path}" for page in PAGES for path in re.findall(pattern, _text(page))
         if not (ROOT / path).is_file()}
    )  # fmt: skip
    assert not missing, f"the docs name files that do not exist: {missing}"
