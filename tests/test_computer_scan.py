"""The computer scan on fixture machines (Windows, macOS, Linux simulated) and on this one."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from computer_machines import MACHINES, PLANTED, build

from safetycheck.computer import model
from safetycheck.computer.scan import (
    INFO,
    KNOWN,
    LEADS,
    REVIEW,
    TOOL,
    ScanCancelled,
    chosen_findings,
    run_scan,
    scan_report,
    scan_text,
)
from safetycheck.computer.system import (
    ALLOWED_COMMANDS,
    LINUX,
    NotAllowedError,
    RealCommands,
    RecordedCommands,
    current_platform,
    recorded_system,
    this_computer,
)
from safetycheck.computer.tools import ToolStore


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("machines")
    for name in MACHINES:
        build(root, name)
    return root


def _scan(machines: Path, name: str, data_dir: Path):
    system = recorded_system(machines / name)
    return system, run_scan(system, ToolStore(data_dir).lists())


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_planted_machine_finds_every_planted_tool_and_setting(
    machines: Path, data_dir: Path, platform: str
) -> None:
    _system, result = _scan(machines, f"{platform}-planted", data_dir)
    planted = PLANTED[platform]
    assert len(planted) >= 10
    missing = [
        (kind, words)
        for kind, words in planted
        if not any(f.kind == kind and words in f.title for f in result.findings)
    ]
    assert not missing, "\n".join(f"{f.kind}: {f.title}" for f in result.findings)
    assert result.known, "a known monitoring product is planted"
    assert result.headline.startswith("A known monitoring product was found")


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_clean_machine_raises_no_known_monitoring_product_lead(
    machines: Path, data_dir: Path, platform: str
) -> None:
    _system, result = _scan(machines, f"{platform}-clean", data_dir)
    assert not [f for f in result.findings if f.level in (KNOWN, TOOL)], [
        f.title for f in result.findings
    ]
    assert "does not prove the computer is safe" in result.headline
    assert "spyware can hide" in result.to_dict()["limits"]


def test_each_finding_says_what_why_how_sure_and_what_next(machines: Path, data_dir: Path) -> None:
    for platform in ("windows", "macos"):
        _system, result = _scan(machines, f"{platform}-planted", data_dir)
        for finding in result.findings:
            assert finding.title and finding.why and finding.sure and finding.next, finding
            assert finding.check_id, finding.title  # linked to the manual check
        for finding in result.findings:
            if finding.level in (KNOWN, TOOL):
                assert "alert" in finding.next  # removing it can alert the other person


def test_findings_link_to_checks_that_exist(machines: Path, data_dir: Path, library) -> None:
    for platform in ("windows", "macos"):
        _system, result = _scan(machines, f"{platform}-planted", data_dir)
        topic = "win-" if platform == "windows" else "mac-"
        for finding in result.findings:
            assert finding.check_id.startswith(topic)
            assert library.check(finding.check_id) is not None, finding.check_id
    for checks in scan_text()["checks"].values():
        for check_id in checks.values():
            assert library.check(check_id) is not None, check_id


def test_known_product_is_told_apart_from_an_ordinary_tool(machines: Path, data_dir: Path) -> None:
    _system, result = _scan(machines, "windows-planted", data_dir)
    by_product = {f.product: f for f in result.findings if f.product}
    assert by_product["Spyrix"].level == KNOWN and "Strong lead" in by_product["Spyrix"].sure
    assert by_product["AnyDesk"].level == TOOL
    assert "ordinary tool" in by_product["AnyDesk"].sure
    levels = [f.level for f in result.findings]
    assert levels == sorted(levels, key=[KNOWN, TOOL, REVIEW, INFO].index)


def test_connection_logs_are_offered_with_their_paths(machines: Path, data_dir: Path) -> None:
    _system, result = _scan(machines, "windows-planted", data_dir)
    logs = {log.tool_id: log for log in result.logs}
    assert logs["anydesk"].path == "C:\\ProgramData\\AnyDesk\\connection_trace.txt"
    assert logs["anydesk"].size > 0 and "incoming connections" in logs["anydesk"].what
    assert logs["teamviewer"].path.endswith("TeamViewer\\Connections_incoming.txt")
    for platform in ("macos", "linux"):
        _system, result = _scan(machines, f"{platform}-planted", data_dir)
        assert [log.path for log in result.logs] == [
            ("/Users/sam" if platform == "macos" else "/home/sam")
            + "/.anydesk/connection_trace.txt"
        ]


def test_without_admin_rights_the_scan_says_what_it_skipped(machines: Path, data_dir: Path) -> None:
    _system, mac = _scan(machines, "macos-planted", data_dir)
    skipped = " ".join(mac.reading.skipped)
    assert "Login items and background items" in skipped and "administrator" in skipped
    assert "Privacy permissions for your account" in skipped and "Full Disk Access" in skipped
    _system, linux = _scan(machines, "linux-planted", data_dir)
    assert any("cron" in line for line in linux.reading.skipped)
    _system, windows = _scan(machines, "windows-planted", data_dir)
    assert any("security log" in line for line in windows.reading.skipped)
    assert not windows.reading.is_admin


def test_the_scan_only_reads(machines: Path, data_dir: Path) -> None:
    """No file of the machine changes, and only allowlisted read-only commands are run."""

    def digest(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    for name in ("windows-planted", "macos-planted", "linux-planted"):
        before = digest(machines / name)
        system, _result = _scan(machines, name, data_dir)
        assert digest(machines / name) == before
        assert isinstance(system.commands, RecordedCommands)
        assert system.commands.ran and set(system.commands.ran) <= ALLOWED_COMMANDS


def test_a_command_off_the_allowlist_is_refused() -> None:
    with pytest.raises(NotAllowedError):
        RealCommands().run(["reg", "delete", "HKCU\\Software\\X"])
    with pytest.raises(NotAllowedError):
        RecordedCommands({}).run(["rm", "-rf", "/"])


def test_cancel_stops_the_scan(machines: Path, data_dir: Path) -> None:
    system = recorded_system(machines / "windows-planted")
    calls: list[str] = []
    with pytest.raises(ScanCancelled):
        run_scan(system, ToolStore(data_dir).lists(), calls.append, lambda: len(calls) >= 2)
    assert len(calls) == 2


def test_choosing_findings_to_save(machines: Path, data_dir: Path) -> None:
    _system, result = _scan(machines, "windows-planted", data_dir)
    leads = chosen_findings(result, "leads")
    assert leads and all(result.findings[i].level in LEADS for i in leads)
    assert chosen_findings(result, "all") == list(range(len(result.findings)))
    assert chosen_findings(result, "none") == []
    assert chosen_findings(result, "3, 1,3") == [0, 2]
    with pytest.raises(ValueError, match="not the number of a finding"):
        chosen_findings(result, "99")
    text = result.findings[0].evidence_text()
    assert result.findings[0].title in text and "A known monitoring product" in text


def test_json_result_holds_everything_a_report_needs(machines: Path, data_dir: Path) -> None:
    _system, result = _scan(machines, "macos-planted", data_dir)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["known_monitoring_product_found"] is True
    assert data["computer"]["platform"] == "macos" and data["computer"]["administrator"] is False
    assert data["credits"] and data["lists"][0].startswith("SafetyCheck's own list")
    first = data["findings"][0]
    assert {"title", "why", "how_sure", "next", "check_id", "facts", "level_text"} <= set(first)


@pytest.mark.skipif(current_platform() != LINUX, reason="the real reader of this platform")
def test_the_real_scan_of_this_linux_machine_completes(data_dir: Path) -> None:
    system = this_computer()
    result = run_scan(system, ToolStore(data_dir).lists())
    reading = result.reading
    assert reading.platform == LINUX and reading.processes and reading.accounts
    assert reading.installed  # packages, /opt or the applications menu
    assert result.headline
    assert set(system.commands.ran) <= ALLOWED_COMMANDS
    # Whatever is found, every finding is worded for a person.
    for finding in result.findings:
        assert finding.title and finding.next


def test_processes_and_services_are_read_on_every_platform(machines: Path, data_dir: Path) -> None:
    system = recorded_system(machines / "windows-planted")
    _system, result = _scan(machines, "windows-planted", data_dir)
    reading = result.reading
    assert any(p.name == "AnyDesk.exe" for p in reading.processes)
    services = {s.identifier: s for s in reading.services}
    assert services["AnyDesk"].how == "auto" and not services["AnyDesk"].system
    assert services["Dhcp"].system and "disk" not in services  # drivers are not services here
    autostart = {a.name: a for a in reading.autostart}
    assert autostart["RustDesk"].path == "C:\\Program Files\\RustDesk\\rustdesk.exe"
    assert autostart["RustDesk"].how == model.STARTUP_FOLDER
    assert autostart["\\Microsoft\\Windows\\Defrag\\ScheduledDefrag"].system
    assert reading.os_version == "Windows 11 Pro 24H2"
    assert system.platform == "windows"


def test_a_part_that_could_not_be_read_is_never_called_clean(
    tmp_path: Path, data_dir: Path
) -> None:
    folder = build(tmp_path, "windows-clean")
    meta = (folder / "machine.toml").read_text(encoding="utf-8")
    # The tasklist command fails on this machine: its output is missing.
    meta = meta.replace(
        'argv = ["tasklist.exe", "/fo", "csv", "/nh"]\noutput = "commands/00.txt"',
        'argv = ["tasklist.exe", "/fo", "csv", "/nh"]',
    )
    (folder / "machine.toml").write_text(meta, encoding="utf-8")
    result = run_scan(recorded_system(folder), ToolStore(data_dir).lists())
    assert result.reading.problems == ["Running programs: the list (tasklist) could not be read."]
    assert not result.complete and result.to_dict()["complete"] is False
    assert result.headline == scan_text()["incomplete"]
    assert "not complete" in result.headline and "safe" in result.headline
    report = scan_report(result)
    assert "What could not be read: Running programs" in report.summary
    assert report.problems == tuple(result.reading.problems)
    assert report.details["complete"] is False
