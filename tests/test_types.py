"""mypy is part of the test suite: strict for the core, checked for the interface.

The configuration is in pyproject.toml ([tool.mypy]); it must stay at 0 errors.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _mypy() -> list[str]:
    local = Path(sys.executable).with_name("mypy")
    if local.exists():
        return [str(local)]
    found = shutil.which("mypy")
    if not found:
        pytest.skip("mypy is not installed")
    return [found]


def test_mypy_finds_no_errors() -> None:
    result = subprocess.run(
        [*_mypy(), "--no-error-summary", "--cache-dir", str(ROOT / ".venv" / "mypy-cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
