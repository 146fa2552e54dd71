"""``python main.py scan-computer``, run as a person would, in a child process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from computer_machines import build
from conftest import run_cli

from safetycheck.computer.scan import scan_text


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("m"), "windows-planted")


def test_text_output_warns_first_then_gives_leads_checks_limits_and_credit(
    planted: Path,
) -> None:
    result = run_cli("scan-computer", "--machine", str(planted))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    text = scan_text()
    assert out.startswith(f"Before you start: {text['before_scan']}")
    assert "A known monitoring product was found: KidLogger, Spyrix." in out
    assert text["limits"] in out
    assert " 1. [A known monitoring product] KidLogger is on this computer." in out
    assert 'Manual check: win-remote-tools ("Apps that let someone control this computer' in out
    assert "Connection log: C:\\ProgramData\\AnyDesk\\connection_trace.txt" in out
    assert text["not_admin"] in out and "security log" in out
    assert "SafetyCheck's own list of remote-access tools and monitoring products" in out


def test_json_output(planted: Path) -> None:
    result = run_cli("scan-computer", "--machine", str(planted), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["known_monitoring_product_found"] is True
    assert data["computer"]["source"].startswith("recording:")
    assert any(f["connection_logs"] for f in data["findings"])


def test_a_broken_machine_folder_is_one_plain_error(tmp_path: Path) -> None:
    result = run_cli("scan-computer", "--machine", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("safetycheck: ") and "machine.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_scan_of_this_computer_from_the_command_line() -> None:
    result = run_cli("scan-computer", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["computer"]["source"] == "this computer"
    assert data["counts"]["processes"] > 0


def test_chosen_findings_and_connection_logs_are_recorded_through_the_case_service(
    planted: Path, data_dir: Path
) -> None:
    import hashlib

    from safetycheck.computer.scan import SOURCE
    from safetycheck.store import CaseStore

    store = CaseStore(data_dir)
    case = store.create("Case 7F3K")
    result = run_cli(
        "scan-computer",
        "--machine",
        str(planted),
        "--case",
        "Case 7F3K",
        "--save",
        "1,3",
        "--save-logs",
    )
    assert result.returncode == 0, result.stderr
    assert (
        "Recorded 5 entries in the evidence log of Case 7F3K (2 findings, 2 connection logs)"
        in (result.stdout)
    )
    saved = store.load(case.id)
    assert saved.answers == {}  # the person confirms each check; the scan never answers
    assert all(e.source == SOURCE for e in saved.evidence)
    summary, first, third, *logs = saved.evidence
    assert summary.what.startswith("Computer scan: ") and "KidLogger" in summary.what
    assert "Lists used:" in summary.what and "security log" in summary.what
    assert first.what.startswith("KidLogger is on this computer.")
    assert first.check_id == "win-installed-apps" and "LAPTOP-7" in first.where
    assert third.check_id == "win-remote-tools"
    assert len(saved.scans) == 1 and saved.scans[0].details["known_monitoring_product_found"]
    anydesk = next(e for e in logs if "AnyDesk" in e.what)
    original = planted / "files/C/ProgramData/AnyDesk/connection_trace.txt"
    assert anydesk.attachment is not None
    assert anydesk.attachment.sha256 == hashlib.sha256(original.read_bytes()).hexdigest()
    assert store.read_attachment(saved, anydesk.attachment) == original.read_bytes()
    assert anydesk.check_id == "win-remote-tools"


def test_saving_needs_a_case_and_a_valid_choice(planted: Path, data_dir: Path) -> None:
    from safetycheck.store import CaseStore

    refused = run_cli("scan-computer", "--machine", str(planted), "--save", "all")
    assert refused.returncode == 1 and "need --case REF" in refused.stderr
    missing = run_cli("scan-computer", "--machine", str(planted), "--case", "Nobody")
    assert missing.returncode == 1 and "No case has the reference" in missing.stderr
    store = CaseStore(data_dir)
    case = store.create("Case 9")
    wrong = run_cli("scan-computer", "--machine", str(planted), "--case", "Case 9", "--save", "77")
    assert wrong.returncode == 1 and "Nothing was saved." in wrong.stderr
    assert store.load(case.id).evidence == []
