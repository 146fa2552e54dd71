"""The iPhone scan against recorded phones behind a fake usbmuxd (tests/iphone_fakes.py).

The whole client runs for real: usbmuxd's protocol on a Unix socket, lockdown, TLS with the
pair record's certificates, the three services, the provisioning profile's CMS wrapper, then
parsing and the lead rules.  Only the phone's answers are recorded (tests/data/iphone/).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from iphone_fakes import FakeUsbmuxd

from safetycheck.android.indicators import IndicatorIndex, bundled_lists
from safetycheck.checklist import load_checklists
from safetycheck.iphone import errors, scan
from safetycheck.iphone.pairing import record_path
from safetycheck.iphone.text import message, scan_text
from safetycheck.iphone.usbmux import Address, Usbmux
from safetycheck.iphone.wire import Cancel
from safetycheck.paths import checklists_dir

HERE = Path(__file__).resolve().parent


@pytest.fixture
def index() -> IndicatorIndex:
    return IndicatorIndex(bundled_lists())  # Echap's lists, as shipped


@pytest.fixture
def fakes() -> Iterator[list[FakeUsbmuxd]]:
    made: list[FakeUsbmuxd] = []
    yield made
    for fake in made:
        fake.close()


@pytest.fixture
def phone(tmp_path, fakes):
    def make(scenario: str, timeout: float = 5.0, cancel: Cancel | None = None, **overrides):
        fake = FakeUsbmuxd(tmp_path, scenario, **overrides)
        fakes.append(fake)
        mux = Usbmux(Address(path=fake.path), cancel=cancel, timeout=timeout)
        return fake, mux

    return make


def run(mux, index, tmp_path, **kwargs):
    return scan.run_scan(mux, index, tmp_path / "data", **kwargs)


def kinds(result) -> list[str]:
    return [f.kind for f in result.findings]


# -- the three recorded phones --------------------------------------------------------------


def test_managed_phone_shows_supervision_and_the_mdm_profile_first(phone, index, tmp_path):
    fake, mux = phone("managed")
    result = run(mux, index, tmp_path)
    assert result.device.model == "iPhone 14"
    assert result.device.ios_version == "18.1" and result.device.build == "22B83"
    assert result.device.name == "Sam's iPhone"
    assert kinds(result)[:3] == [scan.SUPERVISED, scan.MDM_PROFILE, scan.PROFILE]
    supervised, mdm, proxy = result.findings[:3]
    assert "supervised by Home IT" in supervised.title and supervised.strong
    assert "'Device Management' by Home IT" in mdm.title and mdm.strong
    assert "cannot be removed" in mdm.detail
    assert "'Network settings'" in proxy.title and not proxy.strong
    assert {f.check_id for f in result.findings[:3]} == {"iphone-profiles"}
    assert scan.ENROLMENT not in kinds(result)  # Configurator, not automated enrolment
    assert result.headline == scan_text()["controlled_headline"]
    assert "strong lead, not proof" in result.headline
    assert fake.written() == []


def test_enterprise_app_and_watchware(phone, index, tmp_path):
    fake, mux = phone("enterprise_watchware")
    result = run(mux, index, tmp_path)
    by_kind = {f.kind: f for f in result.findings}
    life360 = by_kind[scan.WATCHWARE]
    assert life360.bundle_id == "com.life360.safetymap" and life360.product == "Life360"
    assert "Echap watchware indicators" in life360.detail and life360.strong
    assert life360.check_id == "iphone-safety-check"
    assert "Life360" in result.headline and "watch or locate" in result.headline
    outside = by_kind[scan.OUTSIDE_STORE]
    assert outside.bundle_id == "com.brightstar.syncservices"
    assert "iPhone Distribution: Bright Star Trading Co., Ltd." in outside.title
    assert by_kind[scan.HIDDEN_APP].bundle_id == "com.brightstar.syncservices"
    assert by_kind[scan.HIDDEN_APP].check_id == "iphone-hidden-apps"
    power = by_kind[scan.POWER]
    assert "internet traffic" in power.title and power.check_id == "iphone-profiles"
    enterprise = by_kind[scan.ENTERPRISE_PROFILE]
    assert "Bright Star Trading Co., Ltd." in enterprise.title
    assert "14 March 2027" in enterprise.detail
    for kind in (scan.DEVELOPER_MODE, scan.WIFI_SYNC, scan.BACKUP_UNENCRYPTED):
        assert kind in by_kind
    # A computer that syncs or backs up the phone has its own check to do by hand.
    assert by_kind[scan.WIFI_SYNC].check_id == "iphone-computers"
    assert by_kind[scan.BACKUP_UNENCRYPTED].check_id == "iphone-computers"
    # App Store apps and Apple's own apps are not leads.
    assert not any(f.bundle_id == "net.whatsapp.WhatsApp" for f in result.findings)
    assert not any(f.bundle_id and f.bundle_id.startswith("com.apple.") for f in result.findings)
    assert kinds(result) == sorted(kinds(result), key=scan.KIND_ORDER.index)
    assert fake.written() == []


def test_clean_phone_says_nothing_found_proves_nothing(phone, index, tmp_path):
    fake, mux = phone("clean")
    result = run(mux, index, tmp_path)
    assert result.findings == []
    assert result.app_count == 18 and result.user_app_count == 6
    assert result.headline == scan_text()["no_known_result"]
    assert "does not prove the phone is safe" in result.headline
    data = result.to_dict()
    assert data["manual_checks"][:3] == [
        "iphone-safety-check",
        "iphone-family-sharing",
        "iphone-find-my",
    ]
    assert "CC BY 4.0" in data["credit"]
    assert data["device"]["serial"] == "F17ZQ0TESTC1"
    assert fake.written() == []


def test_browse_asks_for_every_app_including_hidden_ones(phone, index, tmp_path):
    fake, mux = phone("clean")
    run(mux, index, tmp_path)
    (browse,) = [e for e in fake.log if e["op"] == "Browse"]
    assert browse["options"]["ApplicationType"] == "Any"
    assert browse["options"]["ShowLaunchProhibitedApps"] is True
    assert "Entitlements" in browse["options"]["ReturnAttributes"]


def test_no_key_file_is_left_behind(phone, index, tmp_path):
    _fake, mux = phone("clean")
    work = tmp_path / "data" / "tmp"
    work.mkdir(parents=True)
    (work / "tls-leftover.pem").write_text("from a scan that was killed")
    run(mux, index, tmp_path)
    assert list(work.iterdir()) == []


# -- trust ------------------------------------------------------------------------------------


def test_untrusted_phone_is_not_asked_unless_the_person_asks(phone, index, tmp_path):
    fake, mux = phone("not_trusted")
    with pytest.raises(errors.NotTrustedError) as caught:
        run(mux, index, tmp_path)
    assert str(caught.value) == message("not_trusted")
    assert "Pair" not in fake.requests("lockdown")


def test_asking_to_trust_waits_for_trust_then_keeps_the_record(phone, index, tmp_path):
    fake, mux = phone("not_trusted")
    said: list[str] = []
    result = run(mux, index, tmp_path, allow_pair=True, progress=said.append)
    assert message("trust_waiting") in said
    assert result.findings == []
    assert [e["op"] for e in fake.written()] == ["Pair"] * 3  # two "pending", then Trust
    record = record_path(tmp_path / "data", "00008110-001A2B3C4D5E801E")
    assert record.is_file()
    assert "00008110" not in record.name  # the file name does not show the phone's id
    if os.name == "posix":
        assert record.stat().st_mode & 0o777 == 0o600
    # The next scan uses the record: no new question on the phone.
    run(mux, index, tmp_path)
    assert fake.requests("lockdown").count("Pair") == 3


def test_said_dont_trust(phone, index, tmp_path):
    _fake, mux = phone("not_trusted", trust="deny", pending_polls=0)
    with pytest.raises(errors.TrustDeniedError):
        run(mux, index, tmp_path, allow_pair=True)
    assert not record_path(tmp_path / "data", "00008110-001A2B3C4D5E801E").exists()


def test_trust_is_waited_for_a_bounded_time(phone, index, tmp_path):
    _fake, mux = phone("not_trusted", trust="never")
    with pytest.raises(errors.TrustTimeoutError):
        run(mux, index, tmp_path, allow_pair=True, trust_wait=0.0)


def test_phone_that_forgot_this_computer(phone, index, tmp_path):
    fake, mux = phone("clean", forgotten=True)
    with pytest.raises(errors.ForgottenError):
        run(mux, index, tmp_path)
    result = run(mux, index, tmp_path, allow_pair=True)
    assert result.findings == []
    assert fake.requests("lockdown").count("Pair") == 1


def test_locked_phone(phone, index, tmp_path):
    fake, mux = phone("locked")
    with pytest.raises(errors.LockedError) as caught:
        run(mux, index, tmp_path)
    assert "locked" in str(caught.value) and "Unlock" in str(caught.value)
    assert fake.written() == []


def test_locked_phone_cannot_be_asked_to_trust(phone, index, tmp_path):
    _fake, mux = phone("not_trusted", locked=True)
    said: list[str] = []
    with pytest.raises(errors.TrustTimeoutError):
        run(mux, index, tmp_path, allow_pair=True, trust_wait=0.0, progress=said.append)
    assert message("locked") in said


# -- which phone ------------------------------------------------------------------------------


def test_no_phone(phone, index, tmp_path):
    _fake, mux = phone("none")
    with pytest.raises(errors.NoPhoneError) as caught:
        run(mux, index, tmp_path)
    assert str(caught.value) == message("no_phone")


def test_two_phones_need_a_choice(phone, index, tmp_path):
    _fake, mux = phone("two")
    with pytest.raises(errors.SeveralPhonesError):
        run(mux, index, tmp_path)
    result = run(mux, index, tmp_path, udid="00008110-000E4F5A6B7C801E")
    assert result.device.name == "Sam's iPhone"
    with pytest.raises(errors.NoPhoneError) as caught:
        run(mux, index, tmp_path, udid="0000-NOT-HERE")
    assert "0000-NOT-HERE" in str(caught.value)


def test_a_phone_on_cable_and_wifi_counts_once(phone, index, tmp_path):
    _fake, mux = phone("clean", also_wifi=True)
    assert sorted(d.connection for d in mux.devices()) == ["Network", "USB"]
    result = run(mux, index, tmp_path)  # no "more than one iPhone"
    assert result.device.udid == "00008110-001A2B3C4D5E801E"


# -- the link, and things going wrong mid-scan ------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "words"),
    [
        ("windows", "Apple Devices"),
        ("linux", "sudo apt install usbmuxd"),
        ("macos", "nothing extra is needed"),
    ],
)
def test_no_usb_helper_gives_guidance_for_each_system(tmp_path, index, platform, words):
    mux = Usbmux(Address(path=str(tmp_path / "no-usbmuxd-here")), platform=platform)
    with pytest.raises(errors.LinkMissingError) as caught:
        run(mux, index, tmp_path)
    assert str(caught.value) == message("no_link")
    assert words in caught.value.guidance


def test_unplugged_during_the_app_list(phone, index, tmp_path):
    _fake, mux = phone("clean", unplug="com.apple.mobile.installation_proxy")
    with pytest.raises(errors.UnpluggedError) as caught:
        run(mux, index, tmp_path)
    assert "disconnected" in str(caught.value) and "Nothing was saved" in str(caught.value)


def test_a_service_that_never_answers_is_given_up_on(phone, index, tmp_path):
    _fake, mux = phone("clean", timeout=0.2, hang="com.apple.mobile.MCInstall")
    with pytest.raises(errors.NoAnswerError) as caught:
        run(mux, index, tmp_path, timeout=0.2)
    assert str(caught.value) == message("no_answer")


def test_cancel_stops_a_scan_waiting_for_the_phone(phone, index, tmp_path):
    cancel = Cancel()
    fake, mux = phone(
        "clean", timeout=60.0, cancel=cancel, hang="com.apple.mobile.installation_proxy"
    )
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            run(mux, index, tmp_path, timeout=60.0)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    for _ in range(500):
        if "Browse" in fake.requests("com.apple.mobile.installation_proxy"):
            break
        threading.Event().wait(0.01)
    cancel.cancel()
    thread.join(10)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], errors.CancelledError)
    assert str(outcome[0]) == message("cancelled")


def test_a_part_that_could_not_be_read_is_never_called_clean(phone, index, tmp_path):
    _fake, mux = phone("clean", refuse="com.apple.mobile.MCInstall")
    result = run(mux, index, tmp_path)
    assert result.phone_read and not result.complete
    assert result.problems == [
        scan_text()["messages"]["part_missing"].format(what="configuration profiles")
    ]
    assert result.headline.endswith(scan_text()["partial_result"])
    assert result.to_dict()["complete"] is False


def test_no_app_list_means_nothing_was_checked(phone, index, tmp_path):
    _fake, mux = phone("clean", refuse="com.apple.mobile.installation_proxy")
    result = run(mux, index, tmp_path)
    assert not result.phone_read
    assert result.headline == scan_text()["unread_result"]
    assert "does not prove" not in result.headline  # it says nothing was checked instead


def test_the_whole_reading_has_a_deadline(phone, index, tmp_path):
    _fake, mux = phone("clean")
    with pytest.raises(errors.TooLongError) as caught:
        run(mux, index, tmp_path, deadline=0.0)
    assert str(caught.value) == message("too_long")
    assert run(mux, index, tmp_path).findings == []  # the next scan has its own deadline


# -- content links -------------------------------------------------------------------------------


def test_every_check_a_finding_points_to_exists():
    library = load_checklists(checklists_dir())
    ids = {check.id for topic in library.topics for check in topic.checks}
    text = scan_text()
    used = set(scan.CHECK_FOR_KIND.values())
    used |= {power["check"] for power in text["powers"].values()}
    used |= set(text["clean_checks"])
    assert used <= ids, used - ids


# -- the case ---------------------------------------------------------------------------------


def test_chosen_leads_go_to_the_case_and_the_record_credits_the_lists(
    phone, index, tmp_path, data_dir, library
):
    """The person keeps some leads; the printed record carries the CC BY credit."""
    from report_helpers import flat, pdftotext, settings

    from safetycheck.casework import CaseWork
    from safetycheck.report.export import export_pdf
    from safetycheck.store import CaseStore

    _fake, mux = phone("enterprise_watchware")
    result = scan.run_scan(mux, index, data_dir)
    work = CaseWork(data_dir, library, store=CaseStore(data_dir))
    case = work.create("Case IPHONE")
    report = scan.scan_report(result)
    assert len(report.leads) == len(result.findings)
    record = work.record_scan(report, keep=[0, 2])
    assert len(record.evidence_ids) == 3  # the summary and the two kept leads
    entries = [e for e in case.evidence if e.source == scan.SOURCE]
    assert entries[0].what.startswith("iPhone scan of ") and "Life360" in entries[0].what
    assert [e.what.split(".")[0] for e in entries[1:]] == [
        f"{result.findings[i].title}".split(".")[0] for i in (0, 2)
    ]
    assert case.answers == {}
    pdf = export_pdf(case, library, settings(), "record", tmp_path / "record.pdf")
    text = flat(pdftotext(pdf))
    assert "Stalkerware indicators by Echap" in text and "CC BY 4.0" in text
    assert "iPhone scan of" in text


def test_a_scan_that_read_no_apps_is_recorded_as_not_read(phone, index, tmp_path):
    _fake, mux = phone("clean", refuse="com.apple.mobile.installation_proxy")
    report = scan.scan_report(scan.run_scan(mux, index, tmp_path / "data"))
    assert report.summary.startswith("iPhone scan: SafetyCheck could not read the list of apps")
    assert "What could not be read:" in report.summary
    assert report.details["phone_read"] is False
