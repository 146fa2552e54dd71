"""A PDF is made in the background: the window stays alive and Quick Exit acts at once."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt

from safetycheck.case import Status
from ui import background
from ui.export_dialog import ExportDialog


def _slow_render(monkeypatch, release: threading.Event, started: threading.Event) -> None:
    """A long export: the real layout, after waiting (as a case with hundreds of pages)."""
    import safetycheck.report.export as export

    real = export.render_pdf

    def slow(*args, **kwargs):
        started.set()
        release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(export, "render_pdf", slow)


def _choose_record(ui):
    def choose(dialog) -> None:
        assert isinstance(dialog, ExportDialog)
        ui.qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    ui.when_modal(choose)


def test_quick_exit_acts_at_once_during_a_long_export(ui, monkeypatch, tmp_path: Path) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.session.work.set_answer("t-phone-apps", Status.CONCERN, "System Service")
    window.show_page("summary")
    release, started = threading.Event(), threading.Event()
    _slow_render(monkeypatch, release, started)
    target = tmp_path / "record.pdf"
    ui.dialogs.queue("ask_save_path", str(target))
    _choose_record(ui)
    window.export()
    ui.qtbot.waitUntil(started.is_set, timeout=5000)
    assert background.runner().jobs, "the export runs in the background"
    assert "Making the PDF" in window.statusBar().currentMessage()

    ui.qtbot.mouseClick(window.quick_exit_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible() and ui.quit_calls == [1]  # at once, the export still running
    assert background.runner().jobs

    release.set()  # the layout finishes after the exit: nothing of it may land anywhere
    ui.qtbot.waitUntil(lambda: not background.runner().jobs, timeout=20000)
    ui.qtbot.wait(50)
    assert not target.exists()
    assert [name for name in target.parent.iterdir() if name.suffix == ".tmp"] == []
    assert ui.dialogs.told == []
    assert ui.store().load(window.session.case.id).exported_files == []


def test_the_window_answers_while_a_pdf_is_made(ui, monkeypatch, tmp_path: Path) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("summary")
    release, started = threading.Event(), threading.Event()
    _slow_render(monkeypatch, release, started)
    target = tmp_path / "record.pdf"
    ui.dialogs.queue("ask_save_path", str(target))
    _choose_record(ui)
    window.export()
    ui.qtbot.waitUntil(started.is_set, timeout=5000)
    # The person goes on answering while the PDF is made; the PDF is of the case as it was.
    window.show_page("checks")
    window.checking.page.status_buttons[Status.CONCERN].click()
    assert ui.store().load(window.session.case.id).status("t-start-safe") is Status.CONCERN
    release.set()
    ui.qtbot.waitUntil(lambda: bool(ui.dialogs.told), timeout=20000)
    assert ui.dialogs.told[-1][0] == "PDF saved"
    assert target.read_bytes().startswith(b"%PDF")
    saved = ui.store().load(window.session.case.id)
    assert saved.exported_files == [str(target.resolve())]
    assert saved.status("t-start-safe") is Status.CONCERN
