"""Defect 3 of issue 12: a protected folder stays protected when its key file goes.

Removing ``vault.json`` used to make the folder look unprotected: new cases were
written in plaintext next to the sealed ones and nobody was asked for a passphrase.
A folder that holds any sealed file is protected; without its key file it is an
error with a plain message and a way back, and nothing is written in plaintext.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from privacy_helpers import leaks, snapshot

from safetycheck.case import Case
from safetycheck.casework import CaseWork, StoreError
from safetycheck.passphrase import open_store, set_passphrase
from safetycheck.store import CaseStore
from safetycheck.vault import VaultError, is_protected, vault_path

FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
PASSPHRASE = "blue kettle under the stairs"
LEAK = "Ref-Written-In-The-Clear"


def protected_folder(data_dir: Path, tmp_path: Path) -> CaseStore:
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    case = store.create("Ref-Sealed")
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG")
    case.add_evidence("photo", attachment=store.add_attachment(case, photo))
    store.save(case)
    return store


def remove_everything_but(data_dir: Path, keep: str) -> None:
    """Leave one kind of sealed file, to show that any one of them marks the folder."""
    for path in sorted(data_dir.rglob("*"), reverse=True):
        if path.is_file() and keep not in str(path.relative_to(data_dir)):
            path.unlink()


@pytest.mark.parametrize("kept", ["cases", "attachments", "damaged"])
def test_any_sealed_file_keeps_the_folder_protected(
    data_dir: Path, tmp_path: Path, library, kept: str
) -> None:
    store = protected_folder(data_dir, tmp_path)
    if kept == "damaged":  # a damaged file sealed whole, as setting a passphrase leaves it
        (data_dir / "damaged").mkdir(exist_ok=True)
        from safetycheck.storage.casefile import seal_whole

        sealed = seal_whole(b"not a case", store.codec)
        assert sealed is not None
        (data_dir / "damaged" / "x.case.20260101T000000Z.ab12").write_bytes(sealed)
    remove_everything_but(data_dir, kept)

    assert is_protected(data_dir)
    with pytest.raises(VaultError) as raised:
        CaseWork(data_dir, library).unlock(None)
    message = str(raised.value)
    assert "vault.json" in message and "backup" in message
    before = snapshot(data_dir)
    with pytest.raises(StoreError):
        CaseStore(data_dir).create(LEAK)
    assert snapshot(data_dir) == before
    assert leaks(data_dir, [LEAK]) == []


def test_the_command_line_refuses_to_write_in_the_clear(data_dir: Path, tmp_path: Path) -> None:
    protected_folder(data_dir, tmp_path)
    vault_path(data_dir).unlink()
    before = snapshot(data_dir)

    for command in (["demo-case", "--reference", LEAK], ["list-cases"], ["set-passphrase"]):
        result = run_cli(*command, env={"SAFETYCHECK_NEW_PASSPHRASE": "another one entirely"})
        assert result.returncode == 1, (command, result.stdout)
        assert "vault.json" in result.stderr and "backup" in result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(data_dir) == before
    assert leaks(data_dir, [LEAK]) == []


def test_a_damaged_key_file_says_how_to_get_the_cases_back(data_dir: Path, tmp_path: Path) -> None:
    protected_folder(data_dir, tmp_path)
    vault_path(data_dir).write_text("{not json", encoding="utf-8")
    before = snapshot(data_dir)
    with pytest.raises(VaultError) as raised:
        open_store(data_dir, PASSPHRASE)
    assert "backup" in str(raised.value)
    with pytest.raises(StoreError):
        CaseStore(data_dir).save(Case.new(LEAK))
    assert snapshot(data_dir) == before


def test_an_unprotected_folder_is_still_plain(data_dir: Path, library) -> None:
    store = CaseStore(data_dir)
    store.create("Ref-Plain-On-Purpose")
    assert not is_protected(data_dir)
    work = CaseWork(data_dir, library)
    work.unlock(None)
    assert [s.reference for s in work.list_cases()] == ["Ref-Plain-On-Purpose"]
