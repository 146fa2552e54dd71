"""A case reference is a label on one line: the case list, ``list-cases`` (one case a line),
file names and the head of every printed page.  A newline, a tab or a direction override
pasted into it broke the listing in two and made "Evil<RLO>FDP.exe" read backwards."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

from safetycheck.case import Case
from safetycheck.store import CaseStore
from safetycheck.user_text import MAX_REFERENCE_CHARS, one_line

HOSTILE = "Evil\nline\u202eFDP.exe\x07\tend"


def test_a_new_case_keeps_its_reference_on_one_line_without_controls() -> None:
    assert Case.new(HOSTILE).reference == "Evil line FDP.exe end"
    assert Case.new("  \u202e\n ").reference.startswith("Case ")  # nothing left: a new one
    assert Case.new("Achos \u0645\u0631\u064a\u0645 2026").reference == "Achos مريم 2026"
    assert len(Case.new("x" * 10_000).reference) == MAX_REFERENCE_CHARS


def test_renaming_cleans_the_reference_too(data_dir: Path, library) -> None:
    from safetycheck.casework import CaseWork

    work = CaseWork(data_dir, library)
    work.unlock(None)
    case = work.create("A")
    work.rename(case.id, HOSTILE)
    assert work.case is not None and work.case.reference == "Evil line FDP.exe end"
    work.close_case()
    work.rename(case.id, "B\r\nC")
    assert CaseStore(data_dir).load(case.id).reference == "B C"


def test_list_cases_prints_one_line_a_case_even_for_a_reference_saved_with_a_newline(
    data_dir: Path,
) -> None:
    assert run_cli("demo-case", "--reference", HOSTILE).returncode == 0
    case = Case.new("x")
    case.reference = "Forged\nsecond line"  # a file written by something else
    CaseStore(data_dir).save(case)
    lines = run_cli("list-cases").stdout.splitlines()
    assert sorted(line.split("\t")[0] for line in lines) == [
        "Evil line FDP.exe end",
        "Forged\\u000asecond line",  # shown as the terminal shows any control character
    ]


def test_one_line_leaves_ordinary_text_alone() -> None:
    assert one_line("Case 7F3K") == "Case 7F3K"
    assert one_line("Siân Llŷr – 12/3") == "Siân Llŷr – 12/3"


def test_export_prints_a_file_name_typed_with_a_line_break_on_one_line(
    data_dir: Path, tmp_path: Path
) -> None:
    """``export -o`` printed "Saved /tmp/evil" and, on a line of its own, the rest of the
    name: a name can fake the line after it. Shown as list-cases shows a reference."""
    made = run_cli("demo-case", "--reference", "Case NL")
    assert made.returncode == 0, made.stderr
    wanted = tmp_path / "evil\nSaved elsewhere.pdf"
    result = run_cli("export", "Case NL", "--kind", "plan", "-o", str(wanted))
    assert result.returncode == 0, result.stderr
    assert wanted.is_file()  # the file has the name the person typed
    assert result.stdout.splitlines() == [f"Saved {tmp_path}/evil\\u000aSaved elsewhere.pdf"]
