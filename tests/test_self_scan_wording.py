"""Someone checking alone reads no "advisor" in a scan's results either: not on screen, not
in the command's output, not in the evidence log the scan leaves, not in the record.

The scanners' words (``assets/*/scan.toml``) are written for an advisor's client. In self
mode they go through the same word pairs as the checklists (``safetycheck.self_wording``),
before they are shown and before the log keeps them; what a case already holds is never
rewritten (QA walk follow-ups, issue 14/15).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from computer_machines import build
from conftest import run_cli
from report_helpers import flat, pdftotext

from safetycheck.casework import CaseWork
from safetycheck.computer.scan import run_scan, scan_report
from safetycheck.computer.system import recorded_system
from safetycheck.computer.tools import ToolStore
from safetycheck.paths import assets_dir
from safetycheck.report.export import export_pdf
from safetycheck.self_wording import alone
from safetycheck.settings import MODE_ADVISOR, MODE_SELF, Settings, save_settings
from safetycheck.store import CaseStore

ADVISOR = re.compile(r"\badvis[eo]r|\byour client", re.IGNORECASE)


def _strings(value: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(where, value)]
    if isinstance(value, list):
        return [s for i, item in enumerate(value) for s in _strings(item, f"{where}[{i}]")]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in _strings(item, f"{where}.{key}")]
    return []


def _near(text: str) -> list[str]:
    return [text[max(0, m.start() - 60) : m.end() + 20] for m in ADVISOR.finditer(text)][:5]


@pytest.mark.parametrize("scanner", ["android", "iphone", "computer"])
def test_every_scan_text_reads_without_an_advisor_for_someone_alone(scanner: str) -> None:
    with open(assets_dir() / scanner / "scan.toml", "rb") as handle:
        texts = _strings(tomllib.load(handle), scanner)
    assert any(ADVISOR.search(text) for _where, text in texts)  # written for a client
    left = [f"{where}: {alone(text)}" for where, text in texts if ADVISOR.search(alone(text))]
    assert left == [], "\n".join(left)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("m"), "windows-planted")


def _scan_into_a_case(data_dir: Path, library, planted: Path, mode: str) -> CaseStore:
    store = CaseStore(data_dir)
    work = CaseWork(data_dir, library, Settings(mode=mode), store=store)
    work.create("Scan 1")
    work.add_evidence("Kept as typed: an advisor saw the laptop.", "At home", None)
    result = run_scan(recorded_system(planted), ToolStore(data_dir).lists())
    work.record_scan(scan_report(result))
    return store


def test_a_scan_saved_by_someone_alone_keeps_the_words_they_were_shown(
    data_dir: Path, library, planted: Path, tmp_path: Path
) -> None:
    store = _scan_into_a_case(data_dir, library, planted, MODE_SELF)
    (case,) = store.list_cases()
    saved = store.load(case.id)
    scanned = [e.what for e in saved.evidence if e.source != "person"]
    assert scanned and not [w for w in scanned if ADVISOR.search(w)]
    assert any("plan with a support service first" in w for w in scanned)
    assert not ADVISOR.search(saved.scans[0].summary)
    # What the person typed is theirs: never reworded.
    assert saved.evidence[0].what == "Kept as typed: an advisor saw the laptop."

    settings = Settings(mode=MODE_SELF)
    for police in (False, True):
        path = export_pdf(
            saved, library, settings, "record", tmp_path / f"r{police}.pdf", for_police=police
        )
        text = flat(pdftotext(path))
        assert "plan with a support service first" in text
        text = text.replace("an advisor saw the laptop", "")
        text = text.replace("(no advisor)", "").replace("without an advisor", "")
        assert not ADVISOR.search(text), _near(text)


def test_an_advisors_scan_keeps_the_words_as_written(data_dir: Path, library, planted) -> None:
    store = _scan_into_a_case(data_dir, library, planted, MODE_ADVISOR)
    (case,) = store.list_cases()
    scanned = [e.what for e in store.load(case.id).evidence if e.source != "person"]
    assert any("plan with an advisor first" in w for w in scanned)


@pytest.mark.parametrize("mode", [MODE_SELF, MODE_ADVISOR])
def test_the_scan_command_speaks_to_someone_alone_as_the_page_does(
    data_dir: Path, planted: Path, mode: str
) -> None:
    save_settings(data_dir, Settings(mode=mode))
    out = run_cli("scan-computer", "--machine", str(planted))
    assert out.returncode == 0, out.stderr
    as_json = run_cli("scan-computer", "--machine", str(planted), "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    if mode == MODE_SELF:
        assert not ADVISOR.search(out.stdout), _near(out.stdout)
        assert not ADVISOR.search(as_json.stdout), _near(as_json.stdout)
        assert "plan with a support service first" in data["headline"]
    else:
        assert "Plan with an advisor" in out.stdout
        assert "plan with an advisor first" in data["headline"]
