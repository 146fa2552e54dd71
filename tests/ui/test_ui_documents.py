"""Issue 15 in the window: the line for the plan on the check page, and the export dialog's
police copy and file names.  Real widgets, real PDFs read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from safetycheck.case import Status
from ui.export_dialog import ExportDialog


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def test_the_line_for_the_plan_is_typed_by_keyboard_and_saved(ui, qtbot) -> None:
    window = ui.start(mode="advisor")
    window.show_page("cases")
    case = window.session.work.create("Keyboard 2026")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    window.checking.go_to_check("t-phone-apps")
    page = window.checking.page
    line = page.plan_line
    assert line.accessibleName() == "Line for the client's safety plan"
    assert "never the notes" in line.accessibleDescription()
    assert page.plan_label.buddy() is line
    # From the notes, Tab goes to the plan's line (then the evidence button).
    page.notes.setFocus()
    qtbot.keyClick(page.notes, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is line
    qtbot.keyClicks(line, "Keep your phone with you for now.")
    page.flush_note()  # what moving on, the idle lock and Quick Exit do
    saved = ui.store().load(case.id).answers["t-phone-apps"]
    assert saved.plan_line == "Keep your phone with you for now."
    assert saved.note == ""  # a line for the plan is not a note
    qtbot.keyClick(line, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.evidence_button
    # Back on the check, the line is there again.
    window.checking.go_to_check("t-phone-location")
    assert line.text() == ""
    window.checking.go_to_check("t-phone-apps")
    assert line.text() == "Keep your phone with you for now."


def test_alone_the_line_is_for_your_plan(ui) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    window.checking.go_to_check("t-phone-apps")
    page = window.checking.page
    assert page.plan_label.text() == "&For your plan:"
    assert page.plan_line.accessibleName() == "Line for your safety plan"
    assert "client" not in page.plan_line.accessibleDescription()


def test_a_line_too_long_is_refused_plainly_and_the_old_one_stays(ui) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    window.checking.go_to_check("t-phone-apps")
    page = window.checking.page
    page.plan_line.setMaxLength(200_000)
    page.plan_line.setText("Short.")
    page.flush_plan_line()
    page.plan_line.setText("x" * 100_001)
    page.flush_plan_line()
    assert not page.plan_problem.isHidden() and "too long" in page.plan_problem.text()
    assert window.session.case.answer("t-phone-apps").plan_line == "Short."


def test_the_police_copy_is_offered_for_the_record_only(qtbot) -> None:
    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    assert dialog.record.isChecked() and dialog.for_police.isEnabled()
    assert not dialog.leave_out.isEnabled()
    dialog.plan.setChecked(True)
    assert not dialog.for_police.isEnabled() and dialog.leave_out.isEnabled()
    assert "advisor's notes" in dialog.for_police.text()
    alone = ExportDialog(self_mode=True)
    qtbot.addWidget(alone)
    assert "your notes" in alone.for_police.text()


def test_export_for_the_police_suggests_a_name_and_leaves_out_the_notes(
    ui, qtbot, tmp_path: Path, monkeypatch
) -> None:
    window = ui.start(mode="advisor")
    window.show_page("cases")
    work = window.session.work
    work.create("Case 7F3K")
    work.set_intake(["android"])
    work.set_answer("t-phone-apps", Status.CONCERN, "Ex-partner Darren in Leeds installed it")
    work.set_plan_line("t-phone-apps", "Leave the app for now.")
    work.add_action("Move to the refuge on Friday")
    window.show_page("summary")
    from ui import dialogs

    suggested: list[str] = []
    real = dialogs.ask_save_path

    def ask_save_path(parent, title, name):
        suggested.append(name)
        return real(parent, title, name)

    monkeypatch.setattr(dialogs, "ask_save_path", ask_save_path)
    target = tmp_path / "police.pdf"
    ui.dialogs.queue("ask_save_path", str(target))

    def choose(dialog) -> None:
        assert isinstance(dialog, ExportDialog)
        dialog.for_police.setChecked(True)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    ui.when_modal(choose)
    qtbot.mouseClick(window.summary.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: target.exists(), timeout=20_000)
    qtbot.waitUntil(lambda: ui.dialogs.told and ui.dialogs.told[-1][0] == "PDF saved")
    today = dt.date.today().isoformat()
    assert suggested == [f"case-7f3k-record-for-police-{today}.pdf"]
    text = _pdf_text(target)
    assert "Case record for the police" in text and "How the evidence was collected" in text
    for private in ("Darren", "Leeds", "Leave the app for now", "refuge"):
        assert private not in text


def test_export_shows_its_progress_while_the_window_stays_alive(ui, qtbot, tmp_path: Path) -> None:
    from ui.export_dialog import run_export

    window = ui.start(mode="self")
    work = window.session.work
    work.set_intake(["android", "car"])
    for _topic, check in work.scope().checks():
        work.set_answer(check.id, Status.LOOKS_OK, "Checked. " * 40)
    target = tmp_path / "record.pdf"
    ui.dialogs.queue("ask_save_path", str(target))
    said: list[str] = []

    def choose(dialog) -> None:
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    ui.when_modal(choose)
    job = run_export(window.session, window, said.append)
    assert job is not None
    qtbot.waitUntil(lambda: target.exists(), timeout=20_000)
    percents = [int(s.rstrip("%").rsplit(" ", 1)[1]) for s in said if s.endswith("%")]
    assert len(percents) >= 3 and percents == sorted(percents) and percents[-1] >= 90
    assert said[0] == "Making the PDF…" and said[-1] == ""  # cleared when saved
