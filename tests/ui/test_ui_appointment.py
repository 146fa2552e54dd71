"""A real appointment by keyboard: Alt+letters that never clash, Esc that closes a dialog
without closing the app, a case that reopens where the person was, the make or version
remembered, and the most important checks first (issue 14)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QWidget,
)
from test_ui_accessibility import unnamed

from safetycheck import essentials
from safetycheck.case import Status
from safetycheck.paths import checklists_dir
from ui import quick_exit
from ui.action_dialog import ActionDialog
from ui.evidence_dialog import EvidenceDialog
from ui.export_dialog import ExportDialog
from ui.first_start import FirstStartDialog
from ui.main_window import mnemonic
from ui.passphrase_dialog import PassphraseDialog
from ui.service_dialog import ServiceDetailsDialog
from ui.settings_dialog import SettingsDialog
from ui.unlock import UnlockDialog

REAL_CONTENT = checklists_dir()


def real_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    monkeypatch.setattr(app, "checklists_dir", lambda: REAL_CONTENT)


# -- Alt+letters -----------------------------------------------------------------------------


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Every Alt+letter a person can press in this window now: letter -> whose it is.

    Buttons, tick boxes and radio buttons by their words; labels by theirs when they
    point at a control (a buddy); group boxes by their titles.  Only what is shown counts
    (Qt ignores the shortcut of a hidden widget)."""
    found: dict[str, list[str]] = {}
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        letter = mnemonic(text)
        if letter:
            found.setdefault(letter, []).append(text)
    return found


def clashes(window: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in mnemonics(window).items() if len(v) > 1}


def literal_ampersands(window: QWidget) -> list[str]:
    """A label showing "&" as a character (a form label with no control to point at)."""
    return [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisibleTo(window)
        and label.buddy() is None
        and label.textFormat() != Qt.TextFormat.RichText
        and mnemonic(label.text())
    ]


@pytest.mark.parametrize("mode", ["advisor", "self"])
def test_no_alt_letter_clashes_on_any_screen(ui, mode: str) -> None:
    window = ui.start(mode=mode)
    work = window.session.work
    if mode == "advisor":
        window.show_page("cases")
        work.create("Walk")
    work.set_intake(["android", "car", "smart-home"])
    work.add_action("Plan something")
    work.add_evidence("Saw something")
    window.checking.go_to_check("t-phone-location")  # has a make/version selector
    seen = []
    for key, page in window.pages.items():
        if page.button is not None and not page.button.isVisible():
            continue
        if key == "cases" and mode == "advisor":
            continue  # shown first, below, as it closes the case
        window.show_page(key)
        assert window.current_key == key
        seen.append(key)
        assert clashes(window) == {}, key
        assert literal_ampersands(window) == [], key
    assert {"intake", "checks", "summary"} <= set(seen)
    # Every header button has its own Alt+letter.
    header = [p.button for p in window.pages.values() if p.button is not None]
    header += [window.settings_button, window.quick_exit_button]
    assert all(mnemonic(b.text()) for b in header if b.isVisible())
    if mode == "advisor":
        window.show_page("cases")
        assert clashes(window) == {}


def test_no_alt_letter_clashes_in_any_dialog(ui, qtbot) -> None:
    window = ui.start(mode="advisor")
    dialogs = [
        FirstStartDialog(ui.data_dir, "SafetyCheck"),
        EvidenceDialog("A check"),
        ActionDialog(),
        ExportDialog(),
        SettingsDialog(window.session, window),
        PassphraseDialog(lambda _c, _n: None),
        PassphraseDialog(lambda _c, _n: None, change=True),
        PassphraseDialog(lambda _c, _n: None, first_start=True),
        UnlockDialog(lambda _p: None, "SafetyCheck"),
        UnlockDialog(lambda _p: None, "SafetyCheck", locked=True),
        ServiceDetailsDialog(window.settings, "SafetyCheck"),
    ]
    window.settings.mode = "self"  # the other way Settings opens
    dialogs.append(SettingsDialog(window.session))
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        assert clashes(dialog) == {}, type(dialog).__name__
        assert literal_ampersands(dialog) == [], type(dialog).__name__
        assert unnamed(dialog) == [], type(dialog).__name__
        dialog.close()


def test_alt_p_goes_back_and_alt_b_is_not_applicable(ui) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    page = window.checking.page
    page.next_button.click()
    assert page.check.id == "t-start-device"
    alt = Qt.KeyboardModifier.AltModifier
    ui.qtbot.keyClick(page.status_buttons[Status.LOOKS_OK], Qt.Key.Key_P, alt)
    # A mnemonic "animates" the click, so it lands a moment later.
    ui.qtbot.waitUntil(lambda: page.check.id == "t-start-safe")
    ui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, alt)
    ui.qtbot.waitUntil(lambda: window.session.case.status("t-start-safe") is Status.NOT_APPLICABLE)
    assert window.session.case.status("t-start-device") is Status.NOT_CHECKED


# -- Esc -------------------------------------------------------------------------------------


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1000.0
        monkeypatch.setattr(quick_exit.time, "monotonic", lambda: self.now)


def open_settings_then(ui, window, action) -> None:
    ui.when_modal(action)
    window.open_settings()


def test_esc_that_closes_a_dialog_and_another_a_second_later_do_not_exit(ui, monkeypatch) -> None:
    window = ui.start(mode="advisor")
    clock = Clock(monkeypatch)
    closed = []

    def press_esc(dialog) -> None:
        ui.qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
        closed.append(not dialog.isVisible())

    open_settings_then(ui, window, press_esc)
    assert closed == [True] and window.isVisible()
    clock.now += 1.0  # a normal pace
    ui.qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.isVisible() and not ui.quit_calls


def test_a_deliberate_double_esc_in_a_dialog_still_exits_at_once(ui, monkeypatch) -> None:
    window = ui.start(mode="advisor")
    clock = Clock(monkeypatch)

    def double(dialog) -> None:
        ui.qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
        clock.now += 0.3
        ui.qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)

    open_settings_then(ui, window, double)
    assert not window.isVisible() and ui.quit_calls == [1]


def test_two_esc_in_the_main_window_keep_their_longer_pause(ui, monkeypatch) -> None:
    window = ui.start(mode="advisor")
    clock = Clock(monkeypatch)
    target = window.case_list.search
    ui.qtbot.keyClick(target, Qt.Key.Key_Escape)
    clock.now += 1.0  # nothing to close here: Esc twice within 1.5 s still exits
    ui.qtbot.keyClick(target, Qt.Key.Key_Escape)
    assert ui.quit_calls == [1]


# -- where the person was ---------------------------------------------------------------------


def test_a_case_reopens_where_the_person_was_after_a_restart(ui) -> None:
    window = ui.start(mode="advisor")
    window.show_page("cases")
    case = window.session.work.create("Resume")
    window.session.work.set_intake(["android"])
    window.open_case(case.id)
    page = window.checking.page
    assert page.check.id == "t-start-safe"
    page.next_button.click()
    page.next_button.click()
    assert page.check.id == "t-phone-apps"
    window.close()  # saves the place (as Quick Exit does)

    again = ui.start(mode="advisor")
    assert again.current_key == "cases"
    assert again.open_case(case.id)
    assert again.current_key == "checks"
    assert again.checking.page.check.id == "t-phone-apps"


def test_self_mode_reopens_at_the_first_unanswered_check_when_the_place_is_unknown(ui) -> None:
    window = ui.start(mode="self")
    work = window.session.work
    work.set_intake(["android"])
    work.set_answer("t-start-safe", Status.LOOKS_OK)
    work.set_answer("t-start-device", Status.NOT_SURE)
    work.set_place("no-longer-here")
    window.close()
    again = ui.start(mode="self")
    assert again.current_key == "checks"
    assert again.checking.page.check.id == "t-phone-apps"


# -- the make or version ----------------------------------------------------------------------


def test_samsung_is_picked_once_for_all_android_checks_and_after_a_restart(ui, monkeypatch) -> None:
    real_content(monkeypatch)
    window = ui.start(mode="self")
    work = window.session.work
    work.set_intake(["android", "trackers"])
    window.show_page("checks")
    offering = [
        c for _t, c in work.view().checks() if "Samsung Galaxy" in [v.label for v in c.variants]
    ]
    assert len(offering) >= 14
    window.show_check(offering[0].id)
    page = window.checking.page
    combo = page.variant
    assert combo.isVisibleTo(window) and combo.currentIndex() == 0
    combo.setFocus()
    # By keyboard: Down in the closed list picks the next make.
    ui.qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "Samsung Galaxy"
    assert "Samsung" in page.steps.text() or page.steps.text()
    window.show_check(offering[-1].id)
    assert page.variant.currentText() == "Samsung Galaxy"
    page.status_buttons[Status.LOOKS_OK].click()
    window.close()
    again = ui.start(mode="self")
    again.show_check(offering[5].id)
    assert again.checking.page.variant.currentText() == "Samsung Galaxy"
    assert again.session.case.answer(offering[-1].id).steps == "Samsung Galaxy"


# -- the most important checks first ----------------------------------------------------------


def test_the_most_important_checks_first_with_time_estimates(ui, monkeypatch) -> None:
    real_content(monkeypatch)
    window = ui.start(mode="advisor")
    window.show_page("cases")
    window.session.work.create("Hour")
    window.show_page("intake")
    intake = window.intake
    for option in ("android", "windows", "google", "microsoft"):
        intake.boxes[option].setChecked(True)
    every = intake.every_button
    first = intake.essentials_button
    assert first.isChecked()  # offered: every check would not fit an hour
    assert "hour" in first.text() and "hour" in every.text()  # a time estimate on both
    intake.continue_button.click()
    work = window.session.work
    assert work.case.checks_shown == essentials.ESSENTIALS
    shown = [c for _t, c in work.view().checks()]
    assert shown and all(c.essential for c in shown)
    assert essentials.minutes(shown) <= 60  # the hour an appointment has
    checking = window.checking
    assert "most important" in checking.shown_text.text()
    assert "later session" in checking.shown_text.text()
    top = checking.sidebar.topLevelItem(1)
    assert "left" in top.text(0) and "minutes" in top.text(0)
    # The rest follow in a later session: one press shows every check.
    checking.shown_button.click()
    assert work.case.checks_shown == essentials.ALL
    assert len(work.view().checks()) > len(shown)
    assert checking.page.check.id == shown[0].id  # the check on screen stays


def test_a_short_case_is_offered_every_check(ui) -> None:
    window = ui.start(mode="self")
    window.show_page("intake")
    window.intake.boxes["android"].setChecked(True)
    assert window.intake.every_button.isChecked()


def test_opening_a_check_left_for_later_from_the_summary_shows_every_check(ui, monkeypatch) -> None:
    real_content(monkeypatch)
    window = ui.start(mode="self")
    work = window.session.work
    work.set_intake(["android"])
    work.show_checks(essentials.ESSENTIALS)
    later = next(c for _t, c in work.scope().checks() if not c.essential)
    window.show_check(later.id)
    assert window.checking.page.check.id == later.id
    assert work.case.checks_shown == essentials.ALL


# -- reading a check by keyboard --------------------------------------------------------------

#: The room a window really has on a laptop: the screen, less the taskbar (Windows 11:
#: 48 px) and the window's own title bar and borders (about 31 + 8 px).
TASKBAR, TITLE_BAR, BORDER = 48, 31, 8
SCREENS = [(1366, 768), (1280, 720)]


def client_size(width: int, height: int) -> tuple[int, int]:
    return width - 2 * BORDER, height - TASKBAR - TITLE_BAR - BORDER


def in_view(area, widget) -> bool:
    top = widget.mapTo(area.widget(), widget.rect().topLeft()).y()
    value, height = area.verticalScrollBar().value(), area.viewport().height()
    return widget.isVisibleTo(area) and top < value + height and top + widget.height() > value


def longest_check_with_a_caution(work):
    checks = [
        c for _t, c in work.scope().checks() if c.caution and len(c.variants) > 1 and c.signs_in
    ] or [c for _t, c in work.scope().checks() if c.caution and len(c.variants) > 1]
    return max(checks, key=lambda c: len(c.why) + sum(len(s) for s in c.steps) + len(c.caution))


@pytest.mark.parametrize("screen", SCREENS, ids=["1366x768", "1280x720"])
def test_every_part_of_a_check_can_be_read_by_keyboard(ui, monkeypatch, screen) -> None:
    real_content(monkeypatch)
    window = ui.start(mode="self")
    window.resize(*client_size(*screen))
    work = window.session.work
    work.set_intake(["android", "google"])
    work.show_checks(essentials.ALL)
    check = longest_check_with_a_caution(work)
    window.show_check(check.id)
    page = window.checking.page
    assert page.check.id == check.id and page.caution_box.isVisibleTo(window)
    # Next and the "Saved" line are inside the window, not cut off.
    for widget in (page.next_button, page.previous_button, window.saved_label):
        corner = widget.mapTo(window, widget.rect().bottomRight())
        assert window.rect().contains(corner), widget.accessibleName()
    area = page.scroll_area
    # Keyboard only: from the first answer, Shift+Tab back into the guidance.
    page.status_buttons[Status.LOOKS_OK].setFocus()
    for _ in range(6):
        if QApplication.focusWidget() is area:
            break
        ui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is area, QApplication.focusWidget()
    parts = {
        "title": page.title,
        "why": page.why,
        "sign in": page.sign_in_box,
        "steps": page.steps,
        "look for": page.look_for,
        "caution": page.caution_title,
        "caution text": page.caution,
        "if found": page.if_found,
        "what to record": page.evidence_hint,
        "sources": page.about,
    }
    parts = {k: w for k, w in parts.items() if w.isVisibleTo(window)}
    assert {"caution", "what to record", "sources"} <= set(parts)
    ui.qtbot.keyClick(area, Qt.Key.Key_Home)
    seen = {k for k, w in parts.items() if in_view(area, w)}
    assert "caution" not in seen or area.verticalScrollBar().maximum() == 0
    bar = area.verticalScrollBar()
    for _ in range(40):
        before = bar.value()
        ui.qtbot.keyClick(area, Qt.Key.Key_PageDown)
        seen |= {k for k, w in parts.items() if in_view(area, w)}
        if bar.value() == before:
            break
    assert seen == set(parts)
    assert bar.value() == bar.maximum() > 0  # it really had to scroll
    # Space, Up, Ctrl+Home and End work too; the steps stay readable for the chosen make.
    ui.qtbot.keyClick(area, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert bar.value() == 0
    ui.qtbot.keyClick(area, Qt.Key.Key_Space)
    assert bar.value() > 0
    ui.qtbot.keyClick(area, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    # Tab goes on to the answers (through the make/version list inside the guidance).
    for _ in range(4):
        ui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is page.status_buttons[Status.LOOKS_OK]:
            break
    assert QApplication.focusWidget() is page.status_buttons[Status.LOOKS_OK]


def test_the_guidance_shows_where_the_keyboard_is(ui) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    area = window.checking.page.scroll_area
    window.checking.page.status_buttons[Status.LOOKS_OK].setFocus()
    unfocused = area.grab().toImage()
    area.setFocus()
    ui.qtbot.waitUntil(area.hasFocus)
    assert area.grab().toImage() != unfocused


def test_an_advisor_is_asked_about_their_client(ui) -> None:
    window = ui.start(mode="advisor")
    window.show_page("cases")
    window.session.work.create("Words")
    window.show_page("intake")
    texts = [box.text() for box in window.intake.boxes.values()]
    assert "A car your client drives" in texts and "A car you drive" not in texts
    words = " ".join(label.text() for label in window.intake.findChildren(QLabel))
    assert "your client's situation" in words and "your situation" not in words


# -- polish -----------------------------------------------------------------------------------


def test_every_header_button_shows_the_keyboard_focus(ui) -> None:
    window = ui.start(mode="advisor")
    window.show_page("cases")
    window.session.work.create("Focus")  # a case open: every page button is enabled
    header = [p.button for p in window.pages.values() if p.button is not None]
    header += [window.settings_button, window.quick_exit_button]
    for button in header:
        if not button.isVisible() or not button.isEnabled():
            continue
        away = window.quick_exit_button if button is window.settings_button else None
        (away or window.settings_button).setFocus()
        ui.qtbot.waitUntil(lambda b=button: not b.hasFocus())
        before = button.grab().toImage()
        button.setFocus(Qt.FocusReason.TabFocusReason)
        ui.qtbot.waitUntil(button.hasFocus)
        assert button.grab().toImage() != before, button.accessibleName()


def test_first_start_tab_lands_on_something_that_shows_it(ui, qtbot) -> None:
    dialog = FirstStartDialog(ui.data_dir, "SafetyCheck")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    reached = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        assert focus is not None and focus.isVisible() and focus.window() is dialog
        assert focus.accessibleName(), type(focus).__name__
        reached.append(focus)
    assert dialog.notice_scroll in reached and dialog.neutral in reached
    area = dialog.notice_scroll
    area.setFocus()
    qtbot.waitUntil(area.hasFocus)
    focused = area.grab().toImage()
    dialog.advisor_button.setFocus()
    qtbot.waitUntil(lambda: not area.hasFocus())
    assert area.grab().toImage() != focused


def test_first_start_offers_the_plain_title_and_a_lock_with_the_passphrase(ui) -> None:
    from safetycheck.settings import load_settings

    def choose(dialog) -> None:
        dialog.neutral.setChecked(True)
        dialog.protect.setChecked(True)

        def set_passphrase(offer) -> None:
            assert isinstance(offer, PassphraseDialog)
            offer.new.setText("a long enough passphrase")
            offer.repeat.setText("a long enough passphrase")
            assert offer.new.echoMode() == offer.new.EchoMode.Password
            offer.show_box.setChecked(True)
            assert offer.new.echoMode() == offer.new.EchoMode.Normal
            assert offer.repeat.echoMode() == offer.new.EchoMode.Normal
            offer.understood.setChecked(True)
            offer.try_apply()

        ui.when_modal(set_passphrase)
        dialog.self_button.click()

    ui.when_modal(choose)
    window = ui.start()
    settings = load_settings(ui.data_dir)
    assert settings.neutral_title and window.windowTitle() == "Checklist"
    assert settings.idle_lock_minutes == 10
    assert window.session.case.reference == "My check"


def test_one_minute_is_one_minute_and_self_mode_is_not_asked_for_a_service(ui) -> None:
    from ui.passphrase_settings import PassphraseSection
    from ui.settings_dialog import ServiceSection

    window = ui.start(mode="self")
    dialog = SettingsDialog(window.session, window)
    ui.qtbot.addWidget(dialog)
    dialog.show()
    section = next(s for s in dialog.sections if isinstance(s, PassphraseSection))
    section.idle_minutes.setEnabled(True)
    section.idle_minutes.setValue(1)
    assert section.idle_minutes.text() == "1 minute"
    section.idle_minutes.setValue(5)
    assert section.idle_minutes.text() == "5 minutes"
    service = next(s for s in dialog.sections if isinstance(s, ServiceSection))
    assert not service.isVisible()
    mode = dialog.sections[0]
    mode.advisor.setChecked(True)
    assert service.isVisible()


def test_the_chosen_answer_is_filled_in_dark_mode_too(ui) -> None:
    from PySide6.QtGui import QColor, QPalette

    app = QApplication.instance()
    old = app.palette()
    dark = QPalette(old)
    for role, color in (
        (QPalette.ColorRole.Window, "#202020"),
        (QPalette.ColorRole.Button, "#303030"),
        (QPalette.ColorRole.WindowText, "#f0f0f0"),
        (QPalette.ColorRole.ButtonText, "#f0f0f0"),
        (QPalette.ColorRole.Highlight, "#3d7bd9"),
    ):
        dark.setColor(role, QColor(color))
    app.setPalette(dark)
    try:
        window = ui.start(mode="self")
        window.session.work.set_intake(["android"])
        window.show_page("checks")
        page = window.checking.page
        page.status_buttons[Status.NOT_SURE].click()
        chosen = page.status_buttons[Status.NOT_SURE].grab().toImage()
        other = page.status_buttons[Status.LOOKS_OK].grab().toImage()
        middle = (chosen.width() // 8, chosen.height() // 2)
        assert chosen.pixelColor(*middle) != other.pixelColor(*middle)
        assert chosen.pixelColor(*middle).name() == "#3d7bd9"
    finally:
        app.setPalette(old)


def test_the_sidebar_says_what_its_marks_mean(ui) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    legend = window.checking.legend
    assert legend.isVisible()
    for words in ("not checked yet", "looks OK", "concern", "not sure", "not safe", "applicable"):
        assert words in legend.text()


# -- the window on a small screen -------------------------------------------------------------


def test_the_window_with_its_frame_fits_the_screen_and_its_size_is_kept(ui) -> None:
    from PySide6.QtCore import QSize

    from safetycheck.settings import load_settings
    from ui.main_window import FRAME_GUESS, fitted

    # 1280x720 less a 48 px taskbar, a 31 px title bar and 8 px borders.
    assert fitted(QSize(1000, 720), QSize(1280, 672), QSize(16, 39)) == QSize(1000, 633)
    assert fitted(QSize(1000, 720), QSize(1366, 728), QSize(16, 39)) == QSize(1000, 689)
    window = ui.start(mode="self")
    area = window.screen().availableGeometry()
    assert window.height() + FRAME_GUESS.height() <= area.height()
    assert window.width() + FRAME_GUESS.width() <= area.width()
    smaller = window.size() - QSize(60, 60)  # what the person left it at (above its minimum)
    window.resize(smaller)
    left = [window.width(), window.height()]
    window.close()
    assert load_settings(ui.data_dir).window_size == left
    again = ui.start()  # the same settings file
    assert [again.width(), again.height()] == left


def test_a_remembered_size_bigger_than_this_screen_is_made_to_fit(ui) -> None:
    from ui.main_window import FRAME_GUESS

    window = ui.start(mode="self", window_size=[5000, 4000])
    area = window.screen().availableGeometry()
    assert window.height() + FRAME_GUESS.height() <= area.height()
    assert window.width() + FRAME_GUESS.width() <= area.width()


def test_quick_exit_keeps_the_size_too(ui) -> None:
    from PySide6.QtCore import QSize

    from safetycheck.settings import load_settings

    window = ui.start(mode="self")
    window.resize(window.size() - QSize(40, 40))
    left = [window.width(), window.height()]
    window.quick_exit_button.click()
    assert ui.quit_calls == [1]
    assert load_settings(ui.data_dir).window_size == left


def test_an_advisor_can_skip_the_service_details(ui) -> None:
    from safetycheck.settings import load_settings
    from ui.service_dialog import ServiceDetailsDialog

    def choose(dialog) -> None:
        def skip(details) -> None:
            assert isinstance(details, ServiceDetailsDialog)
            assert "printed on the case record" in " ".join(
                label.text() for label in details.findChildren(QLabel)
            )
            details.skip_button.click()

        ui.when_modal(skip)
        dialog.advisor_button.click()

    ui.when_modal(choose)
    window = ui.start()
    assert window.current_key == "cases"
    settings = load_settings(ui.data_dir)
    assert settings.mode == "advisor" and settings.first_start_done
    assert settings.service_name == ""


def test_after_a_restart_and_unlocking_and_after_the_idle_lock_the_place_is_kept(ui) -> None:
    from test_ui_privacy import PASSPHRASE, protected_folder, type_passphrase

    protected_folder(ui.data_dir, mode="self", idle_lock_minutes=5)
    ui.when_modal(lambda dialog: type_passphrase(ui.qtbot, dialog, PASSPHRASE))
    window = ui.start()
    work = window.session.work
    work.set_intake(["android"])
    window.show_page("checks")
    page = window.checking.page
    # The first check is answered already: the case opens at the first one not answered.
    assert page.check.id == "t-start-device"
    page.next_button.click()
    assert page.check.id == "t-phone-apps"
    # The idle lock: unlocked again, still on the same check.
    unlocked = []

    def unlock(dialog) -> None:
        type_passphrase(ui.qtbot, dialog, PASSPHRASE)
        unlocked.append(1)

    ui.when_modal(unlock, timeout_ms=5000)
    window.idle_lock.set_timeout(0.3)
    ui.qtbot.waitUntil(lambda: unlocked == [1], timeout=5000)
    assert page.check.id == "t-phone-apps"
    window.close()
    # A restart: the unlock window, then the same check.
    ui.when_modal(lambda dialog: type_passphrase(ui.qtbot, dialog, PASSPHRASE))
    again = ui.start()
    assert again.current_key == "checks"
    assert again.checking.page.check.id == "t-phone-apps"
