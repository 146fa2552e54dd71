"""SafetyCheck's own pair record is private at rest: sealed when the data folder has a
passphrase, read back sealed, a plain one migrated, forgotten whole (a real fake phone)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from iphone_fakes import FakeUsbmuxd

from safetycheck.android.indicators import IndicatorIndex, bundled_lists
from safetycheck.casework import CaseWork
from safetycheck.crypto import record_key_id
from safetycheck.iphone import errors, scan
from safetycheck.iphone.pairing import (
    forget_record,
    read_record,
    record_path,
    sealed_path,
)
from safetycheck.iphone.usbmux import Address, Usbmux

UDID = "00008110-001A2B3C4D5E801E"
PASSPHRASE = "correct horse battery staple"
FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}


@pytest.fixture
def untrusting(tmp_path) -> Iterator[tuple[FakeUsbmuxd, Usbmux]]:
    fake = FakeUsbmuxd(tmp_path, "not_trusted", pending_polls=0)
    yield fake, Usbmux(Address(path=fake.path), timeout=5.0)
    fake.close()


def _scan(mux: Usbmux, folder: Path, work: CaseWork | None = None, **kwargs):
    index = IndicatorIndex(bundled_lists())
    codec = work.codec if work is not None else None
    return scan.run_scan(mux, index, folder, codec=codec, **kwargs)


def _protected(folder: Path, library) -> CaseWork:
    work = CaseWork(folder, library)
    work.unlock(None)
    work.set_passphrase(PASSPHRASE, kdf=FAST_KDF)
    return work


def _plainly_readable(path: Path) -> bool:
    data = path.read_bytes()
    return b"PRIVATE KEY" in data or data.startswith(b"bplist") or b"HostID" in data


def test_a_protected_folder_keeps_the_record_sealed_and_uses_it(untrusting, data_dir, library):
    fake, mux = untrusting
    work = _protected(data_dir, library)
    _scan(mux, data_dir, work, allow_pair=True)
    sealed = sealed_path(data_dir, UDID)
    assert sealed.is_file() and not record_path(data_dir, UDID).exists()
    assert not _plainly_readable(sealed)
    assert record_key_id(sealed.read_bytes()) == work.codec.current_key_id
    if os.name == "posix":
        assert sealed.stat().st_mode & 0o777 == 0o600
    # The next scan opens the sealed record: the phone is not asked again.
    _scan(mux, data_dir, work)
    assert fake.requests("lockdown").count("Pair") == 1
    # Without the folder's keys the record is not used, and never paired over.
    with pytest.raises(errors.KeyLockedError):
        _scan(mux, data_dir, None, allow_pair=True)
    assert fake.requests("lockdown").count("Pair") == 1


def test_setting_a_passphrase_seals_a_record_kept_before(untrusting, data_dir, library):
    fake, mux = untrusting
    _scan(mux, data_dir, allow_pair=True)  # no passphrase: kept plain, as before
    plain = record_path(data_dir, UDID)
    assert plain.is_file() and _plainly_readable(plain)
    work = _protected(data_dir, library)
    assert not plain.exists() and not _plainly_readable(sealed_path(data_dir, UDID))
    _scan(mux, data_dir, work)
    assert fake.requests("lockdown").count("Pair") == 1


def test_a_plain_record_found_in_a_protected_folder_is_sealed_on_first_use(
    untrusting, tmp_path, data_dir, library
):
    fake, mux = untrusting
    before = tmp_path / "before"
    _scan(mux, before, allow_pair=True)
    work = _protected(data_dir, library)
    plain = record_path(data_dir, UDID)
    plain.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(record_path(before, UDID), plain)  # e.g. a cut-off passphrase change
    _scan(mux, data_dir, work)
    assert not plain.exists() and sealed_path(data_dir, UDID).is_file()
    assert not _plainly_readable(sealed_path(data_dir, UDID))
    assert fake.requests("lockdown").count("Pair") == 1  # the old record was used


def test_a_passphrase_change_moves_the_record_to_the_new_key(untrusting, data_dir, library):
    fake, mux = untrusting
    work = _protected(data_dir, library)
    _scan(mux, data_dir, work, allow_pair=True)
    old_key = record_key_id(sealed_path(data_dir, UDID).read_bytes())
    work.change_passphrase(PASSPHRASE, "a different long passphrase", kdf=FAST_KDF)
    new_key = record_key_id(sealed_path(data_dir, UDID).read_bytes())
    assert new_key == work.codec.current_key_id != old_key
    _scan(mux, data_dir, work)
    assert fake.requests("lockdown").count("Pair") == 1


def test_a_sealed_record_copied_under_another_phone_does_not_open(untrusting, data_dir, library):
    _fake, mux = untrusting
    work = _protected(data_dir, library)
    _scan(mux, data_dir, work, allow_pair=True)
    other = sealed_path(data_dir, "00008110-FFFFFFFFFFFFFFFF")
    shutil.copy(sealed_path(data_dir, UDID), other)
    assert read_record(data_dir, UDID, work.codec) is not None
    assert read_record(data_dir, "00008110-FFFFFFFFFFFFFFFF", work.codec) is None


def test_forget_this_iphone_removes_the_sealed_record(untrusting, data_dir, library):
    _fake, mux = untrusting
    work = _protected(data_dir, library)
    _scan(mux, data_dir, work, allow_pair=True)
    assert forget_record(data_dir, UDID) is True
    assert list((data_dir / "iphone" / "pairing").iterdir()) == []
    assert forget_record(data_dir, UDID) is False


def test_the_command_line_unlocks_first_and_keeps_the_record_sealed(untrusting, data_dir, library):
    fake, _mux = untrusting
    _protected(data_dir, library)
    env = {"USBMUXD_SOCKET_ADDRESS": fake.address}
    locked = run_cli("scan-iphone", "--pair", env=env)
    assert locked.returncode == 1 and "passphrase" in locked.stderr
    assert "Pair" not in fake.requests("lockdown")
    result = run_cli("scan-iphone", "--pair", env={**env, "SAFETYCHECK_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 0, result.stderr
    assert sealed_path(data_dir, UDID).is_file() and not record_path(data_dir, UDID).exists()
    forgot = run_cli("forget-iphone", UDID)
    assert forgot.returncode == 0 and "deleted" in forgot.stdout
    assert not sealed_path(data_dir, UDID).exists()


def test_the_command_line_asks_for_the_passphrase_only_when_it_needs_it(
    untrusting, tmp_path, data_dir, library
) -> None:
    """scan-iphone asked for the passphrase of a protected folder even when it wrote in no
    case and used no key of its own (the phone trusted this computer through the system)."""
    _protected(data_dir, library)
    trusted = FakeUsbmuxd(tmp_path / "trusted", "clean")
    try:
        env = {"USBMUXD_SOCKET_ADDRESS": trusted.address}
        plain = run_cli("scan-iphone", env=env, input="")
        assert plain.returncode == 0, plain.stderr
        assert "passphrase" not in plain.stderr.lower()
        in_case = run_cli("scan-iphone", "--case", "X", env=env, input="")
        assert in_case.returncode == 1 and "passphrase" in in_case.stderr.lower()
    finally:
        trusted.close()
    # A key SafetyCheck sealed for a phone needs the passphrase: asked for then, not before.
    fake, _mux = untrusting
    env = {"USBMUXD_SOCKET_ADDRESS": fake.address}
    paired = run_cli("scan-iphone", "--pair", env={**env, "SAFETYCHECK_PASSPHRASE": PASSPHRASE})
    assert paired.returncode == 0, paired.stderr
    locked = run_cli("scan-iphone", env=env, input="")
    assert locked.returncode == 1 and "passphrase" in locked.stderr.lower()
    again = run_cli("scan-iphone", env={**env, "SAFETYCHECK_PASSPHRASE": PASSPHRASE})
    assert again.returncode == 0, again.stderr
    assert fake.requests("lockdown").count("Pair") == 1
