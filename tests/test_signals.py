"""No orphans: when the main process of a job dies (SIGTERM from a batch scheduler, SIGKILL from the OOM killer),
its pool workers and helper processes end too; SIGTERM is handled like Ctrl-C (a message, exit status 143, and
the stored runs resume)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc: no procps needed)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:  # after the name: state, then the parent's pid
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in state  # a zombie has ended; only its exit status is left to collect


def _start(out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "experiments", "compare", "mentoring", "--replicates", "40", "--weeks", "104",
           "--clinicians", "150", "--burn-in", "52", "--workers", "2", "--out", str(out), "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until runs are being stored: the workers are busy
        if len(list((out / "parts").glob("*.parquet"))) >= 2:
            return proc
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the comparison did not start storing runs within two minutes")


def _wait_gone(pids: set[int], seconds: float = 15.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = {p for p in pids if _alive(p)}
        if not left:
            return set()
        time.sleep(0.2)
    return left


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_no_process_outlives_the_main_process(tmp_path, sig):
    out = tmp_path / "cmp"
    proc = _start(out)
    helpers = _children(proc.pid)
    assert len(helpers) >= 2, helpers  # the two workers (and the resource tracker)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)  # the output pipe closes: nobody waiting on it hangs
    left = _wait_gone(helpers)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes outlived the main process: {sorted(left)}"
    if sig == signal.SIGTERM:
        assert proc.returncode == 143 and "terminated (SIGTERM); run the same command again to resume" in stderr
        assert "Traceback" not in stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    # what was stored stays stored: the manifest is readable and the finished parts are kept
    assert (out / "manifest.json").is_file() and len(list((out / "parts").glob("*.parquet"))) >= 2
