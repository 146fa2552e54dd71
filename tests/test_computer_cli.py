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
    assert out.startswith(text["before_scan"])
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
