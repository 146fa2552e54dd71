"""The evidence log holds up: corrections, withdrawals and deletions are new records, and
any change to the stored log or its files is found and named (issue 16)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from safetycheck.casework import CaseWork, StoreError
from safetycheck.evidence.capture import NewFile
from safetycheck.schema import upgrade
from safetycheck.store import CaseStore

OK = "Evidence log checked: {n} entries, unchanged since they were recorded."


def jpeg_with_exif(path: Path) -> Path:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 12"
    exif[0x8769] = {0x9003: "2026:03:12 14:05:01"}
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG", exif=exif.tobytes())
    path.write_bytes(buffer.getvalue())
    return path


def filled(work: CaseWork, tmp_path: Path) -> list[str]:
    """Four entries: two files in one, a correction, a withdrawal."""
    work.create("Client A")
    photo = jpeg_with_exif(tmp_path / "photo of screen.jpg")
    note = tmp_path / "call-log.txt"
    note.write_text("calls from an unknown number\n")
    first = work.add_evidence(
        "Unknown app on her phone",
        "Phone, Settings > Apps",
        files=[NewFile(photo, "photo-of-screen"), NewFile(note, "saved-file", "person")],
    )
    second = work.add_evidence("He knew where she was on Saturday", "Told by the person")
    third = work.add_evidence("Shared Google account", "Google account, Devices")
    fourth = work.add_evidence("AirTag found in the car", "Car, under the seat")
    work.correct_evidence(second.id, "He knew where she was on Saturday at 3 pm", note="time")
    work.withdraw_evidence(third.id, "It was her sister's old laptop")
    return [first.id, second.id, third.id, fourth.id]


def case_file(work: CaseWork) -> Path:
    assert work.case is not None
    return work.store.path_for(work.case.id)


def reopened_check(work: CaseWork) -> str:
    assert work.case is not None
    case_id = work.case.id
    work.close_case()
    work.open(case_id)
    return work.check_evidence().line()


def edit_body(work: CaseWork, change: Callable[[dict], None]) -> None:
    path = case_file(work)
    lines = path.read_bytes().split(b"\n")
    body = json.loads(lines[2])
    change(body)
    lines[2] = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(b"\n".join(lines))


# -- managing entries ---------------------------------------------------------------------


def test_every_change_is_a_new_record_and_both_versions_stay(
    work: CaseWork, tmp_path: Path
) -> None:
    ids = filled(work, tmp_path)
    stored = CaseStore(work.data_dir).load(work.case.id)
    assert [r.kind for r in stored.evidence_log] == [
        "entry",
        "entry",
        "entry",
        "entry",
        "revision",
        "withdrawal",
    ]
    first, second, third, fourth = stored.evidence
    assert [e.id for e in stored.evidence] == ids and [e.number for e in stored.evidence] == [
        1,
        2,
        3,
        4,
    ]
    assert [v.what for v in second.versions] == [
        "He knew where she was on Saturday",
        "He knew where she was on Saturday at 3 pm",
    ]
    assert second.versions[1].note == "time" and second.what.endswith("3 pm")
    assert third.is_withdrawn and third.withdrawal.reason == "It was her sister's old laptop"
    assert third.what == "Shared Google account"  # kept, only marked
    assert not fourth.is_withdrawn and not fourth.is_corrected
    assert len(first.attachments) == 2
    assert work.check_evidence().line() == OK.format(n=4)


def test_what_each_file_says_about_itself_is_kept(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    photo, note = work.case.evidence[0].attachments
    assert photo.original_name == "photo of screen.jpg"
    assert (photo.exif, photo.taken, photo.device) == (
        "found",
        "2026:03:12 14:05:01",
        "Apple iPhone 12",
    )
    assert photo.taken_offset is None
    assert (photo.how, photo.by) == ("photo-of-screen", "advisor")  # by: the app's mode
    assert (note.exif, note.how, note.by) == ("not-read", "saved-file", "person")
    assert note.size == len("calls from an unknown number\n") and len(note.sha256) == 64
    assert note.modified is not None and note.modified.endswith("+00:00")
    first = work.case.evidence[0].records[0]
    assert first.recorded_at[-6] in "+-" and first.zone  # local time with its zone


def test_a_scan_result_says_so(work: CaseWork, tmp_path: Path) -> None:
    from safetycheck.scans import Lead, ScanReport
    from safetycheck.timestamps import now

    work.create()
    report = ScanReport(
        "android-scan", "Pixel 7", now(), "Android scan of 80 apps", None, (Lead("Spy app"),)
    )
    work.record_scan(report)
    assert {e.current.how for e in work.case.evidence} == {"scan-result"}


def test_several_files_are_added_all_or_none(work: CaseWork, tmp_path: Path) -> None:
    work.create()
    good = tmp_path / "a.png"
    good.write_bytes(b"a picture")
    with pytest.raises(StoreError):
        work.add_evidence("two files", files=[good, tmp_path / "not-there.png"])
    assert work.case.evidence == []
    folder = work.data_dir / "attachments" / work.case.id
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_withdrawn_entry_cannot_be_corrected(work: CaseWork, tmp_path: Path) -> None:
    ids = filled(work, tmp_path)
    with pytest.raises(ValueError):
        work.correct_evidence(ids[2], "changed after withdrawing")


def test_delete_for_good_destroys_the_files_and_keeps_a_dated_line(
    work: CaseWork, tmp_path: Path
) -> None:
    ids = filled(work, tmp_path)
    first = work.case.evidence[0]
    stored = [work.data_dir / "attachments" / work.case.id / a.stored_as for a in first.attachments]
    assert all(p.exists() for p in stored)
    work.delete_evidence_for_good(ids[0])
    assert not any(p.exists() for p in stored)
    entry = work.case.evidence[0]
    assert entry.is_deleted and entry.what == "" and entry.attachments == ()
    assert entry.deletion is not None and entry.number == 1
    # Nothing of it is left in the case file or its backup.
    for path in case_file(work).parent.iterdir():
        raw = path.read_bytes()
        assert b"Unknown app" not in raw and b"photo of screen" not in raw, path.name
    line = reopened_check(work)
    assert line == (
        "Evidence log checked: 4 entries, unchanged since they were recorded; "
        "1 deleted for good, kept as a line without its content."
    )


# -- the stored log altered in each way -----------------------------------------------------


def test_a_changed_byte_is_named(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    path = case_file(work)
    raw = path.read_bytes()
    assert raw.count(b"AirTag found in the car") == 1
    path.write_bytes(raw.replace(b"AirTag found in the car", b"AirTag found in the van"))
    line = reopened_check(work)
    assert line.startswith("Evidence log checked: 4 entries. Does not match: ")
    assert "entry 4 was changed after it was recorded" in line


def test_a_change_with_its_digest_recomputed_is_still_found(work: CaseWork, tmp_path: Path) -> None:
    from safetycheck.evidence.log import digest_of

    filled(work, tmp_path)

    def forge(body: dict) -> None:
        record = body["evidence_log"][1]
        record["content"]["what"] = "Something else"
        record["digest"] = digest_of(record["content"])

    edit_body(work, forge)
    assert "entry 2 was changed after it was recorded" in reopened_check(work)


def test_a_dropped_entry_is_named(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    edit_body(work, lambda body: body["evidence_log"].pop(2))
    line = reopened_check(work)
    assert "a record is missing from the log after entry 2" in line


def test_the_last_record_cut_off_is_named(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    edit_body(work, lambda body: body["evidence_log"].pop())
    assert "the last record of the log is missing" in reopened_check(work)


def test_reordered_records_are_named(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)

    def swap(body: dict) -> None:
        log = body["evidence_log"]
        log[0], log[3] = log[3], log[0]

    edit_body(work, swap)
    line = reopened_check(work)
    assert "entry 4, entry 1 are not in the order they were recorded" in line or (
        "not in the order they were recorded" in line and "entry 1" in line
    )


def test_a_replaced_attachment_is_named(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    note = work.case.evidence[0].attachments[1]
    (work.data_dir / "attachments" / work.case.id / note.stored_as).write_bytes(b"other calls\n")
    line = reopened_check(work)
    assert "the file “call-log.txt” of entry 1 is not the file that was recorded" in line


def test_a_missing_attachment_is_named(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    photo = work.case.evidence[0].attachments[0]
    (work.data_dir / "attachments" / work.case.id / photo.stored_as).unlink()
    assert "the file “photo of screen.jpg” of entry 1 is missing" in reopened_check(work)


def test_content_erased_without_a_deletion_is_named(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)

    def erase(body: dict) -> None:
        body["evidence_log"][3]["content"] = None
        body["evidence_log"][3]["erased_at"] = "2026-12-02T10:00:00+00:00"

    edit_body(work, erase)
    assert "was removed without a line deleting it" in reopened_check(work)


def test_after_a_mismatch_new_records_never_hide_it(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    path = case_file(work)
    path.write_bytes(
        path.read_bytes().replace(b"AirTag found in the car", b"AirTag found in the van")
    )
    reopened_check(work)
    work.add_evidence("A new entry after the change")
    assert "entry 4 was changed after it was recorded" in reopened_check(work)


def test_a_log_moved_into_another_case_is_named(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    log = [r.to_dict() for r in work.case.evidence_log]
    work.create("Client B")
    edit_body(work, lambda body: body.__setitem__("evidence_log", log))
    assert "entry 1 does not follow the record before it" in reopened_check(work)


# -- older cases -----------------------------------------------------------------------------


def test_an_older_log_is_chained_when_upgraded_and_corrections_become_revisions() -> None:
    body = {
        "schema_version": 3,
        "id": "a" * 32,
        "reference": "Old",
        "created": "2026-01-01T10:00:00+00:00",
        "updated": "2026-01-01T10:00:00+00:00",
        "evidence": [
            {
                "id": "e1",
                "at": "2026-01-01T10:00:00+00:00",
                "what": "first",
                "where": "phone",
                "check_id": None,
                "source": "person",
                "corrects": None,
                "attachment": {
                    "original_name": "a.png",
                    "stored_as": "f" * 32,
                    "size": 3,
                    "sha256": "0" * 64,
                },
            },
            {
                "id": "e2",
                "at": "2026-01-02T10:00:00+00:00",
                "what": "first, corrected",
                "where": "phone",
                "check_id": None,
                "source": "person",
                "corrects": "e1",
            },
            {
                "id": "e3",
                "at": "2026-01-03T10:00:00+00:00",
                "what": "scan",
                "where": "",
                "check_id": None,
                "source": "android-scan",
                "corrects": None,
            },
        ],
    }
    upgraded, found = upgrade(body)
    from safetycheck.case import Case
    from safetycheck.evidence.check import check_log

    case = Case.from_dict(upgraded)
    assert found == 3 and "evidence" not in upgraded
    assert [r.kind for r in case.evidence_log] == ["entry", "revision", "entry"]
    first, scan = case.evidence
    assert [v.what for v in first.versions] == ["first", "first, corrected"]
    assert first.attachment.original_name == "a.png" and first.versions[0].upgraded
    assert scan.current.how == "scan-result"
    assert check_log(case.id, case.evidence_log, case.stored_head).line() == (
        "Evidence log checked: 2 entries, unchanged since they were recorded (files not checked)."
    )


def test_a_check_asked_to_stop_ends_at_the_next_piece_and_names_no_file(
    work: CaseWork, tmp_path: Path
) -> None:
    """Quick Exit stops the summary's check; a stop is not a damaged file."""
    from safetycheck.evidence.check import CheckStopped

    filled(work, tmp_path)
    assert work.case is not None
    asked: list[int] = []

    def stop_at_the_first_piece() -> bool:
        asked.append(1)
        return len(asked) > 1  # the first ask is before any file is read

    with pytest.raises(CheckStopped):
        work.check_evidence(should_stop=stop_at_the_first_piece)
    assert len(asked) == 2
    # A copy of the case, as the summary hands it to its thread, is checked the same.
    copy = work.case.__class__.from_dict(work.case.to_dict())
    copy.stored_head = work.case.stored_head
    assert work.check_evidence(case=copy, should_stop=lambda: False).line() == OK.format(n=4)
