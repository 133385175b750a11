"""The sample dataset: deterministic, contract-shaped, referentially whole, and realistic."""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.core.contract import TABLES, THEMES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
SUBTHEMES = {
    "challenge": "adaptiveness",
    "core_skills": "adaptiveness",
    "feedback": "adaptiveness",
    "spiritual": "transcendence",
    "communal": "transcendence",
    "intimacy": "fit",
    "motivation": "fit",
    "aesthetic": "fit",
    "uniqueness": "fit",
    "strengths": "beliefs",
    "equality": "beliefs",
}
CODEBOOK = {("themes", "code"): set(THEMES), ("subthemes", "code"): set(SUBTHEMES)}
DATA_TABLES = [t for t in TABLES if not t.codebook and not t.from_projects]


def run_generator(out: Path, seed_env: str) -> None:
    """Run the generator at scale 1 in a fresh interpreter."""
    env = {**os.environ, "PYTHONHASHSEED": seed_env}
    subprocess.run(
        [sys.executable, str(SAMPLE / "generate.py"), "--scale", "1", "--out", str(out)],
        check=True,
        env=env,
        cwd=ROOT,
    )


def read(folder: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of one CSV."""
    with open(folder / f"{table}.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A scale-1 dataset generated now."""
    out = tmp_path_factory.mktemp("fresh")
    run_generator(out, "1")
    return out


@pytest.fixture(scope="module")
def data(fresh) -> dict[str, list[dict[str, str]]]:
    """Every table of the fresh dataset as rows."""
    return {t.name: read(fresh, t.name)[1] for t in DATA_TABLES}


def test_generation_is_deterministic(fresh, tmp_path):
    run_generator(tmp_path, "2")
    for table in DATA_TABLES:
        name = f"{table.name}.csv"
        assert (fresh / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_committed_csvs_equal_a_fresh_run(fresh):
    for table in DATA_TABLES:
        name = f"{table.name}.csv"
        assert (SAMPLE / name).read_bytes() == (fresh / name).read_bytes(), name
    assert not (SAMPLE / "themes.csv").exists()
    assert not (SAMPLE / "subthemes.csv").exists()


@pytest.mark.parametrize("table", DATA_TABLES, ids=lambda t: t.name)
def test_headers_follow_the_contract(fresh, table):
    header, _ = read(fresh, table.name)
    assert tuple(header) == table.column_names


@pytest.mark.parametrize("table", DATA_TABLES, ids=lambda t: t.name)
def test_keys_unique_and_required_values_present(data, table):
    rows = data[table.name]
    keys = [tuple(r[k] for k in table.key) for r in rows]
    assert len(keys) == len(set(keys))
    for col in table.columns:
        values = [r[col.name] for r in rows]
        if col.required:
            assert all(v != "" for v in values), col.name
        present = [v for v in values if v != ""]
        if col.allowed:
            assert set(present) <= set(col.allowed), col.name
        if col.type == "int":
            assert all(str(int(v)) == v for v in present), col.name
        if col.min is not None:
            assert all(float(v) >= col.min for v in present), col.name
        if col.max is not None:
            assert all(float(v) <= col.max for v in present), col.name


@pytest.mark.parametrize("table", DATA_TABLES, ids=lambda t: t.name)
def test_every_reference_resolves(data, table):
    for col in table.columns:
        if col.ref is None:
            continue
        target = CODEBOOK.get(col.ref)
        if target is None:
            target = {r[col.ref[1]] for r in data[col.ref[0]]}
        missing = {r[col.name] for r in data[table.name]} - target - {""}
        assert not missing, (col.name, sorted(missing)[:5])


def test_dates_are_iso(data):
    for table in DATA_TABLES:
        for col in (c for c in table.columns if c.type == "date"):
            for r in data[table.name]:
                v = r[col.name]
                assert v == "" or (len(v) == 10 and v[4] == "-" and v[7] == "-"), (col.name, v)


def test_excerpts_unique_varied_and_coded(data):
    rows = data["excerpts"]
    texts = [r["text"] for r in rows]
    assert len(texts) >= 3000
    assert len(set(texts)) == len(texts)
    for r in rows:
        assert r["subtheme"] == "" or SUBTHEMES[r["subtheme"]] == r["theme"]
    phrases = load_phrases()
    for (theme, stance), cores in phrases.CORES.items():
        group = [r["text"] for r in rows if r["theme"] == theme and r["stance"] == stance]
        used = {clause for _, clause in cores if any(clause in t for t in group)}
        assert len(used) >= 12, (theme, stance, len(used))
    joined = "\n".join(texts)
    for needle in ("<script>alert(1)</script>", "**bold**", "<img src=x onerror=alert(1)>"):
        assert needle in joined
    assert any("\n" in t for t in texts) and any('"' in t for t in texts)


def test_excerpt_rater_rated_that_interview(data):
    rated = {(r["interview_id"], r["rater_id"]) for r in data["ratings"]}
    assert all((r["interview_id"], r["rater_id"]) in rated for r in data["excerpts"])


def test_counts_meet_the_minimums(data):
    assert len(data["sites"]) == 4 and len(data["programs"]) == 6
    assert len(data["applications"]) >= 300
    assert len(data["staff"]) >= 80
    assert len(data["enrollments"]) >= 40
    assert len(data["cohorts"]) == 3
    assert len(data["modules"]) >= 14
    statuses = {r["status"] for r in data["enrollments"]}
    assert statuses == {"active", "completed", "withdrawn"}
    exemplars = nominee_counts(data)
    assert sum(1 for n in exemplars.values() if n >= 2) >= 0.1 * len(data["staff"])


def test_funnel_and_status_are_consistent(data):
    apps = data["applications"]
    reached = [sum(1 for a in apps if stage_index(a["stage"]) >= k) for k in range(5)]
    assert reached == sorted(reached, reverse=True) and reached[4] > 0
    for a in apps:
        assert (a["status"] == "hired") == (a["stage"] == "hired")
        assert a["status_on"] == "" or a["status_on"] >= a["applied_on"]
    opening = [
        a
        for a in apps
        if a["program_id"] == "P01" and a["position"] == "Clinician II" and a["status"] == "open"
    ]
    assert len(opening) == 14
    assert all(a["applied_on"].startswith("2026") for a in opening)


def test_hiring_interviews_link_to_applications(data):
    for i in data["interviews"]:
        assert (i["purpose"] == "hiring") == (i["application_id"] != "")


def test_nominations_never_self(data):
    assert all(r["nominator_id"] != r["nominee_id"] for r in data["peer_nominations"])


def test_transcendence_has_least_curriculum_coverage(data):
    hours = {m["module_id"]: float(m["hours"]) for m in data["modules"]}
    cover = {t: 0.0 for t in THEMES}
    for mt in data["module_themes"]:
        cover[mt["theme"]] += hours[mt["module_id"]] * int(mt["emphasis"])
    assert min(cover, key=cover.get) == "transcendence"


def stage_index(stage: str) -> int:
    """Position of a stage in the funnel."""
    return ("applied", "screened", "interviewed", "offered", "hired").index(stage)


def nominee_counts(data) -> dict[str, int]:
    """Distinct nominators per nominee."""
    counts: dict[str, int] = {}
    for r in data["peer_nominations"]:
        counts[r["nominee_id"]] = counts.get(r["nominee_id"], 0) + 1
    return counts


def load_phrases():
    """The generator's phrase module."""
    spec = importlib.util.spec_from_file_location("sample_phrases", SAMPLE / "phrases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
