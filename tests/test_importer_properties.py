"""Property-based tests of the importer: generated rows round-trip; corrupted batches never write."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from conftest import table_checksums
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest import importer
from dashboard.store import db

TEXT = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
        | st.sampled_from(",\"'\n;"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
IDS = st.lists(st.from_regex(r"[A-Z]{1,3}[0-9]{1,5}", fullmatch=True), min_size=1, max_size=25, unique=True)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@SETTINGS
@given(ids=IDS, data=st.data())
def test_generated_rows_round_trip(ids, data):
    names = [data.draw(TEXT) for _ in ids]
    hours = [
        data.draw(st.floats(min_value=0, max_value=500, allow_nan=False).map(lambda x: round(x, 3)))
        for _ in ids
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = _write(
            folder,
            "modules.csv",
            ["module_id", "module_name", "hours"],
            [[i, n, repr(h)] for i, n, h in zip(ids, names, hours, strict=True)],
        )
        con = db.connect(folder / "v.duckdb")
        report = importer.import_batch([path], con)
        assert report.ok, report.text()
        got = con.execute("select module_id, module_name, hours from modules order by module_id").fetchall()
        con.close()
    assert got == sorted(zip(ids, names, hours, strict=True))


CORRUPTIONS = ("blank", "dangling", "duplicate", "not_a_date")


@SETTINGS
@given(ids=IDS, data=st.data())
def test_corrupted_batch_never_writes(ids, data):
    sites = [[f"S-{i}", f"Site {i}"] for i in ids]
    programs = [[f"P-{i}", f"S-{i}", f"Program {i}"] for i in ids]
    cohorts = [[f"C-{i}", f"P-{i}", f"Cohort {i}", "2025-01-01"] for i in ids]
    kind = data.draw(st.sampled_from(CORRUPTIONS))
    row = data.draw(st.integers(0, len(ids) - 1))
    if kind == "blank":
        sites[row][1] = ""
    elif kind == "dangling":
        programs[row][1] = "S-nowhere"
    elif kind == "duplicate":
        cohorts.append(list(cohorts[row]))
    else:
        cohorts[row][3] = "2025-13-45"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [
            _write(folder, "sites.csv", ["site_id", "site_name"], sites),
            _write(folder, "programs.csv", ["program_id", "site_id", "program_name"], programs),
            _write(folder, "cohorts.csv", ["cohort_id", "program_id", "cohort_name", "starts_on"], cohorts),
        ]
        con = db.connect(folder / "v.duckdb")
        before = table_checksums(con)
        report = importer.import_batch(files, con)
        after = table_checksums(con)
        con.close()
    assert not report.ok
    assert report.problem_count >= 1
    assert after == before
