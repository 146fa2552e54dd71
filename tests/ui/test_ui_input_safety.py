"""Text the app cannot keep, and saves that fail in ways nobody planned (issue 12, part A)."""

from __future__ import annotations

from safetycheck.case import Status
from safetycheck.user_text import MAX_CHARS
from ui.evidence_dialog import EvidenceDialog


def _checks_page(ui):
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    return window, window.checking.page


def test_a_note_too_long_to_keep_is_explained_and_the_saved_note_stays(ui) -> None:
    window, page = _checks_page(ui)
    page.notes.setPlainText("He reads my messages.")
    page.flush_note()
    assert not page.note_problem.isVisible()

    page.notes.setPlainText("x" * (MAX_CHARS + 1))  # pasted by mistake
    page.flush_note()
    assert page.note_problem.isVisible()
    assert "too long to keep" in page.note_problem.text()
    page.status_buttons[Status.CONCERN].click()  # the answer is still saved
    saved = ui.store().load(window.session.case.id).answer("t-start-safe")
    assert saved.status is Status.CONCERN
    assert saved.note == "He reads my messages."

    page.notes.setPlainText("He reads my messages. Shorter now.")
    page.flush_note()
    assert not page.note_problem.isVisible()
    saved = ui.store().load(window.session.case.id).answer("t-start-safe")
    assert saved.note == "He reads my messages. Shorter now."


def test_an_unexpected_save_error_is_explained_and_the_change_kept(ui, monkeypatch) -> None:
    window, page = _checks_page(ui)

    def broken(case, coverage=None) -> None:
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(window.session.work.store, "save", broken)
    page.status_buttons[Status.CONCERN].click()  # must not raise out of the click
    assert window.session.work.unsaved
    assert window.save_frame.isVisible()
    assert "could not be saved" in window.save_message.text()
    assert window.session.case.status("t-start-safe") is Status.CONCERN


def test_evidence_too_long_to_keep_cannot_be_added_and_says_why(qtbot) -> None:
    dialog = EvidenceDialog("A check")
    qtbot.addWidget(dialog)
    dialog.what.setPlainText("x" * (MAX_CHARS + 1))
    assert not dialog.ok.isEnabled()
    assert not dialog.what_problem.isHidden()
    assert "too long to keep" in dialog.what_problem.text()
    dialog.what.setPlainText("An app called System Service")
    assert dialog.ok.isEnabled() and dialog.what_problem.isHidden()
