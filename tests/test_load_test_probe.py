"""The load test's own instruments (scripts/load_test.py), which tell the machine's cost apart from
the app's: the probe unrelated to Vocation that counts being held off a core, and the cores the
browsers are kept on. The load test itself takes minutes and is not part of `make test`."""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def load_test():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("load_test", None)


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX signals")
def test_the_probe_counts_the_time_it_was_held_off_a_core(load_test, tmp_path):
    """Held off for 0.3 s (stopped, as a process kept off every core would be), the probe writes
    one stall of about 0.3 s from that moment, in the load test's own clock."""
    out = tmp_path / "stalls.txt"
    probe = subprocess.Popen([sys.executable, "-c", load_test.STALL_PROBE, str(out), "3"])
    try:
        deadline = time.monotonic() + 60
        while not out.exists() and time.monotonic() < deadline:  # it opens its file, then loops
            time.sleep(0.05)
        time.sleep(0.3)  # sleeping 10 ms at a time
        held_at = time.perf_counter()
        probe.send_signal(signal.SIGSTOP)
        time.sleep(0.3)
        probe.send_signal(signal.SIGCONT)
        probe.wait(timeout=30)
    finally:
        probe.kill()
    run = load_test.Run()
    run.clock = time.time() - time.perf_counter()
    load_test.read_stalls(run, out)
    assert all(seconds >= load_test.STALL_MIN_S for _, seconds in run.stalls)
    assert any(abs(start - held_at) < 0.1 and 0.25 < seconds < 1.5 for start, seconds in run.stalls), (
        run.stalls
    )
    assert load_test.stall_summary(run, during_import=False).startswith(f"{len(run.stalls)} times")


def test_the_browsers_cores_must_be_some_not_all(load_test):
    usable = sorted(os.sched_getaffinity(0))
    with pytest.raises(argparse.ArgumentTypeError, match="some, not all"):
        load_test._cores(",".join(map(str, usable)))
    with pytest.raises(argparse.ArgumentTypeError, match="separated by commas"):
        load_test._cores("one")
    if len(usable) > 1:
        assert load_test._cores(str(usable[-1])) == {usable[-1]}
