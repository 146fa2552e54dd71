"""Issue 15: documents that are safe to take home and fair to the police.

Every test makes real PDFs through the case service and reads them back
(pdftotext for the words in order, pypdf for pages, fonts and metadata).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from report_helpers import flat, make_case, page_texts, pdftotext, settings
from test_report import _layout_problems

from safetycheck import __version__
from safetycheck.app_use import this_system
from safetycheck.case import Case, Status
from safetycheck.casework import CaseWork
from safetycheck.report import ExportCancelled, default_file_name, export_pdf
from safetycheck.report.texts import words_for
from safetycheck.scans import Lead, ScanReport
from safetycheck.scope import ScopeRule
from safetycheck.settings import MODE_ADVISOR, MODE_SELF, Settings

# A case note with a name and a place: it must never reach a plan, in any mode.
NAMED_NOTE = "Ex-partner Darren Kowalski waits outside Leeds General Infirmary on Fridays."
PLAN_LINE = "Keep your phone with you, and ask your advisor before you change anything."

ADVISOR = dataclasses.replace(settings(), mode=MODE_ADVISOR)
ALONE = Settings(mode=MODE_SELF)


def pdf_text(path: Path) -> str:
    return flat(pdftotext(path))


def plans(case: Case, library, tmp_path: Path) -> dict[str, str]:
    """Every plan there is: both modes, full and without details."""
    out = {}
    for mode, conf in (("advisor", ADVISOR), ("self", ALONE)):
        for short in (False, True):
            name = f"{mode}-{'short' if short else 'full'}"
            path = export_pdf(
                case, library, conf, "plan", tmp_path / f"{name}.pdf", leave_out_details=short
            )
            out[name] = pdf_text(path)
    return out


@pytest.fixture
def work(data_dir: Path, library) -> CaseWork:
    work = CaseWork(data_dir, library, dataclasses.replace(ADVISOR))
    work.unlock(None)
    return work


# -- 1. the plan never prints a case note -------------------------------------------------


def test_no_case_note_appears_in_any_plan(library, tmp_path: Path) -> None:
    case = make_case(library)
    concern = case.concerns()[0]
    case.set_answer(concern, Status.CONCERN, NAMED_NOTE)
    case.set_plan_line(concern, PLAN_LINE)
    notes = [a.note for a in case.answers.values() if a.note.strip()]
    assert len(notes) > 20
    for name, text in plans(case, library, tmp_path).items():
        for note in notes:
            assert flat(note) not in text, (name, note)
        for word in ("Darren", "Kowalski", "Leeds", "Infirmary"):
            assert word not in text, (name, word)
        # The line written for the plan is what the full plan says instead.
        assert (flat(PLAN_LINE) in text) is name.endswith("full"), name
    # The record, the advisor's file, still has the note (so this test can fail).
    record = pdf_text(export_pdf(case, library, ADVISOR, "record", tmp_path / "r.pdf"))
    assert flat(NAMED_NOTE) in record and flat(PLAN_LINE) in record


# -- 2. no false reassurance; self mode has its own words ----------------------------------


def _one_answered(library) -> tuple[Case, int]:
    case = Case.new("Alone 2026")
    case.intake = ["android", "google"]
    case.topics = [t.id for t in library.topics_for(case.intake)]
    first = ScopeRule(library).scope(case).checks()[0][1]
    case.set_answer(first.id, Status.LOOKS_OK)
    progress = ScopeRule(library).progress(case)
    assert progress.answered == 1 and progress.total > 20
    return case, progress.total


FALSE_COMFORT = re.compile(r"good news|nothing worrying|anything worrying", re.I)
ADVISOR_WORDS = re.compile(r"advisor|we agreed|what we agreed|we found|together", re.I)


@pytest.mark.parametrize("short", [False, True])
def test_the_self_mode_plan_with_one_check_done_says_so_and_never_comforts(
    library, tmp_path: Path, short: bool
) -> None:
    case, total = _one_answered(library)
    path = export_pdf(case, library, ALONE, "plan", tmp_path / "p.pdf", leave_out_details=short)
    text = pdf_text(path)
    assert f"1 of {total} checks" in text
    assert not FALSE_COMFORT.search(text), FALSE_COMFORT.search(text)
    # Alone: no advisor, nothing "we agreed"; the support services instead.
    assert not ADVISOR_WORDS.search(text), ADVISOR_WORDS.search(text)
    assert "support service" in text
    assert "0808 2000 247" in text  # the national helpline, from helplines.toml


def test_the_advisor_plan_with_one_check_done_never_comforts_either(
    library, tmp_path: Path
) -> None:
    case, total = _one_answered(library)
    text = pdf_text(export_pdf(case, library, ADVISOR, "plan", tmp_path / "p.pdf"))
    assert f"1 of {total} checks" in text
    assert not FALSE_COMFORT.search(text)


def _all_answered(library, status: Status = Status.LOOKS_OK) -> Case:
    case = Case.new("Done 2026")
    case.intake = ["google"]
    case.topics = [t.id for t in library.topics_for(case.intake)]
    for _, check in ScopeRule(library).scope(case).checks():
        case.set_answer(check.id, Status.LOOKS_OK)
    if status is not Status.LOOKS_OK:
        case.set_answer(ScopeRule(library).scope(case).checks()[-1][1].id, status)
    return case


@pytest.mark.parametrize("conf", [ADVISOR, ALONE], ids=["advisor", "self"])
def test_only_a_finished_clean_case_is_called_clean_and_then_not_proof(
    library, tmp_path: Path, conf: Settings
) -> None:
    case = _all_answered(library)
    total = ScopeRule(library).progress(case).total
    text = pdf_text(export_pdf(case, library, conf, "plan", tmp_path / "p.pdf"))
    assert f"all {total} checks" in text
    assert "anything worrying" in text
    assert "does not prove that everything is safe" in text
    # One check left unsure: no longer "nothing worrying".
    unsure = _all_answered(library, Status.NOT_SURE)
    text = pdf_text(export_pdf(unsure, library, conf, "plan", tmp_path / "u.pdf"))
    assert not FALSE_COMFORT.search(text)
    assert "does not show that everything is safe" in text


# -- 3. "leave out details" still says what to do and who to call -------------------------


def test_the_short_advisor_plan_names_the_next_steps_and_the_advisor_contact(
    library, tmp_path: Path
) -> None:
    case = make_case(library)
    text = pdf_text(
        export_pdf(case, library, ADVISOR, "plan", tmp_path / "s.pdf", leave_out_details=True)
    )
    words = words_for()["plan"]
    for step in [*words["general_steps"], *words["short_steps"]]:
        assert flat(step) in text, step
    assert "Sam Advisor" in text and "Northshire IDVA Service" in text
    assert ADVISOR.service_contact in text
    assert "How to reach them" in text
    assert f"{len(case.actions)} next steps" in text  # the actions, counted, not named
    for action in case.actions:
        assert flat(action.what) not in text
    assert case.reference not in pdftotext(tmp_path / "s.pdf")


def test_with_no_service_details_the_plan_leaves_a_line_to_write_them_on(
    library, tmp_path: Path
) -> None:
    case = make_case(library)
    bare = Settings(mode=MODE_ADVISOR, advisor_name="Sam Advisor")
    path = export_pdf(case, library, bare, "plan", tmp_path / "s.pdf", leave_out_details=True)
    text = pdf_text(path)
    assert "Ask your advisor how to reach them, and write it here:" in text
    assert "Sam Advisor" in text


# -- 4. the record: order, counts, steps followed, situation -------------------------------


def _headings_in_order(text: str, *headings: str) -> list[int]:
    return [text.index(h) for h in headings]


@pytest.mark.parametrize("conf", [ADVISOR, ALONE], ids=["advisor", "self"])
def test_the_record_is_concerns_actions_evidence_then_what_was_checked(
    library, tmp_path: Path, conf: Settings
) -> None:
    case = make_case(library)
    text = pdf_text(export_pdf(case, library, conf, "record", tmp_path / "r.pdf"))
    w = words_for(self_mode=conf.mode == MODE_SELF)["record"]
    places = _headings_in_order(
        text,
        w["concerns_heading"],
        w["actions_heading"],
        w["evidence_heading"],
        w["checks_heading"],
        f"{w['unchecked_heading']} {w['unchecked_intro']}",
    )
    assert places == sorted(places), places
    # The first concern is on page 1: nobody leafs through empty rows to find it.
    first = page_texts(tmp_path / "r.pdf")[0]
    assert w["concerns_heading"] in first


def test_the_records_counts_match_the_apps_to_the_digit(work: CaseWork, tmp_path: Path) -> None:
    case = work.create("Counts 2026")
    work.set_intake(["android", "google"])
    checks = work.scope().checks()
    work.set_answer(checks[0][1].id, Status.CONCERN, "x")
    work.set_answer(checks[1][1].id, Status.NOT_SURE)
    work.set_answer(checks[2][1].id, Status.CANT_CHECK_SAFELY)
    work.set_answer(checks[3][1].id, Status.LOOKS_OK)
    # An answer outside the ticked topics still counts (the one scope rule).
    outside = next(t for t in work.library.topics if t.id not in case.topics).checks[0]
    work.set_answer(outside.id, Status.CONCERN, "y")
    progress = work.scope().progress(case)
    [summary] = [s for s in work.list_cases() if s.id == case.id]
    assert summary.coverage.progress == progress  # what the case list shows
    path = export_pdf(case, work.library, work.settings, "record", tmp_path / "r.pdf")
    text = pdf_text(path)
    assert f"{progress.answered} of {progress.total} checks done." in text
    assert f"Concerns: {progress.concerns}. Not sure: {progress.not_sure}." in text
    assert f"Not checked yet: {progress.total - progress.answered}." in text
    lines = re.findall(r"(\d+) of (\d+) checks not checked yet|none of its (\d+) checks", text)
    unchecked = sum(int(a or c) for a, _b, c in lines)
    assert unchecked == progress.total - progress.answered
    plan = pdf_text(export_pdf(case, work.library, work.settings, "plan", tmp_path / "p.pdf"))
    assert f"{progress.answered} of {progress.total} checks" in plan


def test_the_record_says_which_steps_were_followed(work: CaseWork, tmp_path: Path) -> None:
    work.create("Steps 2026")
    work.set_intake(["android"])
    check = next(c for c in work.library.topic("android").checks if len(c.variants) > 1)
    samsung = next(v.label for v in check.variants if "Samsung" in v.label)
    work.choose_steps(check.id, samsung)
    work.set_answer(check.id, Status.CONCERN, "seen")
    text = pdf_text(
        export_pdf(work.case, work.library, work.settings, "record", tmp_path / "r.pdf")
    )
    assert f"Steps followed {samsung} (1 check)" in text
    assert f"{check.title} Steps: {samsung}" in text


def test_the_situation_answers_are_in_the_record_and_never_in_the_plan(
    library, tmp_path: Path
) -> None:
    case = make_case(library)
    case.intake = [*case.intake, "children", "court", "police", "living-together"]
    situation = words_for()["record"]["situation"]
    record = pdf_text(export_pdf(case, library, ADVISOR, "record", tmp_path / "r.pdf"))
    police = pdf_text(
        export_pdf(case, library, ADVISOR, "record", tmp_path / "x.pdf", for_police=True)
    )
    plan = pdf_text(export_pdf(case, library, ADVISOR, "plan", tmp_path / "p.pdf"))
    for option in ("children", "court", "police", "living-together"):
        assert flat(situation[option]) in record and flat(situation[option]) in police
        assert flat(situation[option]) not in plan


def test_every_situation_question_has_record_wording(library) -> None:
    """A new "About your situation" question must say how the record prints it."""
    situation = words_for()["record"]["situation"]
    asked = [o.id for o in library.intake if o.group == "About your situation"]
    assert asked and set(asked) <= set(situation), set(asked) - set(situation)


# -- 5. the record for the police -----------------------------------------------------------


def _scanned_case(work: CaseWork) -> Case:
    case = work.create("Police 2026")
    work.set_intake(["android"])
    concern = work.scope().checks()[0][1].id
    work.set_answer(concern, Status.CONCERN, NAMED_NOTE)
    work.set_plan_line(concern, PLAN_LINE)
    work.add_action("Move to the refuge on Friday", "Client", "Friday")
    work.add_evidence("Photo of the app list", "Android phone, Settings > Apps", concern)
    report = ScanReport(
        source="android-scan",
        device="Samsung SM-A546B (serial R58N)",
        scanned_at=dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC),
        summary="Scan of the phone: 1 lead",
        summary_check_id=concern,
        leads=(Lead("An app with accessibility access: com.spy.app", concern),),
    )
    work.record_scan(report)
    return case


def test_the_police_copy_leaves_out_private_notes_and_says_how_evidence_was_collected(
    work: CaseWork, tmp_path: Path
) -> None:
    case = _scanned_case(work)
    path = export_pdf(
        case, work.library, work.settings, "record", tmp_path / "p.pdf", for_police=True
    )
    text = pdf_text(path)
    w = words_for(for_police=True)["record"]
    for private in (NAMED_NOTE, PLAN_LINE, "Move to the refuge on Friday", "Kowalski"):
        assert flat(private) not in text, private
    assert flat(w["actions_left_out"]) in text
    # Findings and evidence are all there.
    assert "Photo of the app list" in text and "com.spy.app" in text
    assert STATUS_CONCERN in text
    # The page on how the evidence was collected: by whom, when, on what, with which version.
    pages = page_texts(path)
    [page] = [p for p in pages if w["collected_heading"] in p]
    page = flat(page)
    assert "Sam Advisor (Northshire IDVA Service), with the client" in page
    assert f"SafetyCheck {__version__} on {this_system()}" in page
    assert "Samsung SM-A546B (serial R58N): read by SafetyCheck's Android scan" in page
    assert "2026-12-01" in page
    assert "Android phone, Settings > Apps" in page
    assert "not a forensic examination" in page
    assert (
        page.startswith(w["collected_heading"])
        or pages.index(next(p for p in pages if w["collected_heading"] in p)) > 0
    )  # a page of its own
    # The full record has the notes and no such page (so this test can fail).
    full = pdf_text(export_pdf(case, work.library, work.settings, "record", tmp_path / "f.pdf"))
    assert flat(NAMED_NOTE) in full and w["collected_heading"] not in full


STATUS_CONCERN = "Concern found"


def test_the_police_copy_in_self_mode_says_the_person_collected_it(
    data_dir: Path, library, tmp_path: Path
) -> None:
    work = CaseWork(data_dir, library, Settings(mode=MODE_SELF))
    work.unlock(None)
    case = work.create("Alone 2026")
    work.set_intake(["android"])
    work.set_answer(work.scope().checks()[0][1].id, Status.CONCERN, NAMED_NOTE)
    text = pdf_text(
        export_pdf(case, library, work.settings, "record", tmp_path / "p.pdf", for_police=True)
    )
    assert "The person themselves, using SafetyCheck on their own, without an advisor" in text
    assert "Kowalski" not in text
    assert "Sam Advisor" not in text


def test_only_the_record_has_a_police_copy(library, tmp_path: Path) -> None:
    from safetycheck.report import ReportError

    with pytest.raises(ReportError, match="police"):
        export_pdf(
            make_case(library), library, ADVISOR, "plan", tmp_path / "p.pdf", for_police=True
        )


# -- 6. file names and metadata ------------------------------------------------------------


def test_default_file_names_carry_the_reference_and_the_kind() -> None:
    case = Case.new("Case 7F3K")
    day = dt.date(2026, 12, 2)
    assert default_file_name(case, "record", today=day) == "case-7f3k-record-2026-12-02.pdf"
    assert (
        default_file_name(case, "record", for_police=True, today=day)
        == "case-7f3k-record-for-police-2026-12-02.pdf"
    )
    assert default_file_name(case, "plan", today=day) == "case-7f3k-plan-2026-12-02.pdf"
    # Someone else may see the short plan's name: no reference.
    assert default_file_name(case, "plan", leave_out_details=True, today=day) == (
        "plan-2026-12-02.pdf"
    )
    odd = Case.new('Sprawa Łódź / "A:B" \\ CON')
    assert (
        default_file_name(odd, "record", today=day) == "sprawa-łódź-a-b-con-record-2026-12-02.pdf"
    )
    assert default_file_name(Case.new("///"), "record", today=day) == "record-2026-12-02.pdf"
    assert len(default_file_name(Case.new("x" * 300), "record", today=day)) < 80


@pytest.mark.parametrize("for_police", [False, True])
def test_the_metadata_title_stays_neutral(library, tmp_path: Path, for_police: bool) -> None:
    from pypdf import PdfReader

    case = make_case(library)
    path = export_pdf(case, library, ADVISOR, "record", tmp_path / "r.pdf", for_police=for_police)
    meta = PdfReader(str(path)).metadata
    assert meta.title == "Notes"
    assert "police" not in str(meta).lower() and case.reference not in str(meta)


# -- 7. progress, and stopping ---------------------------------------------------------------


def test_export_reports_its_progress_and_can_be_stopped(library, tmp_path: Path) -> None:
    case = make_case(library)
    heard: list[float] = []
    export_pdf(case, library, ADVISOR, "record", tmp_path / "r.pdf", progress=heard.append)
    assert len(heard) > 20
    assert heard == sorted(heard) and heard[-1] == pytest.approx(1.0)
    stop = threading.Event()

    def stop_half_way(share: float) -> None:
        if share > 0.3:
            stop.set()

    with pytest.raises(ExportCancelled):
        export_pdf(
            case,
            library,
            ADVISOR,
            "record",
            tmp_path / "stopped.pdf",
            progress=stop_half_way,
            cancel=stop,
        )
    assert not (tmp_path / "stopped.pdf").exists()


# -- 8. every script, A4 and Letter, both modes ----------------------------------------------

SCRIPTS = {
    "latin": "Zażółć gęślą jaźń — ŵ ŷ",
    "greek": "Κρατήστε το τηλέφωνό σας κοντά σας.",
    "cyrillic": "Позвоните, когда будет безопасно.",
}
ARABIC_SCRIPT = {
    "urdu": ("جب محفوظ ہو تو اپنے مشیر سے بات کریں۔ test 2026", "NotoNastaliqUrdu"),
    "arabic": ("اتصلي بالمستشارة عندما يكون ذلك آمنا. test 2026", "NotoNaskhArabic"),
}


def _scripted_case(library, lines: dict[str, str]) -> Case:
    case = make_case(library)
    for check_id, line in zip(case.concerns(), lines.values(), strict=False):
        case.set_plan_line(check_id, line)
        case.set_answer(check_id, note=line)
    return case


@pytest.mark.parametrize("page_size", ["a4", "letter"])
@pytest.mark.parametrize("conf", [ADVISOR, ALONE], ids=["advisor", "self"])
@pytest.mark.parametrize(
    ("kind", "police", "short"),
    [
        ("record", False, False),
        ("record", True, False),
        ("plan", False, False),
        ("plan", False, True),
    ],
    ids=["record", "police", "plan", "plan-short"],
)
def test_latin_greek_and_cyrillic_print_inside_the_margins_on_both_papers(
    library, tmp_path: Path, page_size: str, conf: Settings, kind: str, police: bool, short: bool
) -> None:
    case = _scripted_case(library, SCRIPTS)
    path = export_pdf(
        case,
        library,
        conf,
        kind,
        tmp_path / "d.pdf",
        page_size=page_size,
        for_police=police,
        leave_out_details=short,
    )
    assert _layout_problems(path) == []
    text = pdf_text(path)
    for line in SCRIPTS.values():
        assert (flat(line) in text) is not (police or short), line


@pytest.mark.parametrize("page_size", ["a4", "letter"])
@pytest.mark.parametrize("kind", ["record", "plan"])
@pytest.mark.parametrize("script", sorted(ARABIC_SCRIPT))
def test_urdu_and_arabic_print_in_their_fonts_on_both_papers(
    library, tmp_path: Path, page_size: str, kind: str, script: str
) -> None:
    from pypdf import PdfReader

    line, font = ARABIC_SCRIPT[script]
    case = _scripted_case(library, {script: line})
    path = export_pdf(case, library, ADVISOR, kind, tmp_path / "u.pdf", page_size=page_size)
    reader = PdfReader(str(path))
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any(font in f for f in fonts), fonts
    assert "test 2026" in pdftotext(path)  # the Latin inside it stays readable
    width = 612 if page_size == "letter" else 595
    assert round(float(reader.pages[0].mediabox.width)) == width
