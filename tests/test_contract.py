"""The data contract, the schema DDL and docs/data-contract.md agree with each other."""

from __future__ import annotations

import re

from conftest import ROOT

from dashboard.core.contract import TABLES
from dashboard.store import db


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
        declared = con.execute(
            "select constraint_type from duckdb_constraints() where table_name = $t"
            " and constraint_type in ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')",
            {"t": table.name},
        ).fetchall()
        # keys and references are the importer's to check (queries/schema.sql says why)
        assert declared == [], table.name
        assert all(table.column(k).required for k in table.key), table.name
    con.close()


def test_docs_document_every_contract_table_and_column():
    readme = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    for table in TABLES:
        row = re.search(rf"^\| `{table.name}`[^\n]*$", readme, re.M)
        assert row, f"docs/data-contract.md's contract table lacks {table.name}"
        for col in table.column_names:
            assert col in row.group(0), f"docs/data-contract.md's row for {table.name} lacks {col}"


def test_codebook_defaults_are_seeded(tmp_path):
    con = db.connect(tmp_path / "x.duckdb")
    themes = [r[0] for r in con.execute("select code from themes order by code").fetchall()]
    assert themes == sorted(["balance", "adaptiveness", "transcendence", "learning", "fit", "beliefs"])
    assert con.execute("select count(*) from subthemes").fetchall()[0][0] >= 8
    con.close()


def test_a_database_with_declared_contract_keys_is_upgraded_keeping_its_rows(tmp_path):
    """A database made before scale 1,000 declared each contract table's key: opening it rebuilds
    those tables without the declaration, rows and app tables untouched, once."""
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    con.execute("drop table ratings")
    con.execute(
        "create table ratings (interview_id varchar not null, rater_id varchar not null,"
        " theme varchar not null, score tinyint not null check (score between 0 and 4),"
        " primary key (interview_id, rater_id, theme))"
    )
    con.execute("insert into ratings values ('I1', 'R1', 'balance', 3), ('I1', 'R2', 'balance', 2)")
    con.execute("insert into app_meta values ('kept', 'yes')")
    con.close()
    con = db.connect(path)
    assert con.execute("select count(*) from ratings").fetchall()[0][0] == 2
    assert con.execute("select value from app_meta where key = 'kept'").fetchall() == [("yes",)]
    kinds = con.execute(
        "select constraint_type from duckdb_constraints() where table_name = 'ratings'"
    ).fetchall()
    assert ("PRIMARY KEY",) not in kinds and ("CHECK",) in kinds
    con.close()
    con = db.connect(path)  # a second opening finds nothing to do
    assert con.execute("select count(*) from ratings").fetchall()[0][0] == 2
    con.close()
