"""The printed documents, read back from real PDFs with pdftotext and pypdf."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from report_helpers import (
    PLAN_LINES,
    SECRETS,
    SERVICE_CONTACT,
    concern_ids,
    flat,
    make_case,
    multilingual_notes,
    page_texts,
    pdftotext,
    png_bytes,
    settings,
)

from safetycheck.case import STATUS_LABELS, Status
from safetycheck.paths import assets_dir
from safetycheck.report import export_pdf
from safetycheck.report.texts import report_text
from safetycheck.store import CaseStore


@pytest.fixture(scope="module")
def exported(library, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Both documents (and the plan without details) for one demo case, made once."""
    folder = tmp_path_factory.mktemp("pdfs")
    store = CaseStore(folder / "data")
    case = make_case(library, store)
    picture = folder / "app-list.png"
    picture.write_bytes(png_bytes())
    text_file = folder / "call-log.txt"
    text_file.write_text("calls\n", encoding="utf-8")
    concern = next(cid for cid in concern_ids(case))
    case.add_evidence(
        "Photo of the app list", "Phone", concern, store.add_attachment(case, picture)
    )
    case.add_evidence("Call log export", "Phone", concern, store.add_attachment(case, text_file))
    store.save(case)
    conf = settings()
    paths = {
        "record": export_pdf(case, library, conf, "record", folder / "r.pdf", attachments=store),
        "plan": export_pdf(case, library, conf, "plan", folder / "p.pdf", attachments=store),
        "plan_short": export_pdf(
            case, library, conf, "plan", folder / "s.pdf", leave_out_details=True, attachments=store
        ),
    }
    texts = {k: pdftotext(v) for k, v in paths.items()}
    return {
        "case": case,
        "paths": paths,
        "text": texts,
        "flat": {k: flat(v) for k, v in texts.items()},
    }


def test_record_has_every_section(exported: dict) -> None:
    words = report_text()["record"]
    text = exported["flat"]["record"]
    for key in (
        "title",
        "details_heading",
        "concerns_heading",
        "checks_heading",
        "evidence_heading",
        "actions_heading",
        "versions_heading",
    ):
        assert words[key] in text, key
    assert report_text()["plan"]["help_heading"] in text
    assert "Northshire IDVA Service" in text and "Sam Advisor" in text
    assert "Demo 2026-A" in text


def test_record_lists_every_answered_check_and_counts_the_rest(exported: dict, library) -> None:
    """Issue 15: no pages of "Not checked yet" rows; one line per topic counts them."""
    text = exported["flat"]["record"]
    case = exported["case"]
    words = report_text()["record"]
    for status in Status:
        assert STATUS_LABELS[status] in text, status
    checked_at = text.index(words["checks_heading"])
    unchecked_at = text.index(words["unchecked_heading"], checked_at)
    listed = text[checked_at:unchecked_at]
    for topic in library.topics:
        assert flat(topic.title) in text
        unchecked = [c for c in topic.checks if case.status(c.id) is Status.NOT_CHECKED]
        for check in topic.checks:
            if check not in unchecked:
                assert flat(check.title) in listed, check.id
        if unchecked:
            line = words["unchecked_topic"].format(
                topic=topic.title, count=len(unchecked), total=len(topic.checks)
            )
            if len(unchecked) == 1:
                line = words["unchecked_topic_one"].format(
                    topic=topic.title, total=len(topic.checks)
                )
            assert flat(line) in text[unchecked_at:], topic.id
    checks = [c for t in library.topics for c in t.checks]
    answered = {c.title for c in checks if case.status(c.id) is not Status.NOT_CHECKED}
    never_checked = [
        c.title
        for c in checks
        if case.status(c.id) is Status.NOT_CHECKED and not any(c.title in a for a in answered)
    ]
    assert len(never_checked) > 10
    assert not [t for t in never_checked if flat(t) in listed]
    assert STATUS_LABELS[Status.NOT_CHECKED] not in listed


def test_record_puts_concerns_first_with_what_was_found(exported: dict, library) -> None:
    text = exported["flat"]["record"]
    words = report_text()["record"]
    concerns_at = text.index(words["concerns_heading"])
    all_checks_at = text.index(words["actions_heading"])
    assert concerns_at < all_checks_at
    for check_id in concern_ids(exported["case"]):
        check = library.check(check_id)
        assert flat(check.if_found) in text[concerns_at:all_checks_at]


def test_evidence_log_has_exact_times_and_attachments(exported: dict) -> None:
    text = exported["flat"]["record"]
    case = exported["case"]
    for entry in case.evidence:
        local = entry.at.astimezone()
        assert local.strftime("%Y-%m-%d %H:%M:%S") in text, entry.what
    assert "app-list.png" in text and "call-log.txt" in text
    txt = next(
        e for e in case.evidence if e.attachment and e.attachment.original_name.endswith("txt")
    )
    assert txt.attachment.sha256 in text.replace(" ", "")


def test_picture_attachment_prints_as_a_thumbnail(exported: dict) -> None:
    from pypdf import PdfReader

    images = [
        img for page in PdfReader(str(exported["paths"]["record"])).pages for img in page.images
    ]
    assert images, "the PNG attachment should be drawn as a picture"
    assert not [
        img for page in PdfReader(str(exported["paths"]["plan"])).pages for img in page.images
    ]


def test_action_plan_and_checklist_versions(exported: dict, library) -> None:
    text = exported["flat"]["record"]
    for action in exported["case"].actions:
        assert flat(action.what) in text
    for topic in library.topics:
        assert f"{topic.id} (reviewed {topic.reviewed.isoformat()})" in text


@pytest.mark.parametrize("kind", ["record", "plan"])
def test_notes_in_every_script_round_trip_as_text(exported: dict, kind: str) -> None:
    text = exported["flat"][kind]
    notes = multilingual_notes()
    for note in notes.values():
        # The plan never prints a case note (issue 15): it prints the lines written for it.
        assert (flat(note) in text) is (kind == "record"), note
    if kind == "plan":
        for line in PLAN_LINES.values():
            assert flat(line) in text, line


def test_plan_has_its_sections_and_draws_on_the_checks(exported: dict, library) -> None:
    words = report_text()["plan"]
    text = exported["flat"]["plan"]
    for key in ("title", "found_heading", "next_heading", "cautions_heading", "actions_heading"):
        assert words[key] in text
    for step in words["general_steps"]:
        assert flat(step) in text
    for check_id in concern_ids(exported["case"]):
        check = library.check(check_id)
        assert flat(check.title) in text
        assert flat(check.if_found) in text
        if check.caution:
            assert flat(check.caution) in text


@pytest.mark.parametrize("kind", ["record", "plan", "plan_short"])
def test_helplines_and_service_contact_on_every_document(exported: dict, kind: str) -> None:
    with open(assets_dir() / "helplines.toml", "rb") as handle:
        services = tomllib.load(handle)["countries"]["GB"]["services"]
    text = exported["flat"][kind]
    numbers = {s["number"] for s in services}
    assert {"999", "0808 802 0300", "0808 2000 247", "0808 801 0327", "0800 999 5428"} <= numbers
    for service in services:
        assert service["number"] in text
        assert flat(service["name"]) in text
    assert "press 55" in text
    assert SERVICE_CONTACT in text


def test_leave_out_details_really_leaves_them_out(exported: dict, library) -> None:
    short, full = exported["flat"]["plan_short"], exported["flat"]["plan"]
    case = exported["case"]
    revealing = [n for n in multilingual_notes().values()]
    revealing += [a.what for a in case.actions]
    for check_id, answer in case.answers.items():
        if answer.status in (Status.CONCERN, Status.NOT_SURE, Status.CANT_CHECK_SAFELY):
            check = library.check(check_id)
            revealing += [check.title, check.if_found]
            if check.caution:
                revealing.append(check.caution)
            if answer.note.strip():
                revealing.append(answer.note)
    for text in revealing:
        assert flat(text) not in short, text
    # The same strings are in the full plan where they belong (so this test can fail).
    assert any(flat(t) in full for t in revealing)
    assert case.reference not in exported["text"]["plan_short"]
    for step in report_text()["plan"]["general_steps"]:
        assert flat(step) in short
    assert flat(report_text()["plan"]["general_caution"]) in short
    assert flat(report_text()["plan"]["details_left_out"]) in short


@pytest.mark.parametrize("kind", ["record", "plan", "plan_short"])
def test_no_password_is_ever_printed(exported: dict, kind: str) -> None:
    raw = exported["text"][kind]
    for secret in SECRETS:
        assert secret not in raw
    # No label-and-value pair for a password-like field, other than the removal mark.
    pattern = re.compile(r"(?i)\b(password|passcode|pin)\s*(?:[:=]|is)\s*(?!\[removed\])\S")
    assert not pattern.findall(raw)
    if kind != "plan_short":
        assert "password: [removed]" in flat(raw)


@pytest.mark.parametrize("kind", ["record", "plan", "plan_short"])
def test_every_page_is_numbered(exported: dict, kind: str) -> None:
    pages = page_texts(exported["paths"][kind])
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


def test_record_spans_pages_with_header_on_each(exported: dict) -> None:
    pages = page_texts(exported["paths"]["record"])
    assert len(pages) >= 2
    for text in pages:
        assert "Case record: Demo 2026-A" in text
        assert "Printed " in text
    raw = exported["text"]["record"]
    assert raw.count("Case record: Demo 2026-A") == len(pages)


@pytest.mark.parametrize("kind", ["record", "plan"])
def test_metadata_is_neutral(exported: dict, kind: str) -> None:
    from pypdf import PdfReader

    meta = PdfReader(str(exported["paths"][kind])).metadata
    assert meta.title == report_text()["common"]["metadata_title"]
    values = " ".join(str(v) for v in meta.values())
    for personal in ("Demo 2026-A", "Sam Advisor", "Northshire", "safety", "Safety"):
        assert personal not in values


@pytest.mark.parametrize("kind", ["record", "plan", "plan_short"])
def test_fonts_are_embedded_unicode_fonts(exported: dict, kind: str) -> None:
    from pypdf import PdfReader

    fonts: set[str] = set()
    for page in PdfReader(str(exported["paths"][kind])).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Helvetica" not in f for f in fonts)


def test_letter_paper(library, tmp_path: Path) -> None:
    from pypdf import PdfReader

    case = make_case(library)
    path = export_pdf(case, library, settings(), "plan", tmp_path / "l.pdf", page_size="letter")
    box = PdfReader(str(path)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_paper_follows_the_services_country_when_not_given(library, tmp_path: Path) -> None:
    """The app's export dialog passes no size: a US service gets Letter, others A4."""
    import dataclasses

    from pypdf import PdfReader

    case = make_case(library)
    us = dataclasses.replace(settings(), country="US")
    sizes = {}
    for name, conf in (("us", us), ("gb", settings())):
        path = export_pdf(case, library, conf, "plan", tmp_path / f"{name}.pdf")
        box = PdfReader(str(path)).pages[0].mediabox
        sizes[name] = (round(float(box.width)), round(float(box.height)))
    assert sizes == {"us": (612, 792), "gb": (595, 842)}


@pytest.mark.parametrize(
    ("note", "font"),
    [
        ("یہ ایک نوٹ ہے، test 2026.", "NotoNastaliqUrdu"),  # Urdu: Nastaliq
        ("هذه ملاحظة، test 2026.", "NotoNaskhArabic"),  # Arabic: Naskh
    ],
)
def test_arabic_script_notes_print_with_the_right_font(
    library, tmp_path: Path, note: str, font: str
) -> None:
    from pypdf import PdfReader

    case = make_case(library)
    case.set_answer(concern_ids(case)[0], note=note)
    path = export_pdf(case, library, settings(), "record", tmp_path / "u.pdf")
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in PdfReader(str(path)).pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any(font in f for f in fonts), fonts
    assert "test 2026" in pdftotext(path)


def test_a_removed_check_is_still_printed(library, tmp_path: Path) -> None:
    case = make_case(library)
    case.set_answer("old-check-removed", Status.CONCERN, "Kept from an older checklist.")
    path = export_pdf(case, library, settings(), "record", tmp_path / "o.pdf")
    text = flat(pdftotext(path))
    assert "old-check-removed" in text and "Kept from an older checklist." in text


def test_country_without_helplines_says_where_to_ask(library, tmp_path: Path) -> None:
    conf = settings()
    conf.country = "ZZ"
    path = export_pdf(make_case(library), library, conf, "plan", tmp_path / "z.pdf")
    text = flat(pdftotext(path))
    assert flat(report_text()["plan"]["no_helplines"]) in text
    assert SERVICE_CONTACT in text


def test_unreadable_attachment_does_not_stop_the_record(library, tmp_path: Path) -> None:
    store = CaseStore(tmp_path / "data")
    case = make_case(library, store)
    picture = tmp_path / "gone.png"
    picture.write_bytes(png_bytes())
    case.add_evidence("Photo", attachment=store.add_attachment(case, picture))
    for stored in (store.attachments_dir / case.id).iterdir():
        stored.unlink()
    path = export_pdf(case, library, settings(), "record", tmp_path / "g.pdf", attachments=store)
    assert "gone.png (could not be read)" in flat(pdftotext(path))


def test_attachments_are_read_through_the_store_codec(library, tmp_path: Path) -> None:
    class Reversing:
        name = "reversing"

        def encode(self, plaintext: bytes, *, context: bytes = b"") -> bytes:
            return plaintext[::-1]

        def decode(self, data: bytes, *, context: bytes = b"") -> bytes:
            return data[::-1]

    store = CaseStore(tmp_path / "data", codec=Reversing())
    case = make_case(library)
    picture = tmp_path / "p.png"
    picture.write_bytes(png_bytes())
    case.add_evidence("Photo", attachment=store.add_attachment(case, picture))
    assert (
        not (store.attachments_dir / case.id)
        .iterdir()
        .__next__()
        .read_bytes()
        .startswith(b"\x89PNG")
    )
    from pypdf import PdfReader

    path = export_pdf(case, library, settings(), "record", tmp_path / "c.pdf", attachments=store)
    assert any(page.images for page in PdfReader(str(path)).pages)


def test_export_refuses_bad_arguments_plainly(library, tmp_path: Path) -> None:
    from safetycheck.report import ReportError

    case = make_case(library)
    with pytest.raises(ReportError, match="record"):
        export_pdf(case, library, settings(), "letter", tmp_path / "x.pdf")
    with pytest.raises(ReportError, match="does not exist"):
        export_pdf(case, library, settings(), "plan", tmp_path / "missing" / "x.pdf")
    with pytest.raises(ReportError, match="page size"):
        export_pdf(case, library, settings(), "plan", tmp_path / "x.pdf", page_size="A5")
    assert not list(tmp_path.iterdir())


def test_bundled_fonts_carry_their_licence() -> None:
    folder = assets_dir() / "fonts"
    assert (folder / "OFL.txt").is_file()
    assert "SIL Open Font License" in (folder / "OFL.txt").read_text(encoding="utf-8")
    fonts = sorted(p.name for p in folder.glob("*.ttf"))
    assert "NotoSans-Regular.ttf" in fonts and "NotoNaskhArabic-Regular.ttf" in fonts
    assert sum(p.stat().st_size for p in folder.glob("*.ttf")) < 5_000_000


def test_record_of_a_passphrase_protected_case_shows_its_picture(library, tmp_path: Path) -> None:
    """Attachments encrypted by the real passphrase codec still print as thumbnails."""
    from pypdf import PdfReader

    from safetycheck.passphrase import set_passphrase

    fast_kdf = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
    store = set_passphrase(CaseStore(tmp_path / "data"), "a long test passphrase", kdf=fast_kdf)
    case = make_case(library, store)
    picture = tmp_path / "photo.png"
    picture.write_bytes(png_bytes())
    case.add_evidence("Photo", attachment=store.add_attachment(case, picture))
    store.save(case)
    stored = next((store.attachments_dir / case.id).iterdir()).read_bytes()
    assert b"PNG" not in stored[:64]
    path = export_pdf(case, library, settings(), "record", tmp_path / "e.pdf", attachments=store)
    assert any(page.images for page in PdfReader(str(path)).pages)


_WORD_BOX = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'


def _word_boxes(
    path: Path,
) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Every word's box on every page, from ``pdftotext -bbox``."""
    import html
    import subprocess

    pdftotext(path)  # skips the test if poppler is missing
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [
            (float(a), float(b), float(c), float(d), html.unescape(w))
            for a, b, c, d, w in re.findall(_WORD_BOX, page.group(3))
        ]
        pages.append((float(page.group(1)), float(page.group(2)), words))
    return pages


def _layout_problems(path: Path) -> list[str]:
    """Words drawn over words, or text closer than 10 mm to the paper's edge."""
    margin = 10 * 72 / 25.4  # every printer prints this far in (header and footer)
    problems = []
    for number, (width, height, words) in enumerate(_word_boxes(path), 1):
        for x0, y0, x1, y1, w in words:
            if not (
                margin <= x0 and x1 <= width - margin and margin <= y0 <= y1 <= height - margin
            ):
                problems.append(f"page {number}: {w!r} is too close to the edge")
        # The middle band of each word: line boxes of neighbouring lines may touch, glyphs not.
        bands = sorted(
            (x0, (y0 + y1) / 2 - (y1 - y0) / 4, x1, (y0 + y1) / 2 + (y1 - y0) / 4, w)
            for x0, y0, x1, y1, w in words
        )
        for i, (_ax0, ay0, ax1, ay1, aw) in enumerate(bands):
            for bx0, by0, _bx1, by1, bw in bands[i + 1 :]:
                if bx0 >= ax1 - 0.5:
                    break  # sorted by left edge: nothing further right can overlap this word
                if by0 < ay1 - 0.5 and ay0 < by1 - 0.5:
                    problems.append(f"page {number}: {aw!r} overlaps {bw!r}")
    return problems


@pytest.mark.parametrize("kind", ["record", "plan", "plan_short"])
def test_no_text_overlaps_and_all_of_it_is_inside_the_margins(exported: dict, kind: str) -> None:
    assert _layout_problems(exported["paths"][kind]) == []


def test_the_layout_check_sees_overlapping_text(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "bad.pdf"
    c = Canvas(str(path))
    c.drawString(100, 500, "Overlapping words")
    c.drawString(110, 501, "drawn twice")
    c.drawString(5, 300, "Edge")
    c.save()
    problems = _layout_problems(path)
    assert any("overlaps" in p for p in problems)
    assert any("'Edge' is too close" in p for p in problems)


def test_record_prints_the_sign_in_warning_and_how_steps_were_confirmed(
    library, tmp_path: Path
) -> None:
    """A concern on a check that signs in carries the service's warning; versions are honest."""
    from safetycheck.case import Case

    google = library.topic("google")
    signing = next(c for c in google.checks if c.signs_in)
    plain = next(c for t in library.topics for c in t.checks if not c.signs_in)
    case = Case.new("Sign-in 2026-B")
    case.intake = ["google"]
    case.set_answer(signing.id, Status.CONCERN, "A phone I do not know")
    case.set_answer(plain.id, Status.CONCERN, "Something else")
    store = CaseStore(tmp_path / "data")
    store.save(case)
    case = store.load(case.id)
    path = export_pdf(case, library, settings(), "record", tmp_path / "r.pdf", attachments=store)
    text = flat(pdftotext(path))
    words = report_text()["record"]
    assert flat(words["sign_in"]) in text
    # The warning is printed once: for the concern that signs in, not for the other one.
    first_sentence = google.sign_in_warning.split(". ")[0]
    assert text.count(flat(first_sentence)) == 1
    counts = {
        how: sum(1 for c in google.checks if c.verified and c.verified.how == how)
        for how in ("official", "third-party", "assumed")
    }
    expected = words["versions_topic"].format(
        topic=google.title,
        releases=", ".join(google.releases),
        total=len(google.checks),
        official=counts["official"],
        third_party=counts["third-party"],
        assumed=counts["assumed"],
    )
    assert flat(expected) in text
    assert "verified against" not in text.lower()
