"""``python main.py scan-iphone`` in a child process, against a recorded phone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from iphone_fakes import FakeUsbmuxd

from safetycheck.android.indicators import CREDIT
from safetycheck.iphone.pairing import record_path
from safetycheck.iphone.text import message

HERE = Path(__file__).resolve().parent
CLEAN_UDID = "00008110-001A2B3C4D5E801E"


@pytest.fixture
def phone(tmp_path, data_dir):
    made: list[FakeUsbmuxd] = []

    def make(scenario: str, **overrides) -> tuple[FakeUsbmuxd, dict[str, str]]:
        fake = FakeUsbmuxd(tmp_path, scenario, **overrides)
        made.append(fake)
        return fake, {"USBMUXD_SOCKET_ADDRESS": fake.address}

    yield make
    for fake in made:
        fake.close()


def test_json_names_the_watchware_from_the_shipped_list(phone):
    fake, env = phone("enterprise_watchware")  # no download, no import: offline from the start
    result = run_cli("scan-iphone", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["credit"] == CREDIT
    assert data["device"]["model"] == "iPhone 12" and data["device"]["ios_version"] == "17.6.1"
    life360 = next(f for f in data["findings"] if f["kind"] == "watchware")
    assert life360["product"] == "Life360" and life360["check_id"] == "iphone-safety-check"
    assert {"outside_store", "hidden_app", "enterprise_profile", "developer_mode"} <= {
        f["kind"] for f in data["findings"]
    }
    assert fake.written() == []


def test_text_names_the_check_to_do_by_hand(phone):
    _fake, env = phone("managed")
    result = run_cli("scan-iphone", env=env)
    assert result.returncode == 0, result.stderr
    assert "iPhone: Sam's iPhone (iPhone 14), iOS 18.1 (22B83)" in result.stdout
    assert "This iPhone is supervised by Home IT." in result.stdout
    assert "The check to do by hand: Profiles and device management." in result.stdout
    assert "leads for a person to look at, not proof" in result.stdout
    assert "someone else may manage or control it" in result.stdout
    assert CREDIT in result.stdout


def test_untrusted_phone_explains_trust_and_asks_only_with_pair(phone, data_dir):
    fake, env = phone("not_trusted")
    result = run_cli("scan-iphone", env=env)
    assert result.returncode == 1
    assert message("not_trusted") in result.stderr
    assert "Reset Location & Privacy" in result.stderr and "--pair" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Pair" not in fake.requests("lockdown")

    result = run_cli("scan-iphone", "--pair", env=env)
    assert result.returncode == 0, result.stderr
    assert "Trusting leaves a mark" in result.stderr
    assert message("trust_waiting") in result.stderr
    assert record_path(data_dir, CLEAN_UDID).is_file()

    result = run_cli("forget-iphone", CLEAN_UDID)
    assert result.returncode == 0 and "deleted" in result.stdout
    assert "Reset Location & Privacy" in result.stdout
    assert not record_path(data_dir, CLEAN_UDID).exists()
    assert "keeps no key" in run_cli("forget-iphone", CLEAN_UDID).stdout


def test_no_usb_helper_says_what_to_install(tmp_path, data_dir):
    env = {"USBMUXD_SOCKET_ADDRESS": f"UNIX:{tmp_path / 'nothing-here'}"}
    result = run_cli("scan-iphone", env=env)
    assert result.returncode == 1
    assert message("no_link") in result.stderr
    assert "sudo apt install usbmuxd" in result.stderr  # the tests run on Linux
    assert "Traceback" not in result.stderr


def test_two_phones_ask_for_udid(phone):
    _fake, env = phone("two")
    result = run_cli("scan-iphone", env=env)
    assert result.returncode == 1 and "--udid" in result.stderr
    result = run_cli("scan-iphone", "--udid", CLEAN_UDID, "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["device"]["udid"] == CLEAN_UDID


def test_locked_phone_is_one_sentence(phone):
    _fake, env = phone("locked")
    result = run_cli("scan-iphone", env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == f"safetycheck: {message('locked')}"


def test_a_phone_whose_apps_could_not_be_read_is_not_a_success(phone):
    _fake, env = phone("clean", refuse="com.apple.mobile.installation_proxy")
    result = run_cli("scan-iphone", env=env)
    assert result.returncode == 1
    assert "could not read the list of apps" in result.stdout
    assert "Note: Part of the scan could not be read (the list of apps)" in result.stdout


def test_case_records_every_lead_through_the_case_service(phone, data_dir):
    from safetycheck.iphone.scan import SOURCE
    from safetycheck.store import CaseStore

    _fake, env = phone("managed")
    store = CaseStore(data_dir)
    case = store.create("Case 19A")
    result = run_cli("scan-iphone", "--case", "Case 19A", env=env)
    assert result.returncode == 0, result.stderr
    assert "Recorded 4 entries in the evidence log of Case 19A." in result.stdout
    saved = store.load(case.id)
    scanned = [e for e in saved.evidence if e.source == SOURCE]
    assert len(scanned) == 4  # the summary and three leads
    assert scanned[0].what.startswith("iPhone scan of 16 apps.")
    assert all("Sam's iPhone (iPhone 14), iOS 18.1 (22B83)" in e.where for e in scanned)
    assert {e.check_id for e in scanned} == {"iphone-profiles"}
    assert saved.answers == {}  # the person confirms each check; the scan never answers
    assert saved.scans[-1].source == SOURCE and saved.scans[-1].findings == 3


def test_a_wrong_case_reference_scans_nothing(phone):
    fake, env = phone("managed")
    result = run_cli("scan-iphone", "--case", "No Such Case", env=env)
    assert result.returncode == 1 and "No case has the reference" in result.stderr
    assert fake.log == []
