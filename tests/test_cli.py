"""The command line, run as a real child process."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from safetycheck import __version__


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"SafetyCheck {__version__}"


def test_demo_case_prints_its_reference_last_and_answers_every_topic(
    data_dir: Path, library
) -> None:
    result = run_cli("demo-case")
    assert result.returncode == 0, result.stderr
    reference = result.stdout.strip().splitlines()[-1]
    assert reference == "Demo 2026-A"
    listing = json.loads(run_cli("list-cases", "--json").stdout)
    (row,) = listing
    assert row["reference"] == reference
    total = sum(len(t.checks) for t in library.topics)
    assert row["progress"]["total"] == total
    assert 0 < row["progress"]["answered"] <= total
    assert row["progress"]["concerns"] > 0

    from safetycheck.store import CaseStore

    case = CaseStore(data_dir).load(row["id"])
    assert {t.id for t in library.topics} == set(case.topics)
    for topic in library.topics:
        assert any(case.status(c.id).is_answered for c in topic.checks), topic.id
    assert len(case.evidence) >= 3 and len(case.actions) >= 3
    assert any(a.done for a in case.actions)
    # A second demo case gets its own reference.
    again = run_cli("demo-case").stdout.strip().splitlines()[-1]
    assert again == "Demo 2026-A (2)"


def test_data_dir_before_or_after_the_command(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_cli("--data-dir", str(first), "demo-case").returncode == 0
    assert run_cli("demo-case", "--data-dir", str(second), "--reference", "B").returncode == 0
    one = run_cli("list-cases", "--data-dir", str(first)).stdout
    two = run_cli("--data-dir", str(second), "list-cases").stdout
    assert one.startswith("Demo 2026-A\t")
    assert two.startswith("B\t")


def test_list_cases_one_a_line_reference_first(data_dir: Path) -> None:
    run_cli("demo-case", "--reference", "Case ONE")
    run_cli("demo-case", "--reference", "Case TWO")
    lines = run_cli("list-cases").stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["Case TWO", "Case ONE"]


def test_list_cases_empty_store() -> None:
    result = run_cli("list-cases", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_errors_are_one_plain_sentence_without_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("--data-dir", str(blocker / "inside"), "demo-case")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("safetycheck: ")


def test_damaged_case_is_listed_not_fatal(data_dir: Path) -> None:
    run_cli("demo-case")
    (case_file,) = (data_dir / "cases").glob("*.case")
    case_file.write_bytes(b"garbage")
    result = run_cli("list-cases")
    assert result.returncode == 0
    assert "damaged" in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("no-such-command")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
