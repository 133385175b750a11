"""Commands while the app runs: the app's process serves `python -m dashboard` commands over a
local socket.

DuckDB lets one process at a time open a database file. While the app serves, it holds the file,
so a command that finds it busy hands its work to the app: it connects to the Unix-domain socket
beside the database (`<db>.sock`), sends its arguments and working folder, and the app runs the
very same command function in its own process, on a cursor of its own connection. Reads run at
once; an import (`load`) runs beside other writes, one import at a time (store/write_gate.py:
small writes never wait for it); anything else runs one at a time (each write is one transaction,
as always) and then bumps the data version, so every open page shows the change on its next run. Standard output, standard
error and the exit status stream back; the command prints them and exits with that status.

The socket is made readable and writable by its owner only, and each connection's peer is checked
(SO_PEERCRED) to run as the same user as the app: the trust the database file itself demands.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
import stat
import struct
import sys
import threading
import time
from pathlib import Path

from dashboard.store import db

# Commands that only read: they run at once, in parallel. Every other command (load, users
# add/remove, and any command added later) is a write: one at a time, then the data version moves.
READS = {
    ("report", None),
    ("audit", None),
    ("backup", None),
    ("users", "list"),
    ("scorecard", "list"),
    ("mail", "list"),
}
# Commands that must not run inside the app: the benchmark builds its own database; restore replaces
# a database file, which cannot happen under the app that holds it; serve is the app.
NOT_IN_APP = {"bench", "restore", "serve"}
MAX_REQUEST = 1 << 20
SOCKET_DIR = Path("/tmp")  # for databases whose socket path would be too long (108 bytes at most)
WRITE_LOCK = threading.Lock()  # forwarded writes other than imports, one at a time
IMPORT_LOCK = threading.Lock()  # forwarded imports, one at a time, beside the other writes
log = logging.getLogger(__name__)
_local = threading.local()


class NoServer(RuntimeError):
    """Nobody answers on the database's socket."""


# --- paths ------------------------------------------------------------------------------------


def path_arg(value: str) -> str:
    """An argparse type for a file or folder: absolute, relative to the caller's working folder.

    In the app it is the folder the command was typed in, not the app's own."""
    return os.path.join(getattr(_local, "cwd", None) or os.getcwd(), os.path.expanduser(value))


def socket_path(db_path: str | Path) -> Path:
    """Where the app holding `db_path` listens: `<db>.sock`, or a private folder if that is too long."""
    db_path = Path(db_path).resolve()
    beside = Path(f"{db_path}.sock")
    if len(os.fsencode(beside)) < 100:
        return beside
    digest = hashlib.sha256(os.fsencode(db_path)).hexdigest()[:20]
    return SOCKET_DIR / f"vocation-{os.getuid()}" / f"{digest}.sock"


def _private_folder(path: Path) -> None:
    """Make (or check) a folder only its owner may enter, for sockets that cannot sit beside the db."""
    path.mkdir(mode=0o700, exist_ok=True)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"{path} is not a private folder of this user")


# --- output from the command's thread back to its caller --------------------------------------


class _Router:
    """sys.stdout / sys.stderr that send a forwarded command's output to its caller."""

    def __init__(self, stream, name: str):
        self._stream = stream
        self._name = name

    def write(self, text: str) -> int:
        sink = getattr(_local, "sink", None)
        if sink is None:
            return self._stream.write(text)
        sink(self._name, text)
        return len(text)

    def flush(self) -> None:
        if getattr(_local, "sink", None) is None:
            self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


_router_lock = threading.Lock()


def _install_routers() -> None:
    with _router_lock:
        if not isinstance(sys.stdout, _Router):
            sys.stdout = _Router(sys.stdout, "out")
        if not isinstance(sys.stderr, _Router):
            sys.stderr = _Router(sys.stderr, "err")


# --- the server (in the app's process) ----------------------------------------------------------

_servers: dict[str, tuple[Path, socket.socket, threading.Thread]] = {}
_servers_lock = threading.Lock()


def serve(store, parse) -> Path | None:
    """Listen for commands on the socket of `store`'s database (once per database and process).

    `parse(argv)` turns a command's arguments into the parsed namespace whose `func` runs it (the
    command line's own parser)."""
    with _servers_lock:
        if store.path in _servers:
            return _servers[store.path][0]
        path = socket_path(store.path)
        try:
            if path.parent != Path(store.path).parent:
                _private_folder(path.parent)
            if path.is_socket():
                path.unlink()  # left by an app that was killed: we hold the database, so it is stale
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(str(path))
            os.chmod(path, 0o600)
            listener.listen(16)
        except OSError as exc:
            log.error("commands cannot reach this app (socket %s): %s", path, exc)
            return None
        thread = threading.Thread(
            target=_accept, args=(store, parse, listener), name="vocation-commands", daemon=True
        )
        _servers[store.path] = (path, listener, thread)
    thread.start()
    import atexit

    atexit.register(stop, store.path)
    return path


def stop(db_path: str) -> None:
    """Stop taking commands for this database: remove the socket, end the listening thread."""
    with _servers_lock:
        found = _servers.pop(db_path, None)
    if found is None:
        return
    path, listener, thread = found
    with contextlib.suppress(OSError):
        path.unlink()
    with contextlib.suppress(OSError):
        listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
    listener.close()
    thread.join(timeout=2)


def _accept(store, parse, listener: socket.socket) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return  # closed at exit
        worker = threading.Thread(
            target=_handle, args=(store, parse, conn), name="vocation-command", daemon=True
        )
        worker.start()


def _peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def _read_request(conn: socket.socket) -> dict:
    conn.settimeout(10)
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk or len(data) > MAX_REQUEST:
            raise ValueError("incomplete request")
        data += chunk
    conn.settimeout(None)
    request = json.loads(data)
    if not (isinstance(request.get("argv"), list) and all(isinstance(a, str) for a in request["argv"])):
        raise ValueError("a request carries argv, a list of strings")
    return request


def _handle(store, parse, conn: socket.socket) -> None:
    """Run one forwarded command and stream its output and exit status back."""
    lock = threading.Lock()

    def send(message: dict) -> None:
        with lock, contextlib.suppress(OSError):  # the caller may have gone; the command goes on
            conn.sendall((json.dumps(message) + "\n").encode())

    with conn:
        try:
            if _peer_uid(conn) != os.getuid():
                send(
                    {
                        "stream": "err",
                        "text": "refused: not the user who runs the app; run the command as that user\n",
                    }
                )
                send({"exit": 1})
                return
            request = _read_request(conn)
        except (OSError, ValueError) as exc:
            send({"stream": "err", "text": f"refused: {exc}\n"})
            send({"exit": 2})
            return
        status = run_forwarded(store, parse, request, lambda name, text: send({"stream": name, "text": text}))
        send({"exit": status})


def run_forwarded(store, parse, request: dict, sink) -> int:
    """Run a command's argv (from `request`) in this process on `store`, its output going to `sink`."""
    _install_routers()
    _local.sink, _local.cwd = sink, request.get("cwd") or None
    try:
        try:
            args = parse(request["argv"])
        except SystemExit as exc:  # argparse has written why to stderr
            return exc.code if isinstance(exc.code, int) else 2
        if args.command in NOT_IN_APP:
            print(f"error: `{args.command}` cannot run inside the app; stop the app first.", file=sys.stderr)
            return 1
        target = getattr(args, "db", None)
        if target is None or str(Path(target).resolve()) != store.path:
            print(f"error: this app serves {store.path}, not {target}", file=sys.stderr)
            return 1
        read = (args.command, None) in READS or (args.command, getattr(args, "action", None)) in READS
        read = read or getattr(args, "check", False) is True  # load --check writes nothing
        # an import runs beside the other writes (store/write_gate.py); those run one at a time
        lock = contextlib.nullcontext() if read else IMPORT_LOCK if args.command == "load" else WRITE_LOCK
        with lock, db.lending(store):
            status = _call(args)
        if not read and args.command != "load":  # an import moves the versions itself, at its commit
            db.bump_version(store.path)
        return status
    finally:
        _local.sink = _local.cwd = None


def _call(args) -> int:
    """The command function's exit status, as `python -m dashboard` would exit."""
    try:
        return int(args.func(args) or 0)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except Exception as exc:
        log.exception("forwarded command %s failed", args.command)
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


# --- the client (the command's process) ---------------------------------------------------------


def forward(argv: list[str], db_path: str) -> int:
    """Hand a command to the app holding `db_path`; print what it prints; return its exit status."""
    path = socket_path(db_path)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError) as exc:
        client.close()
        raise NoServer(f"nothing answers on {path} ({exc.strerror})") from None
    except PermissionError:
        client.close()
        print(
            f"error: the database {db_path} is held by the app of another user, whose socket {path} "
            "only that user may use. Run the command as the user the app runs as.",
            file=sys.stderr,
        )
        return 1
    request = {"argv": [*argv, "--db", str(Path(db_path).resolve())], "cwd": os.getcwd()}
    with client, client.makefile("rb") as replies:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused: its reason follows
            client.sendall((json.dumps(request) + "\n").encode())
        with contextlib.suppress(ConnectionResetError):
            for line in replies:
                message = json.loads(line)
                if "exit" in message:
                    return int(message["exit"])
                stream = sys.stdout if message.get("stream") == "out" else sys.stderr
                stream.write(message.get("text", ""))
                stream.flush()
    print(
        "error: the app stopped before the command finished. A write is all or nothing: check the "
        "import history or the audit log (python -m dashboard audit) to see whether it was applied.",
        file=sys.stderr,
    )
    return 1


def run_or_forward(args, argv: list[str]) -> int:
    """Run a parsed command here; if its database is held by the app, run it in the app instead.

    If the holder takes no commands (another command, or the app still starting), wait a little
    ($VOCATION_BUSY_WAIT_S, default 10 s) and try again."""
    deadline = time.monotonic() + float(os.environ.get("VOCATION_BUSY_WAIT_S") or 10)
    while True:
        try:
            return args.func(args)
        except db.DatabaseBusyError as exc:
            busy = exc
        if args.command in NOT_IN_APP:
            print(f"{busy} Stop it first.", file=sys.stderr)
            return 1
        try:
            return forward(argv, busy.path)
        except NoServer as why:
            if time.monotonic() > deadline:
                print(
                    f"{busy} It does not take commands: {why}. If another command holds it, try again "
                    "when it has finished; if the app is starting, in a moment.",
                    file=sys.stderr,
                )
                return 1
        time.sleep(0.5)
