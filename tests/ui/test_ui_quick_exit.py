"""Quick Exit: every window hidden in the same turn as the key press, answers on disk."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from safetycheck.case import Status
from ui import quick_exit


def visible_windows() -> list:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def open_case(ui):
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    return window


def test_escape_twice_hides_everything_and_saves_typing(ui) -> None:
    window = open_case(ui)
    page = window.checking.page
    page.notes.setFocus()
    ui.qtbot.keyClicks(page.notes, "typed just now")
    assert page._note_timer.isActive()  # not saved yet: waiting for typing to stop
    ui.qtbot.keyClick(page.notes, Qt.Key.Key_Escape)
    assert window.isVisible() and not ui.quit_calls  # one Esc does nothing
    ui.qtbot.keyClick(page.notes, Qt.Key.Key_Escape)
    # No event processing in between: hidden in the same turn, saved, quitting.
    assert visible_windows() == []
    assert ui.quit_calls == [1]
    case = ui.store().load(window.session.case.id)
    assert case.answer("t-start-safe").note == "typed just now"


def test_ctrl_q_from_inside_a_dialog(ui) -> None:
    window = open_case(ui)
    page = window.checking.page
    page.status_buttons[Status.CONCERN].click()
    seen = []

    def press(dialog) -> None:
        seen.append(dialog)
        target = QApplication.focusWidget() or dialog
        ui.qtbot.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        assert visible_windows() == []

    ui.when_modal(press)
    page.evidence_button.click()
    assert seen and not seen[0].isVisible() and not window.isVisible()
    assert ui.quit_calls == [1]
    case = ui.store().load(window.session.case.id)
    assert case.status("t-start-safe") is Status.CONCERN


def test_the_button_is_always_there_and_asks_nothing(ui) -> None:
    window = open_case(ui)
    for key in ("intake", "checks", "summary"):
        window.show_page(key)
        assert window.quick_exit_button.isVisible()
    ui.qtbot.mouseClick(window.quick_exit_button, Qt.MouseButton.LeftButton)
    assert visible_windows() == []
    assert ui.quit_calls == [1]
    assert ui.dialogs.asked == []


def test_two_escapes_far_apart_do_not_exit(ui, monkeypatch) -> None:
    window = open_case(ui)
    clock = [1000.0]
    monkeypatch.setattr(quick_exit.time, "monotonic", lambda: clock[0])
    target = window.checking.page.status_buttons[Status.LOOKS_OK]
    target.setFocus()
    ui.qtbot.keyClick(target, Qt.Key.Key_Escape)
    clock[0] += quick_exit.DOUBLE_ESC_SECONDS + 1
    ui.qtbot.keyClick(target, Qt.Key.Key_Escape)
    assert window.isVisible() and not ui.quit_calls
    clock[0] += 0.3
    ui.qtbot.keyClick(target, Qt.Key.Key_Escape)
    assert not window.isVisible() and ui.quit_calls == [1]


def test_quick_exit_keeps_an_evidence_entry_being_typed(ui) -> None:
    window = open_case(ui)
    page = window.checking.page

    def type_then_exit(dialog) -> None:
        ui.qtbot.keyClicks(dialog.what, "Unknown app, no icon")
        ui.qtbot.keyClick(dialog.what, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        assert visible_windows() == []

    ui.when_modal(type_then_exit)
    page.evidence_button.click()
    assert ui.quit_calls == [1]
    case = ui.store().load(window.session.case.id)
    assert [e.what for e in case.evidence] == ["Unknown app, no icon"]
    assert case.evidence[0].check_id == "t-start-safe"


def test_real_start_listens_for_the_keys_from_the_first_turn(ui, monkeypatch) -> None:
    """The app shows its window, then starts the key filter in the next turn, before
    anything else runs (the filter slowed the first paint): Esc twice works from then on."""
    from safetycheck.settings import Settings, save_settings
    from ui import app

    save_settings(ui.data_dir, Settings(first_start_done=True, mode="self"))
    fixture_guard = app._quick_exit  # stop it listening: only the fresh one may act
    QApplication.instance().removeEventFilter(fixture_guard)
    monkeypatch.setattr(fixture_guard, "listening", False)
    fresh = quick_exit.QuickExit(app.application(), listen=False)
    monkeypatch.setattr(app, "_quick_exit", fresh)
    monkeypatch.setattr(fresh, "quit", lambda: ui.quit_calls.append(1))
    shown_with_keys = []
    window = app.start(
        ui.data_dir,
        progressive=True,
        on_shown=lambda: shown_with_keys.append(fresh.listening),
    )
    ui.windows.append(window)
    assert window.isVisible() and not fresh.listening
    ui.qtbot.waitUntil(lambda: shown_with_keys == [True])
    fresh._last_escape = -1e9
    target = QApplication.focusWidget() or window.quick_exit_button
    target.setFocus()
    ui.qtbot.keyClick(target, Qt.Key.Key_Escape)
    ui.qtbot.keyClick(target, Qt.Key.Key_Escape)
    assert visible_windows() == [] and ui.quit_calls == [1]
    QApplication.instance().removeEventFilter(fresh)
    fixture_guard.listen()


def test_first_start_listens_for_the_keys_from_the_first_turn(ui, monkeypatch) -> None:
    """At first start the safety notice is the first window: it too shows before the key
    filter starts (the filter doubled the time it took to build), and Esc twice works in
    it from the first turn of its event loop."""
    from ui import app
    from ui.first_start import FirstStartDialog

    fixture_guard = app._quick_exit  # stop it listening: only the fresh one may act
    QApplication.instance().removeEventFilter(fixture_guard)
    monkeypatch.setattr(fixture_guard, "listening", False)
    fresh = quick_exit.QuickExit(app.application(), listen=False)
    monkeypatch.setattr(app, "_quick_exit", fresh)
    monkeypatch.setattr(fresh, "quit", lambda: ui.quit_calls.append(1))
    listening_when_shown = []

    def press(dialog) -> None:
        assert isinstance(dialog, FirstStartDialog)
        listening_when_shown.append(fresh.listening)  # polled after the first turn
        target = QApplication.focusWidget() or dialog
        ui.qtbot.keyClick(target, Qt.Key.Key_Escape)
        ui.qtbot.keyClick(target, Qt.Key.Key_Escape)

    shown_early = []
    original = FirstStartDialog.showEvent

    def show_event(self, event) -> None:
        shown_early.append(fresh.listening)
        original(self, event)

    monkeypatch.setattr(FirstStartDialog, "showEvent", show_event)
    ui.when_modal(press)
    try:
        assert app.start(ui.data_dir, progressive=True) is None  # closed by Quick Exit
        assert shown_early[:1] == [False] and listening_when_shown == [True]
        assert visible_windows() == [] and ui.quit_calls == [1]
    finally:
        QApplication.instance().removeEventFilter(fresh)
        fixture_guard.listen()
