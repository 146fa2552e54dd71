"""Defect 2 of issue 12: after a passphrase change, the old passphrase opens nothing new.

A sync or backup program copies ``vault.json`` whenever it changes, so an attacker who
knew the old passphrase may hold EVERY key file the folder ever had, including the one
written half-way through the change.  None of them, with the old passphrase, may give a
key that opens a file written by the change or after it.  And a change that was cut
off must end with the passphrase the person chose, whichever one they type next.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from safetycheck.case import Status
from safetycheck.crypto import Keyring, derive_key, open_sealed, record_key_id
from safetycheck.passphrase import change_passphrase, open_store, set_passphrase
from safetycheck.storage import reencrypt
from safetycheck.store import CaseStore
from safetycheck.vault import WRAP_AAD, VaultError, unlock

FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
OLD = "the old passphrase he knows"
NEW = "a new passphrase only she knows"
AFTER = "Written-After-The-Change"


@pytest.fixture
def every_key_file(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every version of vault.json ever put in place, as a sync program would keep them."""
    kept: list[bytes] = []
    real_replace = os.replace

    def replace(src: object, dst: object, *args: object, **kwargs: object) -> None:
        if Path(str(dst)).name == "vault.json":
            kept.append(Path(str(src)).read_bytes())
        real_replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    return kept


def keys_the_old_passphrase_gets(key_files: list[bytes]) -> set[str]:
    """Every data key id that OLD unwraps from any of ``key_files``."""
    found: set[str] = set()
    for raw in key_files:
        for slot in json.loads(raw)["slots"]:
            kek = derive_key(OLD, base64.b64decode(slot["salt"]), slot["kdf"])
            try:
                keyring = Keyring.from_bytes(
                    open_sealed(kek, base64.b64decode(slot["wrapped"]), WRAP_AAD)
                )
            except Exception:
                continue
            found.update(keyring.keys)
    return found


def key_ids_in_use(data_dir: Path) -> set[str]:
    ids: set[str] = set()
    for path in data_dir.rglob("*"):
        if not path.is_file() or path.name == "vault.json":
            continue
        for record in path.read_bytes().split(b"\n"):
            key_id = record_key_id(record)
            if key_id:
                ids.add(key_id)
    return ids


def make_folder(data_dir: Path, tmp_path: Path) -> tuple[CaseStore, list[str]]:
    store = set_passphrase(CaseStore(data_dir), OLD, kdf=FAST_KDF)
    ids = []
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG before")
    for n in range(6):
        case = store.create(f"Ref-{n}")
        case.set_answer("check-a", Status.CONCERN, f"before {n}")
        case.add_evidence("photo", attachment=store.add_attachment(case, photo))
        store.save(case)
        ids.append(case.id)
    return store, ids


def test_no_key_file_that_ever_existed_opens_later_saves_with_the_old_passphrase(
    data_dir: Path, tmp_path: Path, every_key_file: list[bytes]
) -> None:
    _, ids = make_folder(data_dir, tmp_path)

    store = change_passphrase(data_dir, OLD, NEW, kdf=FAST_KDF)
    case = store.load(ids[0])
    case.set_answer("check-b", Status.CONCERN, AFTER)
    store.save(case)
    store.create(AFTER)

    assert len(every_key_file) >= 3, "the change should have written its key files"
    old_keys = keys_the_old_passphrase_gets(every_key_file)
    assert old_keys, "the old passphrase should still open the old key files"
    reachable = old_keys & key_ids_in_use(data_dir)
    assert not reachable, "a file written by or after the change opens with the old passphrase"


def _cut_off_change(monkeypatch: pytest.MonkeyPatch, data_dir: Path, after_files: int) -> None:
    """Run a change that stops (like a killed process) after rewriting some files."""
    real_write = reencrypt.write_atomic
    written = 0

    class Killed(BaseException):
        pass

    def write(*args: object, **kwargs: object) -> None:
        nonlocal written
        if written >= after_files:
            raise Killed()
        written += 1
        real_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reencrypt, "write_atomic", write)
    with pytest.raises(Killed):
        change_passphrase(data_dir, OLD, NEW, kdf=FAST_KDF)
    monkeypatch.setattr(reencrypt, "write_atomic", real_write)


def test_a_cut_off_change_finished_with_the_old_passphrase_keeps_the_new_one(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ids = make_folder(data_dir, tmp_path)
    _cut_off_change(monkeypatch, data_dir, after_files=5)

    # The person types the passphrase they knew before (perhaps they forgot the change).
    try:
        open_store(data_dir, OLD)
    except VaultError as exc:
        assert "new passphrase" in str(exc)

    # The passphrase they chose works, opens every case, and the old one opens nothing.
    opened = open_store(data_dir, NEW)
    for n, case_id in enumerate(ids):
        case = opened.store.load(case_id)
        assert case.answers["check-a"].note == f"before {n}"
        attachment = case.evidence[0].attachment
        assert attachment is not None
        assert opened.store.read_attachment(case, attachment) == b"\x89PNG before"
    with pytest.raises(VaultError):
        unlock(data_dir, OLD)
    assert open_store(data_dir, NEW).finished_interrupted_change is False


def test_a_cut_off_change_finished_with_the_new_passphrase_leaves_nothing_for_the_old(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every_key_file: list[bytes]
) -> None:
    _, ids = make_folder(data_dir, tmp_path)
    _cut_off_change(monkeypatch, data_dir, after_files=4)

    opened = open_store(data_dir, NEW)
    assert opened.finished_interrupted_change
    case = opened.store.load(ids[1])
    case.set_answer("check-b", Status.CONCERN, AFTER)
    opened.store.save(case)

    assert not keys_the_old_passphrase_gets(every_key_file) & key_ids_in_use(data_dir)
    with pytest.raises(VaultError):
        unlock(data_dir, OLD)


def test_a_folder_changed_by_version_1_moves_to_a_key_the_old_passphrase_never_had(
    data_dir: Path, tmp_path: Path
) -> None:
    """Version 1 sealed the new keys under the old passphrase during a change: a folder it
    changed is moved to a fresh key at its next unlock, once, without a word."""
    from safetycheck.vault import Vault, make_slot, reseal_slot, write_vault

    _, ids = make_folder(data_dir, tmp_path)
    unlocked = unlock(data_dir, OLD)
    # What version 1 did: one new keyring, sealed under BOTH passphrases while it changed.
    keyring = unlocked.keyring.rotated()
    old_slot = reseal_slot(unlocked.slot, unlocked.kek, keyring)
    new_slot, _ = make_slot(NEW, keyring, FAST_KDF)

    def version_1(vault: Vault) -> bytes:
        raw = json.loads(vault.to_bytes())
        raw["version"], raw["pending"] = 1, bool(vault.pending)
        return json.dumps(raw).encode()

    copied = version_1(Vault([old_slot, new_slot], "change"))  # a backup program kept this
    write_vault(data_dir, Vault([old_slot, new_slot], "change"))
    CaseStore(data_dir, codec=keyring.codec()).reencode_all()
    (data_dir / "vault.json").write_bytes(version_1(Vault([new_slot])))

    opened = open_store(data_dir, NEW)
    assert opened.finished_interrupted_change is False  # nothing to tell the person
    for n, case_id in enumerate(ids):
        assert opened.store.load(case_id).answers["check-a"].note == f"before {n}"
    assert keyring.current not in key_ids_in_use(data_dir)
    assert not keys_the_old_passphrase_gets([copied]) & key_ids_in_use(data_dir)
    assert json.loads((data_dir / "vault.json").read_bytes())["version"] == 2
