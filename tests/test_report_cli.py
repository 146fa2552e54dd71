"""``python main.py export``: a real child process, as a person would run it."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from report_helpers import flat, pdftotext

from safetycheck.store import CaseStore


def _demo(data_dir: Path, reference: str = "Demo 2026-A") -> None:
    result = run_cli("demo-case", "--reference", reference)
    assert result.returncode == 0, result.stderr


def test_export_record_and_plan(data_dir: Path, tmp_path: Path) -> None:
    _demo(data_dir)
    record = tmp_path / "record.pdf"
    result = run_cli("export", "Demo 2026-A", "--kind", "record", "-o", str(record))
    assert result.returncode == 0, result.stderr
    assert "Case record" in pdftotext(record)
    assert "can read it" in result.stderr  # the warning that a saved plan can be found

    plan = tmp_path / "plan"  # .pdf is added
    result = run_cli(
        "export", "demo", "--kind", "plan", "-o", str(plan), "--leave-out-details",
        "--page-size", "letter",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = flat(pdftotext(tmp_path / "plan.pdf"))
    assert "Your safety plan" in text and "Demo 2026-A" not in text

    store = CaseStore(data_dir)
    case = store.load(store.find("Demo 2026-A")[0].id)
    assert case.exported_files == [str(record.resolve()), str((tmp_path / "plan.pdf").resolve())]


def test_unknown_and_ambiguous_references_are_one_sentence(data_dir: Path, tmp_path: Path) -> None:
    _demo(data_dir, "Demo A")
    _demo(data_dir, "Demo B")
    out = tmp_path / "x.pdf"
    result = run_cli("export", "nobody", "--kind", "plan", "-o", str(out))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "No case" in result.stderr
    result = run_cli("export", "Demo", "--kind", "plan", "-o", str(out))
    assert result.returncode == 1 and "matches 2 cases" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_output_is_required(data_dir: Path) -> None:
    _demo(data_dir)
    result = run_cli("export", "Demo 2026-A", "--kind", "plan")
    assert result.returncode == 2 and "-o" in result.stderr


def test_export_for_the_police_into_a_folder_takes_the_default_name(
    data_dir: Path, tmp_path: Path
) -> None:
    import datetime as dt

    _demo(data_dir)
    folder = tmp_path / "out"
    folder.mkdir()
    result = run_cli("export", "Demo 2026-A", "--kind", "record", "--for-police", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    path = folder / f"demo-2026-a-record-for-police-{dt.date.today().isoformat()}.pdf"
    text = flat(pdftotext(path))
    assert "Case record for the police" in text and "How the evidence was collected" in text
    assert "Checked together in the session." not in text  # a demo note: private
    result = run_cli("export", "Demo 2026-A", "--kind", "plan", "--for-police", "-o", str(folder))
    assert result.returncode == 1 and "record only" in result.stderr
