"""Data (admin): upload and import files, import history, users and roles, the audit log, backups, mail."""

from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard.ingest import templates, uploads
from dashboard.ops import backup_schedule, users
from dashboard.store import audit, db
from dashboard.ui import admin_ui, mail_status, widgets
from dashboard.ui.signin import current_scope

store = db.app_store()
scope = current_scope()
st.title("Data")
# Only the open tab runs, except Upload, always drawn so that files chosen there stay chosen while
# the admin looks at another tab.
upload_tab, templates_tab, history_tab, users_tab, audit_tab, backup_tab, mail_tab = st.tabs(
    ["Upload", "Templates", "Import history", "Users and roles", "Audit log", "Backups", "Mail"],
    key="data_tab",
    on_change="rerun",
)

with upload_tab:
    st.write(
        "Upload one file per table (CSV, XLSX or Parquet; the file name decides the table), or a coded "
        "REFI-QDA project (.qdpx) with its mapping files, if any, named sources.csv, coders.csv and "
        "codes.csv. The whole batch is checked first; nothing is written until you press Import."
    )
    # Once checked, the files live in the check's folder and the uploader starts empty: Streamlit
    # deep-copies an uploader's files on every run (seconds of the server's time for an export).
    generation = st.session_state.get("data_upload_generation", 0)
    files = st.file_uploader(
        "Files to import",
        type=["csv", "xlsx", "parquet", "qdpx"],
        accept_multiple_files=True,
        key="data_files" if generation == 0 else f"data_files_{generation}",
    )
    if files and "data_pending" in st.session_state:  # new files chosen: the checked batch goes
        uploads.discard(st.session_state.pop("data_pending"))
    if st.button("Check files", key="data_check", disabled=not files):
        with st.spinner("Reading and checking the files…"):
            check = uploads.check_uploads(store, scope, [(f.name, f.getvalue()) for f in files])
        st.session_state["data_pending"] = check
        st.session_state["data_upload_generation"] = generation + 1
        st.session_state.pop("data_last_import", None)
        st.rerun()
    check = st.session_state.get("data_pending")
    if check is not None:
        for notice in check.report.notices:
            st.text(notice)
        for summary in check.report.projects:
            st.text("\n".join(summary.lines()))
        if not check.report.ok:
            st.error("The batch was refused: nothing was written. Fix these rows and upload the files again.")
            st.text(
                f"{check.report.problem_count} problem(s); rows are numbered as a spreadsheet shows them."
            )
            widgets.table(check.report.problems_frame(), "data_problems", "import-problems.csv")
        else:
            st.success("No problems found. Nothing has been written yet.")
            widgets.dataframe(pl.DataFrame({"file": check.files}), "data_checked_files")
            if st.button("Import", key="data_import", type="primary", icon=":material/upload:"):
                bar = st.progress(0.0, text="Importing")
                report = uploads.import_uploads(store, scope, check, lambda f, t: bar.progress(f, text=t))
                st.session_state.pop("data_pending", None)
                st.session_state["data_last_import"] = report.counts_frame()
                st.rerun()
        if st.button("Set these files aside", key="data_discard"):
            uploads.discard(st.session_state.pop("data_pending"))
            st.rerun()
    if "data_last_import" in st.session_state and check is None:
        st.success("Imported. Every page now shows the new data.")
        widgets.dataframe(st.session_state["data_last_import"], "data_import_counts")

if templates_tab.open:
    with templates_tab:
        st.write(
            "A file to fill for each table of the data contract: the headers, one example row, and the "
            "rule each column must meet (the XLSX's comments and Rules sheet; a text file beside the CSV)."
        )
        table = st.selectbox("Table", templates.TABLE_NAMES, key="data_template_table")
        st.text("\n".join(templates.table_notes(table)))
        widgets.dataframe(templates.rules_frame(table), "data_template_rules")
        widgets.file_downloads(templates.downloads(table), "data_template")

if history_tab.open:
    with history_tab:
        widgets.table(users.import_history(store, scope), "data_history", "import-history.csv")

if users_tab.open:
    with users_tab:
        admin_ui.users_section(store, scope)

if audit_tab.open:
    with audit_tab:
        left, mid, right, far = st.columns(4)
        since = left.date_input("From", date.today() - timedelta(days=30), key="data_audit_since")
        until = mid.date_input("Through", date.today(), key="data_audit_until")
        who = right.text_input("Person contains", key="data_audit_who")
        action = far.selectbox("Action", ["all", *audit.ACTIONS], key="data_audit_action")
        log = audit.read_log(store, scope, since, until, who, None if action == "all" else action)
        st.caption(f"{log.height} entries, newest first. The log is append-only.")
        widgets.table(log, "data_audit", "audit-log.csv")

if backup_tab.open:
    with backup_tab:
        status = backup_schedule.backup_status(store, scope)
        st.text(status.last)
        st.text(status.schedule)
        if status.error:
            st.error(status.error)
        st.caption(
            "Back up now: python -m dashboard backup --to DIR (works while the app runs; see docs/admin.md)."
        )

if mail_tab.open:
    with mail_tab:
        mail_status.mail_section(store, scope)
