"""`python -m dashboard serve`: the app as a service.

`streamlit run dashboard/app.py` opens the database when the first page is opened; until then a
command simply opens the file itself. `serve` opens it at once, so the process takes commands
(dashboard/command_server.py) and runs scheduled backups (dashboard/backup_schedule.py) from the
moment it starts, then runs the same Streamlit server in the same process.
"""

from __future__ import annotations

import os
from pathlib import Path

from dashboard import db

APP = Path(__file__).resolve().parent / "app.py"


def cmd_serve(args) -> int:
    """Open the database (serving commands, backing up on schedule), then run the app."""
    from streamlit.web import cli as streamlit_cli

    path = str(Path(args.db).resolve())
    os.environ["VOCATION_DB"] = path  # the app's pages open this same store
    db._open_store(path)
    options = ["--server.port", str(args.port), *args.streamlit_options]
    return streamlit_cli.main(args=["run", str(APP), *options], prog_name="streamlit", standalone_mode=True)


def add_command(sub, add_db) -> None:
    """The `serve` command, for cli.build_parser."""
    serve = sub.add_parser("serve", help="run the app as a service: take commands and back up from the start")
    serve.add_argument("--port", type=int, default=8501, help="the port to serve on (default 8501)")
    serve.add_argument(
        "streamlit_options",
        nargs="*",
        metavar="STREAMLIT_OPTION",
        help="more `streamlit run` options after --, e.g. -- --server.address 127.0.0.1",
    )
    add_db(serve)
    serve.set_defaults(func=cmd_serve)
