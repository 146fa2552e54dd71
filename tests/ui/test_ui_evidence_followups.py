"""Evidence follow-ups (issue 16): the summary's log check runs in the background, so
Quick Exit acts at once however long the files take to hash."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_ui_evidence import picture, summary_with_case

from ui.summary import CHECKING


class SlowFiles:
    """The store's file reader, held at its first piece until ``release`` (a big file on a
    slow USB stick).  The hold ends by itself after a while, so that a check made on the
    GUI thread still finishes, and the test fails on what it sees instead of hanging."""

    def __init__(self, store) -> None:
        self.read = store.attachment_chunks
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, case, attachment):
        first = True
        for piece in self.read(case, attachment):
            if first:
                first = False
                self.started.set()
                self.release.wait(8)
            yield piece


def test_the_summary_checks_the_log_in_the_background_and_quick_exit_acts_at_once(
    ui, tmp_path: Path, monkeypatch
) -> None:
    window = summary_with_case(ui)
    work = window.session.work
    slow = SlowFiles(work.store)
    monkeypatch.setattr(work.store, "attachment_chunks", slow)
    work.add_evidence("Photo of the app list", files=[picture(tmp_path / "apps.png")])
    # The summary is shown: the check has started, and says so until it is done.
    summary = window.summary
    assert summary.evidence_check.text() == CHECKING
    ui.qtbot.waitUntil(slow.started.is_set, timeout=5000)
    job = summary._check_job
    assert job is not None and not job.finished
    # The person moves on while the file is still being read, then leaves in a hurry.
    window.show_page("checks")
    focus = QApplication.focusWidget() or window
    ui.qtbot.keyClick(focus, Qt.Key.Key_Escape)
    ui.qtbot.keyClick(focus, Qt.Key.Key_Escape)
    # Hidden in the same turn, with the check still running.
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []
    assert ui.quit_calls == [1]
    assert not job.finished and job.stopped
    # The check stops at its next piece, and its outcome reaches nothing.
    slow.release.set()
    ui.qtbot.waitUntil(lambda: job.finished, timeout=5000)
    assert summary.evidence_check.text() == CHECKING


def test_the_check_line_comes_when_the_files_are_hashed(ui, tmp_path: Path, monkeypatch) -> None:
    window = summary_with_case(ui)
    work = window.session.work
    slow = SlowFiles(work.store)
    monkeypatch.setattr(work.store, "attachment_chunks", slow)
    work.add_evidence("Photo of the app list", files=[picture(tmp_path / "apps.png")])
    summary = window.summary
    assert summary.evidence_check.text() == CHECKING
    ui.qtbot.waitUntil(slow.started.is_set, timeout=5000)
    slow.release.set()
    ui.qtbot.waitUntil(lambda: summary.evidence_check.text() != CHECKING, timeout=5000)
    assert summary.evidence_check.text() == (
        "Evidence log checked: 1 entry, unchanged since they were recorded."
    )


def test_a_newer_check_replaces_one_still_running(ui, tmp_path: Path, monkeypatch) -> None:
    """A change to the log while its files are hashed starts a new check; the old one stops
    and its (now out of date) line is never shown."""
    window = summary_with_case(ui)
    work = window.session.work
    slow = SlowFiles(work.store)
    monkeypatch.setattr(work.store, "attachment_chunks", slow)
    work.add_evidence("Photo of the app list", files=[picture(tmp_path / "apps.png")])
    ui.qtbot.waitUntil(slow.started.is_set, timeout=5000)
    first = window.summary._check_job
    work.add_evidence("A second thing seen")
    assert first is not None and first.stopped
    assert window.summary._check_job is not first
    slow.release.set()
    ui.qtbot.waitUntil(lambda: window.summary.evidence_check.text() != CHECKING, timeout=5000)
    assert window.summary.evidence_check.text().startswith("Evidence log checked: 2 entries,")
    # The two run on threads of their own: the stopped one may end just after the new one.
    ui.qtbot.waitUntil(lambda: first.finished, timeout=5000)
    assert window.summary.evidence_check.text().startswith("Evidence log checked: 2 entries,")


def export_with(ui, tmp_path: Path, choose) -> dict:
    """Export evidence from the summary with ``choose(dialog)``; the bundle's manifest."""
    import json
    import zipfile

    from test_ui_evidence import click

    from ui.evidence_export import ExportEvidenceDialog

    window = summary_with_case(ui)
    window.session.work.add_evidence("One")
    target = tmp_path / "out" / "evidence.zip"
    target.parent.mkdir(exist_ok=True)
    target.unlink(missing_ok=True)
    ui.dialogs.queue("ask_save_bundle", str(target))
    seen: list[str] = []

    def act(dialog) -> None:
        assert isinstance(dialog, ExportEvidenceDialog)
        choose(dialog)
        seen.append(dialog.police_record.text())
        click(ui.qtbot, dialog.ok)

    ui.when_modal(act)
    click(ui.qtbot, window.summary.export_evidence_button)
    ui.qtbot.waitUntil(lambda: bool(ui.dialogs.told), timeout=20000)
    assert ui.dialogs.told[-1][0] == "Evidence bundle saved", ui.dialogs.told[-1]
    with zipfile.ZipFile(target) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    manifest["told"] = ui.dialogs.told[-1][1]
    manifest["police_label"] = seen[0]
    return manifest


def test_export_evidence_offers_the_police_copy_first(ui, tmp_path: Path) -> None:
    def as_offered(dialog) -> None:
        assert dialog.police_record.isChecked() and not dialog.full_record.isChecked()

    manifest = export_with(ui, tmp_path, as_offered)
    assert manifest["record_pdf"]["copy"] == "police"
    assert "The record in it: the case record, the copy for the police" in manifest["told"]
    assert "the advisor's notes and the action plan" in manifest["police_label"]


def test_export_evidence_with_the_full_record_by_keyboard(ui, tmp_path: Path) -> None:
    def full_by_alt_f(dialog) -> None:
        ui.qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
        ui.qtbot.waitUntil(dialog.full_record.isChecked, timeout=3000)
        assert not dialog.police_record.isChecked()

    manifest = export_with(ui, tmp_path, full_by_alt_f)
    assert manifest["record_pdf"]["copy"] == "full"
    assert "The record in it: the full case record" in manifest["told"]


# -- how and by whom, per file ---------------------------------------------------------------


def alt(ui, dialog, key: Qt.Key) -> None:
    ui.qtbot.keyClick(dialog, key, Qt.KeyboardModifier.AltModifier)


def choose_by_keyboard(ui, dialog, key: Qt.Key, box, value: str) -> None:
    """Alt+letter to the box, then the arrow keys until it shows ``value``."""
    alt(ui, dialog, key)
    ui.qtbot.waitUntil(box.hasFocus, timeout=3000)
    ui.qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentData() == value:
            return
        ui.qtbot.keyClick(box, Qt.Key.Key_Down)
    raise AssertionError(f"{value} is not offered")


def test_how_and_by_whom_are_chosen_per_file_by_keyboard(ui, tmp_path: Path) -> None:
    from test_ui_evidence import click

    from ui.evidence_dialog import EvidenceDialog

    qtbot = ui.qtbot
    window = summary_with_case(ui)
    photo, shot = picture(tmp_path / "photo.png"), picture(tmp_path / "shot.png")
    ui.dialogs.queue("ask_open_files", [str(photo), str(shot)])
    names: list[tuple[str, str]] = []

    def fill(dialog) -> None:
        assert isinstance(dialog, EvidenceDialog)
        qtbot.keyClicks(dialog.what, "Messages he should not know about")
        alt(ui, dialog, Qt.Key.Key_F)  # Add files…
        qtbot.waitUntil(lambda: dialog.files.count() == 2, timeout=3000)
        # The first file only: a photo of the screen, taken by the person.
        dialog.files.setFocus()
        qtbot.keyClick(dialog.files, Qt.Key.Key_Home)
        assert dialog.files.selected_paths() == [str(photo)]
        choose_by_keyboard(ui, dialog, Qt.Key.Key_P, dialog.how, "photo-of-screen")
        choose_by_keyboard(ui, dialog, Qt.Key.Key_B, dialog.by, "person")
        # The second: a screenshot, by the advisor.
        dialog.files.setFocus()
        qtbot.keyClick(dialog.files, Qt.Key.Key_End)
        assert dialog.files.selected_paths() == [str(shot)]
        assert dialog.by.currentData() == "advisor"  # its own, not the first file's
        choose_by_keyboard(ui, dialog, Qt.Key.Key_P, dialog.how, "screenshot")
        names.extend(
            (dialog.files.item(i).text(), dialog.files.item(i).text())
            for i in range(dialog.files.count())
        )
        names.append((dialog.how.accessibleName(), dialog.by.accessibleName()))
        click(qtbot, dialog.ok)

    ui.when_modal(fill)
    click(qtbot, window.summary.add_evidence_button)
    [entry] = window.session.case.evidence
    assert [(a.original_name, a.how, a.by) for a in entry.attachments] == [
        ("photo.png", "photo-of-screen", "person"),
        ("shot.png", "screenshot", "advisor"),
    ]
    assert entry.current.by == "advisor"  # who wrote the entry down
    assert names[0][0] == (
        "photo.png: Photo of the screen, taken with another phone or camera, by the person"
    )
    assert names[1][0] == "shot.png: Screenshot, by the advisor"
    assert names[2] == ("How the selected files were captured", "Who captured the selected files")


def test_files_added_to_an_entry_are_described_per_file(ui, tmp_path: Path) -> None:
    from test_ui_evidence import click, open_entry

    from ui.entry_dialog import AddFilesDialog

    qtbot = ui.qtbot
    window = summary_with_case(ui)
    window.session.work.add_evidence("Laptop shared with her sister")
    window.summary.refresh()
    scan, saved = picture(tmp_path / "scan.png"), picture(tmp_path / "saved.png")
    ui.dialogs.queue("ask_open_files", [str(scan), str(saved)])

    def add(entry_dialog) -> None:
        def choose(dialog) -> None:
            assert isinstance(dialog, AddFilesDialog)
            click(qtbot, dialog.capture.add_button)
            dialog.files.select_paths([str(saved)])
            dialog.how.setCurrentIndex(dialog.how.findData("saved-file"))
            dialog.by.setCurrentIndex(dialog.by.findData(""))  # not said, for this one
            dialog.accept()

        ui.when_modal(choose)
        click(qtbot, entry_dialog.add_files_button)

    open_entry(ui, window, 1, add)
    [entry] = window.session.case.evidence
    assert [(a.original_name, a.how, a.by) for a in entry.attachments] == [
        ("scan.png", "", "advisor"),  # not said: nobody chose
        ("saved.png", "saved-file", ""),
    ]
