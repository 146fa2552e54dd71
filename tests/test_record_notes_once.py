"""The record prints a concern's note whole once, in the concerns section; the table of
checks gives its beginning and says where the rest is. Printed twice, two 5,000-character
notes made a five-answer record ten pages long (QA walk follow-ups, issue 14/15).

"Long notes whole" stays true: every word of each note is printed, in order, exactly once
in full. The police copy prints no note at all, and the plan none either.
"""

from __future__ import annotations

import re
from pathlib import Path

from report_helpers import flat, pdftotext, settings
from test_long_text import numbered_text

from safetycheck.case import Case, Status
from safetycheck.report import export_pdf


def _case(library) -> tuple[Case, str, str, str]:
    case = Case.new("Notes once")
    case.intake = sorted({tag for t in library.topics for tag in t.applies_to})
    case.topics = [t.id for t in library.topics]
    checks = [c.id for t in library.topics for c in t.checks]
    first, second = numbered_text(5_000, "na"), numbered_text(5_000, "nb")
    short = "nc00001 nc00002 nc00003"
    case.set_answer(checks[0], Status.CONCERN, first)
    case.set_answer(checks[1], Status.LOOKS_OK, "nd00001 nd00002 looked fine")
    case.set_answer(checks[2], Status.CONCERN, second)
    case.set_answer(checks[3], Status.NOT_SURE, "")
    case.set_answer(checks[4], Status.CONCERN, short)
    return case, first, second, short


def _runs(words: list[str], wanted: list[str]) -> int:
    """How many times ``wanted`` appears whole, in order, among ``words``."""
    n = len(wanted)
    return sum(1 for i in range(len(words) - n + 1) if words[i : i + n] == wanted)


def _tagged(text: str, tag: str) -> list[str]:
    return re.findall(rf"\b{tag}\d{{5}}\b", text)


def test_a_concerns_note_is_printed_whole_once_and_the_table_points_to_it(
    library, tmp_path: Path
) -> None:
    case, first, second, short = _case(library)
    text = flat(pdftotext(export_pdf(case, library, settings(), "record", tmp_path / "r.pdf")))
    for tag, note, number in (("na", first, 1), ("nb", second, 2)):
        words = _tagged(text, tag)
        assert _runs(words, note.split()) == 1, f"note {tag} is not printed whole once"
        # Besides the whole note, only its beginning (before the reference) is printed.
        assert len(words) - len(note.split()) <= 12
        start = " ".join(note.split()[: len(words) - len(note.split())])
        assert f"{start}... (whole note: concern {number}, above)" in text
    # A short note is not printed a second time either: the table says where it is.
    assert text.count(short) == 1 and "In concern 3, above." in text
    # A note on a check that is no concern is printed where it is, in the table.
    assert text.count("nd00001 nd00002 looked fine") == 1


def test_the_police_copy_and_the_plan_print_no_note(library, tmp_path: Path) -> None:
    case, _first, _second, _short = _case(library)
    police = export_pdf(case, library, settings(), "record", tmp_path / "p.pdf", for_police=True)
    plan = export_pdf(case, library, settings(), "plan", tmp_path / "plan.pdf")
    for pdf in (police, plan):
        text = flat(pdftotext(pdf))
        assert not re.search(r"\bn[abcd]\d{5}\b", text)
        assert "whole note" not in text and "In concern" not in text
