"""Shared fixtures.  Every test gets its own data folder; nothing touches the real profile."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("SAFETYCHECK_DATA_DIR", str(path))
    monkeypatch.delenv("SAFETYCHECK_PASSPHRASE", raising=False)
    return path


@pytest.fixture(scope="session")
def library():
    from safetycheck.checklist import load_checklists
    from safetycheck.paths import checklists_dir

    lib = load_checklists(checklists_dir())
    assert not lib.problems, "\n".join(map(str, lib.problems))
    return lib


def run_cli(*args: str, env: dict | None = None, input: str | None = None):
    """Run ``python main.py ARGS`` in a real child process, as a person would."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=120,
    )
