"""The validation study's data layer, command line and pages (issue 23): known answers on databases
built here with a known structure, checked against independent implementations (statsmodels,
scipy, numpy); privacy of leadership's frames; exact CLI columns; thin data in words."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import polars as pl
import pytest
from conftest import build, open_tab
from polars.testing import assert_frame_equal
from scipy import stats as sps
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight

from dashboard.cli import main
from dashboard.core.access import Scope
from dashboard.core.contract import THEMES
from dashboard.leadership import privacy, validation, validation_data, validation_parts, validation_summary
from dashboard.reliability import rater_groups
from dashboard.store import db
from dashboard.validation import group_gaps

AS_OF = dt.date(2026, 6, 30)
LEAD = Scope("lead@example.org", (("leadership", ""),))
SUPERVISOR = Scope("sup@example.org", (("supervisor", "P1"),))
SYSTEM = Scope.system()
BLACK, WHITE = "Black or African American", "White"


def _study_rows(n: int = 80, raters: int = 6, biased: bool = True, seed: int = 23) -> dict[str, list[tuple]]:
    """A program with n applicants (40% Black, 60% White), one hiring interview each scored by
    `raters` raters (R1 scores Black applicants 1 point lower on fit when `biased`), the first
    60% hired on 2022-03-01; leaving and an outcome depend on the composite."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[tuple]] = {k: [] for k in ("sites", "programs", "people", "raters", "applications")}
    rows |= {k: [] for k in ("interviews", "ratings", "staff", "outcomes", "demographics")}
    rows["sites"].append(("S1", "Site", None))
    rows["programs"].append(("P1", "S1", "Program", None))
    rows["raters"] += [(f"R{k + 1}", f"Rater {k + 1}") for k in range(raters)]
    for i in range(n):
        pid, race = f"U{i:03d}", BLACK if i % 5 < 2 else WHITE
        hired = i < int(0.6 * n)
        rows["people"].append((pid, f"Person {i}", None))
        rows["demographics"].append((pid, "female" if i % 2 else "male", race))
        rows["applications"].append(
            (f"A{i:03d}", pid, "P1", "Clinician", dt.date(2021, 12, 1), "hired" if hired else "interviewed",
             "hired" if hired else "rejected", dt.date(2022, 2, 1))
        )  # fmt: skip
        iid = f"I{i:03d}"
        rows["interviews"].append((iid, pid, "P1", f"A{i:03d}", dt.date(2022, 1, 10), "hiring"))
        level = {t: int(rng.integers(1, 4)) for t in THEMES}
        for k in range(raters):
            for theme in THEMES:
                bias = -1 if biased and k == 0 and theme == "fit" and race == BLACK else 0
                noise = int(rng.choice([-1, 0, 0, 0, 0, 0, 0, 1]))
                rows["ratings"].append(
                    (iid, f"R{k + 1}", theme, int(np.clip(level[theme] + bias + noise, 0, 4)))
                )
        if hired:
            composite = np.mean(list(level.values()))
            days = int(rng.exponential(250 * composite**2))
            left = dt.date(2022, 3, 1) + dt.timedelta(days=days)
            rows["staff"].append(
                (pid, "P1", "Clinician", dt.date(2022, 3, 1), left if left <= AS_OF else None, None)
            )
            value = 0.3 + 0.1 * composite + float(rng.normal(0, 0.08))
            rows["outcomes"].append((pid, dt.date(2023, 6, 30), "client_outcome", round(value, 3)))
    return rows


def _database(tmp_path, rows, name="study.duckdb"):
    path = tmp_path / name
    con = db.connect(path)
    build(con, rows)
    con.close()
    return path


@pytest.fixture
def study(tmp_path, store_at):
    path = _database(tmp_path, _study_rows())
    return store_at(path), path


def _hires(store):
    return validation_data.hires(store, ["P1"], AS_OF)


# --- known answers -----------------------------------------------------------------------------


def test_tenure_is_censored_at_the_as_of_date_and_counts_leavers(study):
    store, _ = study
    hires = _hires(store)
    assert hires.height == 48 and hires["profiled"].all()
    still = hires.filter(pl.col("left_job") == 0)
    assert (still["tenure_days"] == (AS_OF - dt.date(2022, 3, 1)).days).all()
    assert set(hires["profile_band"].drop_nulls()) <= {"0-2", "3-4", "5-6"}


def test_survival_and_cox_match_statsmodels(study):
    store, _ = study
    hires = _hires(store)
    t, e = hires["tenure_days"].to_numpy(), hires["left_job"].to_numpy()
    table = validation_parts.part_table(store, ["P1"], "survival", AS_OF)
    row = table.filter((pl.col("band") == "all") & (pl.col("day") == 365)).row(0, named=True)
    sf = SurvfuncRight(t, e)
    at = np.searchsorted(sf.surv_times, 365, side="right") - 1
    assert row["survival"] == pytest.approx(sf.surv_prob[at] if at >= 0 else 1.0)
    assert row["at_risk"] == int((t >= 365).sum())
    hazards = validation_parts.part_table(store, ["P1"], "hazards", AS_OF)
    composite = hazards.filter(pl.col("predictor") == "composite").row(0, named=True)
    fit = PHReg(t, hires["composite"].to_numpy().reshape(-1, 1), status=e, ties="efron").fit()
    assert composite["hazard_ratio"] == pytest.approx(math.exp(fit.params[0]), rel=1e-4)
    assert composite["hazard_ratio"] < 1  # built in: higher composite, slower leaving
    assert list(hazards["predictor"]) == [*THEMES, "composite"]


def test_validity_matches_scipy_and_the_correction(study):
    store, _ = study
    table = validation_parts.part_table(store, ["P1"], "validity", AS_OF)
    row = table.filter((pl.col("predictor") == "composite") & (pl.col("measure") == "client_outcome")).row(
        0, named=True
    )
    outcomes = validation_data.outcomes(store, ["P1"], AS_OF).filter(pl.col("measure") == "client_outcome")
    r, _ = sps.pearsonr(outcomes["composite"], outcomes["value"])
    assert row["r"] == pytest.approx(r) and row["hires"] == outcomes.height
    pool = validation_data.applicants(store, ["P1"])["composite"].to_numpy()
    u = np.std(outcomes["composite"].to_numpy(), ddof=1) / np.std(pool, ddof=1)
    assert row["u"] == pytest.approx(u) and row["applicants"] == 80
    assert row["r_corrected"] == pytest.approx(r / u / math.sqrt(1 + r * r * (1 / u**2 - 1)))
    assert row["hires_for_80pct_power_at_r30"] == 85


def test_a_planted_rater_bias_is_found_and_unbiased_raters_are_not_flagged(study):
    store, _ = study
    gaps = rater_groups.rater_group_gaps(store, SUPERVISOR, "supervisor")
    race = gaps.filter(pl.col("dimension") == "race_ethnicity")
    planted = race.filter((pl.col("rater_id") == "R1") & (pl.col("theme") == "fit")).row(0, named=True)
    assert planted["group"] == BLACK and planted["reference"] == WHITE and planted["flagged"]
    # R1 is 1 point below co-raters on Black applicants; each co-rater shows a weak mirror image
    # (+1/5 with six raters), below the 0.5 flag
    assert planted["difference"] == pytest.approx(-1.0, abs=0.3)
    assert planted["high"] < 0 and planted["interviews"] == 32
    flagged = race.filter(pl.col("flagged"))
    assert set(zip(flagged["rater_id"], flagged["theme"], strict=True)) == {("R1", "fit")}
    assert rater_groups.flagged_raters(race) == 1
    # leadership sees only how many raters are flagged (race and sex dimensions together)
    assert validation.flagged_rater_count(store, LEAD) >= 1


def test_vectorised_rater_gaps_equal_the_reference_loop(study):
    store, _ = study
    ratings = validation_data.panel_ratings(store, ["P1"])
    groups = validation_data.groups(store, ["P1"]).filter(pl.col("dimension") == "race_ethnicity")
    rated = ratings.join(groups.select("person_id", "group"), on="person_id", how="left")
    slow = group_gaps.rater_group_gaps(rated.select("interview_id", "rater_id", "theme", "score", "group"))
    by_interview = ratings.select("interview_id", "person_id").unique().join(groups, on="person_id")
    fast = group_gaps.rater_group_gaps_long(ratings, by_interview.drop("person_id")).drop("dimension")
    keys = ["rater_id", "theme", "group"]
    assert_frame_equal(slow.sort(keys), fast.sort(keys), check_exact=False)
    # the gaps worked out in SQL (queries/rating_gaps_for_programs.sql), groups joined by person
    in_sql = validation_data.rating_gaps(store, ["P1"])
    by_person = group_gaps.rater_group_gaps_long(in_sql, groups, on="person_id").drop("dimension")
    assert_frame_equal(slow.sort(keys), by_person.sort(keys), check_exact=False)


def test_no_bias_planted_means_no_flag(tmp_path, store_at):
    store = store_at(_database(tmp_path, _study_rows(biased=False)))
    gaps = rater_groups.rater_group_gaps(store, SUPERVISOR, "supervisor")
    assert not gaps.filter(pl.col("dimension") == "race_ethnicity")["flagged"].any()


# --- privacy -----------------------------------------------------------------------------------

FRAMES = ("retention_groups", "retention_curves", "at_risk_table", "logrank", "hazards", "validity_table")
FRAMES += ("precision_table", "differential")


def _no_small_counts(frame: pl.DataFrame) -> None:
    privacy.assert_aggregate(frame)
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            numbers = frame[name].cast(pl.Int64, strict=False).drop_nulls()
            assert not numbers.is_between(1, 10).any(), name


@pytest.mark.parametrize("which", ["study", "sample"])
def test_leadership_frames_pass_the_gate_with_no_count_of_1_to_10(which, study, sample_db_file, store_at):
    store = study[0] if which == "study" else store_at(sample_db_file, read_only=True)
    for name in FRAMES:
        frame = getattr(validation, name)(store, LEAD, as_of=AS_OF)
        _no_small_counts(frame)
        assert not any(frame[c].is_nan().any() for c, t in frame.schema.items() if t == pl.Float64), name
    _no_small_counts(validation.score_gaps(store, LEAD))
    curves = validation.retention_curves(store, LEAD, as_of=AS_OF)
    assert (curves["month"] == curves["month"].round(0)).all()  # monthly steps only
    text = validation_summary.summary_markdown(store, LEAD, AS_OF)
    assert "Limits" in text and "observational" in text.lower() or "Observational" in text


def test_small_bands_have_no_curve(tmp_path, store_at):
    store = store_at(_database(tmp_path, _study_rows(n=15)))  # 9 hires: every group 10 or fewer
    curves = validation.retention_curves(store, LEAD, as_of=AS_OF)
    assert curves.is_empty()
    groups = validation.retention_groups(store, LEAD, as_of=AS_OF)
    assert groups.filter(~pl.col("drawn"))["median_months"].is_null().all()


def test_a_supervisor_cannot_read_the_leadership_frames(study):
    from dashboard.core.access import AccessDenied

    with pytest.raises(AccessDenied):
        validation.hazards(study[0], SUPERVISOR, as_of=AS_OF)


# --- command line ------------------------------------------------------------------------------


@pytest.mark.parametrize("part", validation_parts.PARTS)
def test_report_parts_have_exactly_the_issue_columns(part, study, capsys):
    _, path = study
    args = ["report", "validation", "--part", part, "--as-of", AS_OF.isoformat(), "--db", str(path)]
    assert main([*args, "--program", "P1"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert tuple(header.split(",")) == validation_parts.PART_COLUMNS[part]
    assert main([*args, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records and tuple(records[0]) == validation_parts.PART_COLUMNS[part]


def test_report_refuses_a_bad_date_or_program(study):
    _, path = study
    with pytest.raises(SystemExit, match="YYYY-MM-DD"):
        main(["report", "validation", "--part", "survival", "--as-of", "30/06/2026", "--db", str(path)])
    with pytest.raises(SystemExit, match="no such program: PX"):
        main(["report", "validation", "--part", "survival", "--program", "PX", "--db", str(path)])


# --- thin data ---------------------------------------------------------------------------------


def test_thin_data_gives_reasons_not_numbers(tmp_path, store_at):
    empty = store_at(
        _database(tmp_path, {"sites": [("S1", "Site", None)], "programs": [("P1", "S1", "P", None)]})
    )
    for part in validation_parts.PARTS:
        table = validation_parts.part_table(empty, ["P1"], part, AS_OF)
        assert tuple(table.columns) == validation_parts.PART_COLUMNS[part]
        floats = [c for c, t in table.schema.items() if t == pl.Float64]
        assert not any(table[c].is_nan().any() for c in floats), part
    assert validation.hazards(empty, LEAD, as_of=AS_OF)["reason"].str.contains("too few").all()
    assert "Not enough hires" in validation_summary.headline(empty, LEAD, AS_OF)
    single = _study_rows(raters=1)
    same = store_at(_database(tmp_path, single, "single.duckdb"))
    assert rater_groups.rater_group_gaps(same, SUPERVISOR, "supervisor").is_empty()


def test_all_scores_equal_is_said_not_estimated(tmp_path, store_at):
    rows = _study_rows()
    rows["ratings"] = [(i, r, t, 2) for i, r, t, _ in rows["ratings"]]
    store = store_at(_database(tmp_path, rows))
    cox = validation.hazards(store, LEAD, as_of=AS_OF)
    assert cox["hazard_ratio"].is_null().all() and cox["reason"].str.contains("same score").all()
    assert validation.validity_table(store, LEAD, as_of=AS_OF)["r"].is_null().all()


# --- pages -------------------------------------------------------------------------------------

STUDY_TABS = ("Retention over time", "Validity", "Fairness of the scores", "Validation summary")


@pytest.mark.parametrize("tab", STUDY_TABS)
def test_evidence_study_tabs_draw_for_leadership(tab, app_as):
    at = app_as("leadership", page="views/evidence.py", email="lead@example.org")
    open_tab(at, "evidence_tab", tab)
    text = " ".join(e.value for e in [*at.markdown, *at.info, *at.caption] if isinstance(e.value, str))
    assert not at.exception
    assert "Observational" in text or "observational" in text
    assert "nan" not in " ".join(str(e.value) for e in at.markdown)


def test_evidence_study_tabs_on_an_empty_database_say_why(tmp_path, app_as):
    path = _database(tmp_path, {"sites": [("S1", "Site", None)], "programs": [("P1", "S1", "P", None)]})
    at = app_as("leadership", page="views/evidence.py", email="lead@example.org", db=path)
    for tab, sentence in zip(
        STUDY_TABS[:2], ("No hires with a scored hiring interview", "No hire has an outcome")
    ):
        open_tab(at, "evidence_tab", tab)
        assert any(sentence in i.value for i in at.info), tab


def test_reliability_rater_by_group_tab_for_a_supervisor(app_as):
    at = app_as("supervisor", ("P01", "P02", "P03", "P04", "P05", "P06"), page="views/reliability.py")
    open_tab(at, "reliability_tab", "Rater × group")
    assert not at.exception
    assert any("Flagged when" in c.value for c in at.caption)
    assert any("Raters with a flagged cell" in m.value for m in at.markdown)


def test_vectorised_cohens_d_equals_the_reference(study):
    store, _ = study
    applicants = validation_data.applicants(store, ["P1"])
    groups = validation_data.groups(store, ["P1"])
    fast = validation_parts.score_gaps_part(applicants, groups)
    for dimension in ("sex", "race_ethnicity"):
        people = applicants.join(groups.filter(pl.col("dimension") == dimension), on="person_id")
        slow = group_gaps.cohens_d_by_group(people["composite"], people["group"].to_list())
        mine = fast.filter((pl.col("dimension") == dimension) & (pl.col("predictor") == "composite"))
        assert mine["d"].to_list() == pytest.approx(slow["d"].to_list())
        assert mine["low"].to_list() == pytest.approx(slow["low"].to_list())
        assert mine["n_group"].to_list() == slow["n"].to_list()
