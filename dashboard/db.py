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
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
DEFAULT_DB = "data/vocation.duckdb"
SAMPLE_DIR = ROOT / "sample_data"
BLIND_SECRET_KEY = "blind_review_secret"  # app_meta key of the blind-review secret (see blind.py)
# app_meta key and value saying the materialized tables are filled as this version defines them
DERIVED_KEY = "derived_tables"
DERIVED_VERSION = "4"  # bump when a materialized table's definition changes: refilled on open

_versions: dict[str, int] = {}
_versions_lock = threading.Lock()


class DatabaseBusyError(RuntimeError):
    """The database file is held by another process (usually a running app)."""


def db_path_from_env() -> Path:
    """The database path the app uses: $VOCATION_DB, else data/vocation.duckdb."""
    return Path(os.environ.get("VOCATION_DB") or DEFAULT_DB)


@cache
def sql_text(name: str) -> str:
    """The text of queries/<name>.sql."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database at `path` (creating it and its schema when writable)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusyError(
                f"The database {path} is in use by another process (is the Vocation app "
                "running?). Stop it, or import through the app's Data page, then try again."
            ) from None
        raise
    con.execute("set enable_progress_bar = false")
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table if missing, seed the default codebook into empty codebook tables and make
    the blind-review key if there is none."""
    if con.execute(
        "select count(*) from duckdb_views() where view_name = 'interview_theme_scores'"
    ).fetchall()[0][0]:
        con.execute("drop view interview_theme_scores")  # a database from before it was materialized
    con.execute(sql_text("schema"))
    found = run_query(con, "app_meta_for_key", key=DERIVED_KEY)
    if found.height == 0 or found["value"][0] != DERIVED_VERSION:
        # a new database (cheap: nothing to derive), one from before these tables, or one whose
        # refresh after a large import did not finish: make and fill them
        con.begin()
        try:
            con.execute(sql_text("derived_recreate"))
            refresh_derived_tables(con)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    from dashboard import codebook

    seeds = (
        (
            codebook.load_themes(),
            "select count(*) from themes",
            "insert into themes by name select * from codebook_frame",
        ),
        (
            codebook.load_subthemes(),
            "select count(*) from subthemes",
            "insert into subthemes by name select * from codebook_frame",
        ),
    )
    for frame, count_sql, insert_sql in seeds:
        if con.execute(count_sql).fetchall()[0][0] == 0:
            con.register("codebook_frame", frame.to_arrow())
            con.execute(insert_sql)
            con.unregister("codebook_frame")
    # the blind-review key is made with the database (first write wins), so no read ever writes it
    run_statement(con, "app_meta_insert", key=BLIND_SECRET_KEY, value=secrets.token_hex(32))


def refresh_derived(con: duckdb.DuckDBPyConnection, interview_id: str | None = None) -> None:
    """Recompute every materialized table from its sources: all of them, or what one interview
    touches.

    The tables (schema.sql; each equals its `*_live` view, which the tests check):
    interview_theme_scores (per interview and theme), application_scores (per application:
    Screening, Compare), rating_patterns (per program, theme, quarter: Reliability) and
    hire_profiles (per hire: Evidence).
    Call after any write to ratings, excerpts, consensus, interviews or app_consensus: an import
    (all), a consensus recorded or a scorecard submitted (`interview_id`). The caller owns the
    transaction, so the tables change together with their sources.
    """
    if interview_id is None:
        con.execute(sql_text("scores_refresh_all"))
        con.execute(sql_text("derived_refresh_all"))
        return
    for name in (
        "scores_delete_for_interview",
        "scores_insert_for_interview",
        "application_scores_delete_for_interview",
        "application_scores_insert_for_interview",
        "rating_patterns_delete_for_interview",
        "rating_patterns_insert_for_interview",
        "hire_profiles_delete_for_interview",
        "hire_profiles_insert_for_interview",
    ):
        # on `con` itself, not a cursor: inside the caller's transaction, seeing its writes
        con.execute(sql_text(name), {"interview_id": interview_id})


def refresh_derived_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Refresh every materialized table and record that they are current (the caller owns the
    transaction)."""
    refresh_derived(con)
    con.execute(sql_text("app_meta_upsert"), {"key": DERIVED_KEY, "value": DERIVED_VERSION})


def mark_derived_stale(con: duckdb.DuckDBPyConnection) -> None:
    """Record that the materialized tables lag their sources: the next opening refreshes them."""
    con.execute(sql_text("app_meta_upsert"), {"key": DERIVED_KEY, "value": "stale"})


def refresh_scores(con: duckdb.DuckDBPyConnection, interview_id: str | None = None) -> None:
    """The earlier name of `refresh_derived` (every materialized table, not only the scores)."""
    refresh_derived(con, interview_id)


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame:
    """Run the named query on a fresh cursor and return its rows as a polars frame."""
    cur = con.cursor()
    try:
        return cur.sql(sql_text(name), params=params or None).pl()
    finally:
        cur.close()


def run_statement(con: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """Run a named statement that writes (insert/update), on a fresh cursor."""
    cur = con.cursor()
    try:
        cur.execute(sql_text(name), params or None)
    finally:
        cur.close()


def data_version(path: str | Path) -> int:
    """This process's version counter for the database at `path` (bumped by every write)."""
    return _versions.get(str(Path(path).resolve()), 0)


def bump_version(path: str | Path) -> None:
    """Mark the data at `path` as changed so cached reads are recomputed."""
    key = str(Path(path).resolve())
    with _versions_lock:
        _versions[key] = _versions.get(key, 0) + 1


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
        return _cached_query(self, self.path, data_version(self.path), name, frozen)

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


def _cached_query(_store: Store, path: str, version: int, name: str, frozen: tuple):
    """Run a query for the cache; the arguments after `_store` are the cache key."""
    return run_query(_store.con, name, **{k: _thaw(v) for k, v in frozen})


def _memo_call(_fn, _store: Store, name: str, path: str, version: int, args: tuple, kwargs: tuple):
    """Run a memoized data function; the arguments after `_store` are the cache key."""
    return _fn(_store, *args, **dict(kwargs))


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
        return _memo_call(fn, store, name, store.path, data_version(store.path), args, items)

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


def _open_store(path: str) -> Store:
    """Open the app's cached store (wrapped by st.cache_resource)."""
    return Store(connect(path), path, cached=True)


def app_store() -> Store:
    """The app's store for $VOCATION_DB: one connection per process, cached reads."""
    global _open_app_store
    if _open_app_store is None:
        import streamlit as st

        enable_streamlit_cache()
        _open_app_store = st.cache_resource(show_spinner=False)(_open_store)
    return _open_app_store(str(db_path_from_env().resolve()))
