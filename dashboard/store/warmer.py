"""Recompute the app's recently used cached reads in the background after a write.

A write makes some cached reads stale (store/versions.py); without this, the next person to open
each page after a submitted card or an import paid for recomputing it, and with ten sessions
several did at once. The app remembers its recent cached reads (the named query or memoized
function, the database and the arguments: never a session); after each write one background thread
runs them again, most recent first, so that the stale ones are computed once, at once, and the
pages that follow find them ready (a page that asks meanwhile waits for that one computation,
Streamlit's per-key lock, rather than starting its own). Reads not used for RECENT_S seconds are
not recomputed. A newer write restarts the round.

Only the app's process warms (`start`, from db.app_store); $VOCATION_WARM_CACHE=0 turns it off.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager

RECENT_S = 300.0  # reads used within this many seconds are recomputed after a write
MAX_ENTRIES = 256
SETTLE_S = 0.05  # let the writer's own page run first
THREAD_NAME = "vocation-cache-warmer"

_recent: OrderedDict[Hashable, tuple[float, Callable[[], object]]] = OrderedDict()
_lock = threading.Lock()
_wake = threading.Event()
_local = threading.local()
_thread: threading.Thread | None = None
log = logging.getLogger(__name__)


def enabled() -> bool:
    """Whether warming is on ($VOCATION_WARM_CACHE, default on)."""
    return (os.environ.get("VOCATION_WARM_CACHE") or "1").strip().lower() not in ("0", "false", "no")


def remember(key: Hashable, call: Callable[[], object]) -> None:
    """Note a cached read just used: `call()` reads it again through its cache."""
    if _thread is None or getattr(_local, "warming", False):
        return
    try:
        hash(key)
    except TypeError:  # arguments the cache hashes its own way: not remembered
        return
    with _lock:
        _recent[key] = (time.monotonic(), call)
        _recent.move_to_end(key)
        while len(_recent) > MAX_ENTRIES:
            _recent.popitem(last=False)


def wake() -> None:
    """Something was written: recompute the recent reads (no-op unless started)."""
    if _thread is not None:
        _wake.set()


def start() -> None:
    """Start the warming thread (once per process; not when $VOCATION_WARM_CACHE=0)."""
    global _thread
    if not enabled():
        return
    with _lock:
        if _thread is not None:
            return
        # the cached functions ask for a session's context, which a warming thread has not: say
        # nothing (this thread, and an import working out reads ahead: store/ahead.py)
        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
            lambda record: not getattr(_local, "warming", False)
        )
        _thread = threading.Thread(target=_run, name=THREAD_NAME, daemon=True)
        _thread.start()


def started() -> bool:
    """Whether this process warms (the app's does; commands and tests do not, unless started)."""
    return _thread is not None


def recent_calls() -> list[tuple[Hashable, Callable[[], object]]]:
    """The reads used within RECENT_S seconds, most recent first: (key, call)."""
    cutoff = time.monotonic() - RECENT_S
    with _lock:
        return [(key, call) for key, (at, call) in reversed(_recent.items()) if at >= cutoff]


def forget(key: Hashable) -> None:
    """Drop a recent read (it failed when run again)."""
    with _lock:
        _recent.pop(key, None)


@contextmanager
def thread_value(local: threading.local, name: str, value):
    """Within this block, `local.<name>` is `value` (in this thread); then what it was."""
    previous = getattr(local, name, None)
    setattr(local, name, value)
    try:
        yield value
    finally:
        setattr(local, name, previous)


def replaying_on(store):
    """Within this block (this thread), recent reads run again on `store` rather than the app's
    (an import working them out on its own connection: store/ahead.py)."""
    return thread_value(_local, "store", store)


def lent_store(path: str):
    """The store lent to this thread by `replaying_on` for the database at `path`, or None."""
    store = getattr(_local, "store", None)
    return store if store is not None and store.path == path else None


def warming():
    """Within this block (this thread), reads are being worked out for others: not remembered."""
    return thread_value(_local, "warming", True)


def warm_once() -> int:
    """Run every recent read again through its cache, most recent first; returns how many ran.
    Stops early when a newer write arrives (the next round starts from the top)."""
    calls = recent_calls()
    done = 0
    for key, call in calls:
        if _wake.is_set():
            break
        try:
            call()
            done += 1
        except Exception:  # noqa: BLE001 - a read that fails now (a closed store, memory) is dropped
            log.debug("warming %r failed", key, exc_info=True)
            forget(key)
    return done


def _run() -> None:
    _local.warming = True
    while True:
        _wake.wait()
        _wake.clear()
        time.sleep(SETTLE_S)
        warm_once()
