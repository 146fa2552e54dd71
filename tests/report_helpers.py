"""Shared by the report tests: a demo case with known notes, and PDF text read back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from safetycheck.case import Case, Status
from safetycheck.demo import fill_demo_case, load_demo_data
from safetycheck.settings import Settings
from safetycheck.store import CaseStore

# Distinctive strings: each must show in the full documents and never in a "leave out" plan.
SERVICE_CONTACT = "01632 960 123 (Tuesdays, ask for Ffion)"
PASSWORD_NOTE = "He said his password: Hunter2-Secret! and his phone PIN is 482913."
SECRETS = ("Hunter2-Secret!", "482913")
# Lines written for the client's plan, in Latin, Greek and Cyrillic, on the first checks.
PLAN_LINES = {
    "welsh": "Gofynnwch i'ch cynghorydd am help: ŵ, ŷ.",
    "greek": "Κρατήστε το τηλέφωνό σας κοντά σας.",
    "russian": "Позвоните, когда будет безопасно.",
}
# Nastaliq letters overlap on purpose, so Urdu is tested on its own (see test_documents).


def multilingual_notes() -> dict[str, str]:
    """The demo data's notes in Polish, Welsh, Greek and Russian."""
    data = load_demo_data()
    notes = [n for pool in data["notes_by_status"].values() for n in pool]
    notes += [a["note"] for a in data.get("answers", {}).values()]
    return {
        "polish": next(n for n in notes if "ł" in n),
        "welsh": next(n for n in notes if "ŵ" in n),
        "greek": next(n for n in notes if "Ο" in n),
        "russian": next(n for n in notes if "Проверим" in n),
    }


def make_case(library, store: CaseStore | None = None) -> Case:
    """The demo case, with the notes the tests look for set on known checks.

    The demo fills every shipped topic; which note lands where depends on how
    many checks exist, so the tests set their own on the first checks.
    """
    case = fill_demo_case(Case.new("Demo 2026-A"), library)
    checks = [c for t in library.topics for c in t.checks]
    notes = multilingual_notes()
    assignments = [
        (Status.CONCERN, notes["polish"]),
        (Status.NOT_SURE, notes["welsh"]),
        (Status.NOT_SURE, notes["greek"]),
        (Status.CANT_CHECK_SAFELY, notes["russian"]),
        (Status.CONCERN, PASSWORD_NOTE),
    ]
    for check, (status, note) in zip(checks, assignments, strict=False):
        case.set_answer(check.id, status, note)
    for check, line in zip(checks, PLAN_LINES.values(), strict=False):
        case.set_plan_line(check.id, line)
    # A written-down password in a plan line is removed like one in a note.
    case.set_plan_line(checks[len(assignments) - 1].id, PASSWORD_NOTE)
    # Every status appears at least once, whatever the content holds.
    present = {a.status for a in case.answers.values()} | {Status.CONCERN}
    missing = [s for s in Status if s not in present or s is Status.NOT_CHECKED]
    for check, status in zip(checks[len(assignments) :], missing, strict=False):
        if status is Status.NOT_CHECKED:
            case.answers.pop(check.id, None)
        else:
            case.set_answer(check.id, status, case.answer(check.id).note)
    if store is not None:
        store.save(case)
    return case


def concern_ids(case: Case) -> list[str]:
    """The checks answered "Concern found", in the order they were answered."""
    return [cid for cid, a in case.answers.items() if a.status is Status.CONCERN]


def settings() -> Settings:
    return Settings(
        service_name="Northshire IDVA Service",
        advisor_name="Sam Advisor",
        service_contact=SERVICE_CONTACT,
    )


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdftotext(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


_FURNITURE = re.compile(r"^(Case record: .*|Safety plan(: .*)?|Printed .*|Page \d+ of \d+)$")


def flat(text: str) -> str:
    """The body text with every run of whitespace made one space.

    Lines wrap differently in a PDF, and a paragraph may run across a page
    break, so the running header and footer lines are dropped first.
    """
    body = [line for line in text.splitlines() if not _FURNITURE.match(line.strip("\f"))]
    return re.sub(r"\s+", " ", " ".join(body)).strip()


def page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]
