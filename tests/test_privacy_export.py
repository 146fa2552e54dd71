"""PDF export from a passphrase-protected folder, with the network blocked."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from privacy_helpers import leaks
from pypdf import PdfReader

from safetycheck.demo import build_demo_case
from safetycheck.passphrase import open_store, set_passphrase
from safetycheck.report import export_pdf, remember_export
from safetycheck.settings import Settings
from safetycheck.store import CaseStore

FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
PASSPHRASE = "blue kettle under the stairs"
REFERENCE = "Ref-Puffin-Chandelier"


def test_exporting_a_protected_case_uses_no_network_and_leaves_the_folder_sealed(
    no_network: list[str], data_dir: Path, tmp_path: Path, library
) -> None:
    store = set_passphrase(CaseStore(data_dir, library=library), PASSPHRASE, kdf=FAST_KDF)
    case = build_demo_case(store, library, reference=REFERENCE)
    picture = tmp_path / "screenshot.png"
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture)
    case.add_evidence("Screenshot of the settings", attachment=store.add_attachment(case, picture))
    store.save(case)

    store = open_store(data_dir, PASSPHRASE, library).store
    case = store.load(case.id)
    outputs = []
    for kind in ("record", "plan"):
        target = export_pdf(case, library, Settings(), kind, tmp_path / f"{kind}.pdf", store=store)
        remember_export(store, case, target)
        outputs.append(target)

    text = "".join(page.extract_text() for page in PdfReader(outputs[0]).pages)
    assert REFERENCE in text
    assert store.load(case.id).exported_files == [str(p.resolve()) for p in outputs]
    assert leaks(data_dir, [REFERENCE, "Screenshot of the settings"]) == []
    assert store.delete(case.id) == [str(p.resolve()) for p in outputs]
