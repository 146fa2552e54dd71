"""PDF export from a passphrase-protected folder, with the network blocked."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from privacy_helpers import leaks
from pypdf import PdfReader

from safetycheck.casework import CaseWork
from safetycheck.demo import build_demo_case
from safetycheck.report import export_pdf
from safetycheck.settings import Settings

FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
PASSPHRASE = "blue kettle under the stairs"
REFERENCE = "Ref-Puffin-Chandelier"


def test_exporting_a_protected_case_uses_no_network_and_leaves_the_folder_sealed(
    no_network: list[str], data_dir: Path, tmp_path: Path, library
) -> None:
    work = CaseWork(data_dir, library)
    work.unlock(None)
    work.set_passphrase(PASSPHRASE, kdf=FAST_KDF)
    case = build_demo_case(work, reference=REFERENCE)
    picture = tmp_path / "screenshot.png"
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture)
    work.open(case.id)
    work.add_evidence("Screenshot of the settings", file=picture)

    work = CaseWork(data_dir, library)
    work.unlock(PASSPHRASE)
    case = work.open(case.id)
    store = work.store
    outputs = []
    for kind in ("record", "plan"):
        target = tmp_path / f"{kind}.pdf"
        export_pdf(case, library, Settings(), kind, target, attachments=work)
        work.record_export(target)
        outputs.append(target)

    text = "".join(page.extract_text() for page in PdfReader(outputs[0]).pages)
    assert REFERENCE in text
    assert store.load(case.id).exported_files == [str(p.resolve()) for p in outputs]
    assert leaks(data_dir, [REFERENCE, "Screenshot of the settings"]) == []
    assert store.delete(case.id) == [str(p.resolve()) for p in outputs]
