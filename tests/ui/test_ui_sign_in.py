"""The check page warns before the steps when a check sends someone to sign in."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _open_case(ui):
    window = ui.start(first_start_done=True, mode="advisor")
    ui.dialogs.queue("ask_text", "Sign-in case")
    ui.qtbot.mouseClick(window.case_list.new_button, Qt.MouseButton.LeftButton)
    window.intake.boxes["android"].setChecked(True)
    ui.qtbot.mouseClick(window.intake.continue_button, Qt.MouseButton.LeftButton)
    return window


def _go_to(ui, window, check_id: str):
    page = window.checking.page
    for _ in range(10):
        if page.check.id == check_id:
            return page
        ui.qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    raise AssertionError(f"never reached {check_id}")


def test_sign_in_warning_shows_before_the_steps_only_where_it_applies(ui) -> None:
    window = _open_case(ui)
    page = _go_to(ui, window, "t-phone-apps")
    assert not page.sign_in_box.isVisible()
    assert "maker's own help page for Android 16" in page.about.text()

    page = _go_to(ui, window, "t-phone-location")
    assert page.sign_in_box.isVisible()
    assert page.sign_in_warning.text().startswith("Signing in on a new device")
    # Read before the steps: it sits above them on the page.
    assert page.sign_in_box.y() < page.steps.y()
    about = page.about.text()
    assert "not confirmed for Android 17" in about and "Seen on Android 16 only." in about
