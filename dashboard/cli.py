"""The command line: load data, print reports, manage users, read the audit log, benchmark.

Every command takes `--db FILE` (default $VOCATION_DB, else data/vocation.duckdb) and `--help`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import polars as pl

from dashboard import db

# report name -> (function(store, args) -> frame, function(parser) adding its options, help)
REPORTS: dict[str, tuple[Callable, Callable[[argparse.ArgumentParser], None], str]] = {}


def report(name: str, help_text: str, add_args: Callable[[argparse.ArgumentParser], None] = lambda p: None):
    """Register a report command: `python -m dashboard report NAME`."""

    def register(fn: Callable) -> Callable:
        REPORTS[name] = (fn, add_args, help_text)
        return fn

    return register


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=str(db.db_path_from_env()),
        metavar="FILE",
        help="the DuckDB database file (default: $VOCATION_DB or data/vocation.duckdb)",
    )


def cmd_load(args: argparse.Namespace) -> int:
    """Import files or folders; exit 1 and write nothing if any row is bad."""
    from dashboard.importer import import_batch

    con = db.connect(args.db)
    try:
        result = import_batch(args.paths, con, imported_by=args.by, dry_run=args.check)
    finally:
        con.close()
    print(result.text())
    return 0 if result.ok else 1


def print_frame(frame: pl.DataFrame, fmt: str) -> None:
    """Print a frame as CSV or JSON (a list of row objects) on standard output."""
    if fmt == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        sys.stdout.write(frame.write_csv())


def cmd_report(args: argparse.Namespace) -> int:
    """Print one named report."""
    fn = REPORTS[args.report_name][0]
    store = db.Store.open(args.db)
    try:
        print_frame(fn(store, args), args.format)
    finally:
        store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    import dashboard.reports  # noqa: F401 - registers the report commands

    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    load = sub.add_parser("load", help="import CSV/XLSX/Parquet files or folders")
    load.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders of files")
    load.add_argument("--check", action="store_true", help="validate only; write nothing")
    load.add_argument("--by", default="command line", help="who is importing (for the record)")
    _add_db(load)
    load.set_defaults(func=cmd_load)

    rep = sub.add_parser("report", help="print a report as CSV or JSON")
    rep_sub = rep.add_subparsers(dest="report_name", required=True)
    for name, (_, add_args, help_text) in sorted(REPORTS.items()):
        p = rep_sub.add_parser(name, help=help_text, description=help_text)
        add_args(p)
        p.add_argument("--format", choices=("csv", "json"), default="csv")
        _add_db(p)
        p.set_defaults(func=cmd_report)
    bench = sub.add_parser("bench", help="generate data at a scale, import it and time every page")
    bench.add_argument("--scale", type=int, default=100, help="data scale (1 = the sample; default 100)")
    bench.add_argument("--runs", type=int, default=5, help="warm re-runs per page (median reported)")
    bench.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    bench.add_argument(
        "--db", metavar="FILE", default=None,
        help="where to build the benchmark database (default: a temporary file; never your real data)",
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
