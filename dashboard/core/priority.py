"""A batch's CPU priority: an import or an upload's check runs below the page views beside it.

On Linux every thread has a nice value of its own, so the thread checking or writing an import can
step down (VOCATION_IMPORT_NICE, default 10; 0 turns it off) while the threads drawing pages for
other people keep the server's priority: with both wanting the CPU, a page view gets about nine
tenths of it (the kernel's weights for nice 0 and 10 are 1024 and 110). When the batch ends, the
thread asks for its old value back; raising a priority needs the right to (root, CAP_SYS_NICE or
RLIMIT_NICE), and without it the thread stays lowered until it ends. A Streamlit run has a thread
of its own, so only that run stays lowered; a command-line `load` is its own process.

Only the calling thread steps down: DuckDB's own worker threads are shared by every query of the
database and keep the server's priority. Elsewhere than Linux this does nothing.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from contextlib import contextmanager

log = logging.getLogger(__name__)


def import_nice() -> int:
    """How far an import's thread steps down: $VOCATION_IMPORT_NICE (0-19), default 10."""
    raw = os.environ.get("VOCATION_IMPORT_NICE", "").strip()
    try:
        return max(0, min(19, int(raw))) if raw else 10
    except ValueError:
        log.warning("VOCATION_IMPORT_NICE=%r is not a whole number; using 10", raw)
        return 10


def thread_nice() -> int:
    """This thread's nice value (Linux), or the process's elsewhere."""
    who = threading.get_native_id() if sys.platform.startswith("linux") else 0
    return os.getpriority(os.PRIO_PROCESS, who)


@contextmanager
def lowered(step: int | None = None):
    """Run the block with this thread's nice value raised by `step` (default: import_nice())."""
    step = import_nice() if step is None else step
    if step <= 0 or not sys.platform.startswith("linux"):
        yield
        return
    tid = threading.get_native_id()
    before = os.getpriority(os.PRIO_PROCESS, tid)
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, before + step))
    except OSError:  # a container may forbid even this; the batch runs at the server's priority
        log.debug("could not lower thread %s's priority", tid, exc_info=True)
        yield
        return
    try:
        yield
    finally:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, before)
        except OSError:  # no right to raise it again: the thread stays lowered until it ends
            log.debug("thread %s stays at the lower priority", tid)
