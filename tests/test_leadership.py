"""Leadership's Overview and Evidence: aggregates only, small cells hidden, statistics right."""

from __future__ import annotations

import inspect
import itertools
import re

import numpy as np
import polars as pl
import pytest

from dashboard.core import contract
from dashboard.core.access import AccessDenied, Scope
from dashboard.leadership import evidence, fairness, overview, privacy
from dashboard.store import db

LEAD = Scope("lead@example.org", (("leadership", ""),))


# --- helpers that build hand-made data in a copy of the sample database ----------------------


def _person(con, pid: str, program: str = "P01") -> None:
    # contract tables declare no key (queries/schema.sql): replace a row by delete and insert
    con.execute("delete from people where person_id = $p", {"p": pid})
    con.execute(
        "insert into people values ($p, $n, $e)", {"p": pid, "n": f"Person {pid}", "e": f"{pid}@example.org"}
    )


def _assess(con, pid: str, purpose: str, day: str, scores: dict, program: str = "P01") -> None:
    """An interview of `pid` with a consensus score per theme."""
    iid = f"I-{pid}-{purpose}-{day}"
    con.execute(
        "insert into interviews values ($i, $p, $g, null, cast($d as date), $u)",
        {"i": iid, "p": pid, "g": program, "d": day, "u": purpose},
    )
    for theme, score in scores.items():
        con.execute(
            "insert into consensus values ($i, $t, $s, cast($d as date))",
            {"i": iid, "t": theme, "s": score, "d": day},
        )
    db.refresh_scores(con, iid)


def _clear(con) -> None:
    """Empty the tables the Evidence analyses read, so a test's hand-made rows are all there is."""
    for table in ("staff", "peer_nominations", "interviews", "ratings", "consensus", "outcomes"):
        con.execute(f"delete from {table}")  # noqa: S608 - fixed names
    db.refresh_scores(con)


def _brute_force_values(table, hidden, threshold=10, limit=60):
    """Every filling of the hidden cells consistent with what a reader sees (cells, totals)."""
    table, hidden = np.asarray(table), np.asarray(hidden)
    cells = list(zip(*np.nonzero(hidden), strict=True))
    ranges = [
        range(1, threshold + 1) if 1 <= table[c] <= threshold else range(threshold + 1, limit) for c in cells
    ]
    found = {c: set() for c in cells}
    for combo in itertools.product(*ranges):
        trial = table.copy()
        for c, v in zip(cells, combo, strict=True):
            trial[c] = v
        if (trial.sum(0) == table.sum(0)).all() and (trial.sum(1) == table.sum(1)).all():
            for c, v in zip(cells, combo, strict=True):
                found[c].add(v)
    return found


# --- the privacy guard ---------------------------------------------------------------------


@pytest.mark.parametrize("column", sorted(privacy.PERSON_COLUMNS))
def test_assert_aggregate_refuses_person_columns(column):
    with pytest.raises(privacy.PrivacyError):
        privacy.assert_aggregate(pl.DataFrame({column: ["x"], "count": [40]}))


def test_assert_aggregate_refuses_small_counts_as_numbers_or_text():
    with pytest.raises(privacy.PrivacyError):
        privacy.assert_aggregate(pl.DataFrame({"group": ["a"], "n": [7]}))
    with pytest.raises(privacy.PrivacyError):
        privacy.assert_aggregate(pl.DataFrame({"group": ["a"], "n": ["7"]}))
    ok = pl.DataFrame({"group": ["a", "b", "c"], "n": ["<11", "suppressed", "42"], "z": [0, 11, 90]})
    assert privacy.assert_aggregate(ok) is ok


def test_every_leadership_data_function_is_checked():
    for module in (overview, evidence, fairness):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(fn).parameters)
            if (
                name.startswith("_")
                or fn.__module__ != module.__name__
                or params[:2]
                != [
                    "store",
                    "scope",
                ]
            ):
                continue
            if name == "selection_table":
                continue  # the compliance officer's table (no page calls it)
            assert getattr(fn, "__aggregate__", False), f"{module.__name__}.{name} is unchecked"


def test_leadership_pages_never_call_the_unsuppressed_fairness_table():
    from conftest import ROOT

    for page in ("overview", "evidence", "fairness"):
        text = (ROOT / "dashboard" / "views" / f"{page}.py").read_text()
        assert "selection_table" not in text and "store.query" not in text


def test_data_functions_refuse_a_person_without_the_leadership_role(sample_db_file, store_at):
    store = store_at(sample_db_file, read_only=True)
    supervisor = Scope("s@example.org", (("supervisor", "*"),))
    for fn in (
        overview.theme_prevalence,
        overview.hiring_funnel,
        overview.growth_by_cohort,
        evidence.exemplar_comparison,
        evidence.outcomes_by_band,
        fairness.fairness_page_table,
    ):
        with pytest.raises(AccessDenied):
            fn(store, supervisor)


# --- suppression -----------------------------------------------------------------------------


def test_two_outcome_suppression_hides_small_and_complementary_cells():
    frame = pl.DataFrame({"group": ["A", "B", "C"], "showing": [30, 5, 20], "not_showing": [40, 30, 25]})
    out = privacy.suppress_pair(frame, "group", "showing", "not_showing", 10)
    rows = {r["group"]: r for r in out.iter_rows(named=True)}
    assert rows["B"]["showing_shown"] == "<11"
    assert rows["B"]["share"] is None
    hidden_rows = [g for g, r in rows.items() if r["_hid"]]
    assert len(hidden_rows) >= 2  # B alone would be given away by the column total
    # a reader sees the shown cells and every row and column total: each hidden cell stays open
    table = frame.select("showing", "not_showing").to_numpy()
    hidden = np.array([[rows[g]["_y"], rows[g]["_x"]] for g in ["A", "B", "C"]])
    for cell, values in _brute_force_values(table, hidden).items():
        assert len(values) >= 2, f"cell {cell} is derivable: {values}"


def test_prevalence_totals_row_hides_only_small_totals():
    out = privacy.with_totals(
        pl.DataFrame({"g": ["A", "B"], "y": [3, 4], "n": [30, 40]}), "g", "y", "n", "All", 10
    )
    total = out.filter(pl.col("g") == "All").row(0, named=True)
    assert total["y_shown"] == "<11" and total["n_shown"] == "70" and total["share"] is None


def test_funnel_hides_small_counts_and_every_sum_that_holds_one(con, db_file):
    rows = [("P01", "applied", 30), ("P01", "screened", 20), ("P01", "interviewed", 15),
            ("P01", "offered", 12), ("P01", "hired", 3),
            ("P02", "applied", 25), ("P02", "screened", 22), ("P02", "interviewed", 18),
            ("P02", "offered", 14), ("P02", "hired", 13)]  # fmt: skip
    con.execute("delete from applications")
    n = 0
    for program, stage, count in rows:
        for _ in range(count):
            n += 1
            con.execute(
                "insert into applications values ($a, 'U1', $p, 'Clinician', date '2025-03-01',"
                " $s, 'open', null)",
                {"a": f"A{n}", "p": program, "s": stage},
            )
    store = db.Store(con, db_file)
    funnel = overview.hiring_funnel(store, LEAD)
    got = {(r["program"], r["stage"]): r["reached"] for r in funnel.iter_rows(named=True)}
    p01 = con.execute("select program_name from programs where program_id = 'P01'").fetchall()[0][0]
    assert got[(p01, "applied")] == "80"
    assert got[(p01, "hired")] == "<11"
    assert got[(p01, "offered")] == "suppressed"  # 15 = offered-only 12 + the hidden 3
    assert got[("All selected", "hired")] == "16"
    for value in funnel["reached_n"].drop_nulls():
        assert value == 0 or value > 10
    conv = funnel.filter(pl.col("program") == "All selected")["conversion"].to_list()
    assert conv[0] is None and conv[-1] == pytest.approx(16 / 42)


# --- statistics on hand-made data ------------------------------------------------------------


def _staff_with_annual(con, prefix: str, scores: list[int], nominators: int) -> None:
    for i, score in enumerate(scores):
        pid = f"{prefix}{i}"
        _person(con, pid)
        con.execute(
            "insert into staff values ($p, 'P01', 'Clinician', date '2022-01-01', null, null)",
            {"p": pid},
        )
        _assess(con, pid, "annual", "2024-06-01", {"balance": score})
        for k in range(nominators):
            peer = f"{prefix}{i}peer{k}"
            _person(con, peer)
            con.execute(
                "insert into peer_nominations values ($a, $b, date '2024-01-01')",
                {"a": peer, "b": pid},
            )


def test_exemplars_vs_others_hedges_g_matches_the_formula(con, db_file):
    ex = [4, 4, 3, 4, 3, 4, 2, 4, 3, 4, 4, 3]
    other = [2, 3, 2, 1, 2, 3, 2, 2, 1, 3, 2, 2, 3]
    _clear(con)
    _staff_with_annual(con, "EX", ex, nominators=2)
    _staff_with_annual(con, "OT", other, nominators=1)  # one peer is not enough
    out = evidence.exemplar_comparison(db.Store(con, db_file), LEAD)
    row = out.filter(pl.col("theme") == "balance").row(0, named=True)
    nx, ny = len(ex), len(other)
    sp = np.sqrt(((nx - 1) * np.var(ex, ddof=1) + (ny - 1) * np.var(other, ddof=1)) / (nx + ny - 2))
    g = (np.mean(ex) - np.mean(other)) / sp * (1 - 3 / (4 * (nx + ny) - 9))
    assert (row["n_exemplars"], row["n_others"]) == ("12", "13")
    assert row["difference"] == pytest.approx(np.mean(ex) - np.mean(other))
    assert row["hedges_g"] == pytest.approx(g)
    assert row["g_low"] < g < row["g_high"]
    fit = out.filter(pl.col("theme") == "fit").row(0, named=True)
    assert fit["hedges_g"] is None and "not shown" in fit["note"]


def test_small_exemplar_group_is_suppressed_with_a_label(con, db_file):
    _clear(con)
    _staff_with_annual(con, "EX", [4, 3, 4], nominators=3)
    _staff_with_annual(con, "OT", [2] * 12 + [3], nominators=0)
    row = evidence.exemplar_comparison(db.Store(con, db_file), LEAD).row(0, named=True)
    assert row["n_exemplars"] == "<11" and row["hedges_g"] is None
    assert row["note"] == "fewer than 11 in a group: not shown"


def _cohort_with_changes(con, cohort: str, changes: list[int]) -> None:
    """A cohort of trainees in P01 whose fit score moves by each change from intake to exit."""
    con.execute("insert into cohorts values ($c, 'P01', $c, null, date '2024-01-01', null)", {"c": cohort})
    for i, change in enumerate(changes):
        pid = f"{cohort}-T{i}"
        _person(con, pid)
        con.execute(
            "insert into enrollments values ($p, $c, date '2024-01-01', 'active', null)",
            {"p": pid, "c": cohort},
        )
        _assess(con, pid, "intake", "2024-01-05", {"fit": 1})
        _assess(con, pid, "exit", "2024-06-05", {"fit": 1 + change})


def test_cohort_growth_mean_change_interval_and_small_cohorts(con, db_file):
    import scipy.stats as sps

    _clear(con)
    con.execute("delete from enrollments")
    changes = [0, 1, 1, 2, 3, 1, 0, 2, 1, 1, 2, 3]
    _cohort_with_changes(con, "CH-big", changes)
    _cohort_with_changes(con, "CH-flat", [1] * 11)
    _cohort_with_changes(con, "CH-small", [2, 1, 3])
    out = overview.growth_by_cohort(db.Store(con, db_file), LEAD, years=(2024, 2024))
    rows = {r["cohort"]: r for r in out.iter_rows(named=True)}
    big = rows["CH-big"]
    half = sps.t.ppf(0.975, 11) * np.std(changes, ddof=1) / np.sqrt(12)
    assert (big["trainees"], big["mean_intake"], big["note"]) == ("12", 1.0, "")
    assert big["mean_change"] == pytest.approx(np.mean(changes))
    assert big["change_low"] == pytest.approx(np.mean(changes) - half)
    assert big["change_high"] == pytest.approx(np.mean(changes) + half)
    flat = rows["CH-flat"]
    assert flat["mean_change"] == 1.0 and np.isnan(flat["change_low"])
    small = rows["CH-small"]
    assert small["trainees"] == "<11" and small["mean_change"] is None
    assert small["note"] == "fewer than 11 in a group: not shown"


@pytest.mark.parametrize(("shown", "band"), [(0, "0-2"), (2, "0-2"), (3, "3-4"), (4, "3-4"), (6, "5-6")])
def test_profile_band(shown, band):
    assert evidence.profile_band(shown) == band


def _hire(con, pid, hired_on, left_on, themes_high: int, burnout: float) -> None:
    _person(con, pid)
    scores = {t: (4 if i < themes_high else 1) for i, t in enumerate(contract.THEMES)}
    con.execute(
        "insert into staff values ($p, 'P01', 'Clinician', cast($h as date), cast($l as date), null)",
        {"p": pid, "h": hired_on, "l": left_on},
    )
    _assess(con, pid, "hiring", "2022-01-10", scores)  # after the hire: refreshes its profile
    con.execute(
        "insert into outcomes values ($p, date '2024-06-30', 'burnout', $v)",
        {"p": pid, "v": burnout},
    )


def test_retention_counts_only_hires_whose_twelve_months_have_passed(con, db_file):
    import datetime as dt

    _clear(con)
    for i in range(30):  # band 5-6: 24 stayed, 6 left early... shown as hidden
        _hire(con, f"H{i}", "2022-02-01", None if i < 24 else "2022-06-01", 6, 20.0 + i)
    for i in range(15):  # hired too recently to judge retention
        _hire(con, f"R{i}", "2024-03-01", None, 6, 30.0)
    store = db.Store(con, db_file)
    out = evidence.outcomes_by_band(store, LEAD, as_of=dt.date(2024, 12, 31))
    retained = out.filter((pl.col("measure") == "retained_12m") & (pl.col("band") == "5-6")).row(
        0, named=True
    )
    assert retained["hires"] == "30"  # the 15 recent hires are not counted
    assert retained["value"] is None  # 6 left early: a small count, so the share is hidden
    burnout = out.filter((pl.col("measure") == "burnout") & (pl.col("band") == "5-6")).row(0, named=True)
    values = [20.0 + i for i in range(30)] + [30.0] * 15
    assert burnout["hires"] == "45" and burnout["value"] == pytest.approx(np.mean(values))
    assert burnout["low"] < burnout["value"] < burnout["high"]
    for i in range(20):  # with 20 more leavers the share can be shown
        _hire(con, f"L{i}", "2022-02-01", "2022-05-01", 6, 25.0)
    out = evidence.outcomes_by_band(db.Store(con, db_file), LEAD, as_of=dt.date(2024, 12, 31))
    retained = out.filter((pl.col("measure") == "retained_12m") & (pl.col("band") == "5-6"))
    assert retained["value"][0] == pytest.approx(24 / 50)


def test_reports_print_the_suppressed_page_tables(sample_db_file, capsys):
    from dashboard.cli import main

    for argv in (["overview"], ["overview", "--part", "funnel"], ["overview", "--part", "growth"],
                 ["evidence"], ["evidence", "--part", "outcomes"],
                 ["evidence", "--part", "associations", "--format", "json"]):  # fmt: skip
        assert main(["report", *argv, "--db", str(sample_db_file)]) == 0
    out = capsys.readouterr().out
    assert "person_id" not in out and "Ann Able" not in out


# --- the pages -------------------------------------------------------------------------------


def _rendered_text(at) -> str:
    """Every value the rendered page shows: text, markdown, captions, widgets and table cells."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
                 "error", "code", "selectbox", "multiselect", "radio", "slider"):  # fmt: skip
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")))
            parts.append(str(getattr(element, "options", "")))
    for frame in at.dataframe:
        value = frame.value
        parts.append(" ".join(map(str, value.columns)))
        parts.append(value.to_csv())
    return "\n".join(parts)


@pytest.mark.parametrize("page", ["views/overview.py", "views/evidence.py", "views/fairness.py"])
def test_leadership_pages_show_no_person(db_file, monkeypatch, page, app_as):
    con = db.connect(db_file)
    con.execute("update programs set program_name = '<script>alert(1)</script> **bold**' "
                "where program_id = 'P02'")  # fmt: skip
    people = con.execute("select full_name, person_id from people").fetchall()
    ids = [r[0] for r in con.execute(
        "select application_id from applications union select interview_id from interviews"
    ).fetchall()]  # fmt: skip
    con.close()
    at = app_as("leadership", page=page, email="lead@example.org")
    assert not at.exception
    text = _rendered_text(at)
    assert at.title[0].value in ("Overview", "Evidence", "Fairness")
    for name, pid in people:
        assert name not in text
        assert not re.search(rf"\b{re.escape(pid)}\b", text)
    for other in ids:
        assert not re.search(rf"\b{re.escape(other)}\b", text)
    for md in at.markdown:
        assert "<script>" not in md.value


def test_a_supervisor_cannot_open_leadership_pages(db_file, monkeypatch, app_as):
    at = app_as("supervisor", ("P01",), email="sup@example.org")
    for page in ("views/overview.py", "views/evidence.py", "views/fairness.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_overview_filters_by_program_and_dimension(sample_db_file, store_at):
    store = store_at(sample_db_file, read_only=True)
    name = store.query("program_list").filter(pl.col("program_id") == "P02")["program_name"][0]
    out = overview.theme_prevalence(store, LEAD, "program", programs=["P02"])
    assert set(out["group"]) <= {name, privacy.ALL_LABEL}
    out = overview.theme_prevalence(store, LEAD, "year", years=(2024, 2024))
    assert set(out["group"]) <= {"2024", privacy.ALL_LABEL}
    with pytest.raises(ValueError):
        overview.theme_prevalence(store, LEAD, "person")


# --- chart builders ----------------------------------------------------------------------------


def _chart_rows(chart) -> list[dict]:
    """The rows of every dataset in a chart's spec."""
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_prevalence_chart_draws_only_shown_shares():
    from dashboard import charts

    frame = pl.DataFrame(
        {"group": ["A", "B"], "theme": ["fit", "fit"], "interviewed": ["40", "<11"],
         "showing": ["20", "<11"], "share": [0.5, None], "share_low": [0.35, None],
         "share_high": [0.65, None]}
    )  # fmt: skip
    rows = _chart_rows(charts.theme_prevalence_bar_chart(frame))
    assert {r["group"] for r in rows if "group" in r} == {"A"}
    assert charts.theme_prevalence_bar_chart(frame).to_dict()["facet"]["row"]["field"] == "theme"


def test_effect_and_impact_charts_mark_zero_and_four_fifths():
    from dashboard import charts

    effects = pl.DataFrame(
        {"theme": ["balance", "fit"], "hedges_g": [0.8, None], "g_low": [0.2, None],
         "g_high": [1.4, None]}
    )  # fmt: skip
    spec = charts.effect_size_point_chart(effects).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rule", "rule", "point"]
    assert {r.get("theme") for r in _chart_rows(charts.effect_size_point_chart(effects))} >= {"balance"}
    ratios = pl.DataFrame(
        {"group": ["a", "b"], "applicants": ["40", "<11"], "selected": ["10", "<11"],
         "impact_ratio": [0.5, None], "flag": ["below 0.80", "too small to judge"]}
    )  # fmt: skip
    rows = _chart_rows(charts.impact_ratio_bar_chart(ratios))
    assert {"x": 0.8} in rows and not any(r.get("group") == "b" for r in rows)


def test_funnel_and_growth_and_band_charts_encode_their_fields():
    from dashboard import charts

    funnel = pl.DataFrame(
        {"program": ["P"], "stage": ["applied"], "reached_n": [40], "reached": ["40"],
         "conversion": [None]}, schema_overrides={"conversion": pl.Float64}
    )  # fmt: skip
    spec = charts.hiring_funnel_bar_chart(funnel).to_dict()
    assert spec["encoding"]["y"]["field"] == "reached_n"
    growth = pl.DataFrame(
        {"cohort": ["C"], "theme": ["fit"], "trainees": ["14"], "mean_change": [0.5],
         "change_low": [0.1], "change_high": [0.9]}
    )  # fmt: skip
    assert charts.cohort_growth_point_chart(growth).to_dict()["layer"][0]["mark"]["type"] == "point"
    band = pl.DataFrame({"band": ["0-2"], "hires": ["20"], "value": [0.7], "low": [0.5], "high": [0.85]})
    assert charts.outcome_band_point_chart(band).to_dict()["layer"][1]["encoding"]["y"]["field"] == ("value")
