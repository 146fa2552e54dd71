"""The case service: every change saves at once, says what changed, and loses nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from safetycheck import events
from safetycheck.case import Status
from safetycheck.casework import CaseWork, SaveError, StoreError
from safetycheck.passphrase import PassphraseNeededError
from safetycheck.scans import Lead, ScanReport
from safetycheck.store import CaseStore
from safetycheck.vault import VaultError

FAST_KDF = {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def work(data_dir: Path, library) -> CaseWork:
    work = CaseWork(data_dir, library)
    work.unlock(None)
    return work


def heard(work: CaseWork) -> list[events.Event]:
    seen: list[events.Event] = []
    work.subscribe(seen.append)
    return seen


def on_disk(work: CaseWork, case_id: str):
    return CaseStore(work.data_dir).load(case_id)


def test_an_answer_is_on_disk_when_set_answer_returns(work: CaseWork) -> None:
    case = work.create("Client A")
    work.set_intake(["android"])
    seen = heard(work)
    work.set_answer("start-safe-now", Status.CONCERN, "He reads her messages")
    assert on_disk(work, case.id).answers["start-safe-now"].note == "He reads her messages"
    assert [type(e) for e in seen] == [events.Saved, events.AnswerChanged]
    assert seen[1] == events.AnswerChanged("start-safe-now")
    # Which review of each checklist the case was answered against is kept.
    reviewed = work.library.topic("before-you-start").reviewed.isoformat()
    assert on_disk(work, case.id).checklist_versions["before-you-start"] == reviewed


def test_the_same_answer_again_saves_and_announces_nothing(work: CaseWork) -> None:
    work.create()
    work.set_answer("start-safe-now", Status.LOOKS_OK, "fine")
    seen = heard(work)
    work.set_answer("start-safe-now", Status.LOOKS_OK, "fine")
    assert seen == []


def test_the_header_counts_come_from_the_scope_rule(work: CaseWork, library) -> None:
    case = work.create("Alpha")
    work.set_intake([])  # "Before you start" is for everyone
    work.set_answer("start-safe-now", Status.CONCERN)
    work.set_answer("start-safer-device", Status.LOOKS_OK)
    [row] = CaseStore(work.data_dir).list_cases()
    assert row.coverage.rule == work.rule.rule
    assert row.progress == work.scope().progress(case)
    assert row.progress.total == len(library.topic("before-you-start").checks)
    assert (row.progress.answered, row.progress.concerns) == (2, 1)


def test_a_failed_save_keeps_the_change_and_can_be_tried_again(
    data_dir: Path, library, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = CaseWork(data_dir, library, retry_later=True)
    work.unlock(None)
    case = work.create()
    seen = heard(work)
    real_save = work.store.save

    def full_disk(*_args: object) -> None:
        raise SaveError("The disk is full.")

    monkeypatch.setattr(work.store, "save", full_disk)
    work.set_answer("start-safe-now", Status.CONCERN)
    assert work.unsaved and case.status("start-safe-now") is Status.CONCERN
    assert events.SaveFailed("The disk is full.") in seen
    monkeypatch.setattr(work.store, "save", real_save)
    assert work.flush() and not work.unsaved
    assert on_disk(work, case.id).status("start-safe-now") is Status.CONCERN


def test_without_retry_later_a_failed_save_raises(
    work: CaseWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    work.create()

    def full_disk(*_args: object) -> None:
        raise SaveError("The disk is full.")

    monkeypatch.setattr(work.store, "save", full_disk)
    with pytest.raises(SaveError):
        work.set_answer("start-safe-now", Status.CONCERN)
    assert work.unsaved


def test_topics_change_only_when_the_scope_does(work: CaseWork, library) -> None:
    work.create()
    seen = heard(work)
    work.set_intake(["android"])
    assert events.TopicsChanged() in seen
    android_check = library.topic("android").checks[0].id
    seen.clear()
    work.set_answer(android_check, Status.CONCERN)  # in a ticked topic: the sidebar stays
    assert events.TopicsChanged() not in seen
    work.set_intake([])  # Android unticked: its answer is still shown
    assert [p.topic.id for p in work.scope().topics][-1] == "android"
    seen.clear()
    work.set_answer(android_check, Status.LOOKS_OK)  # still held: nothing to rebuild
    assert events.TopicsChanged() not in seen


def test_evidence_and_corrections_are_appended(work: CaseWork, tmp_path: Path) -> None:
    case = work.create()
    picture = tmp_path / "apps.png"
    picture.write_bytes(b"not really a picture")
    seen = heard(work)
    entry = work.add_evidence("App list", "Settings > Apps", "start-safe-now", file=picture)
    fixed = work.correct_evidence(entry.id, "App list (three apps, not two)")
    assert fixed.id == entry.id and events.EvidenceChanged((entry.id,)) in seen
    stored = on_disk(work, case.id)
    [kept] = stored.evidence  # a correction is a new version of the entry, not a new entry
    assert [v.what for v in kept.versions] == ["App list", "App list (three apps, not two)"]
    assert [r.kind for r in stored.evidence_log] == ["entry", "revision"]
    assert kept.where == "Settings > Apps" and kept.check_id == "start-safe-now"
    assert kept.versions[1].attachments == kept.versions[0].attachments
    assert work.read_attachment(stored, kept.attachment) == picture.read_bytes()


def test_actions_are_saved_and_announced(work: CaseWork) -> None:
    case = work.create()
    seen = heard(work)
    action = work.add_action("Call the helpline", "Client", "Friday")
    work.update_action(action.id, done=True)
    assert on_disk(work, case.id).actions[0].done
    work.remove_action(action.id)
    assert on_disk(work, case.id).actions == []
    assert seen.count(events.ActionsChanged()) == 3


def _report(leads: int) -> ScanReport:
    return ScanReport(
        source="test-scan",
        device="Test phone (serial 123)",
        scanned_at=dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC),
        summary="Test scan of 40 apps. No known stalkerware found.",
        summary_check_id="start-safe-now",
        leads=tuple(Lead(f"Lead {i}", "start-safer-device") for i in range(leads)),
        problems=("One app could not be read.",),
        details={"app_count": 40},
    )


def test_a_scan_records_the_leads_the_person_kept(work: CaseWork) -> None:
    case = work.create()
    seen = heard(work)
    record = work.record_scan(_report(3), keep=[0, 2])
    stored = on_disk(work, case.id)
    assert [e.what for e in stored.evidence] == [
        "Test scan of 40 apps. No known stalkerware found.",
        "Lead 0",
        "Lead 2",
    ]
    assert all(e.source == "test-scan" and "serial 123" in e.where for e in stored.evidence)
    assert all(e.at == dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC) for e in stored.evidence)
    [scan] = stored.scans
    assert scan == record
    assert (scan.findings, len(scan.evidence_ids)) == (3, 3)
    assert scan.problems == ["One app could not be read."]
    assert scan.details == {"app_count": 40}
    assert stored.answers == {}  # a scan never answers a check: the person does
    assert events.EvidenceChanged(tuple(scan.evidence_ids)) in seen


def test_an_export_is_remembered_for_when_the_case_is_deleted(
    work: CaseWork, tmp_path: Path
) -> None:
    case = work.create()
    pdf = tmp_path / "record.pdf"
    work.record_export(pdf)
    work.record_export(pdf)
    assert on_disk(work, case.id).exported_files == [str(pdf.resolve())]
    seen = heard(work)
    assert work.delete(case.id) == [str(pdf.resolve())]
    assert work.case is None and events.CasesChanged() in seen
    assert CaseStore(work.data_dir).list_cases() == []


def test_rename_a_case_that_is_not_open(work: CaseWork) -> None:
    first = work.create("First")
    work.create("Second")
    work.rename(first.id, "  First, renamed ")
    assert on_disk(work, first.id).reference == "First, renamed"
    assert work.case is not None and work.case.reference == "Second"


def test_one_unlock_flow_for_a_protected_folder(data_dir: Path, library) -> None:
    first = CaseWork(data_dir, library)
    first.unlock(None)
    case = first.create("Protected")
    first.set_passphrase(PASSPHRASE, kdf=FAST_KDF)
    first.set_answer("start-safe-now", Status.CONCERN, "sealed note")
    assert b"sealed note" not in first.store.path_for(case.id).read_bytes()
    first.close_case()  # one window at a time has a case open (tests/test_two_writers.py)

    locked = CaseWork(data_dir, library)
    assert locked.is_protected and not locked.is_unlocked
    with pytest.raises(StoreError):
        locked.list_cases()
    with pytest.raises(PassphraseNeededError):
        locked.unlock(None)
    with pytest.raises(VaultError):
        locked.unlock("not the passphrase")
    assert not locked.is_unlocked
    assert locked.unlock(PASSPHRASE) is False
    assert locked.open(case.id).answers["start-safe-now"].note == "sealed note"
    locked.check_passphrase(PASSPHRASE)
    with pytest.raises(VaultError):
        locked.check_passphrase("not the passphrase")

    locked.change_passphrase(PASSPHRASE, "green door at the end", kdf=FAST_KDF)
    locked.set_answer("start-safe-now", note="after the change")
    locked.close_case()
    again = CaseWork(data_dir, library)
    again.unlock("green door at the end")
    assert again.open(case.id).answers["start-safe-now"].note == "after the change"


def test_the_demo_case_is_saved_through_the_service(work: CaseWork, library) -> None:
    from safetycheck.demo import build_demo_case

    case = build_demo_case(work)
    [row] = work.list_cases()
    assert row.reference == case.reference
    assert row.progress == work.rule.progress(case)
    assert row.progress.total == sum(len(t.checks) for t in library.topics)
