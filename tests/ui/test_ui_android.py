"""The Android phone scan page, driven through real widgets against the fake adb."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from android_fakes import IOC, FakeAdb
from local_https import serve
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton
from test_ui_accessibility import unnamed

from safetycheck.android.indicators import CREDIT, IndicatorStore
from safetycheck.paths import checklists_dir
from safetycheck.settings import load_settings
from ui.settings_dialog import SettingsDialog


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint())


@pytest.fixture
def real_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    monkeypatch.setattr(app, "checklists_dir", checklists_dir)


def open_scan_page(ui, adb_path: str, topics=("android",)):
    store = ui.store()
    case = store.create("Case 7F3K", topics=list(topics))
    window = ui.start(adb_path=adb_path)
    assert window.open_case(case.id)
    window.pages["android"].button.click()
    assert window.current_key == "android"
    return window, window.page_widget("android"), case


def find_and_scan(ui, page) -> None:
    qtbot = ui.qtbot
    click(qtbot, page.find_button)
    qtbot.waitUntil(lambda: page.device_list.count() > 0 and not page.busy, timeout=15000)
    click(qtbot, page.scan_button)
    qtbot.waitUntil(lambda: page.results.isVisible(), timeout=30000)


def test_scan_a_phone_with_stalkerware_and_save_to_the_case(
    ui, real_content, tmp_path: Path
) -> None:
    IndicatorStore(ui.data_dir).import_file(IOC)
    fake = FakeAdb(tmp_path, "stalkerware", delay=0.2)
    window, page, case = open_scan_page(ui, str(fake.path))
    assert "Ready." in page.adb_status.text()
    assert "Echap stalkerware indicators: 147 known apps, updated on" in page.lists_label.text()
    assert page.credit.text() == CREDIT and page.credit.isVisible()
    assert page.caution_box.isVisible()
    assert unnamed(page) == []

    qtbot = ui.qtbot
    click(qtbot, page.find_button)
    qtbot.waitUntil(lambda: page.device_list.count() == 1 and not page.busy, timeout=15000)
    assert "SM A520F" in page.device_list.item(0).text()
    assert page.device_status.text() == "One phone is ready to scan."

    # The window keeps answering while the scan runs on the worker thread.
    click(qtbot, page.scan_button)
    assert page.busy and not page.scan_button.isEnabled()
    ticks: list[float] = []
    start = time.monotonic()
    for delay in (50, 100, 150):
        QTimer.singleShot(delay, lambda: ticks.append(time.monotonic() - start))
    qtbot.waitUntil(lambda: len(ticks) == 3, timeout=2000)
    assert page.busy, "the scan finished too fast to show the window stays responsive"
    assert max(ticks) < 1.0
    qtbot.waitUntil(lambda: page.results.isVisible(), timeout=30000)

    assert "Known stalkerware found: SpyLive360" in page.headline.text()
    texts = [page.findings.item(i).text() for i in range(page.findings.count())]
    assert texts[0].startswith("com.wifi0 matches known stalkerware: SpyLive360.")
    assert any("can read the screen" in t for t in texts)
    assert page.leads_intro.isVisible()
    assert unnamed(page) == []

    # "Developer options on" is expected during a scan: left out unless ticked.
    expected = [i for i, t in enumerate(texts) if t.startswith("Developer options")]
    assert [page.findings.item(i).checkState() for i in expected] == [Qt.CheckState.Unchecked]
    assert f"{len(texts) - 1} ticked leads" in page.save_button.text()
    click(qtbot, page.save_button)
    saved = ui.store().load(case.id)
    scan_entries = [e for e in saved.evidence if e.source == "android-scan"]
    assert len(scan_entries) == len(texts)  # the scan's summary and the ticked leads
    assert saved.answers == {}  # the person confirms each check
    assert "Added" in page.saved_status.text()
    assert not page.save_button.isEnabled()  # saved once, not twice

    # The matching check shows the scan's entry for the person to confirm.
    accessibility = next(
        i for i in range(page.findings.count()) if "can read the screen" in texts[i]
    )
    page.findings.setCurrentRow(accessibility)
    page.findings.itemActivated.emit(page.findings.item(accessibility))
    assert window.current_key == "checks"
    check_page = window.checking.page
    assert check_page.check.id == "android-accessibility"
    assert "com.wifi0" in check_page.evidence_list.text()
    assert {c[2] for c in fake.calls() if c[0] == "-s"} <= {"shell", "pull"}


def test_clean_phone_says_it_proves_nothing(ui, real_content, tmp_path: Path) -> None:
    fake = FakeAdb(tmp_path, "clean")
    _window, page, _case = open_scan_page(ui, str(fake.path))
    assert "list of 21 June 2026 (comes with SafetyCheck)" in page.lists_label.text()
    find_and_scan(ui, page)
    assert "does not prove the phone is safe" in page.headline.text()
    assert "manual Android checks" in page.next_steps.text()


def test_shipped_list_finds_stalkerware_before_any_update(ui, real_content, tmp_path: Path) -> None:
    fake = FakeAdb(tmp_path, "stalkerware")
    _window, page, _case = open_scan_page(ui, str(fake.path))
    assert page.credit.text() == CREDIT and page.credit.isVisible()
    find_and_scan(ui, page)
    assert "Known stalkerware found: SpyLive360" in page.headline.text()


def test_an_old_list_is_named_as_old_on_the_page(ui, real_content, tmp_path: Path) -> None:
    store = IndicatorStore(ui.data_dir)
    store.import_file(IOC)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    data["imported_at"] = "2025-01-10T09:00:00+00:00"
    store.path.write_text(json.dumps(data), encoding="utf-8")
    fake = FakeAdb(tmp_path, "clean")
    _window, page, _case = open_scan_page(ui, str(fake.path))
    assert "months old. Newer spy apps will not be on it." in page.lists_label.text()


def test_two_phones_must_be_chosen_and_unauthorized_is_explained(
    ui, real_content, tmp_path: Path
) -> None:
    fake = FakeAdb(tmp_path, "unauthorized")
    _window, page, _case = open_scan_page(ui, str(fake.path))
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: page.device_list.count() == 1 and not page.busy, timeout=15000)
    assert "tap Allow" in page.device_status.text()
    assert not page.scan_button.isEnabled()

    two = FakeAdb(tmp_path, "two_devices")
    page.session.settings.adb_path = str(two.path)
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: page.device_list.count() == 2 and not page.busy, timeout=15000)
    assert "Choose the one to scan" in page.device_status.text()
    page.device_list.setCurrentRow(1)
    click(ui.qtbot, page.scan_button)
    ui.qtbot.waitUntil(lambda: page.results.isVisible(), timeout=30000)
    assert "SpyLive360" in page.headline.text()


def test_missing_adb_shows_guidance(ui, real_content, tmp_path: Path) -> None:
    _window, page, _case = open_scan_page(ui, str(tmp_path / "nowhere" / "adb"))
    assert "does not hold it" in page.adb_status.text()
    assert "platform-tools" in page.adb_status.text()
    assert not page.find_button.isEnabled() and not page.scan_button.isEnabled()


def test_update_indicators_asks_first_then_downloads(
    ui, real_content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(tmp_path) as site:
        monkeypatch.setenv("SSL_CERT_FILE", str(site.cert_file))  # trust the test's server
        site.files["/ioc.yaml"] = IOC.read_bytes()
        fake = FakeAdb(tmp_path, "clean")
        url = f"{site.base}/ioc.yaml"
        store = ui.store()
        case = store.create("Case U", topics=["android"])
        window = ui.start(adb_path=str(fake.path), indicators_url=url)
        window.open_case(case.id)
        window.show_page("android")
        page = window.page_widget("android")

        ui.dialogs.queue("ask", 1)  # Cancel: nothing is downloaded
        click(ui.qtbot, page.update_button)
        assert "127.0.0.1" in ui.dialogs.asked[-1][1]
        assert IndicatorStore(ui.data_dir).load() is None
        assert site.requests == []

        ui.dialogs.queue("ask", 0)  # Download
        click(ui.qtbot, page.update_button)
        ui.qtbot.waitUntil(lambda: "Updated: 147 known apps" in page.progress.text(), timeout=15000)
        assert "Echap stalkerware indicators: 147 known apps" in page.lists_label.text()

        site.files["/ioc.yaml"] = b"<html>not a list</html>"
        ui.dialogs.queue("ask", 0)
        click(ui.qtbot, page.update_button)
        ui.qtbot.waitUntil(lambda: not page.busy, timeout=15000)
        assert "still in use" in page.progress.text()
        assert len(IndicatorStore(ui.data_dir).load().apps) == 147


def test_settings_hold_the_adb_path_and_list_address(ui, tmp_path: Path) -> None:
    window = ui.start(mode="advisor")
    fake = FakeAdb(tmp_path, "clean")

    def fill(dialog) -> None:
        assert isinstance(dialog, SettingsDialog)
        section = next(s for s in dialog.sections if s.title_text == "Android phone scan")
        assert unnamed(section) == []
        ui.dialogs.queue("ask_open_file", str(fake.path))
        click(ui.qtbot, section.choose)
        assert section.adb_path.text() == str(fake.path)
        section.url.setText("https://example.org/stalkerware.stix2")
        dialog.accept()

    ui.when_modal(fill)
    window.open_settings()
    saved = load_settings(ui.data_dir)
    assert saved.adb_path == str(fake.path)
    assert saved.indicators_url == "https://example.org/stalkerware.stix2"


def test_quick_exit_during_a_scan_hides_at_once(ui, real_content, tmp_path: Path) -> None:
    """The scan runs on a worker: Quick Exit never waits for the phone to answer."""
    fake = FakeAdb(tmp_path, "stalkerware", delay=0.4)
    window, page, case = open_scan_page(ui, str(fake.path))
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: page.device_list.count() == 1 and not page.busy, timeout=15000)
    click(ui.qtbot, page.scan_button)
    assert page.busy
    click(ui.qtbot, window.quick_exit_button)
    assert not window.isVisible() and ui.quit_calls == [1]
    assert page.busy  # hidden while the scan was still running: it did not wait
    from ui import background

    # Quick Exit stopped the scan; it ends without harm, and nothing reaches the window.
    ui.qtbot.waitUntil(lambda: not background.runner().jobs, timeout=30000)
    assert [e for e in ui.store().load(case.id).evidence if e.source == "android-scan"] == []


def test_the_page_chooses_adb_itself_and_names_apps(ui, real_content, tmp_path: Path) -> None:
    """Issue 14: a "Choose adb" button on the page; results brought into view; an app
    known only by its package name is said to be; old results go when phones are looked
    for again; only the ticked leads are saved."""
    fake = FakeAdb(tmp_path, "stalkerware")
    _window, page, case = open_scan_page(ui, str(tmp_path / "nowhere" / "adb"))
    assert not page.find_button.isEnabled()
    ui.dialogs.queue("ask_open_file", str(fake.path))
    click(ui.qtbot, page.choose_adb_button)
    assert "Ready." in page.adb_status.text() and page.find_button.isEnabled()
    assert load_settings(ui.data_dir).adb_path == str(fake.path)
    find_and_scan(ui, page)
    # The results are in view, and the keyboard is on the headline.
    ui.qtbot.waitUntil(lambda: page.headline.hasFocus())
    top = page.results_heading.mapTo(page.scroll_area.widget(), QPoint(0, 0)).y()
    bar = page.scroll_area.verticalScrollBar()
    assert bar.value() <= top < bar.value() + page.scroll_area.viewport().height()
    texts = [page.findings.item(i).text() for i in range(page.findings.count())]
    assert any("SpyLive360 (com.wifi0)" in t for t in texts)
    assert any("org.jitsi.meet (app name not known)" in t for t in texts)
    # Untick everything but the first lead: only it is saved, with the scan's summary.
    for row in range(1, page.findings.count()):
        page.findings.item(row).setCheckState(Qt.CheckState.Unchecked)
    assert "1 ticked lead " in page.save_button.text()
    click(ui.qtbot, page.save_button)
    saved = ui.store().load(case.id)
    assert len([e for e in saved.evidence if e.source == "android-scan"]) == 2
    assert saved.scans[-1].findings == len(texts)
    # Another look for phones (an unauthorised one now): the old results go.
    page.session.settings.adb_path = str(FakeAdb(tmp_path, "unauthorized").path)
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert not page.results.isVisible() and page.findings.count() == 0


def test_adb_chosen_in_settings_reaches_the_page_at_once(ui, real_content, tmp_path) -> None:
    fake = FakeAdb(tmp_path, "clean")
    window, page, _case = open_scan_page(ui, str(tmp_path / "nowhere" / "adb"))
    assert not page.find_button.isEnabled()

    def choose(dialog) -> None:
        section = next(s for s in dialog.sections if hasattr(s, "adb_path"))
        assert "does not hold it" in section.found.text()
        section.adb_path.setText(str(fake.path))
        assert section.found.text() == f"Found: {fake.path}"
        dialog.accept()

    ui.when_modal(choose)
    window.open_settings()
    assert window.current_key == "android"
    assert "Ready." in page.adb_status.text() and page.find_button.isEnabled()


def test_someone_alone_reads_a_support_service_in_the_results(
    ui, real_content, tmp_path: Path
) -> None:
    """Alone, the results said "Record it and plan with an advisor first" (the headline, the
    leads) and the old list's warning "ask your advisor", under a caution that already
    named a support service; the evidence log kept the advisor too."""
    store = IndicatorStore(ui.data_dir)
    store.import_file(IOC)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    data["imported_at"] = "2025-01-10T09:00:00+00:00"
    store.path.write_text(json.dumps(data), encoding="utf-8")
    fake = FakeAdb(tmp_path, "stalkerware")
    window = ui.start(adb_path=str(fake.path), mode="self")
    window.session.work.create("My phone")
    window.session.work.set_intake(["android"])
    window.pages["android"].button.click()
    page = window.page_widget("android")
    assert "months old" in page.lists_label.text()
    find_and_scan(ui, page)
    items = [page.findings.item(row).text() for row in range(page.findings.count())]
    shown = [page.headline.text(), page.leads_intro.text(), page.lists_label.text(), *items]
    shown.append(page.problems.text())
    assert not [text for text in shown if "advisor" in text.lower()], shown
    assert "plan with a support service first" in page.headline.text()
    click(ui.qtbot, page.save_button)
    saved = ui.store().load(window.session.case.id)
    assert saved.evidence and not [e.what for e in saved.evidence if "advisor" in e.what.lower()]
