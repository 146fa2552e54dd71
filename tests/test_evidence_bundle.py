"""Export evidence: one zip that ordinary tools open, checked by verify-evidence (issue 16)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli
from privacy_helpers import leaks
from test_evidence_log import filled, jpeg_with_exif

from safetycheck.casework import CaseWork
from safetycheck.evidence.bundle import BundleError, Stopped
from safetycheck.evidence.capture import NewFile
from safetycheck.evidence.manifest import Selection
from safetycheck.evidence.names import safe_name
from safetycheck.evidence.verify import VerifyError, verify_bundle

BUNDLE_PASSPHRASE = "blue kettle on the stove"
FAST_KDF = {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rewrite(
    bundle: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None
) -> None:
    """Write the zip again with some members changed (None: left out) or added."""
    with zipfile.ZipFile(bundle) as old:
        members = [(i, old.read(i)) for i in old.infolist()]
    with zipfile.ZipFile(bundle, "w") as new:
        for info, data in members:
            if info.filename in change:
                replacement = change[info.filename]
                if replacement is None:
                    continue
                data = replacement
            new.writestr(info, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)


def test_a_bundle_opens_with_zipfile_and_holds_everything(
    work: CaseWork, tmp_path: Path, out: Path
) -> None:
    filled(work, tmp_path)
    result = work.export_evidence(out / "evidence.zip")
    assert (result.entries, result.files) == (4, 2)
    with zipfile.ZipFile(result.path) as bundle:
        names = bundle.namelist()
        assert names[-4:] == ["record.pdf", "manifest.csv", "manifest.json", "README.txt"]
        assert names[:2] == [
            "attachments/E001-1-photo of screen.jpg",
            "attachments/E001-2-call-log.txt",
        ]
        assert (
            bundle.read("attachments/E001-2-call-log.txt")
            == (tmp_path / "call-log.txt").read_bytes()
        )
        manifest = json.loads(bundle.read("manifest.json"))
        rows = list(csv.reader(io.StringIO(bundle.read("manifest.csv").decode("utf-8-sig"))))
        readme = bundle.read("README.txt").decode()
        pdf = bundle.read("record.pdf")
    assert (
        manifest["log_check"]
        == "Evidence log checked: 4 entries, unchanged since they were recorded."
    )
    assert [e["status"] for e in manifest["entries"]] == [
        "current",
        "current",
        "withdrawn",
        "current",
    ]
    second = manifest["entries"][1]
    assert [v["what"] for v in second["versions"]] == [
        "He knew where she was on Saturday",
        "He knew where she was on Saturday at 3 pm",
    ]
    assert second["versions"][1]["why_corrected"] == "time"
    photo = manifest["files"][0]
    assert photo["sha256"] == sha((tmp_path / "photo of screen.jpg").read_bytes())
    assert photo["exif_device"] == "Apple iPhone 12" and photo["how"] == "photo-of-screen"
    assert manifest["entries"][0]["versions"][0]["seen"]["utc"].endswith("+00:00")
    assert rows[0][:3] == ["entry", "record", "status"]
    assert rows[[r[1] for r in rows].index("file")][:3] == ["1", "file", "current"]
    assert any(r[1] == "withdrawal" and "sister" in r[12] for r in rows)
    assert "certutil -hashfile" in readme and "sha256sum" in readme and photo["sha256"] in readme
    assert manifest["record_pdf"]["sha256"] == sha(pdf)
    assert (
        result.path in [Path(p) for p in work.case.exported_files]
        or str(result.path) not in work.case.exported_files
    )  # the CLI and the app record it, not the service
    assert verify_bundle(result.path).ok


def test_a_bundle_unpacked_with_unzip_checks_by_hand(
    work: CaseWork, tmp_path: Path, out: Path
) -> None:
    if shutil.which("unzip") is None or shutil.which("sha256sum") is None:
        pytest.skip("unzip or sha256sum is not installed")
    filled(work, tmp_path)
    bundle = work.export_evidence(out / "evidence.zip").path
    unpacked = out / "unpacked"
    subprocess.run(["unzip", "-q", str(bundle), "-d", str(unpacked)], check=True)
    manifest = json.loads((unpacked / "manifest.json").read_text())
    for item in manifest["files"]:
        line = subprocess.run(
            ["sha256sum", item["path"]], cwd=unpacked, capture_output=True, text=True, check=True
        ).stdout
        assert line.split()[0] == item["sha256"]
    assert (unpacked / "record.pdf").read_bytes().startswith(b"%PDF")


def test_the_commands_export_and_verify(
    work: CaseWork, tmp_path: Path, out: Path, data_dir
) -> None:
    filled(work, tmp_path)
    work.close_case()  # a command may not write a case another window has open
    bundle = out / "handover.zip"
    exported = run_cli("export-evidence", "Client A", "-o", str(bundle))
    assert exported.returncode == 0, exported.stderr
    assert "Saved" in exported.stdout and "unchanged since they were recorded" in exported.stdout
    checked = run_cli("verify-evidence", str(bundle))
    assert checked.returncode == 0, checked.stderr
    [line] = checked.stdout.splitlines()
    assert line.startswith("Bundle intact: 4 entries, 2 files and the case record match")


def test_a_tampered_bundle_is_refused(work: CaseWork, tmp_path: Path, out: Path) -> None:
    filled(work, tmp_path)
    bundle = work.export_evidence(out / "evidence.zip").path
    original = bundle.read_bytes()
    with zipfile.ZipFile(bundle) as z:
        manifest = z.read("manifest.json").decode()
    attempts = {
        "a file changed": (
            {"attachments/E001-2-call-log.txt": b"other calls\n"},
            None,
            "attachments/E001-2-call-log.txt is not the file that was recorded",
        ),
        "a file removed": (
            {"attachments/E001-1-photo of screen.jpg": None},
            None,
            "attachments/E001-1-photo of screen.jpg is missing",
        ),
        "the record replaced": (
            {"record.pdf": b"%PDF-1.4 forged"},
            None,
            "record.pdf is not the file that was recorded",
        ),
        "an entry's text changed": (
            {
                "manifest.json": manifest.replace(
                    "AirTag found in the car", "AirTag found in a van"
                ).encode()
            },
            None,
            "entry 4 was changed",
        ),
        "a file added": (
            {},
            {"attachments/E009-1-extra.jpg": b"x"},
            "attachments/E009-1-extra.jpg is in the bundle but not in its manifest",
        ),
        "the CSV edited": (
            {"manifest.csv": b"entry,record\r\n"},
            None,
            "manifest.csv does not match manifest.json",
        ),
    }
    for name, (change, add, expected) in attempts.items():
        bundle.write_bytes(original)
        rewrite(bundle, change, add)
        result = run_cli("verify-evidence", str(bundle))
        assert result.returncode == 1, name
        [line] = result.stdout.splitlines()
        assert line.startswith("Bundle NOT intact: ") and expected in line, (name, line)


def test_choose_entries_dates_and_withdrawn(work: CaseWork, tmp_path: Path, out: Path) -> None:
    ids = filled(work, tmp_path)
    chosen = Selection(entry_ids=frozenset({ids[1], ids[2]}), include_withdrawn=False)
    result = work.export_evidence(out / "two.zip", chosen)
    assert result.entries == 1 and result.files == 0
    with zipfile.ZipFile(result.path) as z:
        manifest = json.loads(z.read("manifest.json"))
        pdf = z.read("record.pdf")
    assert [e["number"] for e in manifest["entries"]] == [2]
    assert len(manifest["chain"]) == 6 and sum(c["included"] for c in manifest["chain"]) == 2
    texts = json.dumps(manifest["records"])
    assert "AirTag" not in texts and "Shared Google" not in texts
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "shows 1 of the 4 entries" in " ".join(text.split())
    assert "AirTag" not in text
    assert verify_bundle(result.path).ok
    import datetime as dt

    today = dt.date.today()
    later = work.export_evidence(out / "later.zip", Selection(since=today + dt.timedelta(days=1)))
    assert later.entries == 0 and verify_bundle(later.path).ok


def test_a_protected_bundle_is_aes_and_names_say_nothing(
    work: CaseWork, tmp_path: Path, out: Path
) -> None:
    filled(work, tmp_path)
    bundle = work.export_evidence(out / "p.zip", passphrase=BUNDLE_PASSPHRASE).path
    raw = bundle.read_bytes()
    assert b"photo of screen" not in raw and b"AirTag" not in raw and b"%PDF" not in raw
    with zipfile.ZipFile(bundle) as z:
        assert all(i.flag_bits & 1 for i in z.infolist())
        assert all(i.compress_type == 99 for i in z.infolist())  # WinZip AES
        assert "attachments/E001-1.jpg" in z.namelist()
        with pytest.raises(RuntimeError):
            z.read("manifest.json")  # the standard library cannot open it without the key
    with pytest.raises(VerifyError, match="protected with a passphrase"):
        verify_bundle(bundle)
    with pytest.raises(VerifyError, match="not the one"):
        verify_bundle(bundle, "wrong passphrase here")
    assert verify_bundle(bundle, BUNDLE_PASSPHRASE).ok
    checked = run_cli(
        "verify-evidence", str(bundle), env={"SAFETYCHECK_BUNDLE_PASSPHRASE": BUNDLE_PASSPHRASE}
    )
    assert checked.returncode == 0 and checked.stdout.startswith("Bundle intact")


@pytest.mark.parametrize("tool", ["7z", "bsdtar"])
def test_a_protected_bundle_opens_in_7zip_and_libarchive(
    work: CaseWork, tmp_path: Path, out: Path, tool: str
) -> None:
    """7-Zip (Windows), and libarchive's bsdtar: the `tar` every Mac has in Terminal."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (scripts/setup.sh installs it)")
    filled(work, tmp_path)
    bundle = work.export_evidence(out / "p.zip", passphrase=BUNDLE_PASSPHRASE).path
    unpacked = out / tool
    unpacked.mkdir()
    if tool == "7z":
        command = ["7z", "x", f"-p{BUNDLE_PASSPHRASE}", f"-o{unpacked}", str(bundle)]
    else:
        command = [
            "bsdtar",
            "--passphrase",
            BUNDLE_PASSPHRASE,
            "-xf",
            str(bundle),
            "-C",
            str(unpacked),
        ]
    subprocess.run(command, check=True, capture_output=True)
    manifest = json.loads((unpacked / "manifest.json").read_text())
    for item in manifest["files"]:
        assert sha((unpacked / item["path"]).read_bytes()) == item["sha256"]


def test_a_bundle_is_never_saved_in_the_data_folder(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    with pytest.raises(BundleError, match="outside SafetyCheck's data folder"):
        work.export_evidence(work.data_dir / "evidence.zip")


def test_a_short_bundle_passphrase_is_refused(work: CaseWork, tmp_path: Path, out: Path) -> None:
    filled(work, tmp_path)
    with pytest.raises(BundleError, match="at least 10 characters"):
        work.export_evidence(out / "p.zip", passphrase="short")


def test_no_temporary_file_anywhere_else_and_a_stop_leaves_nothing(
    work: CaseWork, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(work, tmp_path)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the system temp folder was used")

    for name in (
        "mkstemp",
        "mkdtemp",
        "TemporaryFile",
        "NamedTemporaryFile",
        "SpooledTemporaryFile",
    ):
        monkeypatch.setattr(tempfile, name, refuse)
    work.export_evidence(out / "evidence.zip", passphrase=BUNDLE_PASSPHRASE)
    with pytest.raises(Stopped):
        work.export_evidence(out / "stopped.zip", should_stop=lambda: True)
    assert sorted(p.name for p in out.iterdir()) == ["evidence.zip"]


def test_a_protected_case_leaves_nothing_readable_in_its_data_folder(
    work: CaseWork, tmp_path: Path, out: Path
) -> None:
    work.set_passphrase("correct horse battery staple", kdf=FAST_KDF)
    filled(work, tmp_path)
    work.export_evidence(out / "evidence.zip")
    assert (
        leaks(work.data_dir, ["Unknown app", "calls from an unknown", "photo of screen", "AirTag"])
        == []
    )


def test_a_file_that_no_longer_matches_is_handed_over_and_named(
    work: CaseWork, tmp_path: Path, out: Path
) -> None:
    filled(work, tmp_path)
    note = work.case.evidence[0].attachments[1]
    (work.data_dir / "attachments" / work.case.id / note.stored_as).write_bytes(b"changed\n")
    result = work.export_evidence(out / "evidence.zip")
    assert (
        "the file “call-log.txt” of entry 1 is not the file that was recorded"
        in result.check.line()
    )
    line = verify_bundle(result.path).line()
    assert "attachments/E001-2-call-log.txt is not the file that was recorded" in line


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("CON.jpg", "_CON.jpg"),
        ("a:b*c?.png", "a_b_c_.png"),
        ("line\nbreak.txt", "line_break.txt"),
        ("  .hidden ", "hidden"),
        ("x" * 300 + ".jpeg", "x" * 95 + ".jpeg"),
        ("", "file"),
        ("photo\u202egpj.exe", "photo_gpj.exe"),
    ],
)
def test_safe_names(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_many_files_in_one_entry(work: CaseWork, tmp_path: Path, out: Path) -> None:
    work.create("Client B")
    files = []
    for index in range(5):
        photo = jpeg_with_exif(tmp_path / f"same name.jpg.{index}")
        target = tmp_path / f"folder{index}"
        target.mkdir()
        files.append(NewFile(photo.rename(target / "same name.jpg"), "screenshot"))
    work.add_evidence("Five screenshots", files=files)
    result = work.export_evidence(out / "five.zip")
    with zipfile.ZipFile(result.path) as z:
        names = [n for n in z.namelist() if n.startswith("attachments/")]
    assert names == [f"attachments/E001-{i}-same name.jpg" for i in range(1, 6)]
    assert verify_bundle(result.path).ok
