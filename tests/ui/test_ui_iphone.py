"""The iPhone scan page, driven through real widgets against the recorded phones."""

from __future__ import annotations

from pathlib import Path

import pytest
from iphone_fakes import FakeUsbmuxd
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel
from test_ui_accessibility import unnamed

from safetycheck.android.indicators import CREDIT
from safetycheck.iphone.pairing import record_path
from safetycheck.iphone.scan import SOURCE
from safetycheck.iphone.text import message, scan_text
from safetycheck.paths import checklists_dir

CLEAN_UDID = "00008110-001A2B3C4D5E801E"


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint())


@pytest.fixture
def real_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    monkeypatch.setattr(app, "checklists_dir", checklists_dir)


@pytest.fixture
def phone(tmp_path, monkeypatch):
    made: list[FakeUsbmuxd] = []

    def make(scenario: str, **overrides) -> FakeUsbmuxd:
        fake = FakeUsbmuxd(tmp_path, scenario, **overrides)
        made.append(fake)
        monkeypatch.setenv("USBMUXD_SOCKET_ADDRESS", fake.address)
        return fake

    yield make
    for fake in made:
        fake.close()


def open_page(ui, intake=("iphone",)):
    case = ui.store().create("Case 19B")
    window = ui.start(mode="advisor")
    assert window.open_case(case.id)
    window.session.work.set_intake(list(intake))
    click(ui.qtbot, window.pages["iphone"].button)
    assert window.current_key == "iphone"
    return window, window.page_widget("iphone"), case


def find(ui, page, count: int = 1) -> None:
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: page.device_list.count() == count and not page.busy, timeout=15000)


def scan(ui, page) -> None:
    click(ui.qtbot, page.scan_button)
    ui.qtbot.waitUntil(lambda: not page.busy, timeout=30000)


def test_scan_the_managed_phone_and_keep_chosen_leads(ui, real_content, phone):
    fake = phone("managed")
    window, page, case = open_page(ui)
    caution = " ".join(label.text() for label in page.caution_box.findChildren(QLabel))
    assert page.caution_box.isVisible() and "Trusting leaves a mark" in caution
    assert page.credit.text() == CREDIT
    assert "Echap watchware indicators" in page.lists_label.text()
    assert unnamed(page) == []

    find(ui, page)
    assert page.device_status.text() == scan_text()["page"]["found_one"]
    assert "00008110-000E4F5A6B7C801E" in page.device_list.item(0).text()
    scan(ui, page)
    assert page.results.isVisible()
    assert "Sam's iPhone (iPhone 14), iOS 18.1 (22B83)" in page.device_label.text()
    texts = [page.findings.item(i).text() for i in range(page.findings.count())]
    assert texts[0].startswith("This iPhone is supervised by Home IT.")
    assert any("'Device Management' by Home IT" in t for t in texts)
    assert page.findings.item(0).font().bold()  # a strong lead
    assert unnamed(page) == []

    # The person leaves the proxy profile out of the record.
    proxy = next(i for i, t in enumerate(texts) if "'Network settings'" in t)
    page.findings.item(proxy).setCheckState(Qt.CheckState.Unchecked)
    click(ui.qtbot, page.save_button)
    saved = ui.store().load(case.id)
    entries = [e for e in saved.evidence if e.source == SOURCE]
    assert len(entries) == len(texts)  # the summary and every lead but one
    assert not any("Network settings" in e.what for e in entries)
    assert saved.answers == {}
    assert "Added" in page.saved_status.text() and not page.save_button.isEnabled()

    # Double-clicking a lead opens its check, which shows the saved entry.
    page.findings.itemActivated.emit(page.findings.item(0))
    assert window.current_key == "checks"
    assert window.checking.page.check.id == "iphone-profiles"
    assert "supervised" in window.checking.page.evidence_list.text()
    assert fake.written() == []


def test_the_scan_pages_follow_what_the_case_has(ui, real_content, phone):
    phone("clean")
    case = ui.store().create("Case 19C")
    window = ui.start(mode="advisor")
    assert window.open_case(case.id)
    buttons = {key: window.pages[key].button for key in ("android", "iphone")}
    assert not buttons["android"].isVisible() and not buttons["iphone"].isVisible()
    window.show_page("iphone")
    assert window.current_key != "iphone"  # not even by its key
    window.session.work.set_intake(["iphone"])
    assert buttons["iphone"].isVisible() and not buttons["android"].isVisible()
    window.session.work.set_intake(["android", "iphone"])
    assert buttons["iphone"].isVisible() and buttons["android"].isVisible()
    window.session.work.set_intake(["android"])
    assert not buttons["iphone"].isVisible() and buttons["android"].isVisible()


def test_untrusted_phone_is_asked_only_after_the_person_agrees(ui, real_content, phone):
    fake = phone("not_trusted")
    _window, page, _case = open_page(ui)
    find(ui, page)
    scan(ui, page)
    assert message("not_trusted") in page.progress.text()
    assert "Pair" not in fake.requests("lockdown")

    ui.dialogs.queue("ask", 1)  # Cancel: nothing is asked of the phone
    click(ui.qtbot, page.trust_button)
    assert "Trusting leaves a mark" in ui.dialogs.asked[-1][1]
    assert not page.busy and "Pair" not in fake.requests("lockdown")

    ui.dialogs.queue("ask", 0)  # Ask the iPhone
    click(ui.qtbot, page.trust_button)
    ui.qtbot.waitUntil(lambda: page.results.isVisible(), timeout=30000)
    assert fake.requests("lockdown").count("Pair") == 3  # twice "waiting", then Trust
    assert "does not prove the phone is safe" in page.headline.text()
    assert "Hidden and locked apps" in page.next_steps.text()
    assert record_path(ui.data_dir, CLEAN_UDID).is_file()

    click(ui.qtbot, page.forget_button)
    assert not record_path(ui.data_dir, CLEAN_UDID).exists()
    assert "deleted" in page.forget_status.text()


def test_cancel_stops_a_phone_that_does_not_answer(ui, real_content, phone):
    fake = phone("clean", hang="com.apple.mobile.installation_proxy")
    _window, page, _case = open_page(ui)
    find(ui, page)
    click(ui.qtbot, page.scan_button)
    ui.qtbot.waitUntil(
        lambda: "Browse" in fake.requests("com.apple.mobile.installation_proxy"), timeout=15000
    )
    assert page.busy and page.cancel_button.isEnabled()
    click(ui.qtbot, page.cancel_button)
    ui.qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    assert page.progress.text() == message("cancelled")
    assert not page.results.isVisible()


def test_no_usb_helper_says_what_to_install(ui, real_content, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("USBMUXD_SOCKET_ADDRESS", f"UNIX:{tmp_path / 'nothing-here'}")
    _window, page, _case = open_page(ui)
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert message("no_link") in page.helper_status.text()
    assert "sudo apt install usbmuxd" in page.helper_status.text()
    assert page.device_list.count() == 0 and not page.scan_button.isEnabled()


def test_two_phones_ask_for_a_choice(ui, real_content, phone):
    phone("two")
    _window, page, _case = open_page(ui)
    find(ui, page, count=2)
    assert page.device_status.text() == message("several")
    page.device_list.setCurrentRow(1)
    scan(ui, page)
    assert "Sam's iPhone" in page.device_label.text()


def test_no_alt_letter_clashes_with_the_iphone_page(ui, real_content, phone):
    from test_ui_appointment import clashes, literal_ampersands

    phone("managed")
    window, page, _case = open_page(ui, intake=("android", "iphone"))
    find(ui, page)
    scan(ui, page)  # the results and their buttons are on screen too
    for key, entry in window.pages.items():
        if entry.button is None or not entry.button.isVisible() or key == "cases":
            continue
        window.show_page(key)
        assert clashes(window) == {}, key
        assert literal_ampersands(window) == [], key


def test_quick_exit_during_a_scan_hides_at_once(ui, real_content, phone):
    """The scan runs on a worker: Quick Exit never waits for the phone to answer."""
    fake = phone("clean", hang="com.apple.mobile.installation_proxy")
    window, page, case = open_page(ui)
    find(ui, page)
    click(ui.qtbot, page.scan_button)
    ui.qtbot.waitUntil(
        lambda: "Browse" in fake.requests("com.apple.mobile.installation_proxy"), timeout=15000
    )
    click(ui.qtbot, window.quick_exit_button)
    assert not window.isVisible() and ui.quit_calls == [1]
    assert page.busy  # hidden while the phone was still silent: it did not wait
    from ui import background

    # Quick Exit stopped the worker too (the connections are shut, not left to time out);
    # its outcome is dropped, so nothing reaches the page.
    ui.qtbot.waitUntil(lambda: not background.runner().jobs, timeout=10000)
    assert [e for e in ui.store().load(case.id).evidence if e.source == SOURCE] == []


def test_quick_exit_while_waiting_for_trust_keeps_no_key(ui, real_content, phone):
    """Two minutes of waiting for Trust end at Quick Exit, and no pair record is kept."""
    fake = phone("not_trusted", trust="never")
    window, page, _case = open_page(ui)
    find(ui, page)
    ui.dialogs.queue("ask", 0)  # Ask the iPhone
    click(ui.qtbot, page.trust_button)
    ui.qtbot.waitUntil(lambda: "Pair" in fake.requests("lockdown"), timeout=15000)
    click(ui.qtbot, window.quick_exit_button)
    assert not window.isVisible()
    from ui import background

    ui.qtbot.waitUntil(lambda: not background.runner().jobs, timeout=10000)
    assert not record_path(ui.data_dir, CLEAN_UDID).parent.exists() or not any(
        record_path(ui.data_dir, CLEAN_UDID).parent.iterdir()
    )


def test_cancel_stops_looking_for_iphones(ui, real_content, phone):
    fake = phone("clean", hang_list=True)
    _window, page, _case = open_page(ui)
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: "ListDevices" in fake.requests("usbmuxd"), timeout=15000)
    assert page.busy and page.cancel_button.isEnabled()
    click(ui.qtbot, page.cancel_button)
    assert page.progress.text() == scan_text()["page"]["stopping_find"]
    ui.qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    assert page.progress.text() == message("cancelled")
    assert page.device_list.count() == 0 and page.find_button.isEnabled()
