"""The passphrase on the command line, run as a person would: real child processes."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from privacy_helpers import leaks, snapshot

from safetycheck.vault import is_protected

PASSPHRASE = "blue kettle under the stairs"
NEW = "green door at the end"


def test_demo_case_with_the_variable_creates_a_protected_folder(data_dir: Path) -> None:
    made = run_cli(
        "demo-case", "--reference", "Ref-Heron-Lantern", env={"SAFETYCHECK_PASSPHRASE": PASSPHRASE}
    )
    assert made.returncode == 0, made.stderr
    assert is_protected(data_dir)
    assert leaks(data_dir, ["Ref-Heron-Lantern"]) == []

    listed = run_cli("list-cases", env={"SAFETYCHECK_PASSPHRASE": PASSPHRASE})
    assert listed.returncode == 0 and "Ref-Heron-Lantern" in listed.stdout


def test_a_wrong_passphrase_exits_with_one_sentence_and_changes_nothing(data_dir: Path) -> None:
    assert run_cli("demo-case", env={"SAFETYCHECK_PASSPHRASE": PASSPHRASE}).returncode == 0
    before = snapshot(data_dir)
    for command in (["list-cases"], ["demo-case"], ["change-passphrase"]):
        result = run_cli(
            *command,
            env={"SAFETYCHECK_PASSPHRASE": "not it at all", "SAFETYCHECK_NEW_PASSPHRASE": NEW},
        )
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.strip().count("\n") == 0
        assert "passphrase is not right" in result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(data_dir) == before


def test_no_terminal_and_no_variable_is_one_plain_sentence(data_dir: Path) -> None:
    assert run_cli("demo-case", env={"SAFETYCHECK_PASSPHRASE": PASSPHRASE}).returncode == 0
    result = run_cli("list-cases", input="")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "SAFETYCHECK_PASSPHRASE" in result.stderr


def test_set_then_change_the_passphrase(data_dir: Path) -> None:
    assert run_cli("demo-case", "--reference", "Ref-Otter-Violin").returncode == 0
    assert leaks(data_dir, ["Ref-Otter-Violin"])  # the test can fail: plain leaks

    set_result = run_cli("set-passphrase", env={"SAFETYCHECK_NEW_PASSPHRASE": PASSPHRASE})
    assert set_result.returncode == 0, set_result.stderr
    assert "nobody can open these cases again" in set_result.stderr
    assert leaks(data_dir, ["Ref-Otter-Violin"]) == []

    changed = run_cli(
        "change-passphrase",
        env={"SAFETYCHECK_PASSPHRASE": PASSPHRASE, "SAFETYCHECK_NEW_PASSPHRASE": NEW},
    )
    assert changed.returncode == 0, changed.stderr
    old = run_cli("list-cases", env={"SAFETYCHECK_PASSPHRASE": PASSPHRASE})
    new = run_cli("list-cases", env={"SAFETYCHECK_PASSPHRASE": NEW})
    assert old.returncode == 1
    assert new.returncode == 0 and "Ref-Otter-Violin" in new.stdout


def test_a_too_short_new_passphrase_changes_nothing(data_dir: Path) -> None:
    assert run_cli("demo-case").returncode == 0
    before = snapshot(data_dir)
    result = run_cli("set-passphrase", env={"SAFETYCHECK_NEW_PASSPHRASE": "short"})
    assert result.returncode == 1 and "at least 8 characters" in result.stderr
    assert snapshot(data_dir) == before and not is_protected(data_dir)


def test_the_variable_on_an_unprotected_folder_with_cases_is_not_silently_used(
    data_dir: Path,
) -> None:
    assert run_cli("demo-case").returncode == 0
    result = run_cli("demo-case", env={"SAFETYCHECK_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 0
    assert "no passphrase" in result.stderr
    assert not is_protected(data_dir)
