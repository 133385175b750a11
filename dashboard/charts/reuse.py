"""Charts built once per content: a builder called again with equal frames and arguments returns the
chart it built before.

Building an Altair chart is most of a chart page's work on each run (40-50 ms of Reliability's,
Trainees' and Curriculum's 60-80 ms a re-run at scale 100, against 3-7 ms to turn it into
Vega-Lite), and a page draws the same charts on every re-run until its data changes. Builders are
pure functions of their arguments, and nothing changes a chart once built (pages hand it straight
to `widgets.chart`), so one chart can serve every re-run and every session. Frames are compared by
their schema and the hashes of their rows (polars `hash_rows`); an argument that cannot be compared
that way is built afresh.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import polars as pl

KEEP = 64  # charts kept per builder (the least recently used go first)


class _Unkeyable(Exception):
    """An argument with no content key: build afresh."""


def content_key(value) -> Hashable:
    """A hashable key equal for equal content (frames by schema and row hashes)."""
    if isinstance(value, pl.DataFrame):
        digest = hashlib.sha1(str(value.schema).encode())
        try:
            digest.update(value.hash_rows(seed=0).to_numpy().tobytes())
        except Exception as exc:  # noqa: BLE001 - a dtype polars cannot hash
            raise _Unkeyable from exc
        return ("frame", value.height, digest.hexdigest())
    if isinstance(value, list | tuple):
        return (type(value).__name__, *(content_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", *((k, content_key(v)) for k, v in sorted(value.items())))
    try:
        hash(value)
    except TypeError as exc:
        raise _Unkeyable from exc
    return (type(value).__name__, value)


def reused(builder: Callable) -> Callable:
    """Wrap a chart builder so that equal arguments give the chart built before."""
    kept: OrderedDict[Hashable, object] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        try:
            key = (content_key(args), content_key(kwargs))
        except _Unkeyable:
            return builder(*args, **kwargs)
        with lock:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        chart = builder(*args, **kwargs)
        with lock:
            kept[key] = chart
            while len(kept) > KEEP:
                kept.popitem(last=False)
        return chart

    wrapper.build = builder  # the builder itself, unwrapped
    return wrapper
