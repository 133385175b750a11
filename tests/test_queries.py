"""Every query file parses, and the $parameters it uses are exactly those its callers pass."""

from __future__ import annotations

import ast
import re

import duckdb
import pytest
from conftest import ROOT

from dashboard.db import QUERIES_DIR

QUERY_FILES = sorted(QUERIES_DIR.glob("*.sql"))
PARAM = re.compile(r"(?<![\w$])\$([a-z_][a-z0-9_]*)")


def _calls() -> dict[str, list[tuple[str, set[str]]]]:
    """Every call like store.query("name", a=..., b=...) in the app: name -> [(where, keywords)]."""
    found: dict[str, list[tuple[str, set[str]]]] = {}
    for path in (ROOT / "dashboard").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in {"query", "query_uncached", "execute", "append"} or not node.args:
                continue
            if "store" not in ast.unparse(node.func.value):
                continue  # only Store calls name query files
            first = node.args[0]
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and re.fullmatch(r"[a-z_0-9]+", first.value)
            ):
                if any(kw.arg is None for kw in node.keywords):
                    continue  # **params: checked at run time by DuckDB's binder
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(first.value, []).append((where, {kw.arg for kw in node.keywords}))
    return found


def _params(text: str) -> set[str]:
    """The $names a query uses (comments removed)."""
    code = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
    return set(PARAM.findall(code))


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_parses_and_has_a_header(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("--"), "a query file starts with a comment saying what it returns"
    assert duckdb.connect().extract_statements(text)


def test_callers_pass_exactly_the_parameters():
    calls = _calls()
    names = {p.stem for p in QUERY_FILES}
    for name, sites in calls.items():
        assert name in names, f"{sites[0][0]} calls a query that does not exist: {name}"
        expected = _params((QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8"))
        for where, keywords in sites:
            assert keywords == expected, f"{where}: {name} takes {sorted(expected)}, got {sorted(keywords)}"


def test_no_sql_is_built_from_formatted_values():
    # f-strings may only name identifiers from an allow-list; these files are checked by hand
    allowed = {"dashboard/importer.py", "dashboard/db.py"}
    for path in (ROOT / "dashboard").rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        text = path.read_text(encoding="utf-8")
        if rel in allowed:
            continue
        assert not re.search(r"\.(sql|execute)\(\s*f[\"']", text), rel
        assert not re.search(r"f[\"'](select|insert|update|delete|create)\s", text, re.I), rel
