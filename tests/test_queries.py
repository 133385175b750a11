"""Every query file parses, and the $parameters it uses are exactly those its callers pass."""

from __future__ import annotations

import ast
import datetime
import re

import duckdb
import pytest
from conftest import ROOT

from dashboard.store.db import QUERIES_DIR

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
    allowed = {
        "dashboard/ingest/checker.py",
        "dashboard/ingest/writer.py",
        "dashboard/store/db.py",
        "dashboard/store/migrations.py",
    }
    for path in (ROOT / "dashboard").rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        text = path.read_text(encoding="utf-8")
        if rel in allowed:
            continue
        assert not re.search(r"\.(sql|execute)\(\s*f[\"']", text), rel
        assert not re.search(r"f[\"'](select|insert|update|delete|create)\s", text, re.I), rel


def _declared(text: str) -> set[str]:
    """The $names a query's header declares after 'params:' ('none': no parameter)."""
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line.removeprefix("--"))
    declared = " ".join(header).partition("params:")[2]
    assert declared.strip(), "the header says 'params: ...' (or 'params: none')"
    return set(PARAM.findall(declared))


def _sample_values(con) -> dict:
    """A real value for every parameter name the queries use, read from the sample database."""

    def first(sql: str):
        return con.execute(sql).fetchall()[0][0]

    hiring = "select interview_id from interviews where purpose = 'hiring' order by 1 limit 1"
    return {
        "program_ids": [r[0] for r in con.execute("select program_id from programs").fetchall()],
        "cohort_ids": [r[0] for r in con.execute("select cohort_id from cohorts").fetchall()],
        "application_ids": [r[0] for r in con.execute("select application_id from applications").fetchall()],
        "application_id": first("select application_id from applications order by 1 limit 1"),
        "person_id": first("select person_id from applications order by 1 limit 1"),
        "interview_id": first(hiring),
        "theme": "balance",
        "score": 2,
        "note": "binding test",
        "recorded_by": "tests",
        "decision": "hold",
        "decided_by": "tests",
        "high_score": 3,
        "year_from": 1900,
        "year_to": 2999,
        "dimension": "site",
        "as_of": first("select max(hired_on) from staff"),
        "limit": 5,
        "context_chars": 300,
        "offset": 0,
        "since": None,
        "until": None,
        "who": None,
        "action": None,
        "email": "tests@example.org",
        "role": "admin",
        "program_id": "",
        "quarter": first("select quarter from rating_units limit 1"),
        "added_by": "tests",
        "key": "binding_test",
        "value": "x",
        "object": "binding test",
        "row_count": 1,
        "at": datetime.datetime(2024, 1, 1, 12, 0),
        "by": "tests",
        "files": "binding test",
        "checksum": "0",
        "inserted": 0,
        "updated": 0,
        "unchanged": 0,
        "summary": "{}",
        # scorecards
        "interview_ids": [first(hiring)],
        "hidden_person_ids": [first("select person_id from applications order by 1 limit 1")],
        "interview_date": datetime.date(2026, 1, 5),
        "purpose": "hiring",
        "scheduled_by": "tests",
        "rater_id": first("select rater_id from raters order by 1 limit 1"),
        "reason": "binding test",
        "saved_by": "tests",
        "version": 0,
        "scorecard_id": 1,
        "scorecard_ids": [1],
        "position": 1,
        "subtheme": None,
        "stance": "supports",
        "text": "binding test",
        "due_before": datetime.date(2026, 1, 5),
        "date_from": datetime.date(2025, 10, 1),
        "date_to": datetime.date(2025, 12, 31),
        "match_names": True,
        # self-assessments
        "person_ids": [first("select person_id from enrollments order by 1 limit 1")],
        "purposes": ["intake", "exit"],
        "self_assessment_id": 1,
        "self_assessment_ids": [1],
        "example": "binding test",
        # mail
        "cancelled_by": "tests",
        "outbox_id": 1,
        "kind": "test",
        "recipient": "tests@example.org",
        "subject": "binding test",
        "message": b"Subject: binding test\r\n\r\nx\r\n",
        "message_id": "<outbox-1.test@example.org>",
        "created_at": datetime.datetime(2024, 1, 1, 12, 0),
        "now": datetime.datetime(2024, 1, 1, 12, 0),
        "everything": True,
        "status": None,
        "attempts": 1,
        "first_attempt_at": datetime.datetime(2024, 1, 1, 12, 0),
        "last_attempt_at": datetime.datetime(2024, 1, 1, 12, 0),
        "next_attempt_at": None,
        "last_reply": "250 OK",
        "reminders": False,
    }


OVERRIDES = {  # filters take null, a log entry not; a new interview needs a new id
    "audit_insert": {"who": "tests", "action": "export"},
    "app_interview_insert": {"interview_id": "VI-binding-test"},
}


def test_every_query_declares_and_binds_its_parameters_on_the_sample_database(db_file):
    from dashboard.store import db

    con = db.connect(db_file)
    values = _sample_values(con)
    try:
        for path in QUERY_FILES:
            if path.stem == "schema":
                continue
            text = path.read_text(encoding="utf-8")
            used = _params(text)
            assert _declared(text) == used, f"{path.name}: the header's params differ from the SQL's"
            missing = used - set(values)
            assert not missing, f"{path.name}: no sample value for {sorted(missing)}"
            con.begin()  # a write is rolled back: the test only proves it binds and runs
            try:
                bound = {name: values[name] for name in used} | OVERRIDES.get(path.stem, {})
                db.run_in(con, path.stem, **bound)  # each statement of a file with its own parameters
            finally:
                con.rollback()
    finally:
        con.close()
