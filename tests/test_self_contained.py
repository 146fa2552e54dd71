"""The project carries everything it needs: nothing in it reads beside the checkout.

A clone on a fresh machine has nothing next to it.  A reference to a folder beside our own
checkout (the way the indicator lists were once read from a folder next to it) passes on our
machines and fails for every newcomer, so it is refused here, in every file of the app, its
tests, benchmarks, scripts, packaging and CI.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WHERE = ["main.py", "safetycheck", "ui", "tests", "benchmarks", "scripts", "packaging", ".ci"]
TEXT_SUFFIXES = {".py", ".sh", ".toml", ".spec", ".cfg", ".ini", ".yaml", ".yml", ".txt", ""}

# Built from pieces so that this file does not match itself.
_UP = re.escape("..")
_NAME = "sha" + "red"
OUTSIDE = re.compile(
    rf"{_UP}[/\\]+{_NAME}\b"  # up one folder, then the name
    rf"|/\s*[\"']{_NAME}[\"']"  # a Path joined with the name
    rf"|\b{_NAME}[/\\]+indicators\b"  # the old indicator folder
)


def _files() -> list[Path]:
    found = []
    for name in WHERE:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in candidates:
            if not file.is_file() or file.suffix not in TEXT_SUFFIXES:
                continue
            if any(part in {".venv", "__pycache__", "build", "dist"} for part in file.parts):
                continue
            found.append(file)
    return found


def test_no_file_refers_to_a_folder_beside_the_checkout() -> None:
    files = _files()
    assert len(files) > 50  # the walk really looked
    offenders = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                offenders.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "files that read outside the checkout:\n" + "\n".join(offenders)


def test_the_pattern_catches_what_it_must() -> None:
    up, name = "..", "sha" + "red"
    for bad in (
        f"{up}/{name}/indicators/ioc.yaml",
        f"ROOT.parent / '{name}'",
        f'HERE.parent.parent / "{name}" / "indicators"',
        f"{name}/indicators",
    ):
        assert OUTSIDE.search(bad), bad
    for fine in ('assets_dir() / "indicators"', "shared memory", "a shared computer"):
        assert not OUTSIDE.search(fine), fine


def test_ci_copies_what_a_clone_holds_and_nothing_else(tmp_path: Path) -> None:
    """``.ci/run`` runs the tests in such a copy, away from everything of ours."""
    import subprocess
    import sys

    dest = tmp_path / "fresh" / "safetycheck"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "copy_checkout.py"), str(dest)], check=True
    )
    for needed in ("main.py", "scripts/test", "assets/indicators/echap/ioc.yaml", ".ci/run"):
        assert (dest / needed).is_file(), needed
    assert not (dest / ".venv").exists() and not (dest / ".git").exists()
    assert not list(dest.rglob("__pycache__"))
    assert (dest / "scripts" / "test").stat().st_mode & 0o111  # still executable
    # CI's copy has no .git; copying it again (its own tests do) gives the same files.
    (dest / ".venv").mkdir()
    (dest / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    again = tmp_path / "again"
    subprocess.run(
        [sys.executable, str(dest / "scripts" / "copy_checkout.py"), str(again)], check=True
    )
    listing = sorted(p.relative_to(dest) for p in dest.rglob("*") if p.is_file())
    listing.remove(Path(".venv/pyvenv.cfg"))
    assert sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file()) == listing
