"""The evidence log through the real widgets: view a file in our own viewer, add several
files (also by drag and drop), correct, withdraw, delete for good, export (issue 16)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox

from safetycheck.evidence.verify import verify_bundle
from ui.attachment_viewer import AttachmentViewer
from ui.entry_dialog import CorrectionDialog, EntryDialog
from ui.evidence_dialog import EvidenceDialog
from ui.evidence_export import ExportEvidenceDialog


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    where = QPoint(8, button.height() // 2) if isinstance(button, QCheckBox) else QPoint()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=where)


def picture(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def summary_with_case(ui):
    ui.dialogs.queue("ask_text", "Client A")
    window = ui.start(mode="advisor")
    click(ui.qtbot, window.case_list.new_button)
    click(ui.qtbot, window.intake.continue_button)
    click(ui.qtbot, window.pages["summary"].button)
    assert window.current_key == "summary"
    return window


def checked_line(ui, window) -> str:
    """The summary's log check line, once the background check is done."""
    from ui.summary import CHECKING

    label = window.summary.evidence_check
    ui.qtbot.waitUntil(lambda: label.text() != CHECKING, timeout=10000)
    return label.text()


def drop(widget, paths: list[Path]) -> None:
    """Drag files from a file manager and let go over ``widget``."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def open_entry(ui, window, number: int, action) -> None:
    summary = window.summary
    summary.evidence.setCurrentItem(summary.evidence.topLevelItem(number - 1))

    def act(dialog) -> None:
        assert isinstance(dialog, EntryDialog)
        try:
            action(dialog)
        finally:
            dialog.reject()

    ui.when_modal(act)
    click(ui.qtbot, summary.open_entry_button)


def test_add_several_files_by_choosing_and_dropping(ui, tmp_path: Path) -> None:
    qtbot = ui.qtbot
    window = summary_with_case(ui)
    first, second, third = (picture(tmp_path / f"shot{i}.png") for i in (1, 2, 3))
    ui.dialogs.queue("ask_open_files", [str(first), str(second)])

    def fill(dialog) -> None:
        assert isinstance(dialog, EvidenceDialog)
        qtbot.keyClicks(dialog.what, "Messages he should not know about")
        click(qtbot, dialog.file_button)
        drop(dialog, [third])  # dragged onto the window
        assert dialog.files.count() == 3
        dialog.files.selectAll()  # one choice for all three
        dialog.how.setCurrentIndex(dialog.how.findData("screenshot"))
        click(qtbot, dialog.ok)

    ui.when_modal(fill)
    click(qtbot, window.summary.add_evidence_button)
    [entry] = window.session.case.evidence
    assert [a.original_name for a in entry.attachments] == ["shot1.png", "shot2.png", "shot3.png"]
    assert {a.how for a in entry.attachments} == {"screenshot"}
    assert {a.by for a in entry.attachments} == {"advisor"}
    assert window.summary.evidence.topLevelItem(0).text(4) == "shot1.png, shot2.png, shot3.png"
    line = checked_line(ui, window)
    assert "unchanged since they were recorded" in line


def test_view_a_file_inside_the_app(ui, tmp_path: Path) -> None:
    window = summary_with_case(ui)
    photo = picture(tmp_path / "photo.png")
    note = tmp_path / "notes.txt"
    note.write_text("He called 14 times on Friday.")
    window.session.work.add_evidence("Photo and notes", files=[photo, note])
    window.summary.refresh()
    before = sorted(p.name for p in tmp_path.rglob("*"))
    seen: dict[str, object] = {}

    def look(dialog) -> None:
        def in_viewer(viewer) -> None:
            assert isinstance(viewer, AttachmentViewer)
            seen[viewer.attachment.original_name] = (
                viewer.picture is not None and not viewer.picture.pixmap().isNull(),
                viewer.text.toPlainText() if viewer.text else None,
            )
            viewer.reject()

        for row in range(dialog.file_list.count()):
            dialog.file_list.setCurrentRow(row)
            ui.when_modal(in_viewer)
            click(ui.qtbot, dialog.view_button)
        assert "SHA-256" in dialog.facts.toPlainText()

    open_entry(ui, window, 1, look)
    assert seen == {
        "photo.png": (True, None),
        "notes.txt": (False, "He called 14 times on Friday."),
    }
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written outside


def test_correct_withdraw_and_delete_for_good(ui, tmp_path: Path) -> None:
    qtbot = ui.qtbot
    window = summary_with_case(ui)
    work = window.session.work
    work.add_evidence("He knew where she was on Saturday", "Told by her")
    work.add_evidence("Laptop shared with her sister", "Laptop")
    mistake = work.add_evidence("Photo added by mistake", files=[picture(tmp_path / "x.png")])
    stored = work.data_dir / "attachments" / window.session.case.id / mistake.attachment.stored_as
    window.summary.refresh()

    def correct(dialog) -> None:
        def write(correction) -> None:
            assert isinstance(correction, CorrectionDialog)
            correction.what.setPlainText("He knew where she was on Saturday at 3 pm")
            qtbot.keyClicks(correction.why, "the time")
            click(qtbot, correction.ok)

        ui.when_modal(write)
        click(qtbot, dialog.correct_button)
        assert "Correction 1" in dialog.body.toPlainText()
        assert "Original" in dialog.body.toPlainText()

    open_entry(ui, window, 1, correct)
    first = window.session.case.evidence[0]
    assert [v.what for v in first.versions][-1].endswith("3 pm") and first.versions[
        1
    ].note == "the time"

    ui.dialogs.queue("ask_text", "It was her sister's laptop, not his")
    open_entry(ui, window, 2, lambda dialog: click(qtbot, dialog.withdraw_button))
    second = window.session.case.evidence[1]
    assert second.is_withdrawn and second.what == "Laptop shared with her sister"
    assert window.summary.evidence.topLevelItem(1).text(2).startswith("Withdrawn:")

    ui.dialogs.queue("ask", 0)  # "Delete for good"
    open_entry(ui, window, 3, lambda dialog: click(qtbot, dialog.delete_button))
    third = window.session.case.evidence[2]
    assert third.is_deleted and not stored.exists()
    assert window.summary.evidence.topLevelItem(2).text(2).startswith("Deleted for good")
    assert ui.dialogs.asked[-1][0] == "Delete for good"
    line = checked_line(ui, window)
    assert line.startswith("Evidence log checked: 3 entries, unchanged since they were recorded")


def test_export_evidence_from_the_summary(ui, tmp_path: Path) -> None:
    qtbot = ui.qtbot
    window = summary_with_case(ui)
    work = window.session.work
    work.add_evidence("One", files=[picture(tmp_path / "one.png")])
    work.add_evidence("Two")
    window.summary.refresh()
    target = tmp_path / "out" / "evidence.zip"
    target.parent.mkdir()
    ui.dialogs.queue("ask_save_bundle", str(target))

    def choose(dialog) -> None:
        assert isinstance(dialog, ExportEvidenceDialog)
        dialog.entries.item(1).setCheckState(Qt.CheckState.Unchecked)
        click(qtbot, dialog.protect)
        assert not dialog.ok.isEnabled()  # no passphrase yet
        qtbot.keyClicks(dialog.passphrase, "blue kettle on the stove")
        qtbot.keyClicks(dialog.again, "blue kettle on the stove")
        click(qtbot, dialog.ok)

    ui.when_modal(choose)
    click(qtbot, window.summary.export_evidence_button)
    qtbot.waitUntil(lambda: bool(ui.dialogs.told), timeout=20000)  # written in the background
    assert ui.dialogs.told[-1][0] == "Evidence bundle saved"
    result = verify_bundle(target, "blue kettle on the stove")
    assert result.ok and result.entries == 1 and result.files == 1
    assert str(target) in window.session.case.exported_files


def test_an_evidence_export_that_cannot_print_its_record_says_why(
    ui, tmp_path: Path, monkeypatch
) -> None:
    """A note too long to print (from an old file): the person reads why, not an error name."""
    from safetycheck.case import Status
    from safetycheck.user_text import MAX_CHARS

    qtbot = ui.qtbot
    window = summary_with_case(ui)
    work = window.session.work
    work.add_evidence("One")
    check = work.library.topics[0].checks[0].id
    work.set_answer(check, Status.CONCERN, "a short note")
    work.case.answers[check].note = "word " * MAX_CHARS  # as an old file could hold
    window.summary.refresh()
    target = tmp_path / "out" / "evidence.zip"
    target.parent.mkdir()
    ui.dialogs.queue("ask_save_bundle", str(target))
    ui.when_modal(lambda dialog: click(qtbot, dialog.ok))
    click(qtbot, window.summary.export_evidence_button)
    qtbot.waitUntil(lambda: bool(ui.dialogs.told), timeout=20000)
    title, message = ui.dialogs.told[-1][:2]
    assert title == "The bundle could not be saved"
    assert "too long to print" in message and "Your case is safe." in message
    assert not target.exists()
