"""Item 9 of issue 12, the storage parts: a data folder someone has been changing.

* An attachment folder that is a symbolic link: deleting the case deleted the files
  the link pointed to (anywhere the person can write), and changing the passphrase
  rewrote them.  Links are never followed when deleting or rewriting.
* A data folder owned by another account, or one that other accounts can write to,
  was used without a word.
* An absurd key derivation setting in ``vault.json`` (``iterations: 1e9``) hung the
  unlock.  Every setting read from the key file is bounded before any work is done.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from safetycheck.case import Status
from safetycheck.casework import CaseWork, StoreError
from safetycheck.checklist import Library
from safetycheck.durable import WINDOWS
from safetycheck.passphrase import change_passphrase, open_store, set_passphrase
from safetycheck.store import CaseStore
from safetycheck.vault import VaultError, vault_path

FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
PASSPHRASE = "blue kettle under the stairs"

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX links and modes")


def precious_folder(tmp_path: Path) -> Path:
    """Somewhere the person keeps their own files, outside the data folder."""
    folder = tmp_path / "My photos"
    folder.mkdir()
    for n in range(3):
        (folder / f"photo-{n}.jpg").write_bytes(b"my own photo %d" % n)
    return folder


def case_with_linked_attachments(store: CaseStore, tmp_path: Path, target: Path) -> str:
    case = store.create("Ref-Linked")
    source = tmp_path / "evidence.png"
    source.write_bytes(b"\x89PNG")
    case.add_evidence("photo", attachment=store.add_attachment(case, source))
    store.save(case)
    folder = store.attachments_dir / case.id
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.symlink_to(target, target_is_directory=True)
    return case.id


@posix_only
def test_deleting_a_case_never_follows_a_linked_attachment_folder(
    data_dir: Path, tmp_path: Path
) -> None:
    store = CaseStore(data_dir)
    precious = precious_folder(tmp_path)
    case_id = case_with_linked_attachments(store, tmp_path, precious)

    try:
        store.delete(case_id)
        failed = None
    except OSError as exc:  # before the fix: the link's files were gone, then rmdir failed
        failed = exc

    assert sorted(p.name for p in precious.iterdir()) == [f"photo-{n}.jpg" for n in range(3)]
    assert not (store.attachments_dir / case_id).is_symlink()
    assert not (store.attachments_dir / case_id).exists()
    assert failed is None


@posix_only
def test_a_linked_file_inside_an_attachment_folder_is_removed_not_followed(
    data_dir: Path, tmp_path: Path
) -> None:
    store = CaseStore(data_dir)
    precious = precious_folder(tmp_path)
    case = store.create("Ref-Linked-File")
    folder = store.attachments_dir / case.id
    folder.mkdir(parents=True)
    (folder / ("a" * 32)).symlink_to(precious / "photo-0.jpg")
    (folder / "inner").symlink_to(precious, target_is_directory=True)

    store.delete(case.id)

    assert (precious / "photo-0.jpg").read_bytes() == b"my own photo 0"
    assert len(list(precious.iterdir())) == 3
    assert not folder.exists()


@posix_only
def test_changing_the_passphrase_never_rewrites_files_behind_a_link(
    data_dir: Path, tmp_path: Path
) -> None:
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    precious = precious_folder(tmp_path)
    case_with_linked_attachments(store, tmp_path, precious)

    change_passphrase(data_dir, PASSPHRASE, "a different passphrase", kdf=FAST_KDF)

    assert sorted(p.read_bytes() for p in precious.iterdir()) == [
        b"my own photo %d" % n for n in range(3)
    ]


# -- who owns the data folder ---------------------------------------------------------------


@posix_only
def test_a_data_folder_of_another_account_is_refused_with_what_to_do(data_dir: Path) -> None:
    CaseStore(data_dir).create("Ref-Mine")
    someone_else = os.stat(data_dir).st_uid + 4242
    work = CaseWork(data_dir, Library(), uid=someone_else)
    with pytest.raises(StoreError) as raised:
        work.unlock(None)
    message = str(raised.value)
    assert "another account" in message and "--data-dir" in message


@posix_only
def test_a_data_folder_others_can_write_to_is_made_private_and_said(data_dir: Path) -> None:
    CaseStore(data_dir).create("Ref-Mine")
    os.chmod(data_dir, 0o777)
    work = CaseWork(data_dir, Library())
    work.unlock(None)
    assert os.stat(data_dir).st_mode & 0o777 == 0o700
    assert any("other accounts" in w.lower() for w in work.folder_warnings)


@posix_only
def test_a_parent_folder_others_can_change_is_warned_about(tmp_path: Path) -> None:
    common = tmp_path / "common"
    common.mkdir()
    os.chmod(common, 0o777)  # anyone may rename our folder and put theirs in its place
    data_dir = common / "SafetyCheck-data"
    work = CaseWork(data_dir, Library())
    work.unlock(None)
    assert any(str(common) in w for w in work.folder_warnings)


@posix_only
def test_a_parent_with_the_sticky_bit_is_fine(tmp_path: Path) -> None:
    sticky = tmp_path / "tmp-like"
    sticky.mkdir()
    os.chmod(sticky, 0o1777)  # like /tmp: others cannot move what is ours
    work = CaseWork(sticky / "data", Library())
    work.unlock(None)
    assert work.folder_warnings == []


def test_windows_folders_are_not_judged_by_posix_modes(data_dir: Path) -> None:
    CaseStore(data_dir).create("Ref-Mine")
    work = CaseWork(data_dir, Library(), platform=WINDOWS, uid=os.stat(data_dir).st_uid + 1)
    work.unlock(None)
    assert work.folder_warnings == []


def test_the_cli_prints_the_folder_warning(data_dir: Path) -> None:
    CaseStore(data_dir).create("Ref-Mine")
    if os.name == "posix":
        os.chmod(data_dir, 0o777)
        result = run_cli("list-cases")
        assert result.returncode == 0
        assert "other accounts" in result.stderr.lower()


# -- the key file's settings are bounded ------------------------------------------------------


def tamper(data_dir: Path, change: dict[str, Any]) -> None:
    raw = json.loads(vault_path(data_dir).read_bytes())
    for key, value in change.items():
        if key == "slots":
            raw["slots"] = [dict(raw["slots"][0]) for _ in range(value)]
        elif key in ("salt", "wrapped"):
            raw["slots"][0][key] = value
        else:
            raw["slots"][0]["kdf"][key] = value
    vault_path(data_dir).write_text(json.dumps(raw), encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        {"iterations": 1e9},
        {"iterations": 10**9},
        {"iterations": "6"},
        {"iterations": True},
        {"iterations": 0},
        {"iterations": -1},
        {"memory_kib": 2**40},
        {"memory_kib": 2**21, "iterations": 64},
        {"lanes": 10**6},
        {"name": "scrypt", "n": 2**40, "r": 8, "p": 1},
        {"name": "scrypt", "n": 2**16, "r": 10**6, "p": 1},
        {"name": "scrypt", "n": 2**16 + 1, "r": 8, "p": 1},
        {"name": "scrypt", "n": 2**16, "r": 8, "p": 50},
        {"slots": 1000},
        {"salt": "QUFB" * 100000},
    ],
    ids=lambda c: ",".join(f"{k}={str(v)[:12]}" for k, v in c.items()),
)
def test_an_absurd_key_file_setting_is_refused_before_any_work(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, Any]
) -> None:
    set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    tamper(data_dir, change)
    derived: list[dict[str, Any]] = []

    import safetycheck.crypto as crypto

    real = crypto.derive_key

    def watching(passphrase: str, salt: bytes, params: dict[str, Any]) -> bytes:
        derived.append(dict(params))
        if derived and len(derived) > 2:
            raise AssertionError("unlock tried more than two key derivations")
        big = params.get("iterations", 1), params.get("memory_kib", 0), params.get("n", 0)
        if big[0] is True or big[0] > 64 or big[1] > 2**20 or big[2] > 2**20:
            raise AssertionError(f"unlock started a key derivation with {params}")
        return real(passphrase, salt, params)

    monkeypatch.setattr(crypto, "derive_key", watching)
    monkeypatch.setattr("safetycheck.vault.derive_key", watching)
    with pytest.raises(VaultError) as raised:
        open_store(data_dir, PASSPHRASE)
    assert "vault.json" in str(raised.value)
    assert derived == []


def test_todays_settings_and_the_fallback_are_accepted(data_dir: Path) -> None:
    from safetycheck.crypto import ARGON2ID_DEFAULT, SCRYPT_DEFAULT, check_kdf

    assert check_kdf(dict(ARGON2ID_DEFAULT)) == ARGON2ID_DEFAULT
    assert check_kdf(dict(SCRYPT_DEFAULT)) == SCRYPT_DEFAULT
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    case = store.create("Ref-Fine")
    case.set_answer("check-a", Status.LOOKS_OK, "")
    store.save(case)
    assert open_store(data_dir, PASSPHRASE).store.load(case.id).reference == "Ref-Fine"
