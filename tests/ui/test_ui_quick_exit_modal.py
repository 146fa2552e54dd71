"""Quick Exit while a modal dialog is open but not on screen (ui.modal_guard).

A QA walk under Xvfb and openbox once saw "Add an action" open without its window ever
appearing: the main window was on screen and blocked, and Esc twice, Ctrl+Q and the
Quick Exit button did nothing.  Here the dialog is a real modal dialog with
``WA_DontShowOnScreen``: Qt registers it as modal (every other window is blocked) but
never shows its window, so it is never exposed, as an unmapped window is not.  Keys and
clicks are sent to the main window's own window, as the window system sends them, so
they meet Qt's own blocking (``QTest`` on a QWindow goes through the platform input path).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from ui import modal_guard, summary
from ui.action_dialog import ActionDialog


def visible_windows() -> list:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


class NeverOnScreen(ActionDialog):
    """ "Add an action" as the QA walk saw it: open, modal, and nowhere on screen."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)


@pytest.fixture
def summary_page(ui, monkeypatch):
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("summary")
    monkeypatch.setattr(summary, "ActionDialog", NeverOnScreen)
    return window


def while_open(ui, action: Callable[[QDialog], None]) -> list[QDialog]:
    """Run ``action(dialog)`` inside the stranded dialog's own event loop."""
    seen: list[QDialog] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NeverOnScreen)
        seen.append(dialog)
        try:
            assert dialog.isVisible() and not dialog.windowHandle().isExposed()
            action(dialog)
        finally:
            dialog.reject()  # never leave a test hanging on an open dialog

    QTimer.singleShot(0, run)
    return seen


def click_quick_exit(window) -> None:
    button = window.quick_exit_button
    where = button.mapTo(window, button.rect().center())
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton, pos=QPoint(where))


@pytest.mark.parametrize("keys", ["ctrl+q", "esc esc"])
def test_keys_pressed_in_the_blocked_main_window_exit_at_once(ui, summary_page, keys) -> None:
    window = summary_page

    def press(dialog) -> None:
        handle = window.windowHandle()
        if keys == "ctrl+q":
            QTest.keyClick(handle, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        else:
            QTest.keyClick(handle, Qt.Key.Key_Escape)
            assert window.isVisible() and not ui.quit_calls  # one Esc does nothing
            QTest.keyClick(handle, Qt.Key.Key_Escape)
        # No event processing in between: hidden in the same turn as the key press.
        assert visible_windows() == []

    seen = while_open(ui, press)
    window.summary.add_action_button.click()
    assert seen and ui.quit_calls == [1]


def test_without_the_guard_qt_drops_those_keys(ui, summary_page, monkeypatch) -> None:
    """The failure itself: the same key press is lost when nothing guards the dialog."""
    window = summary_page
    monkeypatch.setattr(modal_guard, "guard", lambda dialog, quick_exit: None)

    def press(dialog) -> None:
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        click_quick_exit(window)
        assert window.isVisible() and not ui.quit_calls

    seen = while_open(ui, press)
    window.summary.add_action_button.click()
    assert seen and not ui.quit_calls


def test_a_stranded_dialog_is_closed_keeping_what_was_typed(ui, summary_page, monkeypatch):
    """The button cannot be clicked while the dialog blocks it; the guard closes the
    dialog (as Cancel, keeping the typing), says so, and the button works again."""
    window = summary_page
    monkeypatch.setattr(modal_guard, "CHECK_EVERY_MS", 20)
    monkeypatch.setattr(modal_guard, "GIVE_UP_MS", 60)
    before = len(window.session.case.actions)

    def wait_for_the_guard(dialog) -> None:
        dialog.what.setText("Ask the helpline about the tracker")
        click_quick_exit(window)
        assert window.isVisible() and not ui.quit_calls  # blocked, as Qt blocks it
        ui.qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    seen = while_open(ui, wait_for_the_guard)
    window.summary.add_action_button.click()
    assert seen and seen[0].result() == QDialog.DialogCode.Rejected
    assert window.statusBar().currentMessage() == modal_guard.CLOSED_MESSAGE
    case = ui.store().load(window.session.case.id)
    assert len(case.actions) == before + 1
    assert case.actions[-1].what == "Ask the helpline about the tracker"
    click_quick_exit(window)
    assert visible_windows() == [] and ui.quit_calls == [1]


def test_a_dialog_on_screen_keeps_its_own_esc(ui) -> None:
    """With the dialog on screen and the keyboard in it the guard's keys are off: Esc
    closes the dialog, and Quick Exit's filter sees it as before."""
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("summary")
    states = []

    def press(dialog) -> None:
        guard = dialog.findChild(modal_guard.ModalGuard)
        assert guard is not None and not guard.stranded()
        states.append([key.isEnabled() for key in guard.keys])
        ui.qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
        if dialog.isVisible():
            raise AssertionError("Esc did not close the dialog")

    ui.when_modal(press)
    window.summary.add_action_button.click()
    assert states == [[False, False]]
    assert window.isVisible() and not ui.quit_calls
    assert window.statusBar().currentMessage() != modal_guard.CLOSED_MESSAGE


def test_keyboard_left_in_the_main_window_behind_a_dialog_on_screen(ui) -> None:
    """The window manager gave the keyboard to the main window, behind the dialog."""
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("summary")

    def press(dialog) -> None:
        window.windowHandle().requestActivate()
        ui.qtbot.waitUntil(lambda: QApplication.focusWindow() is window.windowHandle())
        guard = dialog.findChild(modal_guard.ModalGuard)
        ui.qtbot.waitUntil(lambda: all(key.isEnabled() for key in guard.keys))
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        assert visible_windows() == []

    ui.when_modal(press)
    window.summary.add_action_button.click()
    assert ui.quit_calls == [1]
