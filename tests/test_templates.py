"""Templates to fill, per contract table: filled in, they import; they state every column's rule."""

from __future__ import annotations

import csv
import io
import zipfile

import polars as pl
import pytest
from conftest import open_tab

from dashboard.core.contract import TABLES, TABLES_BY_NAME
from dashboard.ingest import templates
from dashboard.ingest.importer import import_batch
from dashboard.store import db

SECOND_PERSON = {"person_id": "U0002", "full_name": "Robin Colleague", "email": ""}


def _filled_csv(table: str) -> str:
    """What an IT person sends back: the template, plus a colleague in people (who nominates)."""
    text = templates.csv_template(table)
    if table == "people":
        text += ",".join(SECOND_PERSON[c] for c in TABLES_BY_NAME["people"].column_names) + "\n"
    return text


def test_every_table_has_a_template_with_its_headers_and_one_example():
    assert sorted(templates.TABLE_NAMES) == sorted(t.name for t in TABLES if not t.from_projects)
    assert templates.TABLE_NAMES[0] == "sites" and templates.TABLE_NAMES[-2:] == ("themes", "subthemes")
    for table in (TABLES_BY_NAME[name] for name in templates.TABLE_NAMES):
        rows = list(csv.reader(io.StringIO(templates.csv_template(table.name))))
        assert rows[0] == list(table.column_names), table.name
        assert len(rows) == 2 and any(rows[1]), table.name
        for column in table.columns:
            value = rows[1][table.column_names.index(column.name)]
            assert value or not column.required, (table.name, column.name)
            assert not value or not column.allowed or value in column.allowed, (table.name, column.name)


def test_filled_csv_templates_import_into_an_empty_database(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for table in templates.TABLE_NAMES:
        (folder / f"{table}.csv").write_text(_filled_csv(table))
    con = db.connect(tmp_path / "vocation.duckdb")
    report = import_batch([folder], con, imported_by="tests")
    assert report.ok, report.text()
    assert con.execute("select count(*) from people").fetchone()[0] == 2
    assert con.execute("select count(*) from peer_nominations").fetchone()[0] == 1
    assert con.execute("select score from ratings").fetchall() == [(3,)]
    con.close()


def test_filled_xlsx_templates_import_and_carry_a_rules_sheet(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for table in templates.TABLE_NAMES:
        data = templates.xlsx_template(table)
        sheets = pl.read_excel(data, sheet_id=0, infer_schema_length=0)
        assert list(sheets) == [table, "Rules"]
        rules = sheets["Rules"]
        assert rules.columns == ["column", "required", "type", "rule", "example"]
        assert rules["column"].head(len(TABLES_BY_NAME[table].columns)).to_list() == list(
            TABLES_BY_NAME[table].column_names
        )
        if table == "people":  # fill it: the colleague added under the example
            filled = pl.concat([sheets[table], pl.DataFrame([SECOND_PERSON])], how="vertical_relaxed")
            filled.write_excel(folder / f"{table}.xlsx")
        else:
            (folder / f"{table}.xlsx").write_bytes(data)
    con = db.connect(tmp_path / "vocation.duckdb")
    report = import_batch([folder], con, imported_by="tests")
    assert report.ok, report.text()
    assert con.execute("select applied_on::varchar from applications").fetchall() == [("2025-01-15",)]
    con.close()


def test_a_template_filled_wrongly_is_refused_with_the_rule_it_states(tmp_path):
    """The template's rule and the importer's check are the same rule."""
    folder = tmp_path / "export"
    folder.mkdir()
    for table in templates.TABLE_NAMES:
        (folder / f"{table}.csv").write_text(_filled_csv(table).replace(",3\n", ",7\n"))
    con = db.connect(tmp_path / "vocation.duckdb")
    report = import_batch([folder], con, imported_by="tests")
    assert not report.ok
    assert {(p.file, p.column) for p in report.problems} >= {("ratings.csv", "score")}
    assert "from 0 to 4" in templates.column_rule(
        TABLES_BY_NAME["ratings"], TABLES_BY_NAME["ratings"].column("score")
    )
    assert con.execute("select count(*) from people").fetchone()[0] == 0  # nothing written
    con.close()


@pytest.mark.parametrize(
    ("table", "column", "words"),
    [
        ("ratings", "score", ["Required", "a whole number", "from 0 to 4"]),
        ("ratings", "theme", ["part of the key: together with interview_id, rater_id"]),
        ("applications", "stage", ["one of: applied, screened, interviewed, offered, hired"]),
        ("applications", "person_id", ["must be one of the person_id values in people"]),
        ("applications", "application_id", ["unique: no two rows share it"]),
        ("staff", "left_on", ["Optional", "a date written YYYY-MM-DD"]),
        ("modules", "hours", ["0 or more"]),
    ],
)
def test_column_rules_say_what_the_importer_checks(table, column, words):
    rule = templates.column_rule(TABLES_BY_NAME[table], TABLES_BY_NAME[table].column(column))
    for word in words:
        assert word in rule


def test_rules_text_explains_the_file_and_every_column():
    text = templates.rules_text("interviews")
    assert "Save it as interviews.csv" in text
    assert "application_id is required when purpose is hiring and blank otherwise" in text
    for column in TABLES_BY_NAME["interviews"].column_names:
        assert f"- {column}: " in text
    assert "Restricted" in templates.rules_text("demographics")


def test_all_templates_zip_holds_every_table():
    archive = zipfile.ZipFile(io.BytesIO(templates.all_templates_zip()))
    names = set(archive.namelist())
    for table in templates.TABLE_NAMES:
        assert {f"csv/{table}.csv", f"csv/{table}-rules.txt", f"xlsx/{table}.xlsx"} <= names


def test_data_page_offers_each_tables_templates(app_as):
    at = app_as("admin", page="views/data.py")
    assert not at.exception
    open_tab(at, "data_tab", "Templates")
    at.selectbox(key="data_template_table").select("ratings").run()
    assert not at.exception
    rules = next(t.value for t in at.dataframe if "Rule" in t.value.columns)
    assert rules["Column"].tolist() == list(TABLES_BY_NAME["ratings"].column_names)
    keys = {b.key for b in at.get("download_button")}
    assert {
        "data_template_ratings.csv",
        "data_template_ratings.xlsx",
        "data_template_ratings-rules.txt",
    } <= keys
    assert "Save it as ratings.csv" in "\n".join(t.value for t in at.text)
