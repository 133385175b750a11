"""The README names only what exists: every command, report and VOCATION_* variable it mentions is
real, and every report and variable the code has is documented."""

from __future__ import annotations

import re

from conftest import ROOT

from dashboard import cli
from dashboard.reports import REPORTS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_text() -> str:
    paths = [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def _subcommands(parser) -> dict:
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


def test_every_command_the_readme_names_exists():
    commands = _subcommands(cli.build_parser())
    named = re.findall(r"python -m dashboard ([a-z-]+)(?: ([a-z-]+))?", README)
    assert named
    for command, sub in named:
        assert command in commands, f"README names `python -m dashboard {command}`"
        if command in ("report", "users") and sub:
            assert sub in _subcommands(commands[command]), f"README names `{command} {sub}`"


def test_every_report_is_in_the_readme_and_every_readme_report_exists():
    named = set(re.findall(r"python -m dashboard report ([a-z-]+)", README))
    assert named == set(REPORTS)


def test_every_vocation_variable_is_real_and_documented():
    in_readme = set(re.findall(r"VOCATION_[A-Z_]+", README))
    in_code = set(re.findall(r"VOCATION_[A-Z_]+", _code_text()))
    assert in_readme == in_code


def test_every_module_the_readme_names_exists():
    for path in set(re.findall(r"(?:dashboard|queries|tests|scripts)/[\w/]+\.(?:py|sql|md)", README)):
        assert (ROOT / path).is_file(), f"README names {path}"
