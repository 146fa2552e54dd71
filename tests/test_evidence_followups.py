"""Evidence follow-ups (issue 16): the bundle holds the police copy of the record unless
the full record is asked for, and its manifest says which copy is inside."""

from __future__ import annotations

import json
import zipfile
from itertools import pairwise
from pathlib import Path

from conftest import run_cli
from report_helpers import page_texts
from test_evidence_bundle import rewrite
from test_evidence_log import filled

from safetycheck.case import Status
from safetycheck.casework import CaseWork
from safetycheck.evidence.bundle import readme
from safetycheck.evidence.verify import verify_bundle

PRIVATE = "She is staying at her sister's in Leeds from Friday"


def with_private_note(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    work.set_intake(["android"])
    work.set_answer("android-unknown-apps", Status.CONCERN, note=PRIVATE)
    work.add_action("Move to the refuge on Friday", "Advisor")


def bundle_record(path: Path, out: Path) -> tuple[dict, str, str]:
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        readme_text = bundle.read("README.txt").decode()
        (out / "record.pdf").write_bytes(bundle.read("record.pdf"))
    text = " ".join(" ".join(page.split()) for page in page_texts(out / "record.pdf"))
    return manifest, readme_text, text


def test_the_bundle_holds_the_police_copy_unless_asked(work: CaseWork, tmp_path: Path) -> None:
    with_private_note(work, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    result = work.export_evidence(out / "evidence.zip")
    assert result.for_police
    manifest, readme_text, text = bundle_record(result.path, out)
    assert manifest["record_pdf"]["copy"] == "police"
    assert "Case record for the police" in text
    assert "How the evidence was collected" in text
    assert PRIVATE not in text and "refuge" not in text
    assert "record.pdf     the case record, the copy for the police" in readme_text
    assert verify_bundle(result.path).ok

    full = work.export_evidence(out / "full.zip", for_police=False)
    assert not full.for_police
    manifest, readme_text, text = bundle_record(full.path, out)
    assert manifest["record_pdf"]["copy"] == "full"
    assert PRIVATE in text and "How the evidence was collected" not in text
    assert "record.pdf     the full case record, with the private notes" in readme_text
    assert verify_bundle(full.path).ok


def test_the_copy_named_in_the_manifest_is_checked(work: CaseWork, tmp_path: Path) -> None:
    """Saying "police" over a full record is a change verify-evidence names."""
    filled(work, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    path = work.export_evidence(out / "full.zip", for_police=False).path
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    manifest["record_pdf"]["copy"] = "police"
    rewrite(path, {"manifest.json": json.dumps(manifest).encode()})
    check = verify_bundle(path)
    assert not check.ok and "README.txt was changed" in check.line()


def test_a_bundle_made_before_the_choice_still_reads_the_same() -> None:
    """Bundles from before say nothing about the copy; their README is what it was."""
    manifest = {
        "case": {"reference": "Client A"},
        "made": {"text": "2 Dec 2026"},
        "selection": "all 1 entries",
        "log_check": "Evidence log checked: 1 entry, unchanged since they were recorded.",
        "log_fingerprint": "ab" * 32,
        "files": [],
        "record_pdf": {"path": "record.pdf", "size": 1, "sha256": "cd" * 32},
    }
    assert "record.pdf     the case record\r\n" in readme(manifest)


def test_the_command_chooses_the_copy(work: CaseWork, tmp_path: Path) -> None:
    with_private_note(work, tmp_path)
    work.close_case()  # a command may not write a case another window has open
    out = tmp_path / "out"
    out.mkdir()
    police = run_cli("export-evidence", "Client A", "-o", str(out / "a.zip"), "--for-police")
    assert police.returncode == 0, police.stderr
    assert "The record in it: the case record, the copy for the police" in police.stdout
    default = run_cli("export-evidence", "Client A", "-o", str(out / "b.zip"))
    assert default.returncode == 0, default.stderr
    full = run_cli("export-evidence", "Client A", "-o", str(out / "c.zip"), "--full-record")
    assert full.returncode == 0, full.stderr
    assert "the full case record, with the private notes" in full.stdout
    copies = []
    for name in ("a", "b", "c"):
        with zipfile.ZipFile(out / f"{name}.zip") as bundle:
            copies.append(json.loads(bundle.read("manifest.json"))["record_pdf"]["copy"])
    assert copies == ["police", "police", "full"]
    both = run_cli(
        "export-evidence", "Client A", "-o", str(out / "d.zip"), "--for-police", "--full-record"
    )
    assert both.returncode != 0 and not (out / "d.zip").exists()


# -- how and by whom, per file ---------------------------------------------------------------


def test_each_file_keeps_its_own_capture_in_the_record(work: CaseWork, tmp_path: Path) -> None:
    """Three files in one entry, each captured differently; both copies of the record say
    so file by file, and "not said" chosen for one file is not replaced by the entry's."""
    from safetycheck.evidence.capture import NewFile

    work.create("Client A")
    names = ("photo.txt", "shot.txt", "saved.txt", "note.txt")
    photo, shot, saved, note = (tmp_path / n for n in names)
    for path in (photo, shot, saved, note):
        path.write_text(f"the contents of {path.name}\n")
    entry = work.add_evidence(
        "Messages he should not know about",
        files=[NewFile(photo, "photo-of-screen", "person"), NewFile(shot, "screenshot")],
    )
    work.correct_evidence(
        entry.id,
        add_files=[NewFile(saved, "saved-file", ""), NewFile(note, "", "person")],
        note="more",
    )
    [current] = work.case.evidence if work.case else []
    assert [(a.original_name, a.how, a.by) for a in current.attachments] == [
        ("photo.txt", "photo-of-screen", "person"),
        ("shot.txt", "screenshot", "advisor"),  # by: none given, so the entry's
        ("saved.txt", "saved-file", ""),  # not said, as chosen
        ("note.txt", "", "person"),
    ]
    assert current.current is not None and current.current.by == "advisor"
    out = tmp_path / "out"
    out.mkdir()
    for for_police in (True, False):
        result = work.export_evidence(out / f"{for_police}.zip", for_police=for_police)
        manifest, _, text = bundle_record(result.path, out)
        lines = [(f["original_name"], f["how"], f["by"]) for f in manifest["files"]]
        assert sorted(lines) == sorted(
            [
                ("photo.txt", "photo-of-screen", "person"),
                ("shot.txt", "screenshot", "advisor"),
                ("saved.txt", "saved-file", ""),
                ("note.txt", "", "person"),
            ]
        )
        photo_at, shot_at, saved_at, note_at = (text.index(f"{n}, ") for n in names)
        assert photo_at < shot_at < saved_at < note_at
        assert (
            "Captured: Photo of the screen, taken with another phone or camera, by the person"
            in text[photo_at:shot_at]
        )
        assert "Captured: Screenshot, by the advisor" in text[shot_at:saved_at]
        assert (
            "Captured: Saved or exported file. Who captured it was not said."
            in text[saved_at:note_at]
        )
        assert "Captured by the person. How was not said." in text[note_at:]


def printed_lines(pdf: Path) -> list[tuple[int, float, float, str]]:
    """Every line of text: its page, how far down and across the page it starts (points),
    its words; in reading order down each page."""
    from pypdf import PdfReader

    found: list[tuple[int, float, float, str]] = []
    for number, page in enumerate(PdfReader(str(pdf)).pages):

        def seen(text, cm, tm, font, size, number=number) -> None:
            if text.strip():
                across = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                down = -(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
                found.append((number, down, across, text.strip()))

        page.extract_text(visitor_text=seen)
    return sorted(found)


def test_the_files_of_an_entry_are_set_apart(work: CaseWork, tmp_path: Path) -> None:
    """Each file's lines, its "Captured" line last, sit together, with a gap before the
    next file: which line belongs to which file must not be in doubt."""
    from safetycheck.evidence.capture import NewFile

    work.create("Client A")
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("one\n")
    second.write_text("two\n")
    work.add_evidence(
        "Two saved files",
        files=[NewFile(first, "saved-file", "person"), NewFile(second, "screenshot")],
    )
    out = tmp_path / "out"
    out.mkdir()
    bundle_record(work.export_evidence(out / "b.zip").path, out)
    lines = printed_lines(out / "record.pdf")
    start = next(i for i, line in enumerate(lines) if line[3].startswith("first.txt, "))
    column = lines[start][2]  # the files' column only, not the entry's text beside it
    file_lines = [line for line in lines[start:] if abs(line[2] - column) < 1]
    end = next(i for i, line in enumerate(file_lines) if line[3].startswith("second.txt"))
    first_file, after = file_lines[:end], file_lines[end]
    words = " ".join(line[3] for line in first_file)
    assert words.endswith("Captured: Saved or exported file, by the person")  # its last
    assert all(line[0] == after[0] for line in first_file)
    pitches = [b[1] - a[1] for a, b in pairwise(first_file)]
    assert len(pitches) >= 3 and max(pitches) - min(pitches) < 1  # one line after another
    assert after[1] - first_file[-1][1] > max(pitches) + 5  # and then a gap
