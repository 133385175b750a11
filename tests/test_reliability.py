"""Reliability: the report equals scikit-learn's kappa and the krippendorff package, scope
limits what a supervisor or training director sees, a recorded consensus survives a re-import
and changes the interview's score, and the page works for its roles only."""

from __future__ import annotations

import io
import math
import shutil
import warnings
from datetime import date, timedelta

import krippendorff
import numpy as np
import polars as pl
import pytest
from conftest import ROOT, SAMPLE, build
from sklearn.metrics import cohen_kappa_score

from dashboard import charts, cli
from dashboard.core import labels, stats
from dashboard.core.access import AccessDenied, Scope
from dashboard.ingest.importer import import_batch
from dashboard.reliability import inter_rater
from dashboard.store import db
from dashboard.ui import widgets

THEMES = ("balance", "adaptiveness", "transcendence", "learning", "fit", "beliefs")
RATERS = ("TST-R1", "TST-R2", "TST-R3", "TST-R4")
HOSTILE = "<script>alert(1)</script> **bold**"


def _programs(con) -> list[str]:
    return [r[0] for r in con.execute("select program_id from programs order by 1").fetchall()]


PROGRAMS = ("TST-P1", "TST-P2")


def _add_rated_interviews(con, n: int = 80, seed: int = 5) -> None:
    """Add n synthetic interviews over two programs and eight quarters, each rated by two raters."""
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 15)
    interviews, ratings = [], []
    for i in range(n):
        interview = f"TST-I{i:03d}"
        interviews.append(
            (interview, "TST-U1", PROGRAMS[i % 2], None, start + timedelta(days=9 * i), "intake")
        )
        pair = rng.choice(len(RATERS), 2, replace=False)
        for theme in THEMES:
            if rng.random() < 0.1:
                continue  # a theme not rated is missing, never 0
            truth = int(rng.integers(0, 5))
            for r in pair:
                lenient = 1 if RATERS[r] == "TST-R4" else 0
                score = int(np.clip(truth + lenient + rng.integers(-1, 2), 0, 4))
                ratings.append((interview, RATERS[r], theme, score))
    build(
        con,
        {
            "sites": [("TST-S1", "Test site", None)],
            "programs": [(p, "TST-S1", p, None) for p in PROGRAMS],
            "raters": [(r, f"Rater {r[-1]}") for r in RATERS],
            "people": [("TST-U1", "Test Person", None)],
            "interviews": interviews,
            "ratings": ratings,
        },
    )


@pytest.fixture(scope="module")
def rich_db_file(tmp_path_factory):
    """A database of synthetic interviews (two programs) with many paired ratings."""
    path = tmp_path_factory.mktemp("rich") / "vocation.duckdb"
    con = db.connect(path)
    _add_rated_interviews(con)
    con.close()
    return path


@pytest.fixture
def rich_store(rich_db_file, tmp_path, store_at):
    path = tmp_path / "vocation.duckdb"
    shutil.copy(rich_db_file, path)
    store = store_at(path)
    yield store


def _report_csv(db_file, capsys) -> pl.DataFrame:
    """Run the report command and read back what it printed."""
    assert cli.main(["report", "reliability", "--db", str(db_file)]) == 0
    return pl.read_csv(io.StringIO(capsys.readouterr().out), infer_schema_length=None)


def _close(ours, theirs) -> bool:
    if ours is None or (isinstance(ours, float) and math.isnan(ours)):
        return theirs is None or math.isnan(theirs)
    return abs(ours - theirs) <= 1e-9


def _check_against_libraries(db_file, capsys) -> int:
    """Compare every report row with sklearn/krippendorff on independently fetched scores."""
    report = _report_csv(db_file, capsys)
    assert tuple(report.columns) == inter_rater.REPORT_COLUMNS
    con = db.connect(db_file, read_only=True)
    rows = con.execute("select interview_id, rater_id, theme, score from ratings").fetchall()
    con.close()
    scores: dict[tuple[str, str], dict[str, int]] = {}
    for interview, rater, theme, score in rows:
        scores.setdefault((theme, interview), {})[rater] = score
    by_theme: dict[str, list[dict[str, int]]] = {}
    for (theme, _), unit in sorted(scores.items()):
        by_theme.setdefault(theme, []).append(unit)
    checked = 0
    for row in report.iter_rows(named=True):
        units = by_theme.get(row["theme"], [])
        if row["rater_a"] is None:
            raters = sorted({r for u in units for r in u})
            matrix = np.array([[u.get(r, np.nan) for u in units] for r in raters], dtype=float)
            pairable = int(np.sum(np.sum(~np.isnan(matrix), axis=0) >= 2)) if units else 0
            assert row["n_units"] == pairable
            assert row["cohen_kappa"] is None and row["weighted_kappa"] is None
        else:
            both = [u for u in units if row["rater_a"] in u and row["rater_b"] in u]
            a = [u[row["rater_a"]] for u in both]
            b = [u[row["rater_b"]] for u in both]
            matrix = np.array([a, b], dtype=float)
            assert row["n_units"] == len(both)
            assert _close(row["percent_agreement"], float(np.mean(np.array(a) == np.array(b))))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # sklearn warns where kappa is undefined (nan)
                plain = cohen_kappa_score(a, b, labels=[0, 1, 2, 3, 4])
                quad = cohen_kappa_score(a, b, labels=[0, 1, 2, 3, 4], weights="quadratic")
            assert _close(row["cohen_kappa"], float(plain)), row
            assert _close(row["weighted_kappa"], float(quad)), row
            checked += 1
        values = matrix[~np.isnan(matrix)] if matrix.size else np.array([])
        if values.size >= 2 and len(set(values)) > 1:
            expected = krippendorff.alpha(
                matrix, level_of_measurement="ordinal", value_domain=[0, 1, 2, 3, 4]
            )
            assert _close(row["krippendorff_alpha"], expected), row
            if row["rater_a"] is None:
                assert row["alpha_ci_low"] <= row["krippendorff_alpha"] <= row["alpha_ci_high"]
            else:
                assert row["alpha_ci_low"] is None and row["alpha_ci_high"] is None
            checked += 1
    return checked


def test_report_matches_sklearn_and_krippendorff_on_sample_data(sample_db_file, capsys):
    _check_against_libraries(sample_db_file, capsys)


def test_report_matches_sklearn_and_krippendorff_on_many_ratings(rich_db_file, capsys):
    assert _check_against_libraries(rich_db_file, capsys) >= 30


def test_report_json_has_one_all_raters_row_per_theme(rich_db_file, capsys):
    assert cli.main(["report", "reliability", "--db", str(rich_db_file), "--format", "json"]) == 0
    frame = pl.read_json(io.StringIO(capsys.readouterr().out))
    assert tuple(frame.columns) == inter_rater.REPORT_COLUMNS
    overall = frame.filter(pl.col("rater_a").is_null())
    assert sorted(overall["theme"]) == sorted(THEMES)
    assert overall["cohen_kappa"].is_null().all()
    assert frame.filter(pl.col("rater_a").is_not_null()).height >= len(THEMES)


def test_pair_figures_on_a_hand_made_example():
    # 10 interviews, raters agree on 8; the two disagreements are one and three points apart
    a = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]
    b = [0, 1, 2, 3, 4, 0, 1, 2, 4, 1]
    pairs = pl.DataFrame(
        {
            "theme": ["fit"] * 10,
            "rater_a": ["A"] * 10,
            "rater_b": ["B"] * 10,
            "score_a": a,
            "score_b": b,
        }
    )
    row = inter_rater.pair_figures(pairs).row(0, named=True)
    assert row["n_units"] == 10 and row["percent_agreement"] == pytest.approx(0.8)
    assert row["percent_within_one"] == pytest.approx(0.9)
    # p_o = .8; marginals A: 2 each, B: 2,3,2,1,2 so p_e = (4+6+4+2+4)/100 = .2
    assert row["cohen_kappa"] == pytest.approx((0.8 - 0.2) / (1 - 0.2))
    assert row["small_sample"] is False


def test_small_samples_are_marked_and_undefined_figures_are_empty():
    pairs = pl.DataFrame(
        {
            "theme": ["fit"] * 3,
            "rater_a": ["A"] * 3,
            "rater_b": ["B"] * 3,
            "score_a": [2, 2, 2],
            "score_b": [2, 2, 2],
        }
    )
    row = inter_rater.pair_figures(pairs).row(0, named=True)
    assert row["small_sample"] is True
    assert row["cohen_kappa"] is None and row["krippendorff_alpha"] is None


def test_theme_figures_read_alpha_with_krippendorffs_guidance(rich_store):
    themes = inter_rater.theme_reliability(rich_store, Scope.system(), "supervisor")
    assert themes["theme"].to_list() == list(THEMES)
    for row in themes.iter_rows(named=True):
        assert row["reading"] == stats.reliability_label(row["krippendorff_alpha"])
        assert row["alpha_ci_low"] <= row["krippendorff_alpha"] <= row["alpha_ci_high"]


def test_quarters_and_drift_cover_the_interview_dates(rich_store):
    quarters = inter_rater.reliability_by_quarter(rich_store, Scope.system(), "supervisor")
    assert {"2024-Q1", "2025-Q4"} <= set(quarters["quarter"])
    drift = inter_rater.rater_drift(rich_store, Scope.system(), "supervisor")
    assert set(RATERS) <= set(drift["rater_id"])


def test_calibration_finds_the_lenient_rater(rich_store):
    calibration = inter_rater.rater_calibration(rich_store, Scope.system(), "supervisor")
    means = calibration.group_by("rater_id").agg(pl.col("mean_difference").mean())
    by_rater = dict(means.iter_rows())
    assert by_rater["TST-R4"] > 0.25
    assert by_rater["TST-R4"] == max(by_rater[r] for r in RATERS)


def _scope(email, role, programs):
    return Scope(email, tuple((role, p) for p in programs))


def test_scope_limits_interviews_to_the_roles_programs(rich_store):
    first, second = _programs(rich_store.con)[:2]
    sup = _scope("sup@example.org", "supervisor", [first])
    seen = inter_rater.ratings(rich_store, sup, "supervisor")
    assert set(seen["program_id"]) == {first}
    queue = inter_rater.disagreement_queue(rich_store, sup, "supervisor")
    assert set(queue["program_id"]) <= {first}
    everyone = inter_rater.disagreement_queue(rich_store, Scope.system(), "supervisor")
    outside = everyone.filter(pl.col("program_id") == second).row(0, named=True)
    with pytest.raises(AccessDenied):
        inter_rater.rater_evidence(rich_store, sup, "supervisor", outside["interview_id"], outside["theme"])
    with pytest.raises(AccessDenied):
        inter_rater.record_consensus(
            rich_store, sup, "supervisor", outside["interview_id"], outside["theme"], 2
        )
    director = _scope("td@example.org", "training_director", [second])
    assert set(inter_rater.ratings(rich_store, director, "training_director")["program_id"]) == {second}
    with pytest.raises(AccessDenied):
        inter_rater.ratings(rich_store, director, "supervisor")


def test_leadership_is_refused_the_data(rich_store):
    lead = Scope("lead@example.org", (("leadership", ""),))
    for fn in (
        inter_rater.theme_reliability,
        inter_rater.pair_reliability,
        inter_rater.disagreement_queue,
    ):
        with pytest.raises(AccessDenied):
            fn(rich_store, lead, "supervisor")
    with pytest.raises(AccessDenied):
        inter_rater.theme_reliability(rich_store, Scope.system(), "leadership")


def test_queue_is_oldest_first_with_a_gap_of_two_and_no_consensus(rich_store):
    queue = inter_rater.disagreement_queue(rich_store, Scope.system(), "supervisor")
    assert queue.height > 0
    assert (queue["gap"] >= 2).all()
    assert queue["interview_date"].to_list() == sorted(queue["interview_date"].to_list())
    item = queue.row(0, named=True)
    evidence = inter_rater.rater_evidence(
        rich_store, Scope.system(), "supervisor", item["interview_id"], item["theme"]
    )
    assert evidence["rater_id"].n_unique() == 2


def _score(store, interview_id, theme):
    frame = store.con.execute(
        "select score, consensus_source from interview_theme_scores where interview_id = ? and theme = ?",
        [interview_id, theme],
    ).fetchall()
    return frame[0]


def test_recorded_consensus_survives_a_reimport_and_changes_the_score(db_file, store_at):
    rich_store = store_at(db_file)  # the bundled sample data
    scope = Scope.system()
    first = rich_store.con.execute(
        "select interview_id, theme from ratings order by 1, 2 limit 1"
    ).fetchall()[0]
    interview_id, theme = first
    before = _score(rich_store, interview_id, theme)
    new_score = 0 if before[0] != 0 else 4
    row = inter_rater.record_consensus(
        rich_store, scope, "supervisor", interview_id, theme, new_score, "panel"
    )
    assert row["score"] == new_score and row["source"] == "recorded in Vocation"
    assert _score(rich_store, interview_id, theme) == (new_score, "recorded in Vocation")
    report = import_batch([SAMPLE], rich_store.con, imported_by="tests")
    assert report.ok, report.text()
    assert _score(rich_store, interview_id, theme) == (new_score, "recorded in Vocation")
    logged = rich_store.con.execute(
        "select count(*) from app_audit_log where action = 'consensus'"
    ).fetchall()
    assert logged[0][0] == 1


def test_recorded_consensus_takes_an_item_off_the_queue_and_a_later_import_wins(rich_store):
    scope = Scope.system()
    item = inter_rater.disagreement_queue(rich_store, scope, "supervisor").row(0, named=True)
    inter_rater.record_consensus(rich_store, scope, "supervisor", item["interview_id"], item["theme"], 2)
    queue = inter_rater.disagreement_queue(rich_store, scope, "supervisor")
    assert queue.filter(
        (pl.col("interview_id") == item["interview_id"]) & (pl.col("theme") == item["theme"])
    ).is_empty()
    rich_store.con.execute(
        "insert into consensus values (?, ?, 3, ?)",
        [item["interview_id"], item["theme"], date.today() + timedelta(days=1)],
    )
    force = inter_rater.consensus_in_force(rich_store, scope, "supervisor")
    row = force.filter(pl.col("interview_id") == item["interview_id"]).row(0, named=True)
    assert row["score"] == 3 and row["source"] == "imported"
    assert "dated after" in row["used_because"]


def test_record_consensus_rejects_a_score_outside_the_scale(rich_store):
    with pytest.raises(ValueError):
        inter_rater.record_consensus(rich_store, Scope.system(), "supervisor", "TST-I000", "fit", 5)


def test_chart_builders_encode_their_fields(rich_store):
    scope = Scope.system()
    spec = charts.theme_alpha_point_chart(
        inter_rater.theme_reliability(rich_store, scope, "supervisor")
    ).to_dict()
    assert spec["layer"][1]["encoding"]["x"]["field"] == "krippendorff_alpha"
    quarters = inter_rater.reliability_by_quarter(rich_store, scope, "supervisor")
    assert charts.agreement_quarter_line_chart(quarters).to_dict()["encoding"]["x"]["field"] == "quarter"
    calibration = inter_rater.rater_calibration(rich_store, scope, "supervisor")
    spec = charts.rater_calibration_point_chart(calibration).to_dict()
    assert spec["layer"][1]["encoding"]["x"]["field"] == "mean_difference"
    drift = inter_rater.rater_drift(rich_store, scope, "supervisor")
    spec = charts.rater_drift_line_chart(drift).to_dict()  # one panel per rater: no colour needed
    assert spec["facet"]["field"] == "rater_name" and "color" not in spec["spec"]["layer"][1]["encoding"]


# --- the page --------------------------------------------------------------------------------


NAMES = ("gap", "program_id", "text", "reading", "krippendorff_alpha", "alpha_ci_low", "weighted_kappa")
NAMES += ("theme", "rater_a", "rater_b", "interview_id")


def _named(frame):
    """A table as the page shows it, with its columns' own names back (the page shows headings)."""
    return frame.rename(columns={labels.heading(n): n for n in NAMES})


def _open_tab(at, label: str):
    """Switch the page to one tab (only the open tab's content runs) and re-run it."""
    at.session_state["reliability_tab"] = label
    at.run()
    assert not at.exception
    return [_named(d.value) for d in at.dataframe]


@pytest.fixture
def page_db(rich_db_file, tmp_path, store_at):
    """A private copy of the rich database whose first queue item carries hostile excerpts."""
    path = tmp_path / "vocation.duckdb"
    shutil.copy(rich_db_file, path)
    store = store_at(path)
    item = inter_rater.disagreement_queue(store, Scope.system(), "supervisor").row(0, named=True)
    raters = store.con.execute(
        "select rater_id from ratings where interview_id = ? and theme = ?",
        [item["interview_id"], item["theme"]],
    ).fetchall()
    for i, (rater,) in enumerate(raters):
        store.con.execute(
            "insert into excerpts values (?, ?, ?, ?, null, 'supports', ?)",
            [f"TST-E{i}", item["interview_id"], rater, item["theme"], HOSTILE],
        )
    store.close()
    return path, item


def test_page_for_a_supervisor_shows_their_queue_and_records_a_consensus(page_db, monkeypatch, app_as):
    path, item = page_db
    at = app_as(
        "supervisor", (item["program_id"],), page="views/reliability.py", db=path, email="sup@example.org"
    )
    assert not at.exception
    assert at.title[0].value == "Reliability"
    frames = _open_tab(at, "Disagreement queue")
    queue = next(f for f in frames if "gap" in f.columns)
    assert set(queue["program_id"]) == {item["program_id"]}
    texts = [t for f in frames if "text" in f.columns for t in f["text"].dropna()]
    assert HOSTILE in texts  # rendered as plain data, not as HTML or markdown
    assert not any(HOSTILE in m.value for m in at.markdown)
    at.radio(key="reliability_score").set_value(1)
    at.text_area(key="reliability_note").set_value("agreed at panel")
    at.button(key="reliability_record").click()
    at.run()
    assert not at.exception
    assert any("Consensus recorded" in s.value for s in at.success)
    con = db.connect(path)
    recorded = con.execute(
        "select interview_id, theme, score, note, recorded_by from app_consensus"
    ).fetchall()
    con.close()
    assert recorded == [(item["interview_id"], item["theme"], 1, "agreed at panel", "sup@example.org")]


def test_page_shows_the_same_numbers_as_the_report(page_db, monkeypatch, app_as, store_at):
    path, _ = page_db
    at = app_as("supervisor", ("*",), page="views/reliability.py", db=path, email="all@example.org")
    assert not at.exception
    store = store_at(path)
    report = inter_rater.reliability_report_frame(store, Scope.system())
    themes = next(_named(d.value) for d in at.dataframe if "Reading" in d.value.columns)
    pairs = next(f for f in _open_tab(at, "Rater pairs") if "weighted_kappa" in f.columns)
    overall = report.filter(pl.col("rater_a").is_null())
    assert np.allclose(themes["krippendorff_alpha"], overall["krippendorff_alpha"], atol=1e-9)
    assert np.allclose(themes["alpha_ci_low"], overall["alpha_ci_low"], atol=1e-9)
    by_pair = report.filter(pl.col("rater_a").is_not_null()).sort("theme", "rater_a", "rater_b")
    shown = pl.from_pandas(pairs).sort("theme", "rater_a", "rater_b")
    assert np.allclose(shown["weighted_kappa"], by_pair["weighted_kappa"], atol=1e-9, equal_nan=True)


def test_page_for_a_training_director_shows_only_their_program(page_db, monkeypatch, app_as):
    path, _ = page_db
    con = db.connect(path)
    program = _programs(con)[1]
    con.close()
    at = app_as("training_director", (program,), page="views/reliability.py", db=path, email="td@example.org")
    assert not at.exception
    queue = next(f for f in _open_tab(at, "Disagreement queue") if "gap" in f.columns)
    assert set(queue["program_id"]) == {program}


def test_page_refuses_leadership(page_db, monkeypatch, app_as):
    from streamlit.testing.v1 import AppTest

    from dashboard.ui import navigation

    path, _ = page_db
    at = app_as("leadership", db=path, email="lead@example.org")
    assert "views/reliability.py" not in [p.script for p in navigation.pages_for(at.session_state["scope"])]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/reliability.py")
    # reached directly, the page itself refuses and reads no data
    page = AppTest.from_file(str(ROOT / "dashboard" / "views" / "reliability.py"), default_timeout=60)
    page.session_state["scope"] = at.session_state["scope"]
    page.run()
    assert not page.exception
    assert page.error and not page.dataframe


# --- long tables: one page at a time ---------------------------------------------------------


def test_page_count_and_page_of():
    frame = pl.DataFrame({"i": list(range(12))})
    assert widgets.page_count(0, 5) == 1 and widgets.page_count(12, 5) == 3
    assert widgets.page_of(frame, 3, 5)["i"].to_list() == [10, 11]
    assert widgets.page_of(frame, 9, 5)["i"].to_list() == [10, 11]  # clamped to the last


def test_queue_and_consensus_pages_are_slices_of_the_whole(rich_store, monkeypatch):
    monkeypatch.setattr(inter_rater, "PAGE_SIZE", 4)
    scope = Scope.system()
    for i in range(6):
        rich_store.con.execute(
            "insert into consensus values (?, 'fit', 2, ?)", [f"TST-I{i:03d}", date(2025, 1, 1 + i)]
        )
    for read, count in (
        (inter_rater.disagreement_queue, inter_rater.disagreement_count),
        (inter_rater.consensus_in_force, inter_rater.consensus_count),
    ):
        whole = read(rich_store, scope, "supervisor")
        assert count(rich_store, scope, "supervisor") == whole.height > 4
        pages = [read(rich_store, scope, "supervisor", p) for p in (1, 2)]
        assert [p.height for p in pages] == [4, min(4, whole.height - 4)]
        assert pl.concat(pages).equals(whole.head(pages[0].height + pages[1].height))


def test_page_shows_one_page_of_long_tables(page_db, monkeypatch, app_as, store_at):
    path, _ = page_db
    monkeypatch.setattr(inter_rater, "PAGE_SIZE", 3)
    at = app_as("supervisor", ("*",), page="views/reliability.py", db=path, email="all@example.org")
    pairs = next(f for f in _open_tab(at, "Rater pairs") if "weighted_kappa" in f.columns)
    assert len(pairs) == 3
    queue = next(f for f in _open_tab(at, "Disagreement queue") if "gap" in f.columns)
    assert len(queue) == 3
    assert len(at.selectbox(key="reliability_item").options) == 3
    at.number_input(key="reliability_queue_page").set_value(2).run()
    assert not at.exception
    second = next(_named(d.value) for d in at.dataframe if labels.heading("gap") in d.value.columns)
    store = store_at(path)
    expected = inter_rater.disagreement_queue(store, Scope.system(), "supervisor", 2)
    assert list(zip(second["interview_id"], second["theme"], strict=True)) == list(
        zip(expected["interview_id"], expected["theme"], strict=True)
    )
