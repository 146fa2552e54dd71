"""One bad checklist file is one ``file:line: message``; every other topic still loads.

Issue 12, defect 8: deeply nested TOML raised an uncaught RecursionError (the app would not
start), one crafted header line took 24 s, and a file saved by Windows Notepad with a
UTF-8 byte order mark was refused.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from safetycheck.checklist import INTAKE_FILE, load_checklists
from safetycheck.paths import checklists_dir


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "checklists"
    shutil.copytree(checklists_dir(), folder)
    return folder


def _topic_ids(folder: Path) -> set[str]:
    return {t.id for t in load_checklists(folder).topics}


def test_deeply_nested_toml_is_one_problem_and_the_rest_loads(content: Path) -> None:
    every_topic = _topic_ids(content)
    (content / "zz-deep.toml").write_text(
        'format = 1\nid = "deep"\n\nnested = ' + "[" * 50_000 + "]" * 50_000 + "\n",
        encoding="utf-8",
    )
    library = load_checklists(content)
    assert {t.id for t in library.topics} == every_topic
    (problem,) = [p for p in library.problems if p.path.name == "zz-deep.toml"]
    assert problem.line == 4
    assert "nested too deeply" in str(problem)
    assert str(problem).startswith(f"{problem.path}:4: ")


def test_a_crafted_header_line_does_not_stall_loading(content: Path) -> None:
    """Before, this line (a bracket, then 20,000 spaces) kept the loader busy for hours.

    A hang guard, not a speed test: the loader runs in a child process, since a stuck
    regular expression holds the interpreter; a linear reader needs milliseconds.
    """
    # Valid TOML (the line is inside a text), so the file gets as far as finding its lines.
    (content / "zz-header.toml").write_text(
        'format = 1\nid = "header"\ntitle = """\n[' + " " * 20_000 + 'a\n"""\n',
        encoding="utf-8",
    )
    code = (
        "import sys; from safetycheck.checklist import INTAKE_FILE, load_checklists; "
        "lib = load_checklists(sys.argv[1]); "
        "print(len(lib.topics)); print(*map(str, lib.problems), sep='\\n')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(content)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    count, *problems = result.stdout.splitlines()
    assert int(count) == len(_topic_ids(content))
    assert any("zz-header.toml:" in p for p in problems), problems


def test_a_file_saved_with_a_byte_order_mark_is_accepted(content: Path) -> None:
    every_topic = _topic_ids(content)
    path = next(p for p in sorted(content.glob("*.toml")) if p.name != INTAKE_FILE)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # what Windows Notepad writes
    library = load_checklists(content)
    assert [str(p) for p in library.problems] == []
    assert {t.id for t in library.topics} == every_topic


def test_an_intake_file_with_a_byte_order_mark_is_accepted(content: Path) -> None:
    path = content / INTAKE_FILE
    before = load_checklists(content).intake
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    library = load_checklists(content)
    assert library.intake == before and [str(p) for p in library.problems] == []


def test_any_failure_inside_one_file_is_that_files_problem(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever goes wrong with one file (a bug of ours included) costs only that file."""
    from safetycheck import checklist

    every_topic = _topic_ids(content)
    bad = content / "zz-bad.toml"
    bad.write_text('format = 1\nid = "bad"\n', encoding="utf-8")
    real = checklist._build_topic

    def build(path, data, text):
        if path == bad:
            raise TypeError("a bug met an odd value")
        return real(path, data, text)

    monkeypatch.setattr(checklist, "_build_topic", build)
    library = load_checklists(content)
    assert {t.id for t in library.topics} == every_topic
    (problem,) = [p for p in library.problems if p.path == bad]
    assert "could not be read" in problem.message
