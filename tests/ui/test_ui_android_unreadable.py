"""The scan page with a phone that cannot be read, and Cancel (issue 12, defect 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from android_fakes import FakeAdb
from test_ui_android import click, open_scan_page

from safetycheck.paths import checklists_dir


@pytest.fixture
def shipped_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    monkeypatch.setattr(app, "checklists_dir", checklists_dir)


def _find_phone(ui, page) -> None:
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: page.device_list.count() == 1 and not page.busy, timeout=15000)


def test_a_phone_that_could_not_be_read_is_not_called_clean(
    ui, shipped_content, tmp_path: Path
) -> None:
    _window, page, case = open_scan_page(ui, str(FakeAdb(tmp_path, "unreadable").path))
    _find_phone(ui, page)
    click(ui.qtbot, page.scan_button)
    ui.qtbot.waitUntil(lambda: page.results.isVisible(), timeout=30000)
    assert "could not read this phone" in page.headline.text()
    assert "No known stalkerware" not in page.headline.text()
    assert "Could not read the list of apps" in page.problems.text()
    assert "scan again" in page.next_steps.text()

    click(ui.qtbot, page.save_button)
    (entry,) = [e for e in ui.store().load(case.id).evidence if e.source == "android-scan"]
    assert "could not read this phone" in entry.what
    assert "No known stalkerware" not in entry.what


def test_cancel_stops_a_scan_of_a_hung_phone(ui, shipped_content, tmp_path: Path) -> None:
    fake = FakeAdb(tmp_path, "hung")
    _window, page, case = open_scan_page(ui, str(fake.path))
    _find_phone(ui, page)
    assert not page.cancel_button.isEnabled()  # nothing to cancel yet
    click(ui.qtbot, page.scan_button)
    ui.qtbot.waitUntil(lambda: fake.shell_commands() != [], timeout=15000)
    assert page.busy
    click(ui.qtbot, page.cancel_button)
    ui.qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    assert "cancelled" in page.progress.text()
    assert not page.results.isVisible()
    assert page.scan_button.isEnabled() and not page.cancel_button.isEnabled()
    assert [e for e in ui.store().load(case.id).evidence if e.source == "android-scan"] == []


def test_cancel_stops_looking_for_phones(ui, shipped_content, tmp_path: Path) -> None:
    fake = FakeAdb(tmp_path, "clean")
    config = fake.scenario / "scenario.toml"
    config.write_text("devices_hang = true\n" + config.read_text(encoding="utf-8"))
    _window, page, _case = open_scan_page(ui, str(fake.path))
    assert not page.cancel_button.isEnabled()  # nothing to cancel yet
    click(ui.qtbot, page.find_button)
    ui.qtbot.waitUntil(lambda: fake.calls() != [], timeout=15000)
    assert page.busy and page.cancel_button.isEnabled()
    click(ui.qtbot, page.cancel_button)
    assert page.progress.text() == "Stopping the search for phones…"
    ui.qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    assert page.progress.text() == "Stopped looking for phones."
    assert page.device_list.count() == 0 and not page.cancel_button.isEnabled()
    assert page.find_button.isEnabled()
