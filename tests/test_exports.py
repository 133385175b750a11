"""Safe exports: text that a spreadsheet would run as a formula leaves Vocation neutralised, in
CSV and XLSX, from the app's downloads and from the commands; numbers are left as they are."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import polars as pl
import pytest
from conftest import ROOT

from dashboard import cli
from dashboard.core import exports
from dashboard.core.access import Scope
from dashboard.store import audit, db
from dashboard.training import tracking

INJECTIONS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "text": [*INJECTIONS, "plain", "a=b", None],
            "count": [-1, 2, 3, 4, 5, 6, 7, 8, 9],
            "value": [-1.5, 0.25, 3.0, None, 1e6, -2.0, 0.0, 1.0, 2.0],
            "day": [datetime.date(2025, 1, d) for d in range(1, 10)],
        }
    )


def test_text_cells_that_start_a_formula_get_an_apostrophe_and_nothing_else_changes():
    frame = _frame()
    out = exports.neutralised(frame)
    assert out["text"].to_list()[:6] == [f"'{s}" for s in INJECTIONS]
    assert out["text"].to_list()[6:] == ["plain", "a=b", None]
    assert out.select("count", "value", "day").equals(frame.select("count", "value", "day"))
    assert out.schema == frame.schema


def test_csv_round_trips_neutralised_text_and_exact_numbers():
    frame = _frame()
    back = pl.read_csv(io.BytesIO(exports.csv_bytes(frame)), try_parse_dates=True)
    assert back["text"].to_list()[:6] == [f"'{s}" for s in INJECTIONS]
    assert back["count"].to_list() == frame["count"].to_list()
    assert back["value"].to_list() == frame["value"].to_list()
    assert exports.csv_text(frame).splitlines()[
        1
    ] == '\'=HYPERLINK(""http://evil.example"",""x"")",-1,-1.5,2025-01-01'.replace("'=", "\"'=")


def _sheet_cells(data: bytes) -> dict[str, tuple[str | None, bool]]:
    """Each cell of the first sheet: its type attribute and whether it holds a formula."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    cells = {}
    for match in re.finditer(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', xml):
        ref, attrs, body = match.groups()
        kind = re.search(r'\bt="(\w+)"', attrs)
        cells[ref] = (kind.group(1) if kind else None, "<f>" in (body or ""))
    return cells


def test_xlsx_holds_text_cells_not_formulas_and_numbers_as_numbers():
    frame = _frame()
    data = exports.xlsx_bytes(frame)
    cells = _sheet_cells(data)
    assert not any(formula for _, formula in cells.values())
    for row in range(2, 2 + len(INJECTIONS)):
        assert cells[f"A{row}"][0] == "s", row  # a (shared) string
        assert cells[f"B{row}"][0] is None  # a number
    back = pl.read_excel(io.BytesIO(data))
    assert back["text"].to_list()[:6] == [f"'{s}" for s in INJECTIONS]
    assert back["count"].to_list() == frame["count"].to_list()
    assert back["value"].to_list() == frame["value"].to_list()
    assert back["day"].cast(pl.Date).to_list() == frame["day"].to_list()


@pytest.fixture
def poisoned_db(db_file):
    """The sample database with formula-like names, excerpts and an audit entry."""
    con = db.connect(db_file)
    con.execute("update people set full_name = '=HYPERLINK(\"http://evil\",\"' || full_name || '\")'")
    con.execute("update excerpts set text = '+cmd|'' /C calc''!A0 ' || text")
    con.close()
    store = db.Store.open(db_file)
    audit.record(store, Scope("@attacker@example.org", (("admin", ""),)), "export", "-10+20", 3)
    store.close()
    return db_file


def _trainee_with_plan(db_file) -> str:
    store = db.Store.open(db_file)
    try:
        for (person,) in store.con.execute(
            "select distinct person_id from enrollments order by 1"
        ).fetchall():
            frame = tracking.plan_frame(tracking.development_plan(store, Scope.system(), person))
            if frame["text"].drop_nulls().len():
                return person
    finally:
        store.close()
    raise AssertionError("no trainee with excerpts in the sample data")


def _text_cells(csv: str) -> list[str]:
    """Every cell of the CSV's text columns (numbers are read as numbers)."""
    frame = pl.read_csv(io.StringIO(csv), infer_schema_length=None).select(pl.col(pl.String))
    return [v for col in frame.columns for v in frame[col].drop_nulls().to_list()]


def test_commands_and_downloads_neutralise_names_excerpts_and_audit_entries(poisoned_db, capsys):
    person = _trainee_with_plan(poisoned_db)
    assert cli.main(["report", "trainee-plan", "--person", person, "--db", str(poisoned_db)]) == 0
    plan_csv = capsys.readouterr().out
    assert cli.main(["audit", "--db", str(poisoned_db)]) == 0
    audit_csv = capsys.readouterr().out
    assert (
        cli.main(["users", "add", "=1+2@example.org", "--role", "leadership", "--db", str(poisoned_db)]) == 0
    )
    assert cli.main(["users", "list", "--db", str(poisoned_db)]) == 0
    users_csv = capsys.readouterr().out.split("\n", 1)[1]
    for csv in (plan_csv, audit_csv, users_csv):
        cells = _text_cells(csv)
        assert cells and not [c for c in cells if re.match(r"[=+\-@\t\r]", c)], csv[:500]
    assert "'=HYPERLINK" in plan_csv and "'+cmd" in plan_csv
    assert "'@attacker@example.org" in audit_csv and "'-10+20" in audit_csv
    assert "'=1+2@example.org" in users_csv
    # the XLSX the Trainees page offers for the same plan
    store = db.Store.open(poisoned_db)
    frame = tracking.plan_frame(tracking.development_plan(store, Scope.system(), person))
    store.close()
    data = exports.xlsx_bytes(frame)
    assert not any(formula for _, formula in _sheet_cells(data).values())
    back = pl.read_excel(io.BytesIO(data))
    assert all(v.startswith("'") for v in back["full_name"].to_list())
    numbers = [c for c, t in frame.schema.items() if t.is_numeric()]
    assert back.select(numbers).equals(frame.select(numbers), null_equal=True)


def test_every_download_and_csv_in_the_code_goes_through_exports():
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "exports.py":
            continue
        assert ".write_csv(" not in text and ".write_excel(" not in text, path
        if "download_button(" in text:
            assert path.name == "widgets.py" or path.name == "interview_kit.py", path


@pytest.mark.parametrize(
    ("page", "role", "programs", "tab"),
    [
        ("views/screening.py", "supervisor", ("*",), None),
        ("views/trainees.py", "training_director", ("*",), ("trainees_tab", "One trainee")),
        ("views/reliability.py", "supervisor", ("*",), None),
        ("views/fairness.py", "leadership", ("",), None),
    ],
)
def test_pages_where_people_expect_spreadsheets_offer_xlsx_beside_csv(
    db_file, monkeypatch, page, role, programs, tab
):
    from conftest import grant, open_tab, signed_in_app

    grant(db_file, "person@example.org", role, programs)
    at = signed_in_app(db_file, "person@example.org", monkeypatch, page=page)
    assert not at.exception
    if tab:  # the section that offers it
        open_tab(at, *tab)
    labels = [b.label for b in at.get("download_button")]
    xlsx = [label for label in labels if label.startswith("Download XLSX")]
    assert xlsx and all(label.startswith("Download CSV") for label in labels if label not in xlsx), labels
    button = next(b for b in at.get("download_button") if b.label.startswith("Download XLSX"))
    button.click()
    at.run()
    store = db.Store.open(db_file)
    exported = store.con.execute("select object from app_audit_log where action = 'export'").fetchall()
    store.close()
    assert exported and exported[-1][0].endswith("(xlsx)")  # the download is audited
