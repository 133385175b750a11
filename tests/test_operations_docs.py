"""The docs document what operations need: every setting the code reads (in the README's
Configuration table and the admin guide), every command, and the Operations section's parts
(as Datasette tests its docs against its settings)."""

from __future__ import annotations

import re

from conftest import ROOT

from dashboard.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")
ADMIN = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
PERFORMANCE = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")


def test_every_setting_the_code_reads_is_in_the_configuration_table():
    code = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "dashboard").rglob("*.py"))
    settings = set(re.findall(r"VOCATION_[A-Z_]+", code))
    for name, text in (("README.md", README), ("docs/admin.md", ADMIN)):
        table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
        missing = sorted(s for s in settings if f"`{s}`" not in table)
        assert not missing, f"settings read by the code but not in {name}'s Configuration table: {missing}"


def test_every_command_is_in_the_command_line_table():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    table = ADMIN.split("## Command line", 1)[1].split("\n## ", 1)[0]
    for name in commands:
        if name == "bench":
            assert "python -m dashboard bench" in PERFORMANCE
            continue
        assert f"`python -m dashboard {name}" in table, name


def test_the_operations_section_covers_service_imports_backups_and_crashes():
    section = ADMIN.split("## Operations", 1)[1].split("\n## ", 1)[0]
    for part in (
        "### Running as a service",
        "### Commands while the app runs",
        "### Scheduled imports",
        "### Backups and restore",
        "### When a process dies",
    ):
        assert part in section, part
