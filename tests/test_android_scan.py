"""The Android scan, run for real against a fake adb that replays recorded outputs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from android_fakes import IOC, WRITE_WORDS, FakeAdb, build_apk, self_signed_certificate
from conftest import run_cli
from cryptography.hazmat.primitives.serialization import Encoding

from safetycheck.android import scan as scan_module
from safetycheck.android.adb import (
    READ_ONLY_SHELL_COMMANDS,
    Adb,
    AdbMissingError,
    AndroidError,
    NotReadOnlyError,
    find_adb,
    install_guidance,
)
from safetycheck.android.apkcert import certificate_sha1s
from safetycheck.android.indicators import CREDIT, IndicatorStore
from safetycheck.android.scan import SOURCE, run_scan, scan_report
from safetycheck.casework import CaseWork
from safetycheck.store import CaseStore

STALKER_SERIAL = "5200e5b5f8a3b4a1"
CLEAN_SERIAL = "33081FDH2000AB"
ANDROID_CHECK_IDS = {
    "android-unknown-apps",
    "android-outside-store",
    "android-play-protect",
    "android-device-admin",
    "android-accessibility",
    "android-notification-access",
    "android-install-unknown-apps",
    "android-developer-options",
    "android-accounts",
    "android-device-owner",
    "android-location-sharing",
    "android-tracker-alerts",
}


def _assert_read_only(fake: FakeAdb) -> None:
    commands = fake.shell_commands()
    assert commands, "the scan sent no shell commands"
    for command in commands:
        words = tuple(command.split())
        assert any(words[: len(p)] == p for p in READ_ONLY_SHELL_COMMANDS), command
        assert not any(w in f" {command} " for w in WRITE_WORDS), command
    verbs = {c[2] if c[0] == "-s" else c[0] for c in fake.calls()}
    assert verbs <= {"devices", "shell", "pull"}, verbs


@pytest.fixture
def index(data_dir: Path):
    store = IndicatorStore(data_dir)
    store.import_file(IOC)
    return store.index()


def test_phone_with_known_stalkerware(tmp_path: Path, index) -> None:
    fake = FakeAdb(tmp_path, "stalkerware")
    result = run_scan(Adb(fake.path), index)
    assert result.device.model == "SM-A520F" and result.device.android_version == "11"
    known = result.known_stalkerware
    assert [f.package for f in known] == ["com.wifi0"]
    assert known[0].product == "SpyLive360"
    assert "SpyLive360" in result.headline and "Do not remove it yet" in result.headline
    kinds = {(f.kind, f.package) for f in result.findings}
    assert ("accessibility", "com.wifi0") in kinds
    assert ("notification_access", "com.wifi0") in kinds
    assert ("device_admin", "com.wifi0") in kinds
    assert ("outside_store", "com.wifi0") in kinds
    assert ("outside_store", "org.fdroid.fdroid") in kinds
    assert ("install_unknown_apps", "org.fdroid.fdroid") in kinds
    assert ("developer_options", None) in kinds
    # Preinstalled apps are never reported as "outside the store".
    assert not any(f.package and f.package.startswith("org.lineageos") for f in result.findings)
    assert {f.check_id for f in result.findings} <= ANDROID_CHECK_IDS
    assert result.findings[0].kind == "known_stalkerware"  # most serious first
    _assert_read_only(fake)


def test_clean_phone_says_this_proves_nothing(tmp_path: Path, index) -> None:
    fake = FakeAdb(tmp_path, "clean")
    result = run_scan(Adb(fake.path), index)
    assert result.known_stalkerware == []
    assert "No known stalkerware found" in result.headline
    assert "does not prove the phone is safe" in result.headline
    assert result.app_count == 15
    # Only the expected note about developer options: Play Store and preinstalled apps with
    # notification access or admin rights are not leads.
    assert [f.kind for f in result.findings] == ["developer_options"]
    _assert_read_only(fake)


def test_managed_phone_reports_the_device_owner(tmp_path: Path, index) -> None:
    fake = FakeAdb(tmp_path, "managed")
    result = run_scan(Adb(fake.path), index, read_certificates=False)
    owner = [f for f in result.findings if f.kind == "device_owner"]
    assert [f.package for f in owner] == ["com.hmdm.launcher"]
    assert owner[0].check_id == "android-device-owner"
    assert ("device_admin", "com.hmdm.launcher") in {(f.kind, f.package) for f in result.findings}
    outside = {f.package: f.title for f in result.findings if f.kind == "outside_store"}
    assert "installed by another app (com.hmdm.launcher)" in outside["com.hmdm.pager"]


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ("no_device", "No phone found"),
        ("unauthorized", "tap Allow"),
        ("two_devices", "More than one phone is connected"),
    ],
)
def test_no_unready_or_several_phones_get_plain_messages(
    tmp_path: Path, index, scenario: str, message: str
) -> None:
    fake = FakeAdb(tmp_path, scenario)
    with pytest.raises(AndroidError, match=message):
        run_scan(Adb(fake.path), index)
    assert fake.shell_commands() == []  # nothing is sent until one ready phone is chosen


def test_two_phones_choose_one_by_serial(tmp_path: Path, index) -> None:
    fake = FakeAdb(tmp_path, "two_devices")
    with pytest.raises(AndroidError) as info:
        run_scan(Adb(fake.path), index)
    assert CLEAN_SERIAL in str(info.value) and "SM A520F" in str(info.value)
    result = run_scan(Adb(fake.path), index, serial=STALKER_SERIAL)
    assert [f.product for f in result.known_stalkerware] == ["SpyLive360"]
    assert {c[1] for c in fake.calls() if c[0] == "-s"} == {STALKER_SERIAL}
    with pytest.raises(AndroidError, match="No phone with serial NOPE"):
        run_scan(Adb(fake.path), index, serial="NOPE")


def test_adb_missing_gives_guidance_for_each_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("ANDROID_HOME", raising=False)
    monkeypatch.delenv("ANDROID_SDK_ROOT", raising=False)
    with pytest.raises(AdbMissingError) as info:
        find_adb()
    assert "not on this computer" in str(info.value)
    assert "platform-tools" in info.value.guidance
    with pytest.raises(AdbMissingError, match="does not hold it"):
        find_adb(str(tmp_path / "nowhere" / "adb"))
    assert "adb.exe" in install_guidance("windows")
    assert "brew install android-platform-tools" in install_guidance("macos")
    assert "sudo apt install adb" in install_guidance("linux")
    result = run_cli("scan-android", env={"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)})
    assert result.returncode == 1
    assert (
        "called adb, is not on this computer" in result.stderr and "Traceback" not in result.stderr
    )


def test_adb_found_on_path_in_settings_folder_and_sdk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeAdb(tmp_path, "clean")
    assert find_adb(str(fake.path)) == fake.path
    assert find_adb(str(fake.bin)) == fake.path  # a folder in settings is fine too
    monkeypatch.setenv("PATH", str(fake.bin))
    assert find_adb() == fake.path
    sdk = tmp_path / "sdk"
    (sdk / "platform-tools").mkdir(parents=True)
    (sdk / "platform-tools" / "adb").write_text("")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("ANDROID_HOME", str(sdk))
    assert find_adb() == sdk / "platform-tools" / "adb"


def test_shell_refuses_anything_that_writes(tmp_path: Path) -> None:
    fake = FakeAdb(tmp_path, "clean")
    adb = Adb(fake.path)
    for command in (
        ["pm", "uninstall", "com.wifi0"],
        ["settings", "put", "global", "adb_enabled", "0"],
        ["am", "force-stop", "com.wifi0"],
        ["rm", "-rf", "/sdcard"],
        ["getprop;", "reboot"],
    ):
        with pytest.raises(NotReadOnlyError):
            adb.shell(CLEAN_SERIAL, command)
    assert fake.calls() == []
    # Words are quoted, so a value cannot smuggle a second command onto the phone.
    with pytest.raises(AndroidError):
        adb.shell(CLEAN_SERIAL, ["settings", "get", "global", "x; reboot"])
    assert fake.shell_commands() == ["settings get global 'x; reboot'"]


def test_timeout_becomes_a_plain_message(tmp_path: Path) -> None:
    slow = tmp_path / "adb"
    slow.write_text("#!/bin/sh\nsleep 5\n")
    slow.chmod(0o755)
    with pytest.raises(AndroidError, match="took too long"):
        Adb(slow, timeout=0.5).run(["devices", "-l"])


def test_apk_certificates_are_read_from_both_signature_kinds(tmp_path: Path) -> None:
    key, cert = self_signed_certificate()
    expected = hashlib.sha1(cert.public_bytes(Encoding.DER)).hexdigest().upper()
    for v1, v2 in ((True, False), (False, True), (True, True)):
        apk = tmp_path / f"app-{v1}-{v2}.apk"
        apk.write_bytes(build_apk(cert, key, v1=v1, v2=v2))
        assert certificate_sha1s(apk) == [expected], (v1, v2)


def test_known_stalkerware_found_by_certificate_alone(tmp_path: Path, data_dir: Path) -> None:
    """An app renamed to an unknown package is still caught by its signing certificate."""
    key, cert = self_signed_certificate("Renamed Spy")
    digest = hashlib.sha1(cert.public_bytes(Encoding.DER)).hexdigest().upper()
    custom = tmp_path / "ioc.yaml"
    custom.write_text(
        f"- name: RenamedSpy\n  type: stalkerware\n  packages: [com.not.installed]\n"
        f"  certificates: [{digest.lower()}]\n"
    )
    store = IndicatorStore(data_dir)
    store.import_file(custom)
    fake = FakeAdb(tmp_path, "stalkerware")
    jitsi = "/data/app/~~kP0tq2V1xYyOb7s3Vq0sTQ==/org.jitsi.meet-1nBfWq3kRr9cB4dHfQ2yBg==/base.apk"
    fake.add_pull(STALKER_SERIAL, jitsi, build_apk(cert, key))
    work = data_dir / "tmp"
    work.mkdir(parents=True)
    (work / "apk-leftover").mkdir()  # from a scan that was cut off
    (work / "apk-leftover" / "app.apk").write_bytes(b"old copy")
    result = run_scan(Adb(fake.path), store.index(), work_dir=work)
    assert list(work.iterdir()) == []  # no copy of any app stays behind
    by_cert = [f for f in result.known_stalkerware if f.package == "org.jitsi.meet"]
    assert by_cert and by_cert[0].product == "RenamedSpy"
    assert "certificate" in by_cert[0].detail
    pulled = [c for c in fake.calls() if len(c) > 2 and c[2] == "pull"]
    assert len(pulled) == 4  # the four apps not from a store; system apps are never copied
    # Apps that could not be copied are noted, the scan goes on.
    assert any(
        "signature of 3 apps could not be read" in p and "com.wifi0" in p for p in result.problems
    )
    _assert_read_only(fake)


def test_findings_are_recorded_in_the_case(tmp_path: Path, data_dir: Path, index, library) -> None:
    fake = FakeAdb(tmp_path, "stalkerware")
    result = run_scan(Adb(fake.path), index, read_certificates=False)
    work = CaseWork(data_dir, library, store=CaseStore(data_dir))
    case = work.create("Case SCAN")
    record = work.record_scan(scan_report(result))
    reloaded = CaseStore(data_dir).load(case.id)
    assert len(reloaded.evidence) == len(record.evidence_ids) == len(result.findings) + 1
    assert reloaded.scans[0].findings == len(result.findings)
    assert reloaded.scans[0].details["app_count"] == result.app_count
    assert all(e.source == SOURCE for e in reloaded.evidence)
    assert all(e.at == result.scanned_at for e in reloaded.evidence)
    assert all("SM-A520F" in e.where and STALKER_SERIAL in e.where for e in reloaded.evidence)
    by_check = {e.check_id for e in reloaded.evidence}
    assert {"android-unknown-apps", "android-accessibility", "android-device-admin"} <= by_check
    assert any("SpyLive360" in e.what for e in reloaded.evidence)
    assert reloaded.answers == {}  # the person confirms each check; the scan never answers


def test_cli_scan_json_and_case(tmp_path: Path, data_dir: Path) -> None:
    fake = FakeAdb(tmp_path, "stalkerware")
    assert run_cli("indicators", "import", str(IOC)).returncode == 0
    result = run_cli("scan-android", "--adb", str(fake.path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["known_stalkerware_found"] is True
    assert data["credit"] == CREDIT
    assert data["findings"][0]["product"] == "SpyLive360"
    assert data["device"]["serial"] == STALKER_SERIAL

    store = CaseStore(data_dir)
    case = store.create("Case 7F3K")
    result = run_cli("scan-android", "--adb", str(fake.path), "--case", "Case 7F3K")
    assert result.returncode == 0, result.stderr
    assert "Known stalkerware found: SpyLive360" in result.stdout
    assert "leads for a person to look at, not proof" in result.stdout
    assert CREDIT in result.stdout
    assert "Recorded" in result.stdout and "Case 7F3K" in result.stdout
    assert any(e.source == SOURCE for e in store.load(case.id).evidence)
    _assert_read_only(fake)


def test_cli_clean_phone_text(tmp_path: Path) -> None:
    fake = FakeAdb(tmp_path, "clean")
    result = run_cli("scan-android", "--adb", str(fake.path), "--serial", CLEAN_SERIAL)
    assert result.returncode == 0, result.stderr
    assert "this does not prove the phone is safe" in result.stdout.lower()
    assert "manual Android checks" in result.stdout
    assert "Echap stalkerware indicators: 147 known apps, list of 21 June 2026" in result.stdout


def test_cli_scan_names_known_stalkerware_with_no_list_imported(tmp_path: Path) -> None:
    """The shipped copy of Echap's list is enough: offline, from the very first start."""
    fake = FakeAdb(tmp_path, "stalkerware")
    result = run_cli("scan-android", "--adb", str(fake.path))
    assert result.returncode == 0, result.stderr
    assert "Known stalkerware found: SpyLive360" in result.stdout
    assert "(comes with SafetyCheck)" in result.stdout
    assert CREDIT in result.stdout


def test_cli_errors_are_one_sentence(tmp_path: Path) -> None:
    fake = FakeAdb(tmp_path, "unauthorized")
    result = run_cli("scan-android", "--adb", str(fake.path))
    assert result.returncode == 1
    assert "tap Allow" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("scan-android", "--adb", str(fake.path), "--case", "No Such Case")
    assert result.returncode == 1 and "No case has the reference" in result.stderr


def test_cli_never_records_into_one_of_two_matching_cases(tmp_path: Path) -> None:
    """'Case 1' is a prefix of both references: picking either could be the wrong client."""
    fake = FakeAdb(tmp_path, "stalkerware")
    run_cli("demo-case", "--reference", "Case 12")
    run_cli("demo-case", "--reference", "Case 13")
    before = run_cli("list-cases", "--json").stdout
    result = run_cli("scan-android", "--adb", str(fake.path), "--case", "Case 1")
    assert result.returncode == 1 and "matches 2 cases" in result.stderr
    assert run_cli("list-cases", "--json").stdout == before


def test_every_check_id_used_is_in_the_android_topic(library) -> None:
    ids = {
        value
        for name, value in vars(scan_module).items()
        if name.startswith("CHECK_") and isinstance(value, str)
    }
    android = next(t for t in library.topics if t.id == "android")
    assert ids and ids <= {c.id for c in android.checks} and ids <= ANDROID_CHECK_IDS


def test_scan_and_import_never_touch_the_network(
    no_network: list[str], tmp_path: Path, data_dir: Path
) -> None:
    """Only "Update indicators" may go online; importing and scanning stay local."""
    store = IndicatorStore(data_dir)
    store.import_file(IOC)
    fake = FakeAdb(tmp_path, "stalkerware")
    result = run_scan(Adb(fake.path), store.index())
    assert result.known_stalkerware
    assert no_network == []


def test_case_record_credits_the_lists_after_a_scan(
    tmp_path: Path, data_dir: Path, library
) -> None:
    """CC BY 4.0: the credit goes wherever the list is used, the printed record too."""
    from report_helpers import flat, pdftotext, settings

    from safetycheck.report.export import export_pdf

    fake = FakeAdb(tmp_path, "stalkerware")
    result = run_scan(Adb(fake.path), IndicatorStore(data_dir).index(), read_certificates=False)
    work = CaseWork(data_dir, library, store=CaseStore(data_dir))
    case = work.create("Case CREDIT")
    plain = export_pdf(case, library, settings(), "record", tmp_path / "before.pdf")
    assert "Echap" not in flat(pdftotext(plain))
    work.record_scan(scan_report(result))
    pdf = export_pdf(case, library, settings(), "record", tmp_path / "record.pdf")
    text = flat(pdftotext(pdf))
    assert "Stalkerware indicators by Echap" in text and "CC BY 4.0" in text
    assert "Lists used: Echap stalkerware indicators: 147 known apps, list of 21 June" in text
