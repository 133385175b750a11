"""The data contract, the schema DDL and the README agree with each other."""

from __future__ import annotations

import re

from conftest import ROOT

from dashboard import db
from dashboard.contract import TABLES


def test_schema_declares_every_contract_table_with_its_columns(tmp_path):
    con = db.connect(tmp_path / "x.duckdb")
    for table in TABLES:
        cols = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_name = $t order by ordinal_position",
                {"t": table.name},
            ).fetchall()
        ]
        assert cols == list(table.column_names), table.name
        pk = con.execute(
            "select constraint_column_names from duckdb_constraints() where table_name = $t and constraint_type = 'PRIMARY KEY'",
            {"t": table.name},
        ).fetchall()
        assert pk and list(pk[0][0]) == list(table.key), table.name
    con.close()


def test_readme_documents_every_contract_table_and_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        row = re.search(rf"^\| `{table.name}`[^\n]*$", readme, re.M)
        assert row, f"README's contract table lacks {table.name}"
        for col in table.column_names:
            assert col in row.group(0), f"README's row for {table.name} lacks {col}"


def test_codebook_defaults_are_seeded(tmp_path):
    con = db.connect(tmp_path / "x.duckdb")
    themes = [r[0] for r in con.execute("select code from themes order by code").fetchall()]
    assert themes == sorted(["balance", "adaptiveness", "transcendence", "learning", "fit", "beliefs"])
    assert con.execute("select count(*) from subthemes").fetchall()[0][0] >= 8
    con.close()
