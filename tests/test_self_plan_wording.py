"""A person checking alone gets a plan that never says "your advisor" or "we agreed", while
the checklists still read as written for an advisor's client (``checklist_words``)."""

from __future__ import annotations

import re
from pathlib import Path

from report_helpers import flat, pdftotext

from safetycheck.case import Case, Status
from safetycheck.report.export import export_pdf
from safetycheck.report.plan import alone
from safetycheck.report.texts import words_for
from safetycheck.settings import MODE_ADVISOR, MODE_SELF, Settings

ADVISOR = re.compile(r"\badvis[eo]r", re.IGNORECASE)


def _every_check_a_concern(library) -> Case:
    case = Case.new("My check")
    case.intake = sorted({tag for t in library.topics for tag in t.applies_to})
    case.topics = [t.id for t in library.topics]
    for topic in library.topics:
        for check in topic.checks:
            case.set_answer(check.id, Status.CONCERN, "")
    case.add_action("Keep the phone on the kitchen table", who="Me")
    return case


def test_no_checklist_line_says_advisor_once_reworded_for_someone_alone(library) -> None:
    w = words_for(self_mode=True)["plan"]
    left = [
        f"{check.id} {field}: {alone(getattr(check, field), w)}"
        for topic in library.topics
        for check in topic.checks
        for field in ("title", "if_found", "caution")
        if ADVISOR.search(alone(getattr(check, field), w))
    ]
    assert left == [], "\n".join(left)


def test_the_self_mode_plan_names_support_services_not_an_advisor(library, tmp_path: Path) -> None:
    case = _every_check_a_concern(library)
    path = export_pdf(case, library, Settings(mode=MODE_SELF), "plan", tmp_path / "alone.pdf")
    text = flat(pdftotext(path))
    assert not ADVISOR.search(text), ADVISOR.findall(text)
    assert "we agreed" not in text.lower()
    assert "Plan with a support service before you change anything." in text
    assert "Things you planned to do" in text


def test_an_advisors_plan_keeps_the_checklists_words(library, tmp_path: Path) -> None:
    case = _every_check_a_concern(library)
    path = export_pdf(case, library, Settings(mode=MODE_ADVISOR), "plan", tmp_path / "plan.pdf")
    text = flat(pdftotext(path))
    assert "Plan with an advisor before you change anything." in text
    assert "Plan with your advisor before you change anything." in text
    assert "support service" not in text.replace("tech support service", "")
