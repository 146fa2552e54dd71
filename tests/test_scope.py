"""One rule for what a case covers: every view counts the same checks the same way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from report_helpers import flat, pdftotext
from scope_cases import EXPECTED, make_cases, make_contents

from safetycheck.case import Case, Progress, Status
from safetycheck.casework import CaseWork
from safetycheck.checklist import load_checklists
from safetycheck.report import export_pdf
from safetycheck.report.texts import report_text
from safetycheck.scope import ScopeRule
from safetycheck.settings import Settings
from safetycheck.store import CaseStore


@pytest.fixture
def odd(tmp_path: Path, data_dir: Path) -> tuple[Path, dict[str, str]]:
    old, new = make_contents(tmp_path)
    return new, make_cases(data_dir, old)


def test_the_rule_on_each_odd_shape(odd, data_dir: Path) -> None:
    new, ids = odd
    rule = ScopeRule(load_checklists(new))
    store = CaseStore(data_dir)
    scopes = {ref: rule.scope(store.load(case_id)) for ref, case_id in ids.items()}

    unticked = scopes["Unticked"]
    assert [(p.topic.id, p.chosen) for p in unticked.topics] == [
        ("t-start", True),
        ("t-phone", False),
    ]
    assert [c.id for c in unticked.topic("t-phone").checks] == ["t-phone-apps"]

    removed = scopes["Removed"]
    assert removed.retired == ("t-phone-old",)
    assert removed.check_ids()[-1] == "t-phone-old"
    assert removed.has("t-phone-old") and not removed.has("t-home-voice")

    added = scopes["Added later"]
    assert "t-home" not in [p.topic.id for p in added.topics]
    assert [c.id for c in added.topic("t-car").checks] == ["t-car-app"]
    for ref, scope in scopes.items():
        assert scope.progress(store.load(ids[ref])) == EXPECTED[ref], ref


def test_the_case_list_recounts_cases_saved_against_other_checklists(odd, data_dir) -> None:
    new, ids = odd
    work = CaseWork(data_dir, load_checklists(new))
    work.unlock(None)
    stale = {s.reference: s for s in CaseStore(data_dir).list_cases()}
    assert not work.rule.counts_hold(stale["Removed"].coverage)
    rows = {s.reference: s.progress for s in work.list_cases()}
    assert rows == EXPECTED
    # The next save writes counts that hold, so the list need not read the case again.
    work.open(ids["Removed"])
    work.set_answer("t-start-safe", Status.LOOKS_OK)
    [saved] = [s for s in CaseStore(data_dir).list_cases() if s.reference == "Removed"]
    assert work.rule.counts_hold(saved.coverage)
    assert saved.progress == Progress(total=5, answered=3, concerns=1, not_sure=1)


def test_list_cases_json_reports_the_same_numbers(odd, monkeypatch, capsys) -> None:
    from safetycheck import cli
    from safetycheck.commands import common

    new, _ids = odd
    monkeypatch.setattr(common, "checklists_dir", lambda: new)
    assert cli.main(["list-cases", "--json"]) == 0
    rows = {r["reference"]: Progress(**r["progress"]) for r in json.loads(capsys.readouterr().out)}
    assert rows == EXPECTED


def _numbers(text: str, template: str) -> list[int]:
    """The numbers filled into ``template`` (a report text with {placeholders})."""
    pattern = re.escape(flat(template))
    pattern = re.sub(r"\\\{[a-z_]+\\\}", r"(\\d+)", pattern)
    found = re.search(pattern, text)
    assert found, template
    return [int(n) for n in found.groups()]


@pytest.mark.parametrize("reference", sorted(EXPECTED))
def test_both_documents_report_the_same_numbers(odd, data_dir, tmp_path, reference) -> None:
    new, ids = odd
    library = load_checklists(new)
    case: Case = CaseStore(data_dir).load(ids[reference])
    expected = EXPECTED[reference]
    words = report_text()

    record = flat(pdftotext(export_pdf(case, library, Settings(), "record", tmp_path / "r.pdf")))
    answered, total = _numbers(record, words["common"]["progress"])
    concerns, not_sure, _cant, unchecked = _numbers(record, words["record"]["summary"])
    assert Progress(total, answered, concerns, not_sure) == expected
    assert unchecked == total - answered

    plan_path = tmp_path / "p.pdf"
    export_pdf(case, library, Settings(), "plan", plan_path, leave_out_details=True)
    plan = flat(pdftotext(plan_path))
    assert f"{expected.answered} of {expected.total} checks" in plan
    if expected.concerns == 1:
        assert flat(words["plan"]["found_count_one"]) in plan
    else:
        assert _numbers(plan, words["plan"]["found_count"]) == [expected.concerns]
