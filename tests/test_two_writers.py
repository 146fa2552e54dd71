"""Defect 5 of issue 12: two writers never lose each other's work.

Two processes saving one case used to overwrite each other (249 of 300 saves reported
by one were gone).  A case is locked by whoever has it open, across processes; the
second writer is told in plain words and saves nothing, so every save reported is kept.
The Windows lock is tested with the platform simulated, as ``durable.Platform`` does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from fake_msvcrt import FakeMsvcrt

from safetycheck.case import Status
from safetycheck.casework import CaseWork, StoreError
from safetycheck.checklist import Library
from safetycheck.durable import LINUX, WINDOWS, Platform
from safetycheck.store import CaseStore

CHILD = r"""
import sys, time
from pathlib import Path
from safetycheck.case import Status
from safetycheck.casework import CaseWork, StoreError
from safetycheck.checklist import Library

data_dir, case_id, tag, barrier = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
work = CaseWork(data_dir, Library())
work.unlock(None)
try:
    work.open(case_id)
except StoreError as exc:
    print("REFUSED", exc, flush=True)
    sys.exit(0)
print("OPEN", flush=True)
while not barrier.exists():
    time.sleep(0.005)
for i in range(150):
    try:
        work.set_answer(f"check-{tag}-{i}", Status.CONCERN, f"note {tag} {i}")
    except StoreError as exc:
        print("REFUSED", exc, flush=True)  # told; the next change is tried all the same
        continue
    print("SAVED", i, flush=True)
"""


def test_two_processes_saving_one_case_lose_nothing_reported(
    data_dir: Path, tmp_path: Path
) -> None:
    case = CaseStore(data_dir).create("Ref-Two-Windows")
    barrier = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(data_dir), case.id, tag, str(barrier)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    firsts = [child.stdout.readline() for child in children if child.stdout]
    barrier.touch()
    outputs = [
        first + child.communicate(timeout=120)[0]
        for first, child in zip(firsts, children, strict=True)
    ]
    for child in children:
        assert child.returncode == 0, child.stderr

    saved = CaseStore(data_dir).load(case.id).answers
    reported = {
        f"check-{tag}-{line.split()[1]}"
        for tag, output in zip("ab", outputs, strict=True)
        for line in output.splitlines()
        if line.startswith("SAVED")
    }
    assert reported, outputs
    lost = sorted(reported - set(saved))
    assert not lost, f"{len(lost)} of {len(reported)} reported saves were lost"
    refusals = [line for out in outputs for line in out.splitlines() if line.startswith("REFUSED")]
    assert refusals, "one of the two should have been told the case is in use"
    assert all("another SafetyCheck window" in line for line in refusals), refusals


def test_two_stores_in_one_process_do_not_overwrite_each_other(data_dir: Path) -> None:
    """Below the service, the store itself notices a case saved by someone else since."""
    first, second = CaseStore(data_dir), CaseStore(data_dir)
    case = first.create("Ref-Two-Stores")
    mine, theirs = first.load(case.id), second.load(case.id)
    mine.set_answer("check-a", Status.CONCERN, "saved by the first")
    first.save(mine)
    theirs.set_answer("check-b", Status.CONCERN, "saved by the second")
    with pytest.raises(StoreError) as raised:
        second.save(theirs)
    assert "changed in another SafetyCheck window" in str(raised.value)
    assert "check-a" in CaseStore(data_dir).load(case.id).answers


@pytest.mark.parametrize("platform", [LINUX, WINDOWS], ids=lambda p: p.name)
def test_a_case_open_in_one_window_is_refused_in_another(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, platform: Platform
) -> None:
    fake = FakeMsvcrt()
    if platform is WINDOWS:
        monkeypatch.setitem(sys.modules, "msvcrt", fake)
    first = CaseWork(data_dir, Library(), platform=platform)
    second = CaseWork(data_dir, Library(), platform=platform)
    first.unlock(None)
    second.unlock(None)
    case = first.create("Ref-Open-Twice")
    first.set_answer("check-a", Status.CONCERN, "first window")

    with pytest.raises(StoreError) as raised:
        second.open(case.id)
    assert "open in another SafetyCheck window" in str(raised.value)

    first.close_case()
    second.open(case.id)  # free again once the first window lets go
    second.set_answer("check-b", Status.CONCERN, "second window")
    assert set(CaseStore(data_dir).load(case.id).answers) == {"check-a", "check-b"}
    if platform is WINDOWS:
        assert fake.calls, "the Windows lock was not used"
        assert all(position == 0 and nbytes == 1 for position, _, nbytes in fake.calls)


def test_the_command_line_is_told_when_the_app_has_the_case_open(
    data_dir: Path, tmp_path: Path
) -> None:
    app = CaseWork(data_dir, Library())
    app.unlock(None)
    case = app.create("Ref-Open-In-The-App")
    app.set_answer("check-a", Status.CONCERN, "typed in the app")
    before = CaseStore(data_dir).path_for(case.id).read_bytes()

    result = run_cli("export", "Ref-Open-In-The-App", "--kind", "record", "-o", str(tmp_path / "r"))
    assert result.returncode == 1
    assert "open in another SafetyCheck window" in result.stderr
    assert "Traceback" not in result.stderr
    assert CaseStore(data_dir).path_for(case.id).read_bytes() == before
    assert not (tmp_path / "r.pdf").exists()


FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}


def test_a_window_with_the_old_keys_stops_saving_after_a_change_elsewhere(data_dir: Path) -> None:
    """Saves with the old keys after a change would open with the old passphrase."""
    first = CaseWork(data_dir, Library())
    first.unlock(None)
    first.set_passphrase("the first passphrase", kdf=FAST_KDF)
    case = first.create("Ref-Old-Keys")
    first.close_case()
    other = CaseWork(data_dir, Library())
    other.unlock("the first passphrase")
    other.change_passphrase("the first passphrase", "the second passphrase", kdf=FAST_KDF)

    with pytest.raises(StoreError) as raised:
        first.open(case.id)
        first.set_answer("check-a", Status.CONCERN, "typed in the stale window")
    assert "changed in another SafetyCheck window" in str(raised.value)
    with pytest.raises(StoreError):
        first.create("Ref-Also-Refused")
    fresh = CaseWork(data_dir, Library())
    fresh.unlock("the second passphrase")
    assert [s.reference for s in fresh.list_cases()] == ["Ref-Old-Keys"]


def test_no_passphrase_change_while_a_case_is_open_in_another_window(data_dir: Path) -> None:
    from safetycheck.vault import vault_path

    app = CaseWork(data_dir, Library())
    app.unlock(None)
    app.set_passphrase("the first passphrase", kdf=FAST_KDF)
    app.create("Ref-Open-In-The-App")
    before = vault_path(data_dir).read_bytes()
    command = CaseWork(data_dir, Library())
    command.unlock("the first passphrase")
    with pytest.raises(StoreError) as raised:
        command.change_passphrase("the first passphrase", "the second passphrase", kdf=FAST_KDF)
    assert "open in another SafetyCheck window" in str(raised.value)
    assert vault_path(data_dir).read_bytes() == before


def test_a_key_file_removed_while_the_app_is_open_is_put_back(data_dir: Path) -> None:
    from safetycheck.vault import vault_path

    app = CaseWork(data_dir, Library())
    app.unlock(None)
    app.set_passphrase("the first passphrase", kdf=FAST_KDF)
    app.create("Ref-Kept")
    kept = vault_path(data_dir).read_bytes()
    vault_path(data_dir).unlink()
    app.set_answer("check-a", Status.CONCERN, "saved all the same")
    assert vault_path(data_dir).read_bytes() == kept
    again = CaseWork(data_dir, Library())
    again.unlock("the first passphrase")
    assert [s.reference for s in again.list_cases()] == ["Ref-Kept"]
