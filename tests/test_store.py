"""Case storage against the things that really happen: crashes, damage, full or locked folders."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from safetycheck.case import Case, Coverage, Progress, Status
from safetycheck.schema import SCHEMA_VERSION
from safetycheck.storage.casefile import CaseFileWriter
from safetycheck.store import (
    CaseNotFoundError,
    CaseStore,
    CorruptCaseError,
    SaveError,
    StoreError,
)


@pytest.fixture
def store(data_dir: Path, library) -> CaseStore:
    return CaseStore(data_dir)


def test_save_and_load_round_trip(store: CaseStore, library) -> None:
    case = store.create("Client A", topics=["before-you-start"])
    case.set_answer("start-safe-now", Status.CONCERN, "He reads her messages — żółw ŵ Ω Ж")
    case.set_answer("start-safe-now", note="Updated note")
    entry = case.add_evidence("Photo of app list", "Settings > Apps", check_id="start-safe-now")
    action = case.add_action("Call the helpline", "Client", "Friday")
    store.save(case)

    loaded = store.load(case.id)
    assert loaded.reference == "Client A"
    answer = loaded.answers["start-safe-now"]
    assert answer.status is Status.CONCERN and answer.note == "Updated note"
    assert [c.note for c in answer.history] == [
        "He reads her messages — żółw ŵ Ω Ж",
        "Updated note",
    ]
    assert loaded.evidence[0].id == entry.id and loaded.evidence[0].at == entry.at
    assert loaded.actions[0].id == action.id


def test_file_names_and_modes_are_private(store: CaseStore, data_dir: Path) -> None:
    case = store.create("Jane Example")
    store.save(case)
    names = [p.name for p in data_dir.rglob("*")]
    assert not any("Jane" in n for n in names)
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(data_dir / "cases").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path_for(case.id)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(store.backup_for(store.path_for(case.id))).st_mode) == 0o600


def test_every_save_keeps_the_previous_version_as_backup(store: CaseStore) -> None:
    case = store.create("B")
    case.set_answer("start-safe-now", Status.LOOKS_OK)
    store.save(case)
    case.set_answer("start-safe-now", Status.CONCERN)
    store.save(case)
    backup = store.backup_for(store.path_for(case.id))
    assert b'"looks_ok"' in backup.read_bytes().split(b"\n")[2]
    assert b'"status":"concern"' in store.path_for(case.id).read_bytes()


def test_list_cases_reads_the_counts_it_was_given(store: CaseStore) -> None:
    """The store keeps the scope rule's counts; it does not count anything itself."""
    a = store.create("Alpha", topics=["before-you-start"])
    a.set_answer("start-safe-now", Status.CONCERN)
    store.save(a, Coverage(Progress(total=9, answered=1, concerns=1), "scope-1:abc"))
    store.create("Beta")
    rows = {s.reference: s for s in store.list_cases()}
    assert set(rows) == {"Alpha", "Beta"}
    assert rows["Alpha"].coverage == Coverage(Progress(9, 1, 1, 0), "scope-1:abc")
    assert rows["Beta"].coverage == Coverage(Progress(), "")  # nobody counted it
    assert store.list_cases()[0].reference == "Beta"  # newest first


def test_an_upgrade_keeps_the_counts_in_the_header(store: CaseStore) -> None:
    case = store.create("Old")
    store.save(case, Coverage(Progress(total=4, answered=2), "scope-1:abc"))
    path = store.path_for(case.id)
    lines = path.read_bytes().split(b"\n")
    body = json.loads(lines[2])
    body["schema_version"] = 1
    del body["scans"]
    lines[2] = json.dumps(body).encode()
    path.write_bytes(b"\n".join(lines))
    assert store.load(case.id).scans == []
    [row] = store.list_cases()
    assert row.coverage == Coverage(Progress(total=4, answered=2), "scope-1:abc")
    assert path.with_name(path.name + ".v1.bak").exists()


def test_list_cases_with_no_folder_yet(tmp_path: Path) -> None:
    assert CaseStore(tmp_path / "nothing-here").list_cases() == []


def test_missing_folder_is_created_on_first_save(tmp_path: Path) -> None:
    store = CaseStore(tmp_path / "a" / "b" / "c")
    case = store.create("X")
    assert store.load(case.id).reference == "X"


def test_truncated_file_is_set_aside_and_backup_offered(store: CaseStore) -> None:
    case = store.create("Truncated")
    case.set_answer("start-safe-now", Status.NOT_SURE, "first")
    store.save(case)
    path = store.path_for(case.id)
    original = path.read_bytes()
    path.write_bytes(original[: len(original) // 2])
    damaged_bytes = path.read_bytes()

    with pytest.raises(CorruptCaseError) as caught:
        store.load(case.id)
    error = caught.value
    assert "damaged" in str(error) and "earlier copy" in str(error)
    assert error.backup is not None and error.backup.reference == "Truncated"
    # Set aside untouched.
    assert error.set_aside_as.read_bytes() == damaged_bytes
    assert not path.exists()
    # The list still shows it, with the problem and the backup.
    (row,) = store.list_cases()
    assert row.problem and row.backup_available and row.reference == "Truncated"

    restored = store.restore_backup(case.id)
    assert restored.reference == "Truncated"
    assert store.load(case.id).reference == "Truncated"


def test_garbage_file_with_no_backup(store: CaseStore) -> None:
    case = store.create("Garbage")
    path = store.path_for(case.id)
    path.write_bytes(b"\x00\xffnot a case at all")
    store.backup_for(path).unlink(missing_ok=True)
    with pytest.raises(CorruptCaseError) as caught:
        store.load(case.id)
    assert caught.value.backup is None
    assert "no earlier copy" in str(caught.value)
    with pytest.raises(StoreError, match="no earlier copy"):
        store.restore_backup(case.id)


def test_valid_json_that_is_not_this_case(store: CaseStore) -> None:
    a = store.create("A")
    b = store.create("B")
    store.path_for(a.id).write_bytes(store.path_for(b.id).read_bytes())
    with pytest.raises(CorruptCaseError):
        store.load(a.id)


def test_unknown_case(store: CaseStore) -> None:
    with pytest.raises(CaseNotFoundError):
        store.load("0" * 32)
    with pytest.raises(CaseNotFoundError):
        store.load("../../etc/passwd")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_gives_a_plain_message_and_keeps_the_old_file(store: CaseStore) -> None:
    case = store.create("RO")
    case.set_answer("start-safe-now", Status.LOOKS_OK)
    store.save(case)
    before = store.path_for(case.id).read_bytes()
    os.chmod(store.cases_dir, 0o500)
    try:
        case.set_answer("start-safe-now", Status.CONCERN)
        with pytest.raises(SaveError, match="not allowed to write"):
            store.save(case)
    finally:
        os.chmod(store.cases_dir, 0o700)
    assert store.path_for(case.id).read_bytes() == before


def test_read_only_folder_simulated(store: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root the real chmod test cannot run, so make os.open refuse like a read-only folder."""
    import errno

    case = store.create("RO2")
    before = store.path_for(case.id).read_bytes()
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    case.set_answer("start-safe-now", Status.CONCERN)
    with pytest.raises(SaveError, match="not allowed to write"):
        store.save(case)
    monkeypatch.undo()
    assert store.path_for(case.id).read_bytes() == before


def test_full_disk_keeps_every_saved_answer(
    store: CaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    case = store.create("Full")
    case.set_answer("start-safe-now", Status.LOOKS_OK, "saved before the disk filled")
    store.save(case)
    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    case.set_answer("start-safer-device", Status.CONCERN, "not saved")
    with pytest.raises(SaveError, match="disk is full"):
        store.save(case)
    monkeypatch.setattr(os, "write", real_write)
    loaded = store.load(case.id)
    assert loaded.answers["start-safe-now"].note == "saved before the disk filled"
    assert "start-safer-device" not in loaded.answers
    assert not list(store.cases_dir.glob(".*.tmp")), "no temp file left behind"
    # Space comes back: the change in memory saves.
    store.save(case)
    assert store.load(case.id).answers["start-safer-device"].status is Status.CONCERN


def test_failure_between_renames_puts_the_old_file_back(store: CaseStore, monkeypatch) -> None:
    from safetycheck import durable

    case = store.create("Between")
    case.set_answer("start-safe-now", Status.LOOKS_OK, "saved")
    store.save(case)
    path = store.path_for(case.id)
    before = path.read_bytes()
    calls = []
    real_replace = os.replace

    def fail_second(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise OSError(5, "I/O error")
        return real_replace(src, dst)

    case.set_answer("start-safe-now", Status.CONCERN, "not saved")
    monkeypatch.setattr(durable.os, "replace", fail_second)
    with pytest.raises(SaveError):
        store.save(case)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not list(store.cases_dir.glob(".*.tmp"))


def test_crash_between_renames_recovers_the_complete_temp_file(store: CaseStore) -> None:
    """State after a kill between 'old -> .bak' and 'temp -> main': main is absent."""
    case = store.create("Between")
    case.set_answer("start-safe-now", Status.LOOKS_OK, "older")
    store.save(case)
    path = store.path_for(case.id)
    case.set_answer("start-safe-now", Status.CONCERN, "the newest")
    os.replace(path, store.backup_for(path))
    newest = CaseFileWriter().encode(case, None, store.codec)
    path.with_name(f".{path.name}.deadbeef.tmp").write_bytes(newest)
    path.with_name(f".{path.name}.0badf00d.tmp").write_bytes(b"SAFETYCHECK-CASE 1 plain\n{")

    loaded = store.load(case.id)
    assert loaded.answers["start-safe-now"].note == "the newest"
    assert path.exists()


def test_crash_between_renames_with_no_temp_uses_the_backup(store: CaseStore) -> None:
    case = store.create("Between")
    case.set_answer("start-safe-now", Status.LOOKS_OK, "older")
    store.save(case)
    path = store.path_for(case.id)
    store.save(case)
    os.replace(path, store.backup_for(path))
    (row,) = store.list_cases()
    assert row.backup_available and row.problem
    assert store.restore_backup(case.id).answers["start-safe-now"].note == "older"


def test_newer_schema_is_refused_without_damage(store: CaseStore) -> None:
    case = store.create("Future")
    path = store.path_for(case.id)
    lines = path.read_bytes().split(b"\n")
    body = json.loads(lines[2])
    body["schema_version"] = 99
    lines[2] = json.dumps(body).encode()
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(StoreError, match="newer version"):
        store.load(case.id)
    assert path.exists(), "a newer file is not damaged: it must stay in place"


def test_old_schema_is_upgraded_and_the_original_kept(store: CaseStore) -> None:
    case = store.create("Old")
    path = store.path_for(case.id)
    lines = path.read_bytes().split(b"\n")
    body = json.loads(lines[2])
    body["schema_version"] = 0
    body["answers"] = {"start-safe-now": "concern"}  # the prototype's shape
    del body["intake"]
    lines[2] = json.dumps(body).encode()
    old_bytes = b"\n".join(lines)
    path.write_bytes(old_bytes)

    loaded = store.load(case.id)
    assert loaded.answers["start-safe-now"].status is Status.CONCERN
    assert path.with_name(path.name + ".v0.bak").read_bytes() == old_bytes
    assert json.loads(path.read_bytes().split(b"\n")[2])["schema_version"] == SCHEMA_VERSION


def test_upgrade_steps_run_in_order() -> None:
    from safetycheck.schema import upgrade

    seen = []
    steps = {
        0: lambda b: seen.append(0) or {**b, "a": 1},
        1: lambda b: seen.append(1) or {**b, "b": b["a"] + 1},
    }
    body, found = upgrade({"schema_version": 0}, target=2, upgrades=steps)
    assert seen == [0, 1] and body["b"] == 2 and body["schema_version"] == 2 and found == 0


def test_stale_temp_files_are_cleaned(store: CaseStore) -> None:
    case = store.create("Temps")
    path = store.path_for(case.id)
    stale = path.with_name(f".{path.name}.0000.tmp")
    stale.write_bytes(b"half written")
    old = 1_000_000_000
    os.utime(stale, (old, old))
    fresh = path.with_name(f".{path.name}.1111.tmp")
    fresh.write_bytes(b"being written by someone right now")
    store.load(case.id)
    assert not stale.exists() and fresh.exists()


def test_delete_removes_file_backups_and_attachments(store: CaseStore, tmp_path: Path) -> None:
    case = store.create("Delete me")
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(b"\x89PNG fake")
    attachment = store.add_attachment(case, shot)
    case.add_evidence("screenshot", attachment=attachment)
    case.exported_files.append(str(tmp_path / "plan.pdf"))
    store.save(case)
    store.save(case)
    exported = store.delete(case.id)
    assert exported == [str(tmp_path / "plan.pdf")]
    leftovers = [p for p in store.data_dir.rglob("*") if case.id in p.name]
    assert leftovers == []
    assert store.list_cases() == []


def test_attachment_is_a_copy(store: CaseStore, tmp_path: Path) -> None:
    case = store.create("Attach")
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"original bytes")
    attachment = store.add_attachment(case, source)
    source.unlink()
    assert store.read_attachment(case, attachment) == b"original bytes"
    assert attachment.original_name == "photo.jpg" and attachment.size == 14


def test_find_by_reference(store: CaseStore) -> None:
    store.create("Case 7F3K")
    store.create("Case 7F3L")
    assert [s.reference for s in store.find("case 7f3k")] == ["Case 7F3K"]
    assert len(store.find("7F3")) == 2
    assert store.find("nothing") == []


def test_case_model_ignores_repeated_identical_answers() -> None:
    case = Case.new("R")
    case.set_answer("x", Status.LOOKS_OK)
    case.set_answer("x", Status.LOOKS_OK)
    assert len(case.answers["x"].history) == 1
