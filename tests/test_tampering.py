"""Defect 4 of issue 12: tampering with a protected folder is noticed, not believed.

Three attacks by someone who can change files in the data folder but does not know
the passphrase: a forged case written in plaintext (it was accepted, and sealed as
genuine by the next save); a case file replaced by an older copy of itself (its own
``.bak``); a file made of an old header and a newer body.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from safetycheck.case import Case, Status
from safetycheck.casework import CaseWork, StoreError
from safetycheck.passphrase import change_passphrase, open_store, set_passphrase
from safetycheck.store import CaseStore

FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
PASSPHRASE = "blue kettle under the stairs"
FORGED = "Ref-Forged-By-Someone-Else"


def protected(data_dir: Path) -> CaseStore:
    return set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)


def plant_plaintext_case(data_dir: Path, tmp_path: Path) -> str:
    """A well-formed plaintext case file, made elsewhere and put into the folder."""
    elsewhere = CaseStore(tmp_path / "elsewhere")
    forged = elsewhere.create(FORGED)
    forged.set_answer("check-a", Status.LOOKS_OK, "Everything is fine, nothing to see")
    elsewhere.save(forged)
    shutil.copy(elsewhere.path_for(forged.id), data_dir / "cases" / f"{forged.id}.case")
    return forged.id


def test_a_plaintext_case_in_a_protected_folder_is_set_aside_not_believed(
    data_dir: Path, tmp_path: Path, library
) -> None:
    store = protected(data_dir)
    genuine = store.create("Ref-Genuine")
    forged_id = plant_plaintext_case(data_dir, tmp_path)

    listed = {s.id: s for s in store.list_cases()}
    assert listed[forged_id].reference != FORGED
    assert listed[forged_id].problem and "passphrase" in listed[forged_id].problem
    with pytest.raises(StoreError) as raised:
        store.load(forged_id)
    assert "not locked with" in str(raised.value)
    assert not store.path_for(forged_id).exists()  # set aside, never deleted
    kept = [p for p in store.damaged_dir.iterdir() if p.name.startswith(forged_id)]
    assert len(kept) == 1
    assert FORGED.encode() in store.read_damaged(kept[0])  # the bytes can still be looked at
    assert FORGED.encode() not in kept[0].read_bytes()  # and nothing readable is left

    # A save of another case, and a passphrase change, never turn it into a genuine case.
    store.save(genuine)
    plant_plaintext_case(data_dir, tmp_path)
    new = change_passphrase(data_dir, PASSPHRASE, "a different passphrase", kdf=FAST_KDF)
    work = CaseWork(data_dir, library, store=new)
    assert FORGED not in [s.reference for s in work.list_cases() if s.problem is None]


def test_a_case_put_back_to_its_own_backup_is_noticed(data_dir: Path, tmp_path: Path) -> None:
    store = protected(data_dir)
    case = store.create("Ref-Rollback")
    case.set_answer("check-a", Status.CONCERN, "He tracks my car")
    store.save(case)
    case.set_answer("check-b", Status.CONCERN, "And reads my messages")
    store.save(case)
    path = store.path_for(case.id)
    shutil.copy(store.backup_for(path), path)  # the copy from one save earlier

    fresh = open_store(data_dir, PASSPHRASE).store
    [summary] = fresh.list_cases()
    assert summary.problem and "older" in summary.problem
    with pytest.raises(StoreError) as raised:
        fresh.load(case.id)
    assert "older" in str(raised.value)
    # The person may still choose to open the older copy, and that is then the newest save.
    older = fresh.open_older_copy(case.id)
    assert "check-b" not in older.answers
    assert open_store(data_dir, PASSPHRASE).store.load(case.id).id == case.id


def test_an_old_header_with_a_newer_body_is_not_believed(data_dir: Path) -> None:
    store = protected(data_dir)
    case = store.create("Ref-Before-Rename")
    case.reference = "Ref-After-Rename"
    case.set_answer("check-a", Status.CONCERN, "A concern")
    store.save(case)
    path = store.path_for(case.id)
    old_header = store.backup_for(path).read_bytes().split(b"\n")[1]
    tag, _, body, end = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([tag, old_header, body, end]))

    fresh = open_store(data_dir, PASSPHRASE).store
    [summary] = fresh.list_cases()
    assert summary.problem
    with pytest.raises(StoreError):
        fresh.load(case.id)


def test_ordinary_use_never_looks_like_tampering(data_dir: Path, tmp_path: Path) -> None:
    """Saves, restoring the backup, a reopened folder and a deleted case raise nothing."""
    store = protected(data_dir)
    case = store.create("Ref-Ordinary")
    for n in range(5):
        case.set_answer(f"check-{n}", Status.LOOKS_OK, "")
        store.save(case)
    assert (
        open_store(data_dir, PASSPHRASE).store.load(case.id).answers.keys() == case.answers.keys()
    )
    restored = store.restore_backup(case.id)
    again = open_store(data_dir, PASSPHRASE).store
    assert again.load(case.id).answers.keys() == restored.answers.keys()
    assert [s.problem for s in again.list_cases()] == [None]
    other = Case.new("Ref-Other")
    again.save(other)
    again.delete(other.id)
    assert [s.id for s in open_store(data_dir, PASSPHRASE).store.list_cases()] == [case.id]
