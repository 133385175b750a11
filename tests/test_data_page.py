"""The admin's Data page: upload, check before writing, import, history, users and roles, audit log."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, open_tab, table_checksums

from dashboard.core import labels
from dashboard.ingest import uploads
from dashboard.store import db
from dashboard.ui import widgets

ADMIN = "admin@example.org"
_FIRST = (SAMPLE / "ratings.csv").read_text().splitlines()[1].split(",")  # a real interview and rater
BAD_RATINGS = (
    "interview_id,rater_id,theme,score\n"
    f"{_FIRST[0]},{_FIRST[1]},balance,9\n"
    f"{_FIRST[0]},{_FIRST[1]},<img src=x onerror=alert(1)>,2\n"
    f"{_FIRST[0]},{_FIRST[1]},**bold**,2\n"
).encode()


@pytest.fixture
def admin_app(db_file, monkeypatch, app_as):
    """The Data page, signed in as an admin."""
    return app_as("admin", page="views/data.py", email=ADMIN)


def _table(at, *columns):
    """The first table on the page with these columns under their readable headings (AppTest does
    not expose a table's key), returned with the columns' own names."""
    headings = {labels.heading(c): c for c in columns}
    for frame in at.dataframe:
        if set(headings) <= set(frame.value.columns):
            return frame.value.rename(columns=headings)
    raise AssertionError(f"no table with columns {columns}")


def _says_nothing_to_show(at) -> bool:
    return any(i.value == widgets.NOTHING for i in at.info)


def _audit(db_file, action):
    con = db.connect(db_file)
    try:
        return con.execute(
            "select who, object, row_count from app_audit_log where action = $a order by audit_id",
            {"a": action},
        ).fetchall()
    finally:
        con.close()


def test_page_renders_its_five_parts(admin_app):
    at = admin_app
    assert not at.exception
    assert at.title[0].value == "Data"
    assert [t.label for t in at.tabs] == [
        "Upload",
        "Templates",
        "Import history",
        "Users and roles",
        "Audit log",
        "Backups",
        "Mail",
    ]
    assert not [t for t in at.dataframe if "Checksum" in t.value.columns]  # only the open tab runs
    history = _table(open_tab(at, "data_tab", "Import history"), "import_id", "checksum")
    assert history.shape[0] == 1  # the sample import
    for tab in ("Templates", "Users and roles", "Audit log", "Backups", "Mail"):
        open_tab(at, "data_tab", tab)


def test_bad_upload_shows_the_report_and_writes_nothing(admin_app, db_file):
    at = admin_app
    con = db.connect(db_file)
    before = table_checksums(con)
    con.close()
    at.file_uploader(key="data_files").set_value(("ratings.csv", BAD_RATINGS, "text/csv")).run()
    at.button(key="data_check").click().run()
    assert not at.exception
    assert at.error and "nothing was written" in at.error[0].value
    problems = _table(at, "rule", "column", "value")
    assert set(problems["column"]) == {"score", "theme"}
    assert "<img src=x onerror=alert(1)>" in set(problems["value"])  # shown as a value in a grid
    assert "data_import" not in [b.key for b in at.button]
    con = db.connect(db_file)
    after = table_checksums(con)
    con.close()
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {"app_audit_log"}  # the sign-in entry only


def test_good_upload_imports_on_confirm_and_refreshes(admin_app, db_file, tmp_path):
    at = admin_app
    new_site = (SAMPLE / "sites.csv").read_bytes().rstrip(b"\n") + b"\nS9,New site,North\n"
    at.file_uploader(key="data_files").set_value(("sites.csv", new_site, "text/csv")).run()
    at.button(key="data_check").click().run()
    assert not at.exception
    assert at.success and "Nothing has been written" in at.success[0].value
    sites_before = _site_count(db_file)
    at.button(key="data_import").click().run()
    assert not at.exception
    assert _site_count(db_file) == sites_before + 1
    counts = _table(at, "table", "inserted")
    assert counts.loc[counts["table"] == "sites", "inserted"].tolist() == [1]
    history = _table(open_tab(at, "data_tab", "Import history"), "import_id", "checksum")
    assert history.shape[0] == 2  # cached read refreshed at once
    assert _audit(db_file, "import")[0][:2] == (ADMIN, "sites.csv")


def _site_count(db_file):
    con = db.connect(db_file)
    try:
        return con.execute("select count(*) from sites").fetchall()[0][0]
    finally:
        con.close()


def test_grant_and_remove_roles_on_the_page(admin_app, db_file):
    at = open_tab(admin_app, "data_tab", "Users and roles")
    at.text_input(key="data_user_email").input("New.Person@example.org")
    at.selectbox(key="data_user_role").select("supervisor")
    at.multiselect(key="data_user_programs").select("P01")
    at.button(key="data_grant").click().run()
    assert not at.exception
    users = _table(at, "email", "role", "program_id")
    assert ("new.person@example.org", "supervisor", "P01") in set(
        zip(users["email"], users["role"], users["program_id"], strict=True)
    )
    assert _audit(db_file, "user_change")[-1][0] == ADMIN
    at.selectbox(key="data_remove_email").select("new.person@example.org")
    at.button(key="data_remove").click().run()
    users = _table(at, "email", "role", "program_id")
    assert "new.person@example.org" not in set(users["email"])


def test_grant_without_a_program_is_refused_with_the_reason(admin_app):
    at = open_tab(admin_app, "data_tab", "Users and roles")
    at.text_input(key="data_user_email").input("x@example.org")
    at.selectbox(key="data_user_role").select("training_director")
    at.button(key="data_grant").click().run()
    assert at.error[0].value == "Not granted:"
    assert any("at least one --program" in t.value for t in at.text)


def test_audit_log_filters_by_action_and_person(admin_app):
    at = open_tab(admin_app, "data_tab", "Audit log")
    log = _table(at, "action", "who")
    assert "sign_in" in set(log["action"])
    at.selectbox(key="data_audit_action").select("user_change").run()
    assert _says_nothing_to_show(at)  # an empty log is said in words, not drawn as an empty grid
    at.selectbox(key="data_audit_action").select("sign_in").run()
    at.text_input(key="data_audit_who").input("nobody-like-this").run()
    assert _says_nothing_to_show(at)


def test_uploads_are_read_at_a_lower_cpu_priority_than_the_pages():
    """The child that reads an upload lowers its own priority, so the pages' server (and everyone
    opening pages) comes first while an admin's upload is read."""
    import os
    import subprocess
    import sys

    code = "import os; from dashboard.ingest import uploads; uploads._limit_self(2048, 60); print(os.nice(0))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=db.ROOT, capture_output=True, text=True, check=True
    )
    assert int(out.stdout) == min(os.nice(0) + uploads.PARSE_NICE, 19)


def test_a_checked_batch_leaves_the_uploader_empty_and_can_be_set_aside(admin_app, db_file):
    # the uploader starts empty once a batch is checked: Streamlit deep-copies a file uploader's
    # files on every run of the page, which held the server for seconds during a large import
    at = admin_app
    sites_before = _site_count(db_file)
    new_site = (SAMPLE / "sites.csv").read_bytes().rstrip(b"\n") + b"\nS9,New site,North\n"
    at.file_uploader(key="data_files").set_value(("sites.csv", new_site, "text/csv")).run()
    at.button(key="data_check").click().run()
    assert not at.exception
    assert [u.key for u in at.file_uploader] == ["data_files_1"]
    assert not at.file_uploader[0].value
    folder = at.session_state["data_pending"].folder
    assert folder.exists() and at.success and "Nothing has been written" in at.success[0].value
    at.button(key="data_discard").click().run()
    assert not at.exception and not folder.exists()
    assert "data_import" not in [b.key for b in at.button] and not at.success
    # checked again, then other files chosen: the first check is set aside, nothing imported
    at.file_uploader(key="data_files_1").set_value(("sites.csv", new_site, "text/csv")).run()
    at.button(key="data_check").click().run()
    first = at.session_state["data_pending"].folder
    at.file_uploader(key="data_files_2").set_value(("sites.csv", new_site, "text/csv")).run()
    assert not first.exists() and "data_pending" not in at.session_state
    assert _site_count(db_file) == sites_before


def test_a_batch_checked_and_abandoned_is_deleted_after_a_day(tmp_path):
    """A session that ended with a checked batch (browser closed, server restarted) leaves its
    folder of uploaded files behind; the next upload deletes any such folder older than a day."""
    import os
    import time

    old, fresh, other = (tmp_path / n for n in ("vocation-upload-old", "vocation-upload-new", "keep-me"))
    for folder in (old, fresh, other):
        (folder / "in").mkdir(parents=True)
        (folder / "in" / "0.csv").write_text("site_id\nS1\n")
    day_ago = time.time() - uploads.ABANDONED_AFTER_S - 60
    os.utime(old, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    assert uploads.sweep_abandoned(root=tmp_path) == 1
    assert not old.exists() and fresh.exists() and other.exists()
