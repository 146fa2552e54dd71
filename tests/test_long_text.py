"""Any note, evidence entry or action a person may keep prints in full, and saves.

Issue 12, defect 1: a 2,050-character note made the case record fail (a table row
taller than a page cannot split), a long Urdu note crashed the plan, and a lone
surrogate made the save raise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_helpers import flat, make_case, pdftotext, settings
from test_report import _layout_problems

from safetycheck.case import Case, Status
from safetycheck.report import ReportError, export_pdf
from safetycheck.store import CaseStore
from safetycheck.user_text import MAX_CHARS, TextTooLongError


def numbered_text(chars: int, tag: str) -> str:
    """Words ``tag00001 tag00002 ...`` filling about ``chars`` characters."""
    words = []
    length = 0
    while length < chars:
        word = f"{tag}{len(words) + 1:05d}"
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:chars].rsplit(" ", 1)[0]


def all_words_printed(text: str, pdf: Path) -> None:
    printed = set(flat(pdftotext(pdf)).split())
    missing = [w for w in text.split() if w not in printed]
    assert not missing, f"{len(missing)} words missing, first {missing[:3]}"


def fill(case: Case, where: str, text: str) -> None:
    if where == "note":
        case.set_answer(case.concerns()[0], Status.CONCERN, text)
    elif where == "plan_line":  # the plan never prints a note: its own line instead
        case.set_plan_line(case.concerns()[0], text)
    elif where == "evidence":
        case.add_evidence(text, "Phone", case.concerns()[0])
    else:
        case.add_action(text, "Sam", "next week")


# The sizes of the review (2,050 characters of note, ~700 words of evidence, ~900 words
# of action) and one that runs over several pages.
@pytest.mark.parametrize(
    ("kind", "where", "chars"),
    [
        ("record", "note", 2_050),
        ("record", "evidence", 4_900),
        ("record", "action", 6_300),
        ("record", "note", 30_000),
        ("record", "evidence", 30_000),
        ("record", "action", 30_000),
        ("plan", "plan_line", 30_000),
        ("plan", "action", 30_000),
    ],
)
def test_a_long_text_prints_in_full_across_pages(
    library, tmp_path: Path, kind: str, where: str, chars: int
) -> None:
    case = make_case(library)
    text = numbered_text(chars, "zq")
    fill(case, where, text)
    pdf = export_pdf(case, library, settings(), kind, tmp_path / "long.pdf")
    all_words_printed(text, pdf)
    assert _layout_problems(pdf) == []


def test_the_longest_note_allowed_prints_in_both_documents(library, tmp_path: Path) -> None:
    case = make_case(library)
    text = numbered_text(MAX_CHARS, "mx")
    case.set_answer(case.concerns()[0], Status.CONCERN, text)
    case.set_plan_line(case.concerns()[0], text)
    case.add_action(text)
    for kind in ("record", "plan"):
        all_words_printed(text, export_pdf(case, library, settings(), kind, tmp_path / "m.pdf"))


def test_a_long_urdu_note_prints_in_the_plan_and_the_record(library, tmp_path: Path) -> None:
    case = make_case(library)
    sentence = "اس نے میرا فون لے لیا اور پیغامات پڑھے۔ "
    case.set_answer(case.concerns()[0], Status.CONCERN, sentence * 300 + "test 2026")
    case.set_plan_line(case.concerns()[0], sentence * 300 + "test 2026")  # what the plan prints
    for kind in ("plan", "record"):
        pdf = export_pdf(case, library, settings(), kind, tmp_path / f"{kind}.pdf")
        text = pdftotext(pdf)
        assert "test 2026" in text
        assert text.count("\f") > 2  # the note ran over pages


def test_a_text_too_long_to_keep_is_refused_plainly_and_the_old_text_stays(library) -> None:
    case = make_case(library)
    check = case.concerns()[0]
    before = case.answer(check).note
    huge = "x" * (10 * 1024 * 1024)
    with pytest.raises(TextTooLongError, match="too long to keep"):
        case.set_answer(check, Status.CONCERN, huge)
    assert case.answer(check).note == before
    with pytest.raises(TextTooLongError):
        case.add_evidence(huge)
    with pytest.raises(TextTooLongError):
        case.add_action("Call", who=huge)
    action = case.add_action("Call the helpline")
    with pytest.raises(TextTooLongError):
        case.update_action(action.id, what=huge)
    assert action.what == "Call the helpline"
    case.set_answer(check, Status.CONCERN, "y" * MAX_CHARS)  # the limit itself is kept


def test_an_old_file_with_a_huge_note_is_refused_by_export_not_hung(
    library, tmp_path: Path
) -> None:
    """A file written before the limit (or by hand) is read, and export says why it stops."""
    case = make_case(library)
    case.answers[case.concerns()[0]].note = "word " * (2 * 1024 * 1024)
    with pytest.raises(ReportError, match="too long to print"):
        export_pdf(case, library, settings(), "record", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


LONE = "Screenshot \ud83d of the messages \udcff"


def test_a_lone_surrogate_never_stops_a_save(library, tmp_path: Path) -> None:
    store = CaseStore(tmp_path / "data")
    case = store.create("Surrogate \udc80 case")
    check = library.topics[0].checks[0].id
    case.set_answer(check, Status.CONCERN, LONE)
    entry = case.add_evidence(LONE, LONE, check)
    action = case.add_action(LONE, LONE, LONE)
    case.update_action(action.id, who="Sam \ud800")
    case.reference = "Renamed \udfff"  # a direct change is caught by the encoder
    case.exported_files.append("/home/x/\udce9t\udce9.pdf")  # a file name in another encoding
    store.save(case)
    loaded = store.load(case.id)
    assert loaded.answer(check).note == "Screenshot \ufffd of the messages \ufffd"
    assert loaded.evidence[0].what == loaded.evidence[0].where == loaded.answer(check).note
    assert loaded.actions[0].who == "Sam \ufffd"
    assert loaded.reference == "Renamed \ufffd"
    assert entry.what.encode("utf-8") and "\ufffd" in loaded.exported_files[0]
    for kind in ("record", "plan"):
        export_pdf(loaded, library, settings(), kind, tmp_path / f"{kind}.pdf")


def test_escaped_surrogates_in_a_case_file_are_made_safe_on_reading() -> None:
    case = Case.new("R")
    data = json.loads(json.dumps(case.to_dict()).replace('"R"', '"R \\ud800"'))
    data["actions"] = [{"id": "a", "what": b"\\udc00 call".decode("unicode_escape")}]
    loaded = Case.from_dict(data)
    assert loaded.reference == "R \ufffd"
    assert loaded.actions[0].what == "\ufffd call"


def test_a_case_too_long_for_one_document_is_refused_plainly(library, tmp_path: Path) -> None:
    from safetycheck.report.export import MAX_DOCUMENT_CHARS

    case = make_case(library)
    checks = [c.id for t in library.topics for c in t.checks]
    for check in checks[: MAX_DOCUMENT_CHARS // MAX_CHARS + 1]:
        case.set_answer(check, Status.CONCERN, "word " * (MAX_CHARS // 5))
    with pytest.raises(ReportError, match="too long to print in one document"):
        export_pdf(case, library, settings(), "plan", tmp_path / "p.pdf")
