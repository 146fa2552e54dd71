"""The smaller input defects of issue 12 (item 9, part A): each attack, and what now happens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from android_fakes import IOC, FakeAdb
from conftest import ROOT, run_cli
from local_https import serve

from safetycheck.android.adb import Adb, find_adb
from safetycheck.android.indicators import IndicatorError, IndicatorStore
from safetycheck.computer.tools import ToolListError, parse_lolrmm

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


# -- indicator lists: YAML aliases, HTTPS only -------------------------------------------------


def _alias_bomb(levels: int = 6) -> str:
    """A few hundred bytes that stand for 9**levels strings (the "billion laughs")."""
    lines = ["- name: Bomb", "  type: stalkerware", "  packages: [com.example.bomb]"]
    lines.append("  x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]")
    for level in range(1, levels):
        refs = ", ".join([f"*x{level - 1}"] * 9)
        lines.append(f"  x{level}: &x{level} [{refs}]")
    lines.append(f"  names: *x{levels - 1}")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_plainly(data_dir: Path) -> None:

    store = IndicatorStore(data_dir)
    with pytest.raises(IndicatorError, match="aliases"):
        store.import_bytes(_alias_bomb().encode(), "ioc.yaml")
    assert store.load() is None  # nothing was replaced


def test_deeply_nested_indicator_files_are_refused_plainly(data_dir: Path) -> None:

    store = IndicatorStore(data_dir)
    for data in (b"- " + b"[" * 100_000, b'{"type": "bundle", "objects": ' + b"[" * 100_000):
        with pytest.raises(IndicatorError):
            store.import_bytes(data, "list")


def test_indicators_update_refuses_http(tmp_path: Path, data_dir: Path) -> None:

    store = IndicatorStore(data_dir)
    with serve(tmp_path, https=False) as site:
        site.files["/ioc.yaml"] = IOC.read_bytes()
        with pytest.raises(IndicatorError, match="must start with https://"):
            store.update_from_url(f"{site.base}/ioc.yaml")
        assert site.requests == []  # refused before any connection
    assert store.load() is None


def test_the_cli_refuses_an_http_list_address(tmp_path: Path) -> None:

    with serve(tmp_path, https=False) as site:
        site.files["/ioc.yaml"] = IOC.read_bytes()
        result = run_cli("indicators", "update", "--url", f"{site.base}/ioc.yaml")
    assert result.returncode == 1
    assert "must start with https://" in result.stderr
    assert "still in use" in result.stderr and "Traceback" not in result.stderr


def test_indicators_update_over_https_and_never_to_http(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    store = IndicatorStore(data_dir)
    with serve(tmp_path) as site:
        site.files["/ioc.yaml"] = IOC.read_bytes()
        site.redirects["/moved"] = "http://127.0.0.1:1/ioc.yaml"
        with pytest.raises(IndicatorError):  # a certificate nobody vouches for
            store.update_from_url(f"{site.base}/ioc.yaml")
        monkeypatch.setenv("SSL_CERT_FILE", str(site.cert_file))
        assert len(store.update_from_url(f"{site.base}/ioc.yaml").apps) == 147
        with pytest.raises(IndicatorError, match="not https://"):
            store.update_from_url(f"{site.base}/moved")


def test_a_yaml_alias_bomb_in_a_tool_list_is_refused(tmp_path: Path) -> None:

    bomb = _alias_bomb().replace("- name: Bomb", "- Name: Bomb")
    with pytest.raises(ToolListError, match="not a readable"):
        parse_lolrmm(bomb.encode(), "tool.yaml")
