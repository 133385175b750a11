"""The DuckDB database: where it lives, opening it, and running named queries from queries/.

Every query is a file `queries/<name>.sql` run with bound `$parameters`; values are never
formatted into SQL. A `Store` wraps one connection; in the app it is cached per process
(`st.cache_resource`) and its reads go through `st.cache_data`, keyed on the database path,
a data version that every write in this process bumps, and the parameters.
"""

from __future__ import annotations

import functools
import os
import secrets
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core import timing
from dashboard.core.query_files import QUERIES_DIR, sql_text  # noqa: F401 - db.sql_text, db.QUERIES_DIR
from dashboard.store import migrations, versions, warmer
from dashboard.store.derived import (  # noqa: F401 - db.refresh_derived etc. are the documented names
    DERIVED_KEY,
    DERIVED_VERSION,
    derived_current,
    mark_derived_stale,
    recreate_derived,
    refresh_derived,
    refresh_derived_tables,
    refresh_scores,
)
from dashboard.store.write_gate import (  # noqa: F401 - db.WRITE_LOCK etc.: see write_gate's docstring
    IMPORT_LOCK,
    WRITE_LOCK,
    import_window,
    refresh_interview,
    replay_pending,
    transaction,
)

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DB = "data/vocation.duckdb"
SAMPLE_DIR = ROOT / "sample_data"
BLIND_SECRET_KEY = (
    "blind_review_secret"  # app_meta key of the blind-review secret (see hiring/hidden_names.py)
)


class DatabaseBusyError(RuntimeError):
    """The database file is held by another process (usually a running app)."""

    def __init__(self, message: str, path: str | Path = ""):
        super().__init__(message)
        self.path = str(path)


# The app's command server lends its own store to the thread running a forwarded command, so that
# the command's `connect(path)` / `Store.open(path)` get a cursor of the app's connection.
_lent = threading.local()
_tables_read: dict[tuple[str, str], frozenset[str] | None] = {}  # (database, query) -> tables read


@contextmanager
def lending(store: Store):
    """Within this block (in this thread), opening `store`'s file gives a cursor of its connection."""
    _lent.store = store
    try:
        yield
    finally:
        _lent.store = None


def db_path_from_env() -> Path:
    """The database path the app uses: $VOCATION_DB, else data/vocation.duckdb."""
    return Path(os.environ.get("VOCATION_DB") or DEFAULT_DB)


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database at `path` (creating it and its schema when writable)."""
    path = Path(path)
    lent = getattr(_lent, "store", None)
    if lent is not None and str(path.resolve()) == lent.path:
        return lent.con.cursor()
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusyError(
                f"The database {path} is in use by another process (is the Vocation app running?).",
                path.resolve(),
            ) from None
        raise
    con.execute("set enable_progress_bar = false")
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table if missing, seed the default codebook into empty codebook tables and make
    the blind-review key if there is none."""
    migrations.upgrade(con, _in_own_transaction)
    con.execute(sql_text("schema"))
    if not derived_current(con):  # new, older, or a refresh after a large import did not finish
        _in_own_transaction(con, lambda: recreate_derived(con))
    replay_pending(con)  # refreshes a small write left for after an import killed part-way
    from dashboard import codebook

    for table, load in (("themes", codebook.load_themes), ("subthemes", codebook.load_subthemes)):
        if con.execute(f"select count(*) from {table}").fetchall()[0][0] == 0:  # noqa: S608 - fixed names
            con.register("codebook_frame", load().to_arrow())
            con.execute(f"insert into {table} by name select * from codebook_frame")  # noqa: S608
            con.unregister("codebook_frame")
    # the blind-review key is made with the database (first write wins), so no read ever writes it
    run_statement(con, "app_meta_insert", key=BLIND_SECRET_KEY, value=secrets.token_hex(32))


def _in_own_transaction(con: duckdb.DuckDBPyConnection, work) -> None:
    """Run `work()` on `con` as one transaction: commit, or roll back and re-raise."""
    con.begin()
    try:
        work()
        con.commit()
    except BaseException:
        con.rollback()
        raise


READ_ATTEMPTS = 4  # a read that meets an import's memory cap waits for memory to free up


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame:
    """Run the named query on a fresh cursor and return its rows as a polars frame.

    DuckDB's memory limit is the process's: while an import in the app caps it, a page's read
    may find no memory for a moment; it is tried again shortly rather than shown as an error."""
    for attempt in range(READ_ATTEMPTS):
        cur, start = con.cursor(), time.perf_counter()
        try:
            frame = cur.sql(sql_text(name), params=params or None).pl()
            timing.count("queries", time.perf_counter() - start)  # run, not read from the cache
            return frame
        except duckdb.OutOfMemoryException:
            if attempt == READ_ATTEMPTS - 1:
                raise
            timing.count("read_retries", 0.25 * (attempt + 1))
            time.sleep(0.25 * (attempt + 1))
        finally:
            cur.close()
    raise AssertionError("unreachable")


def run_statement(con: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """Run a named statement that writes (insert/update), on a fresh cursor."""
    cur = con.cursor()
    try:
        cur.execute(sql_text(name), params or None)
    finally:
        cur.close()


def run_in(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame | None:
    """Run a named query or statements on `con` itself, inside its open transaction.

    A file may hold several statements (separated by `;` at a line's end): each is bound to the
    parameters it names. Returns the last statement's rows as a frame when it returns rows.
    """
    import re

    result = None
    for statement in (s for s in re.split(r";\s*\n", sql_text(name)) if s.strip(" \n;")):
        used = set(re.findall(r"\$([a-z_]+)", re.sub(r"--[^\n]*", "", statement)))
        bound = {k: v for k, v in params.items() if k in used}
        result = con.execute(statement, bound or None)
    if result is None or result.description is None:
        return None
    import warnings

    with warnings.catch_warnings():  # the copy is of a few rows: a card, a panel
        warnings.simplefilter("ignore", UserWarning)
        return pl.from_arrow(result.to_arrow_table())


def data_version(path: str | Path) -> int:
    """This process's version counter for the database at `path` (moved by every write)."""
    return versions.total(str(Path(path).resolve()))


def bump_version(path: str | Path, tables: list[str] | None = None) -> None:
    """Mark the data at `path` as changed so cached reads are recomputed: the reads of `tables`, or
    (None) of every table. A small write in `transaction` needs no call: it moves its own tables."""
    versions.bump(str(Path(path).resolve()), tables)


def _freeze(value):
    """A hashable form of a parameter value (lists become tuples)."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(value)) if isinstance(value, set | frozenset) else tuple(value)
    return value


def _thaw(value):
    """The form DuckDB binds (tuples become lists)."""
    return list(value) if isinstance(value, tuple) else value


class Store:
    """One open database: named reads (optionally cached) and named writes."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str | Path, cached: bool = False):
        self.con = con
        self.path = str(Path(path).resolve())
        self.cached = cached

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> Store:
        """Open `path` as an uncached store (for commands and tests)."""
        return cls(connect(path, read_only=read_only), path)

    def query(self, name: str, **params) -> pl.DataFrame:
        """Rows of the named query with these parameters."""
        if not self.cached:
            return run_query(self.con, name, **params)
        frozen = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
        tables = self.tables_read(name)
        versions.reading(tables)  # a memoized computation reading this depends on these tables
        warmer.remember(
            ("query", self.path, name, frozen), functools.partial(_replay_query, self.path, name, params)
        )
        return _cached_query(self, self.path, versions.key(self.path, tables), name, frozen)

    def tables_read(self, name: str) -> frozenset[str] | None:
        """The tables the named query reads (None if not known: any write makes it stale)."""
        found = _tables_read.get((self.path, name))
        if found is None:
            versions.learn_relations(self.path, self.con)
            found = _tables_read[(self.path, name)] = versions.tables_read(self.path, sql_text(name))
        return found

    def query_uncached(self, name: str, **params) -> pl.DataFrame:
        """Rows of the named query read now, past the cache (for the append-only audit log)."""
        return run_query(self.con, name, **params)

    def execute(self, name: str, **params) -> None:
        """Run the named write and bump the data version."""
        run_statement(self.con, name, **params)
        bump_version(self.path)

    def append(self, name: str, **params) -> None:
        """Run a named write that changes nothing any page shows (the audit log): no version bump."""
        run_statement(self.con, name, **params)

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


def _cached_query(_store: Store, path: str, version: tuple, name: str, frozen: tuple):
    """Run a query for the cache; the arguments after `_store` are the cache key."""
    return run_query(_store.con, name, **{k: _thaw(v) for k, v in frozen})


def _memo_call(_fn, _store: Store, name: str, path: str, version: tuple, args: tuple, kwargs: tuple):
    """Run a memoized data function, noting the tables it reads; the arguments after `_store` are
    the cache key."""
    with versions.collecting(name):
        return _fn(_store, *args, **dict(kwargs))


def _replay_store(path: str) -> Store:
    """The store recent reads run again on: the app's, unless one is lent (warmer.replaying_on)."""
    return warmer.lent_store(path) or _app_stores[path]


def _replay_query(path: str, name: str, params: dict):
    """Read a named query again through the app's cache (the cache warmer: store/warmer.py)."""
    return _replay_store(path).query(name, **params)


def _replay_memo(wrapper, path: str, args: tuple, kwargs: dict):
    """Call a memoized function again through the app's cache (the cache warmer)."""
    return wrapper(_replay_store(path), *args, **kwargs)


def memoize(fn):
    """Cache a data function's result per database, data version and arguments.

    For functions whose work after the query is costly (statistics, suppression, bootstraps).
    Only the app's cached store memoizes; commands and tests always compute afresh.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(store, *args, **kwargs):
        if not getattr(store, "cached", False):
            return fn(store, *args, **kwargs)
        items = tuple(sorted(kwargs.items()))
        warmer.remember(
            ("memo", name, store.path, args, items),
            functools.partial(_replay_memo, wrapper, store.path, args, kwargs),
        )
        tables = versions.memo_tables(name)  # learned at its first computation; they only grow
        result = _memo_call(fn, store, name, store.path, versions.key(store.path, tables), args, items)
        versions.reading(versions.memo_tables(name))  # an enclosing memoized computation reads them too
        return result

    return wrapper


def enable_streamlit_cache() -> None:
    """Route cached stores through st.cache_data (called once by the app)."""
    global _cached_query, _memo_call
    import streamlit as st

    if not hasattr(_cached_query, "clear"):
        # Query results are shared, not copied: st.cache_data would unpickle a fresh copy on every
        # hit (about 0.3 s a re-run for Screening's 300,000 ranked rows at scale 1,000). Polars
        # frames are never changed in place here, so one copy serves every session.
        _cached_query = st.cache_resource(max_entries=512, ttl=3600, show_spinner=False)(_cached_query)
        _memo_call = st.cache_data(max_entries=256, ttl=3600, show_spinner=False)(_memo_call)


def clear_caches() -> None:
    """Empty the app's query and memo caches (the benchmark's first views start from nothing)."""
    for cached in (_cached_query, _memo_call):
        if hasattr(cached, "clear"):
            cached.clear()


_open_app_store = None


OPEN_WAIT_S = 15.0
_app_stores: dict[str, Store] = {}
_on_open: list = []


def on_app_store_open(hook) -> None:
    """Call `hook(store)` when the app's process opens its store (the command line registers the
    command server and scheduled backups here: the app's process runs them beside the pages)."""
    if hook not in _on_open:
        _on_open.append(hook)


def _open_store(path: str) -> Store:
    """Open the app's cached store (wrapped by st.cache_resource) and start serving commands.

    A command may hold the file for a moment (run while the app was stopped): wait for it a while.
    Opened once per process (`python -m dashboard serve` opens it before the first page does).
    """
    if path in _app_stores:
        return _app_stores[path]
    deadline = time.monotonic() + float(os.environ.get("VOCATION_OPEN_WAIT_S") or OPEN_WAIT_S)
    while True:
        try:
            store = Store(connect(path), path, cached=True)
            break
        except DatabaseBusyError as exc:
            if time.monotonic() > deadline:
                raise DatabaseBusyError(
                    f"The database {path} is held by another process (a command run while the app was "
                    "stopped?). The app waited for it; reload this page to try again.",
                    exc.path,
                ) from None
            time.sleep(0.5)
    for hook in _on_open:
        hook(store)
    _app_stores[path] = store
    return store


def app_store() -> Store:
    """The app's store for $VOCATION_DB: one connection per process, cached reads."""
    global _open_app_store
    if _open_app_store is None:
        import streamlit as st

        enable_streamlit_cache()
        _open_app_store = st.cache_resource(show_spinner=False)(_open_store)
    try:
        store = _open_app_store(str(db_path_from_env().resolve()))
        warmer.start()  # after a write, the recent reads are recomputed in the background
        return store
    except DatabaseBusyError as exc:
        import streamlit as st

        st.error(str(exc))
        st.stop()
