"""Which cached reads a write makes stale: a change counter per table of each database.

The app caches every named read (store/db.py) under the versions of the tables it reads, so a write
recomputes only the reads of the tables it wrote. Without this, every write (a rater confirming a
conflict check, a message marked sent, a role granted) emptied every page's cache for every session,
and ten sessions recomputed their pages after each of them.

- **What a read reads**: the tables and views its SQL names (a view counts as the tables it reads),
  found among the database's own relations.
- **What a write wrote**: a small write runs in `write_gate.transaction`, on a cursor that notes the
  tables each statement inserts into, updates, deletes from or replaces; right after its commit
  those tables' counters move. An import moves those of the tables it wrote (ingest/writer.py).
  Any other write (a forwarded command, a batch refreshed after its commit, a statement whose
  target is not recognised) moves the counter of every table (`db.bump_version`).
- **A memoized function** (db.memoize) reads through named reads; the tables those read are learned
  when it is computed and only ever grow, so its key covers every table it has been seen to read.
- **The counters are stamps**: each bump gives the tables it moves a number from one sequence, never
  given twice, so one state of the counters is never mistaken for another.
- **An import's reads worked out ahead** (store/ahead.py): inside the import's transaction, before
  its commit, the app's recent reads are computed on the import's own connection and cached under
  the versions its commit will publish (`Ahead`): those of the tables it wrote take a stamp kept
  for it, the others keep the value they had when its snapshot was taken. `publish` gives the kept
  stamp only to a table no other write moved meanwhile (its rows are then exactly the snapshot's
  plus the import's); any other table gets a new stamp, so a read computed ahead is found only when
  it read exactly the data it was computed from.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable

from dashboard.store import warmer

ALL = "*"  # the counter every bump moves; a read of unknown tables is keyed on it
EVERY = "**"  # the counter of bumps that moved every table (a write of unknown tables)
_lock = threading.Lock()
_counters: dict[str, dict[str, int]] = {}  # database path -> table -> changes (ALL: every bump)
_relations: dict[str, dict[str, frozenset[str]]] = {}  # database path -> relation -> base tables
_local = threading.local()  # .collectors: the tables read by memoized computations running here
_memo_tables: dict[str, set[str]] = {}  # memoized function -> the tables it has read
_stamps = itertools.count(1)  # the counters' values, from one sequence (take under _lock)

_WRITE_TARGETS = re.compile(
    r"\b(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|truncate(?:\s+table)?"
    r"|create\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?table(?:\s+if\s+not\s+exists)?"
    r"|drop\s+table(?:\s+if\s+exists)?|alter\s+table)\s+(?:main\.)?([a-z_][a-z0-9_]*)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[a-z_][a-z0-9_]*", re.IGNORECASE)
_READ_ONLY = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(?:select|with|pragma|from|describe|show)\b", re.IGNORECASE)


def total(path: str) -> int:
    """A number that grows with every bump of the database at `path` (any table)."""
    return _counters.get(path, {}).get(ALL, 0)


def bump(path: str, tables: Iterable[str] | None = None) -> None:
    """Move the counters of `tables`; None (the default): of every table."""
    with _lock:
        counters = _counters.setdefault(path, {})
        stamp = counters[ALL] = next(_stamps)
        if tables is None:
            counters[EVERY] = stamp
        else:
            for table in set(tables):
                counters[table] = stamp
    warmer.wake()  # the app recomputes its recent reads that are now stale


def key(path: str, tables: frozenset[str] | None) -> tuple:
    """The cache key part for a read of `tables` (None, or ALL among them: unknown, so that any
    bump changes it). Within `pinned(ahead)`, the key the read will have once `ahead` is published."""
    counters = _counters.get(path, {})
    ahead = getattr(_local, "ahead", None)
    if ahead is not None and ahead.path == path:
        counters = ahead.counters
    if tables is None or ALL in tables:
        return (counters.get(ALL, 0),)
    return (counters.get(EVERY, 0), *(counters.get(t, 0) for t in sorted(tables)))


def snapshot(path: str) -> dict[str, int]:
    """The counters of the database at `path` now (take it where no write can commit meanwhile:
    an import, under WRITE_LOCK, just as its transaction's snapshot is taken)."""
    with _lock:
        return dict(_counters.get(path, {}))


class Ahead:
    """The versions an import's commit will publish: `snapshot`'s counters (taken with its DuckDB
    snapshot) with the tables it writes moved to a stamp kept for it (see the module's docstring)."""

    def __init__(self, path: str, snapshot: dict[str, int], tables: Iterable[str]):
        self.path, self.snapshot, self.tables = path, dict(snapshot), {t.lower() for t in tables}
        with _lock:
            self.stamp = next(_stamps)
        self.counters = {**self.snapshot, ALL: self.stamp, **dict.fromkeys(self.tables, self.stamp)}


def publish(ahead: Ahead) -> None:
    """The import has committed: move its tables' counters, to its kept stamp where no other write
    moved them since its snapshot, else to a new one (and ALL likewise)."""
    with _lock:
        counters = _counters.setdefault(ahead.path, {})
        fresh = next(_stamps)
        for table in (*ahead.tables, ALL):
            untouched = counters.get(table, 0) == ahead.snapshot.get(table, 0)
            counters[table] = ahead.stamp if untouched else fresh
    warmer.wake()


def pinned(ahead: Ahead):
    """Within this block (this thread), read keys are those `ahead` will publish."""
    return warmer.thread_value(_local, "ahead", ahead)


# --- what a read reads ---------------------------------------------------------------------------


def learn_relations(path: str, con) -> None:
    """Read the database's tables and views (once per database and process)."""
    if path in _relations:
        return
    found = relations(con)
    with _lock:
        _relations[path] = found


def relations(con) -> dict[str, frozenset[str]]:
    """Every table and view of the database (read on a cursor of `con`), each with the tables it
    reads: a table itself, a view the tables behind it and behind the views it names. A word of a
    view's SQL that names a table counts, so this may say more than the view reads, never less."""
    cur = con.cursor()
    try:
        tables = {r[0].lower() for r in cur.execute("select table_name from duckdb_tables()").fetchall()}
        views = {
            r[0].lower(): r[1] or ""
            for r in cur.execute("select view_name, sql from duckdb_views() where not internal").fetchall()
        }
    finally:
        cur.close()
    found: dict[str, frozenset[str]] = {t: frozenset([t]) for t in tables}

    def base(view: str, seen: frozenset[str]) -> frozenset[str]:
        out: set[str] = set()
        for word in {w.lower() for w in _WORDS.findall(views[view])} - seen - {view}:
            if word in tables:
                out.add(word)
            elif word in views:
                out |= base(word, seen | {view})
        return frozenset(out)

    for view in views:
        found[view] = base(view, frozenset())
    return found


def tables_read(path: str, sql: str) -> frozenset[str] | None:
    """The tables `sql` reads (views counted as their tables), or None if unknown."""
    relations = _relations.get(path)
    if relations is None:
        return None
    out: set[str] = set()
    for word in {w.lower() for w in _WORDS.findall(sql)}:
        out |= relations.get(word, frozenset())
    return frozenset(out)


# --- what a write wrote ---------------------------------------------------------------------------


def tables_written(sql: str) -> set[str] | None:
    """The tables a statement writes; None when it might write something not recognised."""
    targets = {m.group(1).lower() for m in _WRITE_TARGETS.finditer(sql)}
    if targets or _READ_ONLY.match(sql) or not sql.strip():
        return targets
    return None


class NotingCursor:
    """A cursor that notes the tables its statements write (see the module's docstring); every other
    attribute is the cursor's own."""

    def __init__(self, cur):
        self._cur = cur
        self.written: set[str] | None = set()

    def _note(self, sql) -> None:
        if self.written is None:
            return
        targets = tables_written(str(sql))
        self.written = None if targets is None else self.written | targets

    def execute(self, sql, *args, **kwargs):
        self._note(sql)
        return self._cur.execute(sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        self._note(sql)
        return self._cur.executemany(sql, *args, **kwargs)

    def sql(self, sql, *args, **kwargs):
        self._note(sql)
        return self._cur.sql(sql, *args, **kwargs)

    def query(self, sql, *args, **kwargs):
        self._note(sql)
        return self._cur.query(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cur, name)


# --- what a memoized function reads ----------------------------------------------------------------


def memo_tables(name: str) -> frozenset[str] | None:
    """The tables the memoized function `name` has been seen to read (None: not computed yet)."""
    found = _memo_tables.get(name)
    return None if found is None else frozenset(found)


def reading(tables: frozenset[str] | None) -> None:
    """Tell the memoized computations running in this thread that `tables` were read (None: unknown)."""
    for collected in getattr(_local, "collectors", ()):
        if tables is None:
            collected.add(ALL)
        else:
            collected |= tables


class collecting:
    """Within this block, note the tables read, and add them to the memoized function `name`'s."""

    def __init__(self, name: str):
        self.name, self.tables = name, set()

    def __enter__(self):
        stack = getattr(_local, "collectors", None)
        if stack is None:
            stack = _local.collectors = []
        stack.append(self.tables)
        return self

    def __exit__(self, *exc):
        _local.collectors.pop()
        if exc[0] is None:
            with _lock:
                _memo_tables.setdefault(self.name, set()).update(self.tables)
        return False
