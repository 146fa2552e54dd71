"""The "This computer" page, driven through real widgets against fixture machines."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from computer_machines import LOLRMM_EXAMPLE, build
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton
from test_ui_accessibility import unnamed

from safetycheck.computer.scan import SOURCE, scan_text
from safetycheck.computer.system import RecordedCommands, recorded_system
from safetycheck.paths import checklists_dir


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint())


@pytest.fixture
def real_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    monkeypatch.setattr(app, "checklists_dir", checklists_dir)


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the page at a fixture machine instead of this computer."""
    from safetycheck.computer import system

    def use(name: str, delay: float = 0.0) -> Path:
        folder = build(tmp_path / "machines", name)

        def recorded():
            found = recorded_system(folder)
            if delay:
                found.commands = _Slow(found.commands, delay)
            return found

        monkeypatch.setattr(system, "this_computer", recorded)
        return folder

    return use


class _Slow(RecordedCommands):
    def __init__(self, inner: RecordedCommands, delay: float) -> None:
        super().__init__(inner.outputs)
        self.delay = delay

    def run(self, argv):
        time.sleep(self.delay)
        return super().run(argv)


def open_page(ui, topics=("windows",)):
    store = ui.store()
    case = store.create("Case 7F3K", topics=list(topics))
    window = ui.start(mode="advisor")
    assert window.open_case(case.id)
    window.pages["computer"].button.click()
    assert window.current_key == "computer"
    return window, window.page_widget("computer"), case


def scan(ui, page) -> None:
    click(ui.qtbot, page.scan_button)
    ui.qtbot.waitUntil(lambda: page.results.isVisible(), timeout=20000)


def test_check_a_planted_computer_and_save_the_chosen_findings(ui, real_content, machine) -> None:
    folder = machine("windows-planted")
    _window, page, case = open_page(ui, topics=("android",))  # offered for every case
    text = scan_text()
    assert page.before.text() == text["before_scan"] and page.before.isVisible()
    scan(ui, page)
    assert page.headline.text().startswith("A known monitoring product was found: KidLogger")
    assert page.limits.isVisible() and "spyware can hide" in page.limits.text()
    assert page.findings.count() == len(page.result.findings) >= 12
    first = page.findings.item(0)
    assert first.text() == "A known monitoring product: KidLogger is on this computer."
    assert first.checkState() == Qt.CheckState.Checked
    info_rows = [i for i, f in enumerate(page.result.findings) if f.level == "info"]
    assert info_rows and all(
        page.findings.item(i).checkState() == Qt.CheckState.Unchecked for i in info_rows
    )
    assert "Why it matters" in page.detail.text() and "Safe next step" in page.detail.text()
    assert "Apps you do not recognise" in page.detail.text()  # the manual check
    assert page.logs.isVisible() and page.logs.count() == 2
    assert "security log" in page.skipped.text()
    # Results in view, with the keyboard focus on the result.
    ui.qtbot.waitUntil(lambda: page.headline.hasFocus())
    assert not page.headline.visibleRegion().isEmpty()

    # Untick the second finding with the keyboard, and the TeamViewer log.
    page.findings.setFocus()
    page.findings.setCurrentRow(1)
    ui.qtbot.keyClick(page.findings, Qt.Key.Key_Space)
    assert page.findings.item(1).checkState() == Qt.CheckState.Unchecked
    teamviewer = next(
        r for r in range(page.logs.count()) if "TeamViewer" in page.logs.item(r).text()
    )
    page.logs.item(teamviewer).setCheckState(Qt.CheckState.Unchecked)
    kept = page.ticked_findings()
    click(ui.qtbot, page.save_button)
    assert "Saved" in page.saved_status.text() and "1 connection log" in page.saved_status.text()
    assert not page.save_button.isEnabled()  # once per check

    saved = ui.store().load(case.id)
    assert saved.answers == {}
    assert all(e.source == SOURCE for e in saved.evidence)
    assert len(saved.evidence) == 1 + len(kept) + 1
    titles = " ".join(e.what for e in saved.evidence)
    assert page.result is None and "Spyrix is on this computer" not in titles
    log_entry = saved.evidence[-1]
    original = folder / "files/C/ProgramData/AnyDesk/connection_trace.txt"
    assert log_entry.attachment.sha256 == hashlib.sha256(original.read_bytes()).hexdigest()
    assert ui.store().read_attachment(saved, log_entry.attachment) == original.read_bytes()


def test_a_finding_opens_its_manual_check(ui, real_content, machine) -> None:
    machine("windows-planted")
    window, page, _case = open_page(ui)
    scan(ui, page)
    row = next(i for i, f in enumerate(page.result.findings) if f.check_id == "win-remote-tools")
    page.findings.setCurrentRow(row)
    assert page.open_check_button.isEnabled()
    click(ui.qtbot, page.open_check_button)
    assert window.current_key == "checks"
    assert window.checking.page.check.id == "win-remote-tools"


def test_a_clean_computer_says_nothing_found_proves_nothing(ui, real_content, machine) -> None:
    machine("macos-clean")
    _window, page, _case = open_page(ui, topics=("mac",))
    scan(ui, page)
    assert "does not prove the computer is safe" in page.headline.text()
    assert page.logs.isHidden()
    assert "Safari extensions" in page.skipped.text()


def test_cancel_stops_the_check_and_keeps_nothing(ui, real_content, machine) -> None:
    machine("windows-planted", delay=0.4)
    _window, page, case = open_page(ui)
    click(ui.qtbot, page.scan_button)
    ui.qtbot.waitUntil(lambda: page.cancel_button.isEnabled())
    assert not page.scan_button.isEnabled()
    click(ui.qtbot, page.cancel_button)
    ui.qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    assert (
        "cancelled" in page.progress.text() and "Nothing from it was kept" in page.progress.text()
    )
    assert page.results.isHidden() and page.result is None
    assert page.scan_button.isEnabled() and not page.cancel_button.isEnabled()
    assert ui.store().load(case.id).evidence == []


def test_every_control_is_named_and_reachable_by_keyboard(ui, real_content, machine) -> None:
    machine("windows-planted")
    window, page, _case = open_page(ui)
    scan(ui, page)
    assert unnamed(page) == []
    page.scan_button.setFocus()
    reached = set()
    for _ in range(60):
        ui.qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        reached.add(window.focusWidget())
    for widget in (
        page.findings,
        page.open_check_button,
        page.logs,
        page.save_button,
        page.import_button,
        page.download_button,
    ):
        assert widget in reached, widget.accessibleName()


def test_linux_findings_say_there_is_no_manual_linux_check(ui, real_content, machine) -> None:
    machine("linux-planted")
    _window, page, _case = open_page(ui)
    scan(ui, page)
    assert "no manual Linux checks yet" in page.detail.text()
    assert not page.open_check_button.isEnabled()
    assert "cron" in page.skipped.text()


def test_import_and_download_a_lolrmm_list(
    ui, real_content, machine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine("windows-clean")
    _window, page, _case = open_page(ui)
    export = tmp_path / "rmm_tools.json"
    export.write_text(json.dumps(LOLRMM_EXAMPLE), encoding="utf-8")
    ui.dialogs.queue("ask_open_file", str(export))
    click(ui.qtbot, page.import_button)
    ui.qtbot.waitUntil(lambda: not page.busy)
    assert "LOLRMM remote tools list: 2 tools" in page.lists_label.text()
    assert "Apache License 2.0" in page.credits.text()

    ui.dialogs.queue("ask", 1)  # Cancel: nothing is downloaded
    click(ui.qtbot, page.download_button)
    _title, question, choices = ui.dialogs.asked[-1]
    assert "https://lolrmm.io/api/rmm_tools.json" in question and "router" in question
    assert choices == ["Download", "Cancel"] and not page.busy


def test_quick_exit_during_a_check_hides_at_once(ui, real_content, machine) -> None:
    """The check runs on a worker: Quick Exit never waits for it, and nothing is saved."""
    machine("windows-planted", delay=0.4)
    window, page, case = open_page(ui)
    click(ui.qtbot, page.scan_button)
    assert page.busy
    click(ui.qtbot, window.quick_exit_button)
    assert not window.isVisible() and ui.quit_calls == [1]
    assert page.busy  # hidden while the check was still running: it did not wait
    from ui import background

    # It ends without harm; its outcome is dropped (Quick Exit), so nothing reaches the page.
    ui.qtbot.waitUntil(lambda: not background.runner().jobs, timeout=30000)
    assert ui.store().load(case.id).evidence == []


def test_someone_alone_reads_a_support_service_in_the_results(ui, real_content, machine) -> None:
    """The results said "plan with an advisor first" (headline, leads, each safe next step)
    to someone checking alone, whose caution above already said "a support service"."""
    machine("windows-planted")
    window = ui.start(mode="self")
    window.session.work.create("My laptop")
    window.pages["computer"].button.click()
    page = window.page_widget("computer")
    scan(ui, page)
    shown = [page.headline.text(), page.leads_intro.text()]
    for row in range(page.findings.count()):
        page.findings.setCurrentRow(row)
        shown.append(page.detail.text())
    text = "\n".join(shown)
    assert "advisor" not in text.lower(), text[:2000]
    assert "plan with a support service first" in page.headline.text()
    assert "Plan with a support service" in text  # a finding's safe next step
    click(ui.qtbot, page.save_button)
    saved = ui.store().load(window.session.case.id)
    assert not [e.what for e in saved.evidence if "advisor" in e.what.lower()]
