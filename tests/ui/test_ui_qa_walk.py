"""What a stranger's walk through the app found (QA, 2026-12-02), each pinned by a test."""

from __future__ import annotations

import pytest

from safetycheck import essentials
from safetycheck.paths import checklists_dir


def real_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    monkeypatch.setattr(app, "checklists_dir", checklists_dir)


def test_what_you_have_counts_the_checks_the_checks_page_then_shows(ui, monkeypatch) -> None:
    """The intake said "Every check: 82 checks" and the checks page then said "18 of 74":
    it counted the iPhone-only checks of a shared topic for an Android user."""
    real_content(monkeypatch)
    window = ui.start(mode="self")
    window.show_page("intake")
    intake = window.intake
    for option in ("android", "windows", "google"):
        intake.boxes[option].setChecked(True)
    every_text = intake.every_button.text()
    first_text = intake.essentials_button.text()
    intake.essentials_button.setChecked(True)
    intake.continue_button.click()
    work = window.session.work
    every = [c for _t, c in work.scope().checks()]
    shown = [c for _t, c in work.view().checks()]
    assert work.case.checks_shown == essentials.ESSENTIALS
    assert len(shown) < len(every)
    assert f"Every check: {len(every)} checks" in every_text.replace("&", "")
    assert f"first: {len(shown)} checks" in first_text.replace("&", "")
    assert f"{len(shown)} of {len(every)}" in window.checking.shown_text.text()


def tab_stops_without_a_name(dialog) -> list[str]:
    """Every widget Tab can land on that a screen reader would announce with no name.

    AT-SPI read the Settings window's scrolling area as an unnamed, focusable "filler".
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    found = []
    for widget in [dialog, *dialog.findChildren(QWidget)]:
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and widget.isEnabled() and not widget.accessibleName().strip():
            text = getattr(widget, "text", lambda: "")()
            found.append(f"{type(widget).__name__} {widget.objectName()!r} {text!r}")
    return found


def test_every_tab_stop_in_the_dialogs_has_a_name(ui, qtbot) -> None:
    from ui.export_dialog import ExportDialog
    from ui.first_start import FirstStartDialog
    from ui.passphrase_dialog import PassphraseDialog
    from ui.service_dialog import ServiceDetailsDialog
    from ui.settings_dialog import SettingsDialog

    window = ui.start(mode="advisor")
    settings = window.session.settings
    for dialog in (
        FirstStartDialog(ui.data_dir, "SafetyCheck"),
        SettingsDialog(window.session),
        PassphraseDialog(lambda _old, _new: None),
        PassphraseDialog(lambda _old, _new: None, change=True),
        ExportDialog(),
        ServiceDetailsDialog(settings, "SafetyCheck"),
    ):
        qtbot.addWidget(dialog)
        assert tab_stops_without_a_name(dialog) == [], type(dialog).__name__


def test_someone_alone_is_not_shown_a_client_when_adding_an_action(ui) -> None:
    """The "Who" box of "Add an action" said "For example: the client with the advisor."
    (its tooltip, and what a screen reader reads) to someone checking their own devices."""
    from PySide6.QtWidgets import QWidget

    window = ui.start(mode="self")
    window.show_page("summary")
    texts: list[str] = []

    def read_it(dialog) -> None:
        for widget in [dialog, *dialog.findChildren(QWidget)]:
            texts.extend([widget.toolTip(), widget.accessibleDescription()])
            texts.append(getattr(widget, "text", lambda: "")())
        dialog.reject()

    ui.when_modal(read_it)
    window.summary.add_action()
    assert texts and not [t for t in texts if "client" in t.lower() or "advisor" in t.lower()]


@pytest.mark.parametrize("mode", ["self", "advisor"])
def test_the_scan_pages_cautions_name_a_support_service_for_someone_alone(
    ui, monkeypatch, mode: str
) -> None:
    """Alone, the Android, iPhone and computer scan pages said "talk to an advisor first"
    in their caution, while every check page said "a support service"."""
    real_content(monkeypatch)
    window = ui.start(mode=mode)
    if mode == "advisor":
        window.session.work.create("Scan")
    window.session.work.set_intake(["android", "iphone"])
    for key in ("android", "iphone", "computer"):
        window.show_page(key)
        assert window.current_key == key
        page = window.page_widget(key)
        text = (page.before if key == "computer" else page.caution_text).text()
        if mode == "self":
            assert "advisor" not in text and "a support service" in text, text
        else:
            assert "talk to an advisor first" in text, text
