"""The soak test of issue 12: a saving process killed at random, for about a minute.

A child process opens one case through the case service (as the app does) and saves
answers as fast as it can, reporting each one.  From time to time it sets a first
passphrase, or changes the passphrase, in the middle of saving.  It is killed with
SIGKILL at a random moment, again and again.  After every kill:

* the folder opens (with the passphrase the person last chose: the new one when a change
  was under way), and every answer the child reported as saved is in the case;
* once a passphrase has been set, no file in the data folder holds any text of the case,
  nor any file name.

Builds on ``tests/test_kill_while_saving.py`` (plain saves) and
``tests/test_passphrase_interrupted.py`` (a change killed at ten moments).
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
from privacy_helpers import leaks

from safetycheck.casework import CaseWork
from safetycheck.checklist import Library
from safetycheck.passphrase import open_store
from safetycheck.store import CaseStore
from safetycheck.vault import ChangeFinishedError, VaultError, read_vault

MARKER = "Soak-Heron-Mulberry"
SECONDS = 45  # the rounds stop starting after this; the whole test takes about a minute
OTHER_CASES = 30  # so that re-encrypting the folder takes long enough to be killed in

CHILD = r"""
import os, random, sys
from pathlib import Path
from safetycheck.case import Status
from safetycheck.casework import CaseWork
from safetycheck.checklist import Library

FAST = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
data_dir, case_id, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
passphrase = sys.argv[4] or None
number, seed = int(sys.argv[5]), int(sys.argv[6])
rng = random.Random(seed)
work = CaseWork(data_dir, Library())
work.unlock(passphrase)
work.open(case_id)

def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()

for i in range(start, start + 100000):
    work.set_answer(f"check-{i}", Status.CONCERN, f"{'MARKER'} {i} " + "x" * (i % 200))
    say(f"S {i}")
    if rng.random() < 0.04:
        new = f"soak passphrase number {number + 1}"
        say(f"C {number + 1}")
        if passphrase is None:
            work.set_passphrase(new, kdf=FAST)
        else:
            work.change_passphrase(passphrase, new, kdf=FAST)
        passphrase, number = new, number + 1
        say(f"D {number}")
""".replace("'MARKER'", repr(MARKER))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


def passphrase(number: int) -> str:
    return f"soak passphrase number {number}" if number else ""


def _pending(data_dir: Path) -> bool:
    try:
        return read_vault(data_dir).pending is not None
    except VaultError:
        return False  # no key file yet: setting the first passphrase had not begun


def open_with(data_dir: Path, numbers: list[int]) -> tuple[CaseStore, int]:
    """Open the folder the way a person would: the newest passphrase they chose first."""
    problems = []
    for number in numbers:
        try:
            return open_store(data_dir, passphrase(number) or None).store, number
        except ChangeFinishedError:
            continue  # the old one finished the change; the new one is next in the list
        except VaultError as exc:
            problems.append(f"{number}: {exc}")
    raise AssertionError(f"none of the passphrases {numbers} opens the folder: {problems}")


def test_killing_saves_and_passphrase_changes_at_random_loses_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    work = CaseWork(data_dir, Library())
    work.unlock(None)
    case = work.create(f"Ref {MARKER}")
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG " + MARKER.encode() * 20)
    work.add_evidence(f"photo {MARKER}", file=photo)
    work.close_case()
    for n in range(OTHER_CASES):
        other = work.create(f"Other {n} {MARKER}")
        work.set_answer("check-a", None, f"note {MARKER}")
        if n % 5 == 0:
            work.add_evidence(f"photo {MARKER}", file=photo)
        work.close_case()
        assert other.id
    work.let_go()
    del work

    rng = random.Random(20261202)
    reported: set[int] = set()
    number = 0  # the passphrase in use: 0 means none yet
    next_index = 0
    rounds = mid_change = 0
    started = time.monotonic()
    errors = tmp_path / "child-stderr.txt"
    while time.monotonic() - started < SECONDS:
        rounds += 1
        stderr = errors.open("w")
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                str(data_dir),
                case.id,
                str(next_index),
                passphrase(number),
                str(number),
                str(rng.randrange(1 << 30)),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first, errors.read_text()
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        # Read the rest through the same buffered reader: communicate() would read the pipe
        # underneath it and miss lines readline() had already buffered.
        rest = child.stdout.read()
        child.wait(timeout=30)
        stderr.close()
        changing = None
        for line in (first + rest).split("\n")[:-1]:  # whole lines only were reported
            kind, _, value = line.partition(" ")
            if kind == "S":
                reported.add(int(value))
            elif kind == "C":
                changing = int(value)
            elif kind == "D":
                number, changing = int(value), None
        if changing is not None and _pending(data_dir):
            mid_change += 1  # killed while the key file said the change was not finished

        candidates = [changing, number] if changing is not None else [number]
        store, number = open_with(data_dir, candidates)
        saved = {int(k.split("-")[1]) for k in store.load(case.id).answers if k[6:].isdigit()}
        missing = reported - saved
        assert not missing, f"round {rounds}: saves reported but lost: {sorted(missing)[:5]}"
        if number:
            assert leaks(data_dir, [MARKER]) == [], f"round {rounds}: plaintext left"
            assert open_store(data_dir, passphrase(number)).store.list_cases()
        next_index = max(saved | reported | {next_index}) + 1
        del store

    assert rounds >= 10, "too few rounds to say anything"
    assert number >= 2, "the passphrase was set and changed too rarely"
    assert mid_change >= 1, "no kill landed during a passphrase change; the test proved nothing"
