"""A child process saves answers as fast as it can and is killed with SIGKILL at random moments.

Every answer the child reported as saved must be in the file afterwards, and the
file must always load.  This is the "lose nothing" promise, tested for real.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from safetycheck.store import CaseStore

CHILD = r"""
import sys
from pathlib import Path
from safetycheck.case import Status
from safetycheck.store import CaseStore

store = CaseStore(Path(sys.argv[1]))
case = store.load(sys.argv[2])
start = int(sys.argv[3])
for i in range(start, start + 100000):
    case.set_answer(f"check-{i}", Status.CONCERN, f"note {i} " + "x" * (i % 300))
    store.save(case)
    sys.stdout.write(f"{i}\n")
    sys.stdout.flush()
"""

CREATE = r"""
import sys
from pathlib import Path
from safetycheck.store import CaseStore

print(CaseStore(Path(sys.argv[1])).create("Kill test").id)
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")


@pytest.mark.slow
def test_sigkill_in_a_loop_never_loses_a_reported_save(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # What a child says when it dies: a child that saved nothing is a failure to explain
    # (an import broken by a checkout changing under a running suite looks the same).
    child_errors = tmp_path / "child-stderr.txt"
    # The case is made in a process of its own too, as every save here is. Made in the test
    # process, it was once damaged by a stray write: 24 bytes of a TLS alert appended after
    # the file's last line, from a socket of an earlier test in the same process whose
    # descriptor number the new file had reused (docs/decisions.md, "a stray write").
    made = subprocess.run(
        [sys.executable, "-c", CREATE, str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    case_id = made.stdout.strip()
    rng = random.Random(20261128)
    reported: set[int] = set()
    next_index = 0
    rounds = 25
    for _ in range(rounds):
        with child_errors.open("a") as errors:
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(data), case_id, str(next_index)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        # Wait until it is saving, then kill it at a random moment.
        first = child.stdout.readline()
        if not first:
            child.wait(timeout=30)
            said = child_errors.read_text(errors="replace")[-3000:]
            pytest.fail(f"the child saved nothing (exit {child.returncode}):\n{said}")
        reported.add(int(first))
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        # The same buffered reader as readline(): communicate() reads the pipe underneath
        # it and would miss lines readline() had already buffered (fewer saves checked).
        rest = child.stdout.read()
        child.wait(timeout=30)
        for line in rest.split("\n")[:-1]:  # only whole lines were reported
            if line.isdigit():
                reported.add(int(line))
        loaded = CaseStore(data).load(case_id)  # must never raise
        saved = {int(k.split("-")[1]) for k in loaded.answers}
        missing = reported - saved
        assert not missing, f"answers reported saved but lost: {sorted(missing)[:5]}"
        next_index = max(saved | reported) + 1
    assert len(reported) > rounds, "the child should have saved many answers"
    # Killed saves leave temp files; once stale, the next load tidies them away.
    temps = [p for p in (data / "cases").iterdir() if p.name.endswith(".tmp")]
    for temp in temps:
        os.utime(temp, (1_000_000_000, 1_000_000_000))
    CaseStore(data).load(case_id)
    assert not [p for p in (data / "cases").iterdir() if p.name.endswith(".tmp")]
