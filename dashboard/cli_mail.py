"""The command line's mail commands and interview changes: `interviews move|cancel` and
`mail send|list|test`. Part of the command line (dashboard/cli.py adds these parsers); while the
app runs they run inside it like every command (ops/command_server.py)."""

from __future__ import annotations

import argparse
import sys

from dashboard.store import db


def _scope():
    """The command line acts as an admin; the audit log names the operating-system user."""
    import getpass

    from dashboard.core.access import Scope

    return Scope(f"command line ({getpass.getuser()})", Scope.system().grants)


def _print_frame(frame, fmt: str) -> None:
    from dashboard.core import exports

    sys.stdout.write(frame.write_json() + "\n" if fmt == "json" else exports.csv_text(frame))


def cmd_interview_change(args: argparse.Namespace) -> int:
    """`interviews move ID --on DATE` / `interviews cancel ID [--reason TEXT]`."""
    from dashboard.core.access import AccessDenied
    from dashboard.scorecards import changes
    from dashboard.scorecards.interviews import ScheduleError

    store = db.Store.open(args.db)
    try:
        if args.action == "move":
            queued = changes.move(store, _scope(), args.interview_id, args.on)
            done = f"Moved interview {args.interview_id} to {args.on.strip()}."
        else:
            queued = changes.cancel(store, _scope(), args.interview_id, args.reason)
            done = f"Cancelled interview {args.interview_id}."
    except (ScheduleError, AccessDenied) as exc:
        for problem in getattr(exc, "problems", [str(exc)]):
            print(f"error: {problem}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(done)
    print(queued.text("calendar message"))
    return 0


def cmd_mail(args: argparse.Namespace) -> int:
    """`mail send`, `mail list [--status S] [--format F]`, `mail test --to ADDRESS`."""
    from dashboard.notify import outbox
    from dashboard.ops import mail_schedule

    settings, why = outbox.mail_settings()
    if args.action != "list" and settings is None:
        print(f"error: {why}", file=sys.stderr)
        return 1
    store = db.Store.open(args.db)
    try:
        if args.action == "list":
            _print_frame(outbox.outbox_list(store, _scope(), args.status), args.format)
        elif args.action == "send":
            counts = mail_schedule.send_round(store, settings, everything=True)
            print(counts.text())
            return 0 if counts.failed == 0 else 1
        else:
            mark = outbox.send_test(store, _scope(), settings, args.to)
            if mark["status"] != "sent":
                verb = "will be tried again" if mark["status"] == "queued" else "failed"
                print(f"error: the test message {verb}: {mark['last_reply']}", file=sys.stderr)
                return 1
            print(f"Sent a test message to {args.to.strip()}: {mark['last_reply']}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def add_parsers(sub, interviews_sub, add_db) -> None:
    """`interviews move|cancel` (on the interviews command's subparsers) and `mail send|list|test`."""
    move = interviews_sub.add_parser("move", help="move an interview to another day (tells its panel)")
    move.add_argument("interview_id", metavar="ID")
    move.add_argument("--on", required=True, metavar="YYYY-MM-DD")
    cancel = interviews_sub.add_parser("cancel", help="cancel an interview (tells its panel)")
    cancel.add_argument("interview_id", metavar="ID")
    cancel.add_argument("--reason", metavar="TEXT", help="why (kept for the record; never sent)")
    mail = sub.add_parser("mail", help="send the outbox now, list it, or send a test message")
    mail_sub = mail.add_subparsers(dest="action", required=True)
    send = mail_sub.add_parser("send", help="send every queued message now, retries included")
    lst = mail_sub.add_parser("list", help="the outbox, newest first")
    lst.add_argument("--status", choices=("queued", "sent", "failed"))
    lst.add_argument("--format", choices=("csv", "json"), default="csv")
    test = mail_sub.add_parser("test", help="send a test message with the mail settings")
    test.add_argument("--to", required=True, metavar="ADDRESS")
    for parser, func in ((move, cmd_interview_change), (cancel, cmd_interview_change)):
        add_db(parser)
        parser.set_defaults(func=func)
    for parser in (send, lst, test):
        add_db(parser)
        parser.set_defaults(func=cmd_mail)
