"""The trainees' commands: `python -m dashboard self-assessment record ...` (a paper
self-assessment typed in by an admin). Kept beside cli.py, which builds the parser with it."""

from __future__ import annotations

import argparse
import sys


def cmd_self_assessment(args: argparse.Namespace) -> int:
    """Record a paper self-assessment (submits unless --draft); nothing written on a problem."""
    import getpass

    from dashboard.core.access import AccessDenied, Scope
    from dashboard.store import db
    from dashboard.training import self_assessment
    from dashboard.training.self_rules import SelfAssessmentError, parse_cli

    scope = Scope(f"command line ({getpass.getuser()})", Scope.system().grants)
    store = db.Store.open(args.db)
    try:
        sa, problems = parse_cli(args.score or [], args.not_assessed or [], args.example or [])
        if problems:
            raise SelfAssessmentError(problems)
        write = self_assessment.save_draft if args.draft else self_assessment.submit
        write(store, scope, args.interview, args.person, sa, paper=True)
    except SelfAssessmentError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    except AccessDenied as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(
        f"{'Draft saved' if args.draft else 'Submitted'}: self-assessment of {args.person} on {args.interview}."
    )
    return 0


def add_parsers(sub, add_db) -> None:
    """`self-assessment record --interview ID --person ID [--score THEME=N]... [--not-assessed
    THEME]... [--example THEME:TEXT]... [--draft]`."""
    sa = sub.add_parser("self-assessment", help="record a trainee's paper self-assessment of a review")
    rec = sa.add_subparsers(dest="action", required=True).add_parser(
        "record", help="type one trainee's paper self-assessment (submits unless --draft)"
    )
    rec.add_argument(
        "--interview", required=True, metavar="ID", help="the review (intake, midpoint, exit, annual)"
    )
    rec.add_argument("--person", required=True, metavar="ID", help="the trainee reviewed")
    rec.add_argument("--score", action="append", metavar="THEME=N", help="a self-score 0-4 (repeat)")
    rec.add_argument("--not-assessed", action="append", metavar="THEME", help="a theme not assessed")
    rec.add_argument(
        "--example",
        action="append",
        metavar="THEME:TEXT",
        help="an example from own practice (one per score)",
    )
    rec.add_argument("--draft", action="store_true", help="save as a draft; do not submit")
    add_db(rec)
    rec.set_defaults(func=cmd_self_assessment)
