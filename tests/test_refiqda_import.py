"""REFI-QDA in the app: `load FILE.qdpx` and `report codebook --format qdc` as real processes, the
round trip through Vocation's own exported codebook, the one-transaction write of excerpts,
transcripts and positions, the batch rules, and who may read a transcript.

Projects are written by tests/qdpx_writer.py on top of a copy of the sample database: interview
I000001 is a hiring interview of application A000001 in program P05; raters R01-R03 exist.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

import polars as pl
import pytest
import xmlschema
from conftest import ROOT, table_checksums
from ops_helpers import command
from qdpx_writer import Sel, Src, codes_from_qdc, guid, write_qdpx, write_zip
from test_refiqda import TEXT, U1, U2, USERS, own_codes, selections, vocation

from dashboard import cli
from dashboard.core import labels
from dashboard.core.access import AccessDenied, Scope
from dashboard.hiring.passages import MARK_END, MARK_START, excerpt_passages, passage_text
from dashboard.ingest import writer
from dashboard.ingest.checker import check_batch
from dashboard.ingest.importer import import_batch
from dashboard.ingest.qdpx_frames import ProjectFrames, to_incoming
from dashboard.ops import command_server
from dashboard.refiqda.maps import Context
from dashboard.refiqda.qdpx import read_qdpx
from dashboard.store import db

INTERVIEW, APPLICATION, PROGRAM = "I000001", "A000001", "P05"
MARKUP = "<img src=x onerror=alert(1)> **bold** [link](http://x)"
PASSAGE_TEXT = TEXT + f"Applicant: My notes say {MARKUP} and nothing else.\n" + "More talk follows. " * 40


def run(*args: str) -> subprocess.CompletedProcess:
    """`python -m dashboard ARGS` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
    )


def checksums(db_file) -> dict:
    """Every table's fingerprint, read through a connection closed at once."""
    con = db.connect(db_file)
    try:
        return table_checksums(con)
    finally:
        con.close()


def rows(db_file, sql: str, **params) -> list[tuple]:
    """Rows of a query on the database file (tests only: fixed SQL, bound values)."""
    con = db.connect(db_file)  # the app under test may hold the file open in this process
    try:
        return con.execute(sql, params or None).fetchall()
    finally:
        con.close()


def project(path, codes=None, sels=None, users=None, text=TEXT, **kw):
    """A coded project on interview I000001 (NVivo-style CRLF, UTF-16 positions by default)."""
    kw = {"origin": "NVivo 14", "scheme": "utf16", **kw}
    src = Src(f"{INTERVIEW} hiring interview.docx", text, sels or selections(), crlf=True, bom=True)
    return write_qdpx(path, [src], users or USERS, codes or own_codes(), **kw)


# --- the command line --------------------------------------------------------------------------


def test_report_codebook_qdc_validates_and_the_csv_lists_the_same_codes(db_file):
    qdc = run("report", "codebook", "--format", "qdc", "--db", db_file)
    assert qdc.returncode == 0, qdc.stderr
    xmlschema.XMLSchema(str(ROOT / "tests" / "schemas" / "Codebook.xsd")).validate(qdc.stdout)
    listed = run("report", "codebook", "--db", db_file)
    assert listed.returncode == 0
    header, *lines = listed.stdout.splitlines()
    assert header.startswith("guid,name,parent_guid,path,theme,subtheme,stance")
    assert lines[0].startswith(vocation("balance"))
    guids = [c["guid"] for c in codes_from_qdc(qdc.stdout)]
    assert guids[0] == vocation("balance")
    assert f'guid="{vocation("adaptiveness/feedback/counter")}"' in qdc.stdout


def test_other_reports_keep_csv_and_json_and_refuse_qdc(db_file):
    assert run("report", "counts", "--format", "qdc", "--db", db_file).returncode == 2
    counts = run("report", "counts", "--format", "json", "--db", db_file)
    assert counts.returncode == 0 and '"table_name":"transcripts","row_count":0' in counts.stdout


def test_round_trip_check_import_reimport_through_the_command_line(db_file, tmp_path):
    exported = run("report", "codebook", "--format", "qdc", "--db", db_file).stdout
    path = project(tmp_path / "coded.qdpx", codes=codes_from_qdc(exported))
    before = checksums(db_file)

    check = run("load", path, "--check", "--db", db_file)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "positions counted as UTF-16 code units (NVivo)" in check.stdout
    assert "3 excerpt(s) from 3 coding(s)" in check.stdout and "Checked: no problems." in check.stdout
    assert checksums(db_file) == before  # --check writes nothing

    first = run("load", path, "--db", db_file)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "excerpts: 3 inserted" in first.stdout
    assert "transcripts: 1 inserted" in first.stdout and "excerpt_positions: 3 inserted" in first.stdout
    stored = rows(
        db_file,
        "select e.rater_id, e.theme, e.subtheme, e.stance, e.text, p.start_pos, p.end_pos, t.text"
        " from excerpts e join excerpt_positions p using (excerpt_id)"
        " join transcripts t on t.transcript_id = p.transcript_id and t.interview_id = e.interview_id"
        " order by p.start_pos",
    )
    assert [r[:5] for r in stored] == [
        ("R01", "balance", None, "supports", "sing in a choir on Tuesdays"),
        ("R02", "fit", None, "counter", "the sessions are the draining part"),
        (
            "R01",
            "adaptiveness",
            "feedback",
            "supports",
            "bring my hardest cases to supervision on purpose.\nAnd I record sessions",
        ),
    ]
    assert all(t == TEXT and t[s:e] == text for *_, text, s, e, t in stored)  # CRLF as \n, BOM gone
    assert rows(db_file, "select files from app_imports order by import_id desc limit 1") == [("coded.qdpx",)]
    assert rows(db_file, "select count(*) from app_audit_log where action = 'import'") == [(1,)]

    after_first = checksums(db_file)
    again = run("load", path, "--db", db_file)
    assert again.returncode == 0
    assert "excerpts: 0 inserted, 0 updated, 3 unchanged" in again.stdout
    assert "excerpt_positions: 0 inserted, 0 updated, 3 unchanged" in again.stdout
    after_again = checksums(db_file)
    assert {k for k in after_first if after_first[k] != after_again[k]} == {"app_imports", "app_audit_log"}


def test_an_unmapped_user_refuses_with_exit_1_names_it_and_writes_nothing(db_file, tmp_path):
    stranger = guid("user/stranger")
    sels = selections() + [Sel("And supervision?", [vocation("adaptiveness")], coder=stranger)]
    path = project(tmp_path / "p.qdpx", sels=sels, users=USERS + [{"guid": stranger, "name": "Pat Unknown"}])
    before = checksums(db_file)
    out = run("load", path, "--db", db_file)
    assert out.returncode == 1
    assert "Refused: 1 problem(s); nothing was written." in out.stdout
    assert "p.qdpx, -, column user: 'Pat Unknown' — cannot be mapped: is neither a rater's id" in out.stdout
    assert checksums(db_file) == before


def test_mapping_files_on_the_command_line(db_file, tmp_path):
    work, counter = guid("mx/work"), guid("mx/counter")
    codes = [{"guid": work, "name": "Work-life balance", "children": [{"guid": counter, "name": "Burnout"}]}]
    sels = [
        Sel("sing in a choir on Tuesdays", [work], coder=U1),
        Sel("the sessions are the draining part", [counter], coder=U2),
        Sel("And supervision?", [guid("mx/logistics")], coder=U1),
    ]
    users = [{"guid": U1, "name": "Coder A"}, {"guid": U2, "name": "Coder B"}]
    src = Src("Interview Ann B.", TEXT, sels)
    codes.append({"guid": guid("mx/logistics"), "name": "Logistics"})
    path = write_qdpx(tmp_path / "mx.qdpx", [src], users, codes, origin="MAXQDA 2022")
    (tmp_path / "s.csv").write_text(f"source,interview_id\nInterview Ann B.,{INTERVIEW}\n")
    (tmp_path / "c.csv").write_text("user,rater_id\nCoder A,R03\nCoder B,R02\n")
    (tmp_path / "k.csv").write_text(
        "code,theme,subtheme,stance\nWork-life balance,balance,,\nBurnout,fit,,counter\n"
    )
    maps = ["--sources", tmp_path / "s.csv", "--coders", tmp_path / "c.csv", "--codes", tmp_path / "k.csv"]
    out = run("load", path, *maps, "--db", db_file)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 coding(s) skipped, their codes map to no theme: 'Logistics' (1)" in out.stdout
    assert rows(
        db_file, "select rater_id, theme, stance from excerpts where excerpt_id like 'qdpx-%' order by 1"
    ) == [
        ("R02", "fit", "counter"),
        ("R03", "balance", "supports"),
    ]
    (tmp_path / "s.csv").write_text("source,interview_id\nInterview Ann B.,I999999\n")
    bad = run("load", path, *maps, "--db", db_file)
    assert bad.returncode == 1
    assert (
        "s.csv, row 2, column interview_id: 'I999999' — refers to no interview in the database" in bad.stdout
    )


def test_load_of_a_project_is_handed_to_the_running_app_with_its_mapping_file(db_file, tmp_path):
    store = db.Store(db.connect(db_file), db_file, cached=False)  # the app's side, holding the file
    command_server.serve(store, cli.build_parser().parse_args)
    try:
        project(tmp_path / "coded.qdpx", users=[{"guid": U1, "name": "Coder A"}, {"guid": U2, "name": "R02"}])
        (tmp_path / "coders.csv").write_text("user,rater_id\nCoder A,R03\n")
        # paths relative to the folder the command is typed in, as a nightly job would give them
        out = command("load", "coded.qdpx", "--coders", "coders.csv", "--db", str(db_file), cwd=tmp_path)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "excerpts: 3 inserted" in out.stdout
        assert store.query("table_counts").filter(table_name="transcripts")["row_count"][0] == 1
    finally:
        command_server.stop(store.path)
        store.close()


def test_a_project_whose_codes_all_map_to_nothing_is_refused(db_file, tmp_path):
    other = guid("other")
    sels = [Sel("sing in a choir on Tuesdays", [other], coder=U1)]
    path = project(tmp_path / "p.qdpx", sels=sels, codes=[{"guid": other, "name": "Logistics"}])
    before = checksums(db_file)
    out = run("load", path, "--db", db_file)
    assert out.returncode == 1
    assert "1 coding(s) skipped, their codes map to no theme: 'Logistics' (1)" in out.stdout
    assert "no coded selection maps to a theme, so there is nothing to import" in out.stdout
    assert checksums(db_file) == before


def test_a_hostile_project_is_refused_by_the_command_line(db_file, tmp_path):
    good = project(tmp_path / "good.qdpx")
    members = {i.filename: zipfile.ZipFile(good).read(i) for i in zipfile.ZipFile(good).infolist()}
    path = write_zip(tmp_path / "slip.qdpx", {**members, "../../evil.txt": b"owned"})
    before = checksums(db_file)
    out = run("load", path, "--db", db_file)
    assert out.returncode == 1
    assert "member '../../evil.txt' climbs out of the archive" in out.stdout
    assert checksums(db_file) == before
    assert not (tmp_path.parent / "evil.txt").exists()


# --- the batch ---------------------------------------------------------------------------------


def test_batch_rules_for_projects_and_mapping_files(con, tmp_path):
    path = project(tmp_path / "p.qdpx")
    second = project(tmp_path / "q.qdpx")
    (tmp_path / "sources.csv").write_text(f"source,interview_id\nx,{INTERVIEW}\n")
    excerpts = tmp_path / "excerpts.csv"
    excerpts.write_text(
        f"excerpt_id,interview_id,rater_id,theme,subtheme,stance,text\nX1,{INTERVIEW},R01,fit,,supports,x\n"
    )
    transcripts = tmp_path / "transcripts.csv"
    transcripts.write_text(f"transcript_id,interview_id,source_name,text\nT1,{INTERVIEW},a,b\n")
    before = table_checksums(con)
    cases = [
        ([path, second], "one .qdpx project per import"),
        ([tmp_path / "sources.csv"], "a sources map belongs with a .qdpx project, and the batch has none"),
        ([path, excerpts], "a second file for table excerpts"),
        ([transcripts], "transcripts are filled only from coded REFI-QDA projects"),
    ]
    for paths, rule in cases:
        report = import_batch(paths, con)
        assert not report.ok and any(rule in p.rule for p in report.problems), (paths, report.text())
    assert table_checksums(con) == before
    # a mapping file travels in the batch by its name, as on the Data page
    report = import_batch([path, tmp_path / "sources.csv"], con, dry_run=True)
    assert report.ok, report.text()


def test_a_project_may_use_interviews_and_raters_of_the_same_batch(con, tmp_path):
    (tmp_path / "raters.csv").write_text("rater_id,full_name\nR77,Quinn Newrater\n")
    (tmp_path / "interviews.csv").write_text(
        "interview_id,person_id,program_id,application_id,interview_date,purpose\n"
        "I777777,U00001,P05,A000001,2025-01-01,hiring\n"
    )
    users = [{"guid": U1, "name": "Quinn Newrater"}, {"guid": U2, "name": "R02"}]
    src = Src("I777777 second interview", TEXT, selections())
    path = write_qdpx(tmp_path / "p.qdpx", [src], users, own_codes())
    report = import_batch([path, tmp_path / "raters.csv", tmp_path / "interviews.csv"], con)
    assert report.ok and report.written, report.text()
    got = con.execute(
        "select interview_id, rater_id from excerpts where excerpt_id like 'qdpx-%' order by 2"
    ).fetchall()
    assert got == [("I777777", "R02"), ("I777777", "R77"), ("I777777", "R77")]


def test_a_failure_while_writing_positions_leaves_nothing_written(con, tmp_path, monkeypatch):
    path = project(tmp_path / "p.qdpx")
    real = writer.write_table

    def failing(connection, table, frame):
        if table.name == "excerpt_positions":
            raise RuntimeError("disk full (injected)")
        return real(connection, table, frame)

    monkeypatch.setattr(writer, "write_table", failing)
    before = table_checksums(con)
    with pytest.raises(RuntimeError, match="injected"):
        import_batch([path], con)
    assert table_checksums(con) == before  # the excerpts and the transcript were rolled back too


def test_the_position_rules_catch_a_tampered_project(con, tmp_path):
    report = import_batch([project(tmp_path / "p.qdpx")], con, dry_run=True)
    assert report.ok
    result = read_qdpx(tmp_path / "p.qdpx", Context.from_store(db.Store(con, "x")))
    shifted = result.positions.with_columns(pl.col("start_pos") + 1, pl.col("end_pos") + 1)
    moved = result.transcripts.with_columns(pl.lit("I000002").alias("interview_id"))
    backwards = result.positions.with_columns(pl.col("start_pos").alias("end_pos"))
    for transcripts, positions, column, rule in (
        (result.transcripts, shifted, "start_pos", "is not the excerpt's text"),
        (moved, result.positions, "transcript_id", "another interview"),
        (result.transcripts, backwards, "end_pos", "is not after start_pos"),
    ):
        frames = {"excerpts": result.excerpts, "transcripts": transcripts, "excerpt_positions": positions}
        found, _ = check_batch(con, to_incoming(ProjectFrames("p.qdpx", result.summary, frames, "x")))
        assert found.height == 3, found
        assert set(found["column"]) == {column} and rule in found["rule"][0]
        assert set(found["file"]) == {"p.qdpx (excerpt_positions)"}


# --- reading a passage -------------------------------------------------------------------------


def _imported(db_file, tmp_path):
    """The sample database with a project on I000001 whose transcript holds markup."""
    path = project(tmp_path / "p.qdpx", text=PASSAGE_TEXT)
    out = run("load", path, "--db", db_file)
    assert out.returncode == 0, out.stdout


def test_passages_follow_the_supervisors_programs(db_file, tmp_path, store_at):
    _imported(db_file, tmp_path)
    store = store_at(db_file)
    own = Scope("s@example.org", (("supervisor", PROGRAM),))
    found = excerpt_passages(store, own, APPLICATION)
    assert sorted(found) == ["adaptiveness", "balance", "fit"]
    balance = found["balance"][0]
    assert balance.label == "supports: sing in a choir on Tuesdays"
    assert balance.source == f"{INTERVIEW} hiring interview.docx"
    assert f"{MARK_START}sing in a choir on Tuesdays{MARK_END}" in balance.text
    assert balance.text.startswith("Interviewer: What keeps you going?")  # the transcript's start
    assert excerpt_passages(store, own, APPLICATION, hide_source=True)["fit"][0].source.startswith("(hidden")
    other = Scope("o@example.org", (("supervisor", "P01"),))
    assert excerpt_passages(store, other, APPLICATION) == {}
    with pytest.raises(AccessDenied):
        excerpt_passages(store, Scope("t@example.org", (("training_director", PROGRAM),)), APPLICATION)
    with pytest.raises(AccessDenied):
        excerpt_passages(store, Scope("l@example.org", (("leadership", ""),)), APPLICATION)


def test_passages_follow_the_blind_rule(db_file, tmp_path, store_at):
    _imported(db_file, tmp_path)
    store = store_at(db_file)
    own = Scope("s@example.org", (("supervisor", PROGRAM),))
    assert excerpt_passages(store, own, APPLICATION)
    # the supervisor sits, as rater R03, on a panel for this person and has not submitted yet
    store.con.execute("update raters set email = 's@example.org' where rater_id = 'R03'")
    store.con.execute(
        "insert into app_panel_seats (interview_id, rater_id, added_by, added_at)"
        " values ('I000002', 'R03', 'tests', now())"
    )
    assert excerpt_passages(store, own, APPLICATION) == {}


def test_a_passage_whose_transcript_changed_is_not_offered(db_file, tmp_path, store_at):
    _imported(db_file, tmp_path)
    store = store_at(db_file)
    store.con.execute("update transcripts set text = 'x' || text")  # edited in the tool, say
    own = Scope("s@example.org", (("supervisor", PROGRAM),))
    assert excerpt_passages(store, own, APPLICATION) == {}


def test_passage_text_keeps_whole_words_around_the_excerpt():
    text = passage_text("lo world and more ", "THE EXCERPT", " after that ends he", False, False)
    assert text == f"…world and more {MARK_START}THE EXCERPT{MARK_END} after that ends…"
    assert passage_text("Start ", "X", " end", True, True) == f"Start {MARK_START}X{MARK_END} end"
    assert passage_text("nospace", "X", "nospace", False, False) == f"…{MARK_START}X{MARK_END}…"


def test_candidate_page_shows_an_excerpt_in_its_passage_as_plain_text(db_file, tmp_path, app_as):
    _imported(db_file, tmp_path)
    markup_sel = Sel("My notes say", [vocation("learning")], coder=U1)
    path = project(tmp_path / "m.qdpx", sels=[markup_sel], text=PASSAGE_TEXT)
    assert run("load", path, "--db", db_file).returncode == 0
    at = app_as("supervisor", (PROGRAM,))
    at.query_params["application"] = APPLICATION
    at.switch_page("views/candidate.py").run()
    assert not at.exception
    picker = at.selectbox(key="candidate_passage_learning")
    assert picker.value is None and not at.code
    picker.select_index(0).run()
    assert not at.exception
    shown = at.code[0].value
    assert f"{MARK_START}My notes say{MARK_END} {MARKUP} and nothing else." in shown  # markup as text
    assert shown.endswith("…") and len(shown) < 700
    assert any(t.value.startswith(f"From {INTERVIEW} hiring interview.docx") for t in at.text)
    assert not any(MARKUP in m.value for m in at.markdown)  # never through Markdown


# --- the Data page -----------------------------------------------------------------------------


def _upload(at, *files):
    """Put files on the Data page's uploader and press Check files."""
    at.file_uploader(key="data_files").set_value(list(files)).run()
    at.button(key="data_check").click().run()
    assert not at.exception


def _shown(frame):
    """A table as the page shows it, with its columns' own names back (the page shows headings)."""
    return frame.rename(
        columns={labels.heading(n): n for n in ("file", "table", "inserted", "column", "value", "rule")}
    )


def test_data_page_checks_a_project_with_its_coders_map_then_imports_it(db_file, tmp_path, app_as):
    users = [{"guid": U1, "name": "Coder A"}, {"guid": U2, "name": "R02"}]
    qdpx = project(tmp_path / "coded.qdpx", users=users).read_bytes()
    at = app_as("admin", page="views/data.py")
    before = checksums(db_file)
    _upload(
        at,
        ("coded.qdpx", qdpx, "application/zip"),
        ("Coders.csv", b"user,rater_id\nCoder A,R03\n", "text/csv"),
    )
    assert at.success and "Nothing has been written" in at.success[0].value
    summary = next(t.value for t in at.text if t.value.startswith("coded.qdpx: project"))
    assert "positions counted as UTF-16 code units (NVivo)" in summary and "3 excerpt(s)" in summary
    assert _shown(at.dataframe[0].value)["file"].tolist() == ["coded.qdpx"]
    assert {k for k, v in checksums(db_file).items() if v != before[k]} <= {"app_audit_log"}
    at.button(key="data_import").click().run()
    assert not at.exception
    counts = _shown(at.dataframe[0].value)
    assert dict(zip(counts["table"], counts["inserted"], strict=True)) == {
        "excerpts": 3,
        "transcripts": 1,
        "excerpt_positions": 3,
    }
    assert rows(db_file, "select rater_id from excerpts where excerpt_id like 'qdpx-%' order by 1") == [
        ("R02",),
        ("R03",),
        ("R03",),
    ]
    audit = rows(db_file, "select who, object, row_count from app_audit_log where action = 'import'")
    assert audit == [("admin@example.org", "coded.qdpx", 7)]


def test_data_page_refuses_an_unmapped_project_and_writes_nothing(db_file, tmp_path, app_as):
    users = [{"guid": U1, "name": "Coder A"}, {"guid": U2, "name": "<b>Coder</b> **B**"}]
    qdpx = project(tmp_path / "coded.qdpx", users=users).read_bytes()
    at = app_as("admin", page="views/data.py")
    before = checksums(db_file)
    _upload(at, ("coded.qdpx", qdpx, "application/zip"))
    assert at.error and "nothing was written" in at.error[0].value
    problems = _shown(at.dataframe[0].value)
    assert problems["column"].tolist() == ["user", "user"]
    assert problems["value"].tolist() == ["<b>Coder</b> **B**", "Coder A"]  # as values in a grid
    assert "data_import" not in [b.key for b in at.button]
    assert {k for k, v in checksums(db_file).items() if v != before[k]} <= {"app_audit_log"}


def test_data_page_refuses_a_hostile_project_read_in_the_child(db_file, tmp_path, app_as):
    bomb = write_zip(tmp_path / "bomb.qdpx", {"project.qde": b"<a/>", "sources/big.txt": b"0" * (20 << 20)})
    at = app_as("admin", page="views/data.py")
    _upload(at, ("bomb.qdpx", bomb.read_bytes(), "application/zip"))
    assert at.error
    assert any("zip bomb" in rule for rule in _shown(at.dataframe[0].value)["rule"])
