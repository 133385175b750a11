"""Test-only pause points: where the crash tests stop a process inside a transaction to kill it.

`VOCATION_TEST_PAUSE_IN` names the point (import, import_refresh, decision, consensus, user_change,
backup, restore, outbox_mark — after the SMTP server accepted a message, before it is marked
sent); the process then prints "paused in <name>" on standard error and sleeps
`VOCATION_TEST_PAUSE_S` seconds (default 60). Unset, as in every real run, nothing happens.
"""

from __future__ import annotations

import os
import sys
import time


def pause_for_tests(label: str) -> None:
    """Stop here for a while when $VOCATION_TEST_PAUSE_IN names this point (crash tests only)."""
    if os.environ.get("VOCATION_TEST_PAUSE_IN") == label:
        print(f"paused in {label}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("VOCATION_TEST_PAUSE_S") or 60))
