"""Encryption at rest: nothing readable under the data folder once a passphrase is set."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from privacy_helpers import leaks, snapshot

from safetycheck.case import Case, Status
from safetycheck.codec import CodecError, KeyMissingError
from safetycheck.crypto import (
    RECORD_PREFIX,
    SCRYPT_DEFAULT,
    AesGcmCodec,
    Keyring,
    derive_key,
    record_key_id,
)
from safetycheck.passphrase import change_passphrase, open_store, set_passphrase
from safetycheck.storage import attachments
from safetycheck.store import CaseStore, LockedError, StoreError
from safetycheck.vault import (
    DamagedVaultError,
    VaultError,
    is_protected,
    read_vault,
    unlock,
    vault_path,
)
from safetycheck.vault import (
    WrongPassphraseError as VaultWrongPassphrase,
)

# Cheap parameters keep these tests quick; the real ones are measured in benchmarks/.
FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
PASSPHRASE = "blue kettle under the stairs"

# Distinctive text that must never appear in a file or a file name.
REFERENCE = "Ref-Xylophone-Quartz"
NOTE = "Note-Marmalade-Zażółć-ŵ"
EVIDENCE = "Evidence-Pelican-Harbour"
ACTION = "Action-Tangerine-Lantern"
ATTACHMENT_TEXT = b"Attachment-Saffron-Meadow"
ATTACHMENT_NAME = "Screenshot-Walrus.png"
SECRETS = [REFERENCE, NOTE, EVIDENCE, ACTION, ATTACHMENT_TEXT.decode(), ATTACHMENT_NAME]


def fill(store: CaseStore, tmp_path: Path, check_ids: list[str]) -> Case:
    """A case with every kind of personal data: reference, notes, evidence, actions, a file."""
    case = store.create(REFERENCE)
    for i, check_id in enumerate(check_ids):
        case.set_answer(check_id, Status.CONCERN if i % 2 else Status.LOOKS_OK, f"{NOTE} {i}")
        store.save(case)  # several saves: a .bak exists
    source = tmp_path / ATTACHMENT_NAME
    source.write_bytes(ATTACHMENT_TEXT * 10)
    attachment = store.add_attachment(case, source)
    case.add_evidence(EVIDENCE, "phone", attachment=attachment)
    case.add_action(ACTION, "advisor")
    case.exported_files.append(str(tmp_path / "out.pdf"))
    store.save(case)
    return case


def check_ids(library) -> list[str]:
    ids = [c.id for t in library.topics for c in t.checks]
    return ids[:6] if ids else ["check-a", "check-b", "check-c"]


# -- the codec ------------------------------------------------------------------------


def test_records_round_trip_have_no_newline_and_never_repeat() -> None:
    codec = Keyring.new().codec()
    one = codec.encode(b"note\nwith newline", context=b"c:body")
    two = codec.encode(b"note\nwith newline", context=b"c:body")
    assert b"\n" not in one and one.startswith(RECORD_PREFIX)
    assert one != two  # a fresh random nonce every time
    assert codec.decode(one, context=b"c:body") == b"note\nwith newline"


def test_a_record_moved_to_another_case_or_changed_fails_to_open() -> None:
    codec = Keyring.new().codec()
    record = codec.encode(b"answer", context=b"case1:body")
    with pytest.raises(CodecError):
        codec.decode(record, context=b"case2:body")
    flipped = bytearray(record)
    flipped[-5] = ord("A") if flipped[-5] != ord("A") else ord("B")
    with pytest.raises(CodecError):
        codec.decode(bytes(flipped), context=b"case1:body")


def test_a_record_from_another_key_is_a_passphrase_problem_not_damage() -> None:
    record = Keyring.new().codec().encode(b"x", context=b"c")
    with pytest.raises(KeyMissingError):
        Keyring.new().codec().decode(record, context=b"c")


def test_key_derivation_is_repeatable_and_ignores_how_accents_were_typed() -> None:
    salt = b"s" * 16
    composed, decomposed = "caf\u00e9 passphrase", "cafe\u0301 passphrase"
    assert derive_key(composed, salt, FAST_KDF) == derive_key(decomposed, salt, FAST_KDF)
    assert derive_key(composed, salt, FAST_KDF) != derive_key(composed, b"t" * 16, FAST_KDF)
    scrypt = {**SCRYPT_DEFAULT, "n": 2**10}
    assert len(derive_key(composed, salt, scrypt)) == 32


# -- a protected folder ----------------------------------------------------------------


def test_nothing_personal_is_readable_in_any_file_or_name(
    data_dir: Path, tmp_path: Path, library
) -> None:
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    case = fill(store, tmp_path, check_ids(library))
    # A second case whose file is then damaged and set aside.
    broken = store.create(f"{REFERENCE} two")
    path = store.path_for(broken.id)
    path.write_bytes(path.read_bytes()[:-40] + b"\n")
    with pytest.raises(StoreError):
        store.load(broken.id)
    assert list((data_dir / "damaged").iterdir())
    assert store.backup_for(store.path_for(case.id)).exists()

    assert leaks(data_dir, SECRETS) == []
    status_words = [s.value for s in Status if s is not Status.NOT_CHECKED]
    assert leaks(data_dir, status_words + check_ids(library)) == []

    reopened = open_store(data_dir, PASSPHRASE).store
    loaded = reopened.load(case.id)
    assert loaded.reference == REFERENCE
    assert loaded.answers[check_ids(library)[0]].note == f"{NOTE} 0"
    attachment = loaded.evidence[0].attachment
    assert reopened.read_attachment(loaded, attachment) == ATTACHMENT_TEXT * 10


def test_setting_a_passphrase_encrypts_everything_already_there(
    data_dir: Path, tmp_path: Path, library
) -> None:
    plain = CaseStore(data_dir)
    case = fill(plain, tmp_path, check_ids(library))
    # An old-version backup, a damaged file and a cut-off save's temp file, all plaintext.
    cases = data_dir / "cases"
    (cases / f"{case.id}.case.v0.bak").write_bytes(plain.path_for(case.id).read_bytes())
    (data_dir / "damaged").mkdir()
    (data_dir / "damaged" / f"{case.id}.case.20260101T000000Z.ab12").write_text(
        f"half a file {NOTE}", encoding="utf-8"
    )
    (cases / f".{case.id}.case.0a0b0c0d.tmp").write_bytes(b"half a save " + NOTE.encode())
    assert leaks(data_dir, SECRETS)  # the test can fail: the plain folder does leak

    store = set_passphrase(plain, PASSPHRASE, kdf=FAST_KDF)

    assert leaks(data_dir, SECRETS) == []
    assert not read_vault(data_dir).pending
    loaded = open_store(data_dir, PASSPHRASE).store.load(case.id)
    assert loaded.to_dict() == case.to_dict()
    assert store.read_attachment(loaded, loaded.evidence[0].attachment) == ATTACHMENT_TEXT * 10
    damaged = next((data_dir / "damaged").iterdir())
    assert store.read_damaged(damaged) == f"half a file {NOTE}".encode()


def test_a_wrong_passphrase_changes_no_file(data_dir: Path, tmp_path: Path, library) -> None:
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    fill(store, tmp_path, check_ids(library))
    before = snapshot(data_dir)
    with pytest.raises(VaultWrongPassphrase) as caught:
        open_store(data_dir, "not the passphrase")
    assert str(caught.value) == "That passphrase is not right. Nothing was opened or changed."
    with pytest.raises(VaultWrongPassphrase):
        change_passphrase(data_dir, "not the passphrase", "a new passphrase", kdf=FAST_KDF)
    assert snapshot(data_dir) == before


def test_a_store_that_was_never_unlocked_refuses_to_write(data_dir: Path, library) -> None:
    set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    before = snapshot(data_dir)
    locked = CaseStore(data_dir)
    with pytest.raises(LockedError):
        locked.create(REFERENCE)
    assert snapshot(data_dir) == before
    case = open_store(data_dir, PASSPHRASE).store.create(REFERENCE)
    before = snapshot(data_dir)
    with pytest.raises(LockedError):
        locked.restore_backup(case.id)
    with pytest.raises(StoreError):
        locked.load(case.id)  # "needs the passphrase": not set aside as damaged
    assert snapshot(data_dir) == before


def test_listing_without_the_key_shows_locked_cases_and_reveals_nothing(
    data_dir: Path, library
) -> None:
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    store.create(REFERENCE)
    [summary] = CaseStore(data_dir).list_cases()
    assert summary.reference == "Locked case" and summary.problem


def test_changing_the_passphrase_moves_every_file_to_a_new_key(
    data_dir: Path, tmp_path: Path, library
) -> None:
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    case = fill(store, tmp_path, check_ids(library))
    old_key = unlock(data_dir, PASSPHRASE).keyring.current

    change_passphrase(data_dir, PASSPHRASE, "green door at the end", kdf=FAST_KDF)

    with pytest.raises(VaultWrongPassphrase):
        unlock(data_dir, PASSPHRASE)
    keyring = unlock(data_dir, "green door at the end").keyring
    assert keyring.current != old_key
    records = []
    for path in (data_dir / "cases").iterdir():
        records += path.read_bytes().split(b"\n")[1:3]
    key_ids = {record_key_id(r) for r in records}
    for path in (data_dir / "attachments").rglob("*"):
        if path.is_file():
            key_ids.add(attachments.stored_key_id(path)[1])  # sealed in chunks
    assert records and key_ids == {keyring.current}
    reopened = open_store(data_dir, "green door at the end").store
    assert reopened.load(case.id).to_dict() == case.to_dict()
    assert leaks(data_dir, SECRETS) == []


def test_a_new_passphrase_must_be_long_enough(data_dir: Path, library) -> None:
    with pytest.raises(VaultError):
        set_passphrase(CaseStore(data_dir), "short", kdf=FAST_KDF)
    assert not is_protected(data_dir)


def test_a_damaged_key_file_is_a_plain_message(data_dir: Path, library) -> None:
    set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    vault_path(data_dir).write_text("{not json", encoding="utf-8")
    with pytest.raises(DamagedVaultError):
        open_store(data_dir, PASSPHRASE)


def test_key_file_holds_no_key_in_the_clear(data_dir: Path, library) -> None:
    set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    keyring = unlock(data_dir, PASSPHRASE).keyring
    raw = vault_path(data_dir).read_bytes()
    import base64

    for key in keyring.keys.values():
        assert key not in raw and base64.b64encode(key) not in raw
    assert set(json.loads(raw)) == {"format", "version", "pending", "slots"}


def test_an_interrupted_first_passphrase_is_finished_on_next_unlock(
    data_dir: Path, tmp_path: Path, library
) -> None:
    """Cut off after the key file is written but before the files are encrypted."""
    plain = CaseStore(data_dir)
    case = fill(plain, tmp_path, check_ids(library))
    from safetycheck.vault import Vault, make_slot, write_vault

    keyring = Keyring.new()
    slot, _ = make_slot(PASSPHRASE, keyring, FAST_KDF)
    write_vault(data_dir, Vault([slot], pending="set"))  # what set_passphrase does first
    assert leaks(data_dir, SECRETS)

    opened = open_store(data_dir, PASSPHRASE)

    assert opened.finished_interrupted_change
    assert leaks(data_dir, SECRETS) == []
    assert opened.store.load(case.id).to_dict() == case.to_dict()
    assert isinstance(opened.store.codec, AesGcmCodec)


# -- deleting ------------------------------------------------------------------------------


def test_deleting_a_case_removes_every_file_it_had(data_dir: Path, tmp_path: Path, library) -> None:
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    case = fill(store, tmp_path, check_ids(library))
    other = store.create("Someone else")
    (data_dir / "damaged").mkdir()
    (data_dir / "damaged" / f"{case.id}.case.20260101T000000Z.ab12").write_bytes(b"x")
    (data_dir / "cases" / f".{case.id}.case.0a0b0c0d.tmp").write_bytes(b"x")

    exported = store.delete(case.id)

    assert exported == [str(tmp_path / "out.pdf")]
    remaining = [str(p.relative_to(data_dir)) for p in data_dir.rglob("*")]
    assert [r for r in remaining if case.id in r] == []
    assert store.load(other.id).reference == "Someone else"


# -- no network ----------------------------------------------------------------------------


def test_the_socket_guard_catches_a_connection_attempt(no_network: list[str]) -> None:
    with pytest.raises(AssertionError):
        socket.create_connection(("example.org", 80))
    with pytest.raises(AssertionError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert len(no_network) == 2
    no_network.clear()  # this test made them on purpose


def test_protecting_and_using_cases_opens_no_connection(
    no_network: list[str], data_dir: Path, tmp_path: Path, library
) -> None:
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    case = fill(store, tmp_path, check_ids(library))
    change_passphrase(data_dir, PASSPHRASE, "green door at the end", kdf=FAST_KDF)
    reopened = open_store(data_dir, "green door at the end").store
    reopened.load(case.id)
    reopened.delete(case.id)
