"""A person checking alone never reads "your advisor" or "we agreed", on paper or on the check
page, while the checklists still read as written for an advisor's client (``checklist_words``,
``safetycheck.self_wording``)."""

from __future__ import annotations

import re
from pathlib import Path

from report_helpers import flat, pdftotext

from safetycheck.case import Case, Status
from safetycheck.report.export import export_pdf
from safetycheck.self_wording import check_alone, topic_alone
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


def _texts(topic, check) -> list[tuple[str, str]]:
    """Every text a person reads of a check, with where it is."""
    texts = [("title", check.title), ("why", check.why), ("if_found", check.if_found)]
    texts += [("evidence", check.evidence), ("caution", check.caution)]
    texts += [("look_for", line) for line in check.look_for]
    texts += [(f"steps ({v.label})", step) for v in check.variants for step in v.steps]
    return [(f"{topic.id}/{check.id} {field}", text) for field, text in texts]


def test_no_checklist_line_says_advisor_once_reworded_for_someone_alone(library) -> None:
    left: list[str] = []
    for topic in library.topics:
        alone_topic = topic_alone(topic)
        for where, text in (("intro", alone_topic.intro), ("sign-in", alone_topic.sign_in_warning)):
            if ADVISOR.search(text):
                left.append(f"{topic.id} {where}: {text}")
        for check in topic.checks:
            for where, text in _texts(topic, check_alone(check)):
                if ADVISOR.search(text):
                    left.append(f"{where}: {text}")
    assert left == [], "\n".join(left)


def test_rewording_changes_nothing_but_the_words(library) -> None:
    check = library.check("start-known-passwords")
    assert check is not None
    alone = check_alone(check)
    assert (alone.id, alone.minutes, alone.essential, alone.verified) == (
        check.id,
        check.minutes,
        check.essential,
        check.verified,
    )
    assert [v.label for v in alone.variants] == [v.label for v in check.variants]


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


def test_the_self_mode_record_names_support_services_not_an_advisor(library, tmp_path) -> None:
    """The record of someone checking alone printed the checklists' "plan it with your
    advisor first" and "your advisor's office" (what a concern can mean, before signing in)
    while their check page said "a support service"."""
    case = _every_check_a_concern(library)
    path = export_pdf(case, library, Settings(mode=MODE_SELF), "record", tmp_path / "alone.pdf")
    text = flat(pdftotext(path)).replace("on their own (no advisor)", "on their own")
    assert not ADVISOR.search(text), [
        text[max(0, m.start() - 60) : m.end() + 20] for m in ADVISOR.finditer(text)
    ][:5]
    assert "a support service's office" in text
