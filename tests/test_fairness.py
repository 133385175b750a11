"""Fairness: selection rates, four-fifths impact ratios and Fisher p-values by group."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from conftest import ROOT
from scipy.stats import hypergeom

from dashboard.core.access import Scope
from dashboard.leadership import fairness
from dashboard.store import db

LEAD = Scope("lead@example.org", (("leadership", ""),))


def _fisher_two_sided(a, n1, b, n2) -> float:
    """Two-sided Fisher p by summing hypergeometric probabilities no larger than the observed."""
    dist = hypergeom(n1 + n2, a + b, n1)
    probs = dist.pmf(np.arange(0, min(n1, a + b) + 1))
    return float(probs[probs <= dist.pmf(a) * (1 + 1e-7)].sum())


def test_impact_ratio_and_fisher_p_against_known_answers():
    counts = pl.DataFrame(
        {
            "stage": ["applied->hired"] * 3,
            "dimension": ["sex"] * 3,
            "group": ["female", "male", "nonbinary"],
            "applicants": [100, 100, 6],
            "selected": [30, 50, 1],
        }
    )
    out = {r["group"]: r for r in fairness.with_impact_ratios(counts).iter_rows(named=True)}
    assert list(fairness.with_impact_ratios(counts).columns) == list(fairness.COLUMNS)
    assert out["male"]["flag"] == "reference" and out["male"]["fisher_p"] is None
    assert out["female"]["impact_ratio"] == pytest.approx(0.6)
    assert out["female"]["flag"] == "below 0.80"
    assert out["female"]["fisher_p"] == pytest.approx(_fisher_two_sided(30, 100, 50, 100))
    assert out["female"]["fisher_p"] == pytest.approx(0.006, abs=0.001)
    assert out["nonbinary"]["flag"] == "too small to judge"


def test_transitions_use_the_furthest_stage_reached():
    stage_counts = pl.DataFrame(
        {"dimension": ["sex"], "group_label": ["female"], "applied": [40], "interviewed": [20],
         "offered": [12], "hired": [9]}
    )  # fmt: skip
    got = fairness.transition_counts(stage_counts)
    assert got.select("stage", "applicants", "selected").rows() == [
        ("applied->interviewed", 40, 20),
        ("interviewed->offered", 20, 12),
        ("offered->hired", 12, 9),
        ("applied->hired", 40, 9),
    ]


def _applicants(con, rows) -> None:
    """rows: (person, sex, race, stage); demographics None = no row at all."""
    con.execute("delete from applications")
    con.execute("delete from demographics")
    for i, (pid, sex, race, stage) in enumerate(rows):
        # contract tables declare no key (queries/schema.sql): replace a row by delete and insert
        con.execute("delete from people where person_id = $p", {"p": pid})
        con.execute("insert into people values ($p, $p, null)", {"p": pid})
        con.execute(
            "insert into applications values ($a, $p, 'P01', 'Clinician', date '2025-01-01',"
            " $s, 'open', null)",
            {"a": f"APP{i}", "p": pid, "s": stage},
        )
        if sex is not None or race is not None:
            con.execute("delete from demographics where person_id = $p", {"p": pid})
            con.execute("insert into demographics values ($p, $x, $r)", {"p": pid, "x": sex, "r": race})


def test_blank_or_missing_demographics_are_not_provided(con, db_file):
    rows = [(f"F{i}", "female", "White", "hired" if i < 10 else "applied") for i in range(30)]
    rows += [(f"B{i}", "", "  ", "interviewed") for i in range(12)]
    rows += [(f"N{i}", None, None, "applied") for i in range(13)]
    _applicants(con, rows)
    table = fairness.selection_table(db.Store(con, db_file), Scope.system())
    sex = table.filter((pl.col("stage") == "applied->interviewed") & (pl.col("dimension") == "sex"))
    got = {r["group"]: (r["applicants"], r["selected"]) for r in sex.iter_rows(named=True)}
    assert got == {"female": (30, 10), "not provided": (25, 12)}
    both = table.filter(pl.col("dimension") == "sex_x_race_ethnicity")["group"].unique().sort()
    assert both.to_list() == ["female × White", "not provided × not provided"]


def test_page_table_hides_small_cells_and_what_would_reveal_them(con, db_file):
    rows = [(f"F{i}", "female", "White", "hired" if i < 30 else "applied") for i in range(60)]
    rows += [(f"M{i}", "male", "White", "hired" if i < 5 else "applied") for i in range(40)]
    rows += [(f"X{i}", "male", "Asian", "hired" if i < 20 else "applied") for i in range(45)]
    _applicants(con, rows)
    page = fairness.fairness_page_table(db.Store(con, db_file), LEAD)
    hired = page.filter((pl.col("stage") == "applied->hired") & (pl.col("dimension") == "sex"))
    male = hired.filter(pl.col("group") == "male").row(0, named=True)
    female = hired.filter(pl.col("group") == "female").row(0, named=True)
    assert male["applicants"] == "85" and male["selected"] == "25"  # 25 of 85: nothing small
    intersect = page.filter(
        (pl.col("stage") == "applied->hired") & (pl.col("dimension") == "sex_x_race_ethnicity")
    )
    small = intersect.filter(pl.col("group") == "male × White").row(0, named=True)
    assert small["selected"] == "<11" and small["selection_rate"] is None
    assert small["impact_ratio"] is None and small["fisher_p"] is None
    # one hidden cell per column would be given away by the total: a second group is hidden too
    assert intersect.filter(pl.col("selection_rate").is_null()).height >= 2
    assert female["flag"] == "reference"


def test_report_is_unsuppressed_with_exactly_the_issue_columns(con, db_file, capsys):
    rows = [(f"F{i}", "female", "White", "hired" if i < 3 else "applied") for i in range(8)]
    _applicants(con, rows)
    con.close()
    from dashboard.cli import main

    assert main(["report", "fairness", "--db", str(db_file)]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header == "stage,dimension,group,applicants,selected,selection_rate,impact_ratio,fisher_p,flag"
    assert "applied->hired,sex,female,8,3,0.375,1.0,,too small to judge" in lines
    assert main(["report", "fairness", "--db", str(db_file), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["dimension"] for r in records} == set(fairness.DIMENSIONS)


def test_no_other_module_or_query_reads_demographics():
    readers = []
    for path in list((ROOT / "queries").glob("*.sql")) + list((ROOT / "dashboard").rglob("*.py")):
        text = path.read_text(encoding="utf-8").lower()
        if path.suffix == ".sql":  # a mention in a comment reads nothing
            text = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
        if "demographics" in text:
            readers.append(path.relative_to(ROOT).as_posix())
    # schema.sql creates the table and the contract describes it for the importer; only the
    # fairness module and its query read it
    assert set(readers) <= {
        "queries/schema.sql",
        "queries/selection_by_demographic_group.sql",
        "queries/demographic_group_by_person.sql",  # the validation study's groups, via fairness.py
        "dashboard/core/contract.py",
        "dashboard/leadership/fairness.py",
        "dashboard/ingest/templates.py",  # names the table to write an empty template for it; reads nothing
    }, readers
    assert "queries/selection_by_demographic_group.sql" in readers
