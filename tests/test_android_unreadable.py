"""A phone that could not be read is never reported as clean; a hung phone is given up on.

Issue 12, defect 6: with a phone whose shell commands all fail, the case record said
"Android scan of 0 apps. No known stalkerware found.", and a hung phone cost 271 s with no
way to cancel.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from android_fakes import FakeAdb
from conftest import run_cli

from safetycheck.android.adb import Adb, ScanCancelled
from safetycheck.android.indicators import IndicatorStore
from safetycheck.android.scan import run_scan, scan_report
from safetycheck.store import CaseStore

SERIAL = "9A281FFBA0042X"


@pytest.fixture
def index(data_dir: Path):
    return IndicatorStore(data_dir).index()


def test_a_scan_that_read_nothing_says_so_and_keeps_its_problems(tmp_path: Path, index) -> None:
    result = run_scan(Adb(FakeAdb(tmp_path, "unreadable").path), index)
    assert not result.phone_read
    assert "No known stalkerware" not in result.headline
    assert "could not read this phone" in result.headline
    assert len([p for p in result.problems if "list of apps" in p]) == 1  # said once
    data = result.to_dict()
    assert data["phone_read"] is False and data["complete"] is False
    assert data["problems"] and "No known stalkerware" not in data["headline"]

    report = scan_report(result)  # what the case service records
    summary = report.summary
    assert report.problems and report.details["phone_read"] is False
    assert "No known stalkerware" not in summary
    assert "could not read this phone" in summary
    assert "list of apps" in summary  # the problems are part of the record


def test_the_cli_says_it_could_not_read_the_phone(tmp_path: Path, data_dir: Path) -> None:
    fake = FakeAdb(tmp_path, "unreadable")
    result = run_cli("scan-android", "--adb", str(fake.path))
    assert result.returncode == 1
    assert "could not read this phone" in result.stdout
    assert "No known stalkerware" not in result.stdout
    assert "Note: Could not read the list of apps" in result.stdout

    as_json = run_cli("scan-android", "--adb", str(fake.path), "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["phone_read"] is False

    store = CaseStore(data_dir)
    case = store.create("Case 7F3K")
    recorded = run_cli("scan-android", "--adb", str(fake.path), "--case", "Case 7F3K")
    assert recorded.returncode == 1
    (entry,) = store.load(case.id).evidence
    assert "could not read this phone" in entry.what
    assert "No known stalkerware" not in entry.what


def test_a_hung_phone_stops_the_scan_after_one_command(tmp_path: Path, index) -> None:
    fake = FakeAdb(tmp_path, "hung")
    result = run_scan(Adb(fake.path, timeout=1.0), index)
    assert not result.phone_read
    assert "could not read this phone" in result.headline
    assert any("stopped before it finished" in p and "took too long" in p for p in result.problems)
    assert fake.shell_commands() == ["getprop"]  # it did not wait for each command in turn


def test_the_whole_scan_has_a_deadline(tmp_path: Path, index) -> None:
    """However each command is timed, the scan as a whole ends at its deadline."""
    fake = FakeAdb(tmp_path, "hung")
    result = run_scan(Adb(fake.path, timeout=60.0), index, deadline_seconds=1.0)
    assert not result.phone_read
    assert any("time limit of 1 second:" in p for p in result.problems)


def test_a_scan_can_be_cancelled_while_the_phone_hangs(tmp_path: Path, index) -> None:
    fake = FakeAdb(tmp_path, "hung")
    cancel = threading.Event()
    outcome: list[object] = []

    def scan() -> None:
        try:
            outcome.append(run_scan(Adb(fake.path), index, cancel=cancel))
        except ScanCancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=scan, daemon=True)
    worker.start()
    while not fake.shell_commands():  # the scan is waiting for the phone
        worker.join(0.05)
    cancel.set()
    worker.join(20)
    assert not worker.is_alive(), "cancelling did not stop the scan"
    assert isinstance(outcome[0], ScanCancelled)
    assert "cancelled" in str(outcome[0])
