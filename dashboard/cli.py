"""The command line: load data, print reports, manage users, read the audit log, benchmark.

Every command takes `--db FILE` (default $VOCATION_DB, else data/vocation.duckdb) and `--help`.
"""

from __future__ import annotations

import argparse
import sys

import polars as pl

from dashboard import audit, db, users
from dashboard.access import ROLES, Scope
from dashboard.reports import DOCUMENTS, REPORTS


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=str(db.db_path_from_env()),
        metavar="FILE",
        help="the DuckDB database file (default: $VOCATION_DB or data/vocation.duckdb)",
    )


def cmd_load(args: argparse.Namespace) -> int:
    """Import files, folders or a coded .qdpx project; exit 1 and write nothing if any row is bad."""
    from dashboard.importer import import_batch

    con = db.connect(args.db)
    try:
        maps = {kind: getattr(args, kind) for kind in ("sources", "coders", "codes") if getattr(args, kind)}
        result = import_batch(args.paths, con, imported_by=args.by, dry_run=args.check, maps=maps)
        if result.written:
            _audit_import(db.Store(con, args.db), result)
    finally:
        con.close()
    print(result.text())
    return 0 if result.ok else 1


def _audit_import(store, result) -> None:
    """Write a command-line import to the audit log."""
    rows = sum(c["inserted"] + c["updated"] for c in result.counts.values())
    audit.record(store, _cli_scope(), "import", ", ".join(result.counts), rows, role="admin")


def print_frame(frame: pl.DataFrame, fmt: str) -> None:
    """Print a frame as CSV or JSON (a list of row objects) on standard output."""
    if fmt == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        sys.stdout.write(frame.write_csv())


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
    load.add_argument("paths", nargs="+", metavar="PATH", help="files, folders of files, or a .qdpx")
    load.add_argument("--check", action="store_true", help="validate only; write nothing")
    for kind, columns, what in (
        ("sources", "source,interview_id", "text sources to interviews"),
        ("coders", "user,rater_id", "users to raters"),
        ("codes", "code,theme,subtheme,stance", "codes to themes"),
    ):
        load.add_argument(
            f"--{kind}", metavar="MAP.csv", help=f"for a .qdpx: CSV {columns} mapping its {what}"
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


def _cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmark (see dashboard/bench.py)."""
    from dashboard.bench import cmd_bench

    return cmd_bench(args)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except db.DatabaseBusyError as exc:
        print(exc, file=sys.stderr)
        return 1
