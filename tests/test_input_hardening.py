"""The smaller input defects of issue 12 (item 9, part A): each attack, and what now happens."""

from __future__ import annotations

import json
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


# -- export: it wrote and says so, or it wrote nothing ----------------------------------------


@pytest.fixture
def saved_case(data_dir: Path) -> str:
    from safetycheck.store import CaseStore

    case = CaseStore(data_dir).create("Case RO")
    return case.id


def _export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    from safetycheck.cli import main

    target = tmp_path / "out" / "record.pdf"
    target.parent.mkdir()
    code = main(["export", "Case RO", "--kind", "record", "-o", str(target)])
    return code, capsys.readouterr().err, target


def test_export_that_cannot_note_the_pdf_in_the_case_writes_nothing(
    tmp_path: Path, data_dir: Path, saved_case: str, monkeypatch, capsys
) -> None:
    """A read-only data folder (or a case another program holds): the PDF is not written."""
    from safetycheck.store import CaseStore, SaveError

    def read_only(self, *args, **kwargs):
        raise SaveError("The data folder is read-only, so the case could not be saved.")

    monkeypatch.setattr(CaseStore, "save", read_only)
    code, err, target = _export(tmp_path, capsys)
    assert code == 1
    assert "read-only" in err and "not saved" in err
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_export_to_a_folder_it_cannot_write_leaves_the_case_as_it_was(
    tmp_path: Path, data_dir: Path, saved_case: str, monkeypatch, capsys
) -> None:
    from safetycheck.report import export as report_export
    from safetycheck.store import CaseStore

    def read_only_folder(path, data, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(report_export, "write_atomic", read_only_folder)
    code, err, target = _export(tmp_path, capsys)
    assert code == 1
    assert "could not be saved to" in err
    assert not target.exists()
    assert CaseStore(data_dir).load(saved_case).exported_files == []


def test_export_notes_the_pdf_and_says_so(
    tmp_path: Path, data_dir: Path, saved_case: str, capsys
) -> None:
    from safetycheck.cli import main
    from safetycheck.store import CaseStore

    target = tmp_path / "record.pdf"
    assert main(["export", "Case RO", "--kind", "record", "-o", str(target)]) == 0
    assert f"Saved {target}" in capsys.readouterr().out
    assert CaseStore(data_dir).load(saved_case).exported_files == [str(target.resolve())]


# -- what reaches the terminal ---------------------------------------------------------------

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b1m\u202e"


def _phone_with_escapes(tmp_path: Path) -> FakeAdb:
    fake = FakeAdb(tmp_path, "clean")
    props = fake.scenario / "getprop.txt"
    props.write_text(
        props.read_text(encoding="utf-8") + f"[ro.product.model]: [Pixel{ESCAPES}]\n",
        encoding="utf-8",
    )
    listing = fake.scenario / "pm-list-packages.txt"
    listing.write_text(
        listing.read_text(encoding="utf-8")
        + f"package:/data/app/x/base.apk=com.evil{ESCAPES}  installer=null uid:10999\n",
        encoding="utf-8",
    )
    return fake


def test_escape_sequences_from_a_phone_never_reach_the_terminal(tmp_path: Path) -> None:
    fake = _phone_with_escapes(tmp_path)
    result = run_cli("scan-android", "--adb", str(fake.path))
    assert result.returncode == 0, result.stderr
    for shown in (result.stdout, result.stderr):
        assert not any(ch in shown for ch in "\x1b\x07\x9b\u202e"), repr(shown[:200])
    assert "Pixel\\u001b]0;owned\\u0007" in result.stdout  # shown, visibly, not obeyed

    as_json = run_cli("scan-android", "--adb", str(fake.path), "--json")
    assert "\x1b" not in as_json.stdout and "\x9b" not in as_json.stdout
    assert json.loads(as_json.stdout)["device"]["model"] == f"Pixel{ESCAPES}"


def test_escape_sequences_in_a_case_reference_are_shown_not_obeyed(data_dir: Path) -> None:
    from safetycheck.store import CaseStore

    store = CaseStore(data_dir)
    case = store.create("x")  # a new case's reference is cleaned: this one comes from a file
    case.reference = f"Case {ESCAPES}"
    store.save(case)
    result = run_cli("list-cases")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "Case \\u001b]0;owned" in result.stdout


def test_a_phone_cannot_overfill_the_evidence_log(tmp_path: Path, data_dir: Path, library) -> None:
    """Names longer than any real one are cut, so recording a scan never fails on them."""
    from safetycheck.android.scan import run_scan, scan_report
    from safetycheck.casework import CaseWork
    from safetycheck.store import CaseStore

    fake = FakeAdb(tmp_path, "clean")
    props = fake.scenario / "getprop.txt"
    props.write_text(f"[ro.product.model]: [{'M' * 200_000}]\n", encoding="utf-8")
    listing = fake.scenario / "pm-list-packages.txt"
    listing.write_text(
        f"package:/data/app/x/base.apk={'com.spy' * 30_000}  installer=null uid:10999\n",
        encoding="utf-8",
    )
    result = run_scan(Adb(fake.path), IndicatorStore(data_dir).index())
    assert len(result.device.model) <= 512 and result.app_count == 1
    case = CaseStore(data_dir).create("Case long")
    work = CaseWork(data_dir, library)
    work.unlock(None)
    work.open(case.id)
    work.record_scan(scan_report(result))
    assert CaseStore(data_dir).load(case.id).evidence
