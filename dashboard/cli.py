"""The command line: load data, print reports, manage users, read the audit log, schedule, move and
cancel interviews, send mail (dashboard/cli_mail.py), back up and restore, serve the app, benchmark.

Every command takes `--db FILE` (default $VOCATION_DB, else data/vocation.duckdb) and `--help`.
While the app holds the database, a command runs inside the app (see dashboard/ops/command_server.py):
the app's process loads this module and hands forwarded arguments to the same parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import polars as pl

from dashboard import cli_trainees
from dashboard.core import exports
from dashboard.core.access import ROLES, Scope
from dashboard.ops import backup, backup_schedule, command_server, users
from dashboard.ops.command_server import path_arg
from dashboard.reports import DOCUMENTS, REPORTS
from dashboard.store import audit, db


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=path_arg,
        default=str(db.db_path_from_env()),
        metavar="FILE",
        help="the DuckDB database file (default: $VOCATION_DB or data/vocation.duckdb)",
    )


def cmd_load(args: argparse.Namespace) -> int:
    """Import files, folders or a coded .qdpx project; exit 1 and write nothing if any row is bad."""
    from dashboard.ingest.importer import import_batch

    con, seeded = db.connect(args.db), []
    try:
        maps = {kind: getattr(args, kind) for kind in ("sources", "coders", "codes") if getattr(args, kind)}
        result = import_batch(args.paths, con, imported_by=args.by, dry_run=args.check, maps=maps)
        if result.written:
            _audit_import(db.Store(con, args.db), result)
            from dashboard.demo import panels, self_assessments

            seeded = panels.seed_if_sample(db.Store(con, args.db))  # the demo panels, on the sample only
            self_assessments.seed_if_sample(db.Store(con, args.db))  # and the trainees' self-assessments
    finally:
        con.close()
    print(result.text())
    if result.written and seeded:
        print(f"Sample data: scheduled {len(seeded)} demo interviews with panels ({', '.join(seeded)}).")
    return 0 if result.ok else 1


def _audit_import(store, result) -> None:
    """Write a command-line import to the audit log."""
    rows = sum(c["inserted"] + c["updated"] for c in result.counts.values())
    audit.record(store, _cli_scope(), "import", ", ".join(result.counts), rows, role="admin")


def print_frame(frame: pl.DataFrame, fmt: str) -> None:
    """Print a frame as CSV (formula injection neutralised) or JSON (a list of row objects)."""
    if fmt == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        sys.stdout.write(exports.csv_text(frame))


def cmd_report(args: argparse.Namespace) -> int:
    """Print one named report (a table as CSV or JSON, or a document in its own format)."""
    fn = DOCUMENTS.get(args.report_name, {}).get(args.format) or REPORTS[args.report_name][0]
    store = db.Store.open(args.db)
    try:
        out = fn(store, args)
        if isinstance(out, str):
            sys.stdout.write(out)
        else:
            print_frame(out, args.format)
    finally:
        store.close()
    return 0


def _cli_scope():
    """The command line acts as an admin; the audit log names the operating-system user."""
    import getpass

    return Scope(f"command line ({getpass.getuser()})", Scope.system().grants)


def cmd_users(args: argparse.Namespace) -> int:
    """List, add or remove people's roles; changes are written to the audit log."""

    store = db.Store.open(args.db)
    try:
        if args.action == "list":
            print_frame(users.list_users(store, _cli_scope()), args.format)
        elif args.action == "add":
            n = users.grant_role(store, _cli_scope(), args.email, args.role, args.program or [])
            print(f"Granted {args.role} to {args.email.strip().lower()} ({n} row(s)).")
        else:
            n = users.revoke_role(store, _cli_scope(), args.email, args.role)
            print(f"Removed {n} role row(s) from {args.email.strip().lower()}.")
    except users.UserChangeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Print the audit log, newest first."""

    store = db.Store.open(args.db)
    try:
        log = audit.read_log(store, _cli_scope(), since=args.since, action=args.action)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print_frame(log, args.format)
    return 0


def _add_users_parser(sub) -> None:
    """`users list|add|remove`."""

    users = sub.add_parser("users", help="list, add or remove people's roles")
    users_sub = users.add_subparsers(dest="action", required=True)
    lst = users_sub.add_parser("list", help="every role granted")
    lst.add_argument("--format", choices=("csv", "json"), default="csv")
    add = users_sub.add_parser("add", help="grant a role (supervisor/training_director need --program)")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument(
        "--program", action="append", metavar="ID", help="a program the role covers (repeat; '*' for all)"
    )
    rem = users_sub.add_parser("remove", help="take away one role, or every role")
    rem.add_argument("email")
    rem.add_argument("--role", choices=ROLES, help="only this role (default: every role)")
    for p in (lst, add, rem):
        _add_db(p)
        p.set_defaults(func=cmd_users)


def cmd_schedule(args: argparse.Namespace) -> int:
    """Schedule an interview with its panel; print the new interview id alone on the last line."""
    from dashboard.core.access import AccessDenied
    from dashboard.scorecards import interviews

    store = db.Store.open(args.db)
    try:
        req = interviews.Request(
            args.on, tuple(args.panel or ()), args.application, args.person, args.program, args.purpose
        )
        interview_id, queued = interviews.schedule_and_tell(store, _cli_scope(), req)
    except (interviews.ScheduleError, AccessDenied) as exc:
        for problem in getattr(exc, "problems", [str(exc)]):
            print(f"error: {problem}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"Scheduled with a panel of {len(req.panel)}. {queued.text('invitation')}")
    print(interview_id)
    return 0


def cmd_scorecard(args: argparse.Namespace) -> int:
    """Record a paper scorecard (`record`) or list the panels' cards (`list`)."""
    from dashboard.core.access import AccessDenied
    from dashboard.scorecards import cards

    store = db.Store.open(args.db)
    try:
        if args.action == "list":
            print_frame(cards.list_cards(store, _cli_scope(), args.interview, args.status), args.format)
            return 0
        card, problems = cards.parse_cli(args.score or [], args.not_assessed or [], args.excerpt or [])
        if problems:
            raise cards.CardError(problems)
        write = cards.save_draft if args.draft else cards.submit
        write(store, _cli_scope(), args.interview, args.rater, card, paper=True)
    except cards.CardError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    except (AccessDenied, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"{'Draft saved' if args.draft else 'Submitted'}: {args.rater} on {args.interview}.")
    return 0


def _add_scorecard_parsers(sub) -> None:
    """`interviews schedule` and `scorecard record|list`."""
    from dashboard import cli_mail
    from dashboard.core.contract import PURPOSES
    from dashboard.scorecards.interviews import STATUSES

    iv = sub.add_parser("interviews", help="schedule, move or cancel interviews with a panel of raters")
    iv_sub = iv.add_subparsers(dest="action", required=True)
    sch = iv_sub.add_parser("schedule", help="schedule one interview")
    sch.add_argument("--application", metavar="ID", help="a hiring interview for this application")
    sch.add_argument("--person", metavar="ID", help="a trainee's or staff member's review (with --program)")
    sch.add_argument("--program", metavar="ID")
    sch.add_argument("--purpose", choices=PURPOSES)
    sch.add_argument("--on", required=True, metavar="YYYY-MM-DD")
    sch.add_argument(
        "--panel", action="append", metavar="RATER_ID", help="a rater on the panel (1-4; repeat)"
    )
    _add_db(sch)
    sch.set_defaults(func=cmd_schedule)
    cli_mail.add_parsers(sub, iv_sub, _add_db)
    sc = sub.add_parser("scorecard", help="record a paper scorecard, or list scorecards")
    sc_sub = sc.add_subparsers(dest="action", required=True)
    rec = sc_sub.add_parser("record", help="type one rater's paper scorecard (submits unless --draft)")
    rec.add_argument("--interview", required=True, metavar="ID")
    rec.add_argument("--rater", required=True, metavar="RATER_ID")
    rec.add_argument("--score", action="append", metavar="THEME=N", help="a score 0-4 (repeat)")
    rec.add_argument("--not-assessed", action="append", metavar="THEME", help="a theme not assessed")
    rec.add_argument(
        "--excerpt", action="append", metavar="THEME[/SUB]:STANCE:TEXT", help="verbatim evidence"
    )
    rec.add_argument("--draft", action="store_true", help="save as a draft; do not submit")
    lst = sc_sub.add_parser("list", help="every panel seat and its scorecard's status")
    lst.add_argument("--interview", metavar="ID")
    lst.add_argument("--status", choices=STATUSES)
    lst.add_argument("--format", choices=("csv", "json"), default="csv")
    for p in (rec, lst):
        _add_db(p)
        p.set_defaults(func=cmd_scorecard)


def _add_audit_parser(sub) -> None:
    """`audit [--since DATE] [--action A] [--format csv|json]`."""

    aud = sub.add_parser("audit", help="print the audit log (newest first)")
    aud.add_argument("--since", metavar="YYYY-MM-DD", help="only entries on or after this day")
    aud.add_argument("--action", choices=audit.ACTIONS, help="only this kind of entry")
    aud.add_argument("--format", choices=("csv", "json"), default="csv")
    _add_db(aud)
    aud.set_defaults(func=cmd_audit)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""

    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    load = sub.add_parser("load", help="import CSV/XLSX/Parquet files or folders, or a coded .qdpx project")
    load.add_argument(
        "paths", nargs="+", type=path_arg, metavar="PATH", help="files, folders of files, or a .qdpx"
    )
    load.add_argument("--check", action="store_true", help="validate only; write nothing")
    for kind, columns, what in (
        ("sources", "source,interview_id", "text sources to interviews"),
        ("coders", "user,rater_id", "users to raters"),
        ("codes", "code,theme,subtheme,stance", "codes to themes"),
    ):
        load.add_argument(
            f"--{kind}",
            type=path_arg,
            metavar="MAP.csv",
            help=f"for a .qdpx: CSV {columns} mapping its {what}",
        )
    load.add_argument("--by", default="command line", help="who is importing (for the record)")
    _add_db(load)
    load.set_defaults(func=cmd_load)

    rep = sub.add_parser("report", help="print a report as CSV or JSON")
    rep_sub = rep.add_subparsers(dest="report_name", required=True)
    for name, (_, add_args, help_text) in sorted(REPORTS.items()):
        p = rep_sub.add_parser(name, help=help_text, description=help_text)
        add_args(p)
        p.add_argument("--format", choices=("csv", "json", *DOCUMENTS.get(name, {})), default="csv")
        _add_db(p)
        p.set_defaults(func=cmd_report)
    _add_users_parser(sub)
    _add_audit_parser(sub)
    _add_scorecard_parsers(sub)
    cli_trainees.add_parsers(sub, _add_db)
    _add_backup_parsers(sub)
    bench = sub.add_parser("bench", help="generate data at a scale, import it and time every page")
    bench.add_argument("--scale", type=int, default=100, help="data scale (1 = the sample; default 100)")
    bench.add_argument("--runs", type=int, default=5, help="warm re-runs per page (median reported)")
    bench.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    bench.add_argument("--pages", metavar="KEYS", help="time only these pages (comma-separated keys)")
    bench.add_argument(
        "--db",
        metavar="FILE",
        default=None,
        help="where to build the benchmark database (default: a temporary file; never your real "
        "data); an existing file is reused as it is, skipping generation and import",
    )
    bench.set_defaults(func=_cmd_bench)
    return parser


def cmd_backup(args: argparse.Namespace) -> int:
    """`backup --to DIR`: back up every table into a new folder under DIR."""
    store = db.Store.open(args.db)
    try:
        result = backup.create_backup(store, _cli_scope(), args.to)
    except (backup.BackupError, OSError) as exc:
        print(f"error: backup failed, no backup was made: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(result.text())
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """`restore --from DIR --db FILE [--force]`: verify the backup, then make FILE a copy of it."""
    try:
        result = backup.restore_backup(args.source, args.db, force=args.force)
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(result.text("Restored"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """`serve`: open the database at once (taking commands, backing up on schedule), then run the app
    in this process; `streamlit run dashboard/app.py` would open it only when a first page is opened."""
    from streamlit.web import cli as streamlit_cli

    path = str(args.db)
    os.environ["VOCATION_DB"] = path  # the app's pages open this same store
    serve_in_app()
    db._open_store(path)
    app = Path(__file__).resolve().parent / "app.py"
    options = ["--server.port", str(args.port), *args.streamlit_options]
    return streamlit_cli.main(args=["run", str(app), *options], prog_name="streamlit", standalone_mode=True)


def _add_backup_parsers(sub) -> None:
    """`backup`, `restore` and `serve`."""
    back = sub.add_parser("backup", help="back up every table (works while the app runs)")
    back.add_argument("--to", required=True, type=path_arg, metavar="DIR", help="the folder to back up into")
    rest = sub.add_parser("restore", help="verify a backup and restore it into a database file")
    rest.add_argument("--from", dest="source", required=True, type=path_arg, metavar="DIR", help="a backup")
    rest.add_argument("--force", action="store_true", help="replace the database file if it exists")
    serve = sub.add_parser("serve", help="run the app as a service: take commands and back up from the start")
    serve.add_argument("--port", type=int, default=8501, help="the port to serve on (default 8501)")
    serve.add_argument(
        "streamlit_options",
        nargs="*",
        metavar="STREAMLIT_OPTION",
        help="more `streamlit run` options after --, e.g. -- --server.address 127.0.0.1",
    )
    for parser, func in ((back, cmd_backup), (rest, cmd_restore), (serve, cmd_serve)):
        _add_db(parser)
        parser.set_defaults(func=func)


def _serve_store(store) -> None:
    """Beside the pages, in the app's process: take commands on the store's socket; back up on
    schedule; send mail every minute when it is configured."""
    command_server.serve(store, lambda argv: build_parser().parse_args(argv))
    backup_schedule.start_scheduled_backups(store)
    from dashboard.ops import mail_schedule

    mail_schedule.start_mail_sender(store)


def serve_in_app() -> None:
    """Called by the app (and `serve`): once its database is open, the process takes commands."""
    db.on_app_store_open(_serve_store)


def _cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmark (see dashboard/bench/runner.py)."""
    from dashboard.bench.runner import cmd_bench

    return cmd_bench(args)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status. While the app holds the database, the command
    runs inside the app (see dashboard/ops/command_server.py)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    return command_server.run_or_forward(build_parser().parse_args(argv), argv)
