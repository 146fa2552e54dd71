"""The command line says what to type, not which button to press: the app's words ("press
'Find connected iPhones'", "choose the adb file in SafetyCheck's Settings") stay in the app
(QA walk follow-ups, issue 14/15)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from android_fakes import IOC, FakeAdb
from conftest import run_cli

from safetycheck.android.adb import install_guidance
from safetycheck.android.indicators import IndicatorStore, bundled_lists
from safetycheck.iphone.text import link_guidance

APP_WORDS = ("press '", "Settings", "in this app", "Press ")


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_the_install_help_has_words_for_the_command_line(platform: str) -> None:
    for app, cli, command in (
        (install_guidance(platform), install_guidance(platform, cli=True), "scan-android --adb"),
        (link_guidance(platform), link_guidance(platform, cli=True), "scan-iphone"),
    ):
        assert any(words in app for words in APP_WORDS), app  # the app keeps its own
        assert not [words for words in APP_WORDS if words in cli], cli
        if "scan-android" in command and platform == "linux":
            command = "sudo apt install adb"  # then no --adb is needed
        assert command in cli, cli


def test_scan_iphone_without_the_usb_helper_says_what_to_run(tmp_path: Path, data_dir) -> None:
    env = {"USBMUXD_SOCKET_ADDRESS": f"UNIX:{tmp_path / 'nothing-here'}"}
    result = run_cli("scan-iphone", env=env)
    assert result.returncode == 1
    assert "sudo apt install usbmuxd" in result.stderr and "run scan-iphone again" in result.stderr
    assert "Find connected iPhones" not in result.stderr and "in this app" not in result.stderr


def test_scan_android_without_adb_says_what_to_type(tmp_path: Path, data_dir) -> None:
    env = {"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)}
    result = run_cli("scan-android", env=env)
    assert result.returncode == 1
    assert "scan-android --adb ~/platform-tools/adb" in result.stderr  # the tests run on Linux
    assert "Settings" not in result.stderr and "Traceback" not in result.stderr


def test_an_old_list_names_the_command_that_updates_it(tmp_path: Path, data_dir) -> None:
    shipped = bundled_lists()[0]
    old = dt.date(2027, 8, 30)
    assert "Press Update indicators" in (shipped.age_warning(old) or "")  # the app's button
    assert "Run 'indicators update'" in (shipped.age_warning(old, cli=True) or "")
    store = IndicatorStore(data_dir)
    store.import_file(IOC)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    data["imported_at"] = "2025-01-10T09:00:00+00:00"
    store.path.write_text(json.dumps(data), encoding="utf-8")
    shown = run_cli("indicators", "show")
    fake = FakeAdb(tmp_path, "clean")
    scanned = run_cli("scan-android", "--adb", str(fake.path))
    assert scanned.returncode == 0, scanned.stderr
    for out in (shown.stdout, scanned.stdout):
        assert "Warning: The list" in out and "Run 'indicators update'" in out, out
        assert "Press Update indicators" not in out
