"""Training: growth, need, coverage and gap rules on hand-made data, scoped reads, charts,
the Trainees and Curriculum pages, and the report commands."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from conftest import build, open_tab

from dashboard import charts, cli
from dashboard.core import labels
from dashboard.core.access import AccessDenied, Scope
from dashboard.core.contract import THEMES
from dashboard.store import db
from dashboard.training import growth_rules, tracking

DIRECTOR = "director@example.org"
SCRIPT_NAME = "Ada <script>alert(1)</script>"
MARKDOWN_NAME = "Cy **bold** [link](http://x)"
T3_COUNTER = "<b>not</b> sure this *matters* to me"


def _scores(rows) -> pl.DataFrame:
    """A scores frame like trainee_scores_for_cohorts from (person, interview, date, purpose, theme, score)."""
    return pl.DataFrame(
        rows,
        schema=["person_id", "interview_id", "interview_date", "purpose", "theme", "score"],
        orient="row",
    ).with_columns(pl.col("interview_date").str.to_date(), pl.col("score").cast(pl.Float64))


# --- growth ----------------------------------------------------------------------------------


def test_growth_is_latest_minus_intake_only_when_both_exist():
    scores = _scores(
        [
            ("a", "a1", "2025-01-01", "intake", "balance", 2),
            ("a", "a2", "2025-04-01", "midpoint", "balance", 1),  # the dip does not count
            ("a", "a3", "2025-07-01", "exit", "balance", 3),
            ("b", "b1", "2025-01-01", "intake", "balance", 1),  # intake only: no growth
            ("c", "c2", "2025-04-01", "midpoint", "balance", 2),  # no intake: no growth
            ("d", "d1", "2025-01-01", "intake", "balance", 3),  # missing midpoint
            ("d", "d3", "2025-07-01", "exit", "balance", 1),
            ("d", "d4", "2025-07-01", "exit", "fit", None),  # a null score is not an assessment
        ]
    )
    out = growth_rules.latest_and_growth(scores).sort("person_id").filter(pl.col("theme") == "balance")
    assert out["latest_score"].to_list() == [3, 1, 2, 1]
    assert out["growth"].to_list() == [1, None, None, -2]
    assert out["latest_purpose"].to_list() == ["exit", "intake", "midpoint", "exit"]
    assert growth_rules.latest_and_growth(scores).filter(pl.col("theme") == "fit").is_empty()


def test_heatmap_marks_unassessed_cells_instead_of_zero():
    trainees = pl.DataFrame(
        {"person_id": ["a", "b"], "full_name": ["A", "B"], "status": ["active", "withdrawn"]}
    )
    growth = growth_rules.latest_and_growth(
        _scores(
            [
                ("a", "a1", "2025-01-01", "intake", "balance", 0),
                ("a", "a2", "2025-06-01", "exit", "balance", 2),
            ]
        )
    )
    cells = growth_rules.heatmap_frame(trainees, growth)
    assert cells.height == 12
    a_balance = cells.filter((pl.col("person_id") == "a") & (pl.col("theme") == "balance")).row(0, named=True)
    assert a_balance["label"] == "2.0 (+2.0)" and a_balance["assessed"]  # one decimal, signed
    b_balance = cells.filter((pl.col("person_id") == "b") & (pl.col("theme") == "balance")).row(0, named=True)
    assert b_balance["label"] == "not assessed" and not b_balance["assessed"]
    assert b_balance["latest_score"] is None
    assert "B (withdrawn)" in cells["trainee"].to_list()


# --- need and gaps ---------------------------------------------------------------------------


def test_need_is_shortfall_from_top_less_mean_growth_with_n():
    growth = pl.DataFrame(
        {
            "person_id": ["a", "b", "a", "b", "a"],
            "theme": ["balance", "balance", "fit", "fit", "learning"],
            "latest_score": [3.0, 2.0, 1.0, 1.0, 2.0],
            "growth": [1.0, 0.0, None, 1.0, None],
        }
    )
    need = growth_rules.need_by_theme(growth).sort("theme")
    row = {r["theme"]: r for r in need.iter_rows(named=True)}
    assert row["balance"]["need"] == pytest.approx(4 - 2.5 - 0.5)
    assert (row["balance"]["n_level"], row["balance"]["n_growth"]) == (2, 2)
    assert row["fit"]["need"] == pytest.approx(4 - 1 - 1)
    assert row["fit"]["n_growth"] == 1
    assert row["learning"]["need"] == pytest.approx(2.0)  # growth counted as 0 while unknown
    assert row["beliefs"]["need"] is None and row["beliefs"]["n_level"] == 0


def test_gap_ranking_adds_need_and_coverage_ranks():
    need = pl.DataFrame(
        {
            "theme": ["balance", "transcendence", "fit", "learning", "beliefs"],
            "need": [1.0, 2.5, 2.0, 0.5, None],
            "n_level": [5, 5, 5, 5, 0],
            "mean_level": [2.0] * 4 + [None],
            "n_growth": [5, 5, 5, 5, 0],
            "mean_growth": [1.0] * 4 + [None],
        }
    )
    coverage = pl.DataFrame(
        {
            "theme": ["balance", "transcendence", "fit", "learning", "beliefs"],
            "n_modules": [2, 1, 3, 0, 0],
            "coverage": [30.0, 20.0, 10.0, 0.0, 0.0],
        }
    )
    gaps = growth_rules.gap_ranking(need, coverage)
    # need ranks: transcendence 1, fit 2, balance 3, learning 4
    # coverage ranks: learning 1, fit 2, transcendence 3, balance 4
    # sums: fit 4, transcendence 4 (tie: transcendence has the higher need), learning 5, balance 7
    assert gaps["theme"].to_list() == ["transcendence", "fit", "learning", "balance", "beliefs"]
    assert gaps["gap_rank"].to_list() == [1, 2, 3, 4, None]
    assert gaps["gap_score"].to_list() == [4, 4, 5, 7, None]


def test_weakest_themes_and_modules_not_yet_completed():
    growth = pl.DataFrame(
        {
            "theme": ["balance", "fit", "learning", "beliefs"],
            "latest_score": [2.0, 1.0, 2.0, None],
            "intake_score": [2.0, 0.0, 1.0, None],
            "growth": [0.0, 1.0, 1.0, None],
            "latest_purpose": ["exit"] * 4,
            "latest_date": [dt.date(2025, 7, 1)] * 4,
        }
    )
    weak = growth_rules.weakest_themes(growth)
    assert weak["theme"].to_list() == ["fit", "balance"]  # lowest score, then lower growth
    coverage = pl.DataFrame(
        {
            "module_id": ["M1", "M2", "M3", "M4"],
            "module_name": ["one", "two", "three", "four"],
            "hours": [10.0, 5.0, 20.0, 8.0],
            "theme": ["balance", "fit", "fit", "learning"],
            "emphasis": [1, 3, 2, 3],
            "coverage": [10.0, 15.0, 40.0, 24.0],
        }
    )
    modules = growth_rules.plan_modules(weak, coverage, completed=["M3"])
    assert modules["module_id"].to_list() == ["M2", "M1"]


def test_module_growth_association_compares_completers_with_the_rest():
    growth = pl.DataFrame(
        {
            "person_id": ["a", "a", "b", "b", "c"],
            "theme": ["balance", "fit", "balance", "fit", "balance"],
            "growth": [2.0, 0.0, 1.0, 1.0, None],
        }
    )
    completions = pl.DataFrame({"person_id": ["a"], "module_id": ["M1"]})
    coverage = pl.DataFrame(
        {"module_id": ["M1", "M1"], "module_name": ["one", "one"], "theme": ["balance", "fit"]}
    )
    out = growth_rules.module_growth_association(growth, completions, coverage).row(0, named=True)
    assert (out["n_completed"], out["mean_growth_completed"]) == (1, 1.0)
    assert (out["n_not_completed"], out["mean_growth_not_completed"]) == (1, 1.0)  # c has no growth
    assert out["difference"] == 0.0 and out["small_sample"]


# --- a hand-made database: withdrawn trainee, missing midpoint, another program ---------------

ASSESSMENTS = {  # person: {(purpose, date): {theme: score}}
    "T1": {
        ("intake", "2025-01-10"): {"balance": 2, "transcendence": 0, "adaptiveness": 1},
        ("midpoint", "2025-04-10"): {"balance": 1, "transcendence": 1, "adaptiveness": 2},
        ("exit", "2025-07-10"): {"balance": 3, "transcendence": 1, "adaptiveness": 3},
    },
    "T2": {
        ("intake", "2025-01-11"): {"balance": 0, "transcendence": 0, "adaptiveness": 0},
        ("midpoint", "2025-04-11"): {"balance": 1, "transcendence": 0, "adaptiveness": 1},
    },
    "T3": {
        ("intake", "2025-01-12"): {"balance": 2, "transcendence": 1, "adaptiveness": 2},
        ("exit", "2025-07-12"): {"balance": 2, "transcendence": 1, "adaptiveness": 4},
    },
    "T9": {("intake", "2025-01-12"): {"balance": 0, "transcendence": 0, "adaptiveness": 0}},
}


@pytest.fixture
def handmade_db(tmp_path):
    """Program PA (cohort CA: completed T1, withdrawn T2, T3 without a midpoint), program PB (T9)."""
    interviews, ratings = [], []
    for person, sessions in ASSESSMENTS.items():
        for (purpose, day), scores in sessions.items():
            iid = f"{person}-{purpose}"
            program = "PB" if person == "T9" else "PA"
            interviews.append((iid, person, program, None, dt.date.fromisoformat(day), purpose))
            ratings += [(iid, "R", theme, score) for theme, score in scores.items()]
    jan = dt.date(2025, 1, 1)
    path = tmp_path / "handmade.duckdb"
    con = db.connect(path)
    build(
        con,
        {
            "sites": [("S", "Site", None)],
            "programs": [("PA", "S", "Program A", None), ("PB", "S", "Program B", None)],
            "people": [
                ("T1", SCRIPT_NAME, None),
                ("T2", "Bo", None),
                ("T3", MARKDOWN_NAME, None),
                ("T9", "Other", None),
            ],
            "raters": [("R", "Rater")],
            "cohorts": [
                ("CA", "PA", "Cohort A", "internship", jan, None),
                ("CB", "PB", "Cohort B", "internship", jan, None),
            ],
            "enrollments": [
                ("T1", "CA", jan, "completed", None),
                ("T2", "CA", jan, "withdrawn", dt.date(2025, 5, 1)),
                ("T3", "CA", jan, "active", None),
                ("T9", "CB", jan, "active", None),
            ],
            "interviews": interviews,
            "ratings": ratings,
            "excerpts": [
                ("X1", "T3-exit", "R", "transcendence", None, "counter", T3_COUNTER),
                ("X2", "T3-exit", "R", "balance", None, "supports", "I keep weekends free"),
                ("X3", "T3-exit", "R", "adaptiveness", None, "supports", "not shown"),
                ("X4", "T3-intake", "R", "balance", None, "counter", "older, not shown"),
            ],
            "modules": [
                ("M1", "Self care", 10.0, None),
                ("M2", "Meaning", 5.0, None),
                ("M3", "Skills", 20.0, None),
            ],
            "module_themes": [
                ("M1", "balance", 3),
                ("M2", "transcendence", 1),
                ("M3", "adaptiveness", 2),
                ("M3", "transcendence", 1),
            ],
            "module_completions": [
                ("T1", "M1", dt.date(2025, 3, 1)),
                ("T1", "M2", dt.date(2025, 3, 1)),
                ("T3", "M3", dt.date(2025, 3, 1)),
            ],
        },
    )
    con.close()
    return path


@pytest.fixture
def store(handmade_db, store_at):
    return store_at(handmade_db)


DIRECTOR_A = Scope(DIRECTOR, (("training_director", "PA"),))


def test_cohort_growth_covers_withdrawn_and_missing_midpoint(store):
    cells = tracking.cohort_heatmap(store, DIRECTOR_A, "CA")
    growth = {(r["person_id"], r["theme"]): r["growth"] for r in cells.iter_rows(named=True)}
    assert growth[("T1", "balance")] == 1 and growth[("T2", "adaptiveness")] == 1
    assert growth[("T3", "adaptiveness")] == 2  # exit minus intake, no midpoint needed
    assert cells.filter(pl.col("theme") == "fit")["label"].unique().to_list() == ["not assessed"]
    assert set(cells["status"]) == {"completed", "withdrawn", "active"}


def test_cohort_trajectory_means_with_n(store):
    frame = tracking.cohort_trajectory(store, DIRECTOR_A, "CA").filter(pl.col("theme") == "balance")
    got = {r["purpose"]: (r["n"], r["mean_score"]) for r in frame.iter_rows(named=True)}
    assert got == {"intake": (3, pytest.approx(4 / 3)), "midpoint": (2, 1.0), "exit": (2, 2.5)}


def test_curriculum_gaps_leave_out_withdrawn_and_rank_transcendence_first(store):
    gaps = tracking.curriculum_gaps(store, DIRECTOR_A, "PA")
    assert gaps["theme"].to_list()[:3] == ["transcendence", "balance", "adaptiveness"]
    row = {r["theme"]: r for r in gaps.iter_rows(named=True)}
    assert row["transcendence"]["need"] == pytest.approx(2.5)  # 4 - 1 - 0.5 over T1 and T3
    assert row["balance"]["need"] == pytest.approx(1.0)
    assert row["adaptiveness"]["need"] == pytest.approx(-1.5)
    assert row["transcendence"]["coverage"] == 25 and row["balance"]["coverage"] == 30
    assert row["transcendence"]["n_level"] == 2
    assert row["fit"]["gap_rank"] is None


def test_development_plan_for_a_trainee_without_midpoint(store):
    plan = tracking.development_plan(store, DIRECTOR_A, "T3")
    assert plan.weakest["theme"].to_list() == ["transcendence", "balance"]
    assert plan.modules["module_id"].to_list() == ["M1", "M2"]  # M3 already completed
    assert set(plan.excerpts["text"]) == {T3_COUNTER, "I keep weekends free"}
    frame = tracking.plan_frame(plan)
    assert set(frame["section"]) == {"weak theme", "module to take", "excerpt"}
    assert frame["person_id"].unique().to_list() == ["T3"]


def test_module_growth_on_the_handmade_cohort(store):
    out = tracking.module_growth(store, DIRECTOR_A, "PA", "CA")
    rows = {r["module_id"]: r for r in out.iter_rows(named=True)}
    assert (rows["M1"]["n_completed"], rows["M1"]["mean_growth_completed"]) == (1, 1.0)
    assert (rows["M1"]["n_not_completed"], rows["M1"]["mean_growth_not_completed"]) == (2, 0.5)
    assert rows["M3"]["difference"] == 0.0


def test_a_director_reads_only_their_own_programs(store):
    assert tracking.cohorts(store, DIRECTOR_A)["cohort_id"].to_list() == ["CA"]
    with pytest.raises(AccessDenied):
        tracking.trainees(store, DIRECTOR_A, "CB")
    with pytest.raises(AccessDenied):
        tracking.development_plan(store, DIRECTOR_A, "T9")
    with pytest.raises(AccessDenied):
        tracking.trainee_trajectory(store, DIRECTOR_A, "T9")
    with pytest.raises(AccessDenied):
        tracking.curriculum_gaps(store, DIRECTOR_A, "PB")
    with pytest.raises(AccessDenied):
        tracking.curriculum_gaps(store, DIRECTOR_A, "PA", "CB")
    with pytest.raises(AccessDenied):
        tracking.cohorts(store, Scope("sup@example.org", (("supervisor", "PA"),)))


# --- charts ----------------------------------------------------------------------------------


def test_heatmap_chart_greys_unassessed_cells_and_writes_change(store):
    spec = charts.trainee_theme_heatmap_chart(tracking.cohort_heatmap(store, DIRECTOR_A, "CA")).to_dict()
    cells, text = spec["layer"]
    assert cells["mark"]["type"] == "rect"
    color = cells["encoding"]["color"]
    assert color["condition"]["field"] == "latest_score" and color["value"] == charts.NOT_ASSESSED_GREY
    assert color["condition"]["scale"]["domain"] == [0, 4]
    assert text["encoding"]["text"]["field"] == "label"
    assert cells["encoding"]["x"]["sort"] == list(THEMES)


def test_trajectory_charts(store):
    points = tracking.trainee_trajectory(store, DIRECTOR_A, "T1")
    spec = charts.trainee_trajectory_line_chart(points).to_dict()
    assert spec["encoding"]["x"]["type"] == "temporal" and spec["encoding"]["y"]["field"] == "score"
    cohort = charts.cohort_trajectory_line_chart(
        tracking.cohort_trajectory(store, DIRECTOR_A, "CA")
    ).to_dict()
    assert cohort["encoding"]["x"]["sort"] == ["intake", "midpoint", "exit", "annual"]
    assert {"field": "n", "type": "quantitative"} in cohort["encoding"]["tooltip"]


def test_curriculum_charts(store):
    spec = charts.curriculum_coverage_heatmap_chart(tracking.coverage_by_module(store, DIRECTOR_A)).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["field"] == "coverage"
    gaps = tracking.curriculum_gaps(store, DIRECTOR_A, "PA")
    points, labels = charts.need_coverage_point_chart(gaps).to_dict()["layer"]
    assert points["encoding"]["x"]["field"] == "coverage" and points["encoding"]["y"]["field"] == "need"
    assert labels["encoding"]["text"]["field"] == "theme"


# --- pages -----------------------------------------------------------------------------------


def _frame(at, *columns: str):
    """The first table on the page with exactly these columns, under their readable headings
    (read-only tables carry no key); returned with the columns' own names."""
    headings = [labels.heading(c) for c in columns]
    for table in at.dataframe:
        if list(table.value.columns) == headings:
            return table.value.rename(columns=dict(zip(headings, columns, strict=True)))
    raise AssertionError(f"no table with columns {columns}")


TRAINEE_COLUMNS = (
    "person_id",
    "full_name",
    "status",
    "enrolled_on",
    "left_on",
    "modules_completed",
)
PLAN_MODULE_COLUMNS = ("theme", "module_id", "module_name", "emphasis", "hours", "coverage")
WEAKEST_COLUMNS = (
    "theme",
    "latest_score",
    "intake_score",
    "growth",
    "latest_purpose",
    "latest_date",
)
GAP_COLUMNS = (
    "gap_rank",
    "theme",
    "need",
    "need_rank",
    "coverage",
    "coverage_rank",
    "gap_score",
    "n_modules",
    "n_level",
    "mean_level",
    "n_growth",
    "mean_growth",
)


def _texts(at) -> list[str]:
    return [t.value for t in at.text]


def _markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_trainees_page_on_handmade_data_renders_names_and_excerpts_as_text(handmade_db, monkeypatch, app_as):
    at = app_as("training_director", ("PA",), page="views/trainees.py", db=handmade_db, email=DIRECTOR)
    assert not at.exception
    assert at.selectbox(key="trainees_program").options == ["Program A"]
    assert at.selectbox(key="trainees_cohort").options == ["Cohort A"]
    listed = _frame(at, *TRAINEE_COLUMNS)
    assert set(listed["status"]) == {"completed", "withdrawn", "active"}
    assert "Other" not in set(listed["full_name"])
    open_tab(at, "trainees_tab", "One trainee")
    at.selectbox(key="trainees_person").set_value("T3").run()
    assert not at.exception
    assert f"[transcendence, counter] {T3_COUNTER}" in _texts(at)
    assert _frame(at, *PLAN_MODULE_COLUMNS)["module_id"].to_list() == ["M1", "M2"]
    page_markdown = _markdown(at)
    assert (
        "<script>" not in page_markdown and "**bold**" not in page_markdown and "<b>not" not in page_markdown
    )


def test_curriculum_page_on_handmade_data_names_the_gap(handmade_db, monkeypatch, app_as):
    at = app_as("training_director", ("PA",), page="views/curriculum.py", db=handmade_db, email=DIRECTOR)
    assert not at.exception
    assert any(t.startswith("Biggest gap: transcendence") for t in _texts(at))
    gaps = _frame(at, *GAP_COLUMNS)
    assert gaps["theme"].iloc[0] == "transcendence"
    open_tab(at, "curriculum_tab", "Modules and growth")
    assert any("not an effect" in w.value for w in at.warning)


def test_sample_trainees_page_for_a_director_of_one_program(db_file, monkeypatch, app_as):
    at = app_as("training_director", ("P02",), page="views/trainees.py", email=DIRECTOR)
    assert not at.exception
    assert len(at.selectbox(key="trainees_program").options) == 1
    listed = _frame(at, *TRAINEE_COLUMNS)
    assert "withdrawn" in set(listed["status"])
    open_tab(at, "trainees_tab", "One trainee")
    assert _frame(at, *WEAKEST_COLUMNS).shape[0] == 2


def test_pages_are_refused_to_a_supervisor(handmade_db, monkeypatch, app_as):
    at = app_as("supervisor", ("PA",), db=handmade_db, email="sup@example.org")
    assert not at.exception
    for page in ("views/trainees.py", "views/curriculum.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


# --- report commands -------------------------------------------------------------------------


def _report(capsys, *argv) -> pl.DataFrame:
    assert cli.main(["report", *argv]) == 0
    return pl.read_csv(io.StringIO(capsys.readouterr().out))


def test_curriculum_gaps_report_prints_what_the_page_shows(handmade_db, monkeypatch, capsys, app_as):
    at = app_as("training_director", ("PA",), page="views/curriculum.py", db=handmade_db, email=DIRECTOR)
    shown = _frame(at, *GAP_COLUMNS)
    printed = _report(capsys, "curriculum-gaps", "--program", "PA", "--db", str(handmade_db))
    assert printed["theme"].to_list() == shown["theme"].to_list()
    assert printed["need"].fill_null(float("nan")).to_list() == pytest.approx(
        shown["need"].tolist(), nan_ok=True
    )
    assert printed["coverage"].to_list() == shown["coverage"].tolist()


def test_trainee_plan_report(handmade_db, capsys):
    printed = _report(capsys, "trainee-plan", "--person", "T3", "--db", str(handmade_db))
    assert printed.filter(pl.col("section") == "module to take")["module_id"].to_list() == [
        "M1",
        "M2",
    ]
    assert T3_COUNTER in printed["text"].to_list()


def test_reports_refuse_unknown_ids_with_a_message(handmade_db):
    for argv in (["curriculum-gaps", "--program", "NOPE"], ["trainee-plan", "--person", "NOPE"]):
        with pytest.raises(SystemExit, match="NOPE"):
            cli.main(["report", *argv, "--db", str(handmade_db)])
