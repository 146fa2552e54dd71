"""The smaller input defects of issue 12 (item 9, part A): each attack, and what now happens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from android_fakes import FakeAdb
from conftest import ROOT

from safetycheck.android.adb import Adb, find_adb

SERIAL = "33081FDH2000AB"


def test_adb_pull_ends_the_options_before_the_phones_path(tmp_path: Path) -> None:
    """A path from the phone that starts with "-" is never read by adb as an option."""
    fake = FakeAdb(tmp_path, "clean")
    remote = "-a/data/app/evil/base.apk"
    fake.add_pull(SERIAL, remote, b"apk bytes")
    local = tmp_path / "copy.apk"
    Adb(fake.path).pull(SERIAL, remote, local)
    (call,) = [c for c in fake.calls() if "pull" in c]
    assert call == ["-s", SERIAL, "pull", "--", remote, str(local)]
    assert local.read_bytes() == b"apk bytes"


def test_a_relative_adb_path_is_used_from_this_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeAdb(tmp_path, "clean")
    monkeypatch.chdir(fake.bin)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # no other adb to fall back on
    found = find_adb("./adb")
    assert found.is_absolute() and found == fake.path
    assert [d.serial for d in Adb(found).devices()] == [SERIAL]
    assert [d.serial for d in Adb(Path("./adb")).devices()] == [SERIAL]


def test_the_cli_accepts_a_relative_adb_path(tmp_path: Path) -> None:
    fake = FakeAdb(tmp_path, "clean")
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "scan-android", "--adb", "./adb"],
        capture_output=True,
        text=True,
        cwd=fake.bin,
        env={**os.environ, "PATH": str(tmp_path / "nowhere")},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Apps read: 15" in result.stdout
