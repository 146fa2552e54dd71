"""Evidence bundle export: 200 entries with 500 MB of files, memory and time.

Run:  .venv/bin/python benchmarks/bench_evidence.py [--mb 500] [--entries 200] [--files 3]
          [--no-photos]

Each entry holds several files of different sizes, each with its own "how captured"
(a photo of the screen, a screenshot, a saved note: 60/35/5 per cent of the entry's bytes).
The files are random bytes (nothing to draw: the record lists them), and in one more
case (``photos``) real pictures made with Pillow: a 12-megapixel JPEG photo of about
1.5 MB and a phone screenshot PNG of about 0.9 MB in each entry, the note making up the
rest, so the record draws 400 thumbnails.

Target (issue 16): the bundle streams with peak memory under 200 MB and takes at most
2x the time of copying the same bytes (the floor, measured in the same run on the
same disk: ``shutil.copyfile`` of every stored file; and the fairer floors, the same
stored bytes written into a zip by ``zipfile``, and into an AES-256 zip by pyzipper, 1 MiB
at a time, and the zip fsynced, as the bundle is).  Each export runs in a child
process, so its peak memory (``ru_maxrss``) is the export's alone, with the app's
imports (Qt is not loaded; reportlab and Pillow are); the record is laid out by its
helper process meanwhile (``safetycheck.evidence.record_helper``), whose peak is given
apart, and for the plain case the export is also timed with the record made in-process
(``SAFETYCHECK_RECORD_HELPER=off``), as before the helper.  The case lives in a folder
next to this checkout's ``build/``, never the system temp folder.  Also measured: the
same export from a passphrase-protected case (files decrypted chunk by chunk) and
into a protected (AES) bundle, and verify-evidence on the plain bundle.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAST_KDF = {"name": "scrypt", "n": 2**14, "r": 8, "p": 1}
PASSPHRASE = "benchmark passphrase here"
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from safetycheck.casework import CaseWork
from safetycheck.checklist import load_checklists
from safetycheck.paths import checklists_dir
data, target, case_id, passphrase, bundle_pass = sys.argv[2:7]
work = CaseWork(Path(data), lambda: load_checklists(checklists_dir()))
work.unlock(passphrase or None)
work.open(case_id)
start = time.perf_counter()
if target == "verify":
    from safetycheck.evidence.verify import verify_bundle
    ok = verify_bundle(Path(bundle_pass)).ok
    elapsed = time.perf_counter() - start
else:
    result = work.export_evidence(Path(target), passphrase=bundle_pass or None)
    elapsed = time.perf_counter() - start
    ok = result.check.ok
print(json.dumps({"seconds": elapsed, "ok": ok,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "helper_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


#: The files of one entry: name, share of the entry's bytes, how it was captured.
KINDS = (
    ("photo of the screen.jpg", 60, "photo-of-screen"),
    ("screenshot.png", 35, "screenshot"),
    ("note.txt", 5, "saved-file"),
)


def make_pictures(folder: Path, per_entry: int) -> list[tuple[Path, str]]:
    """A photo and a screenshot as a phone makes them, and a note making up the rest."""
    import random

    from PIL import Image, ImageDraw

    w, h = 4032, 3024  # 12 megapixels
    noise = Image.effect_noise((w // 4, h // 4), 40).resize((w, h), Image.Resampling.BICUBIC)
    gradient = Image.linear_gradient("L").resize((w, h))
    photo = Image.merge("RGB", (Image.blend(noise, gradient, 0.5), gradient.rotate(90), noise))
    photo_path = folder / "photo of the screen.jpg"
    photo.save(photo_path, "JPEG", quality=70)
    sw, sh = 1170, 2532  # a phone's screenshot: lines of text, and a picture in it
    shot = Image.new("RGB", (sw, sh), "white")
    draw = ImageDraw.Draw(shot)
    rng = random.Random(16)
    for y in range(0, sh, 40):
        for x in range(20, sw - 200, 120):
            draw.rectangle(
                [x, y + 8, x + rng.randint(30, 110), y + 28], fill=(rng.randint(0, 80),) * 3
            )
    shot.paste(Image.effect_noise((sw, 240), 60).convert("RGB"), (0, 800))
    shot_path = folder / "screenshot.png"
    shot.save(shot_path, "PNG")
    note_path = folder / "note.txt"
    left = max(1000, per_entry - photo_path.stat().st_size - shot_path.stat().st_size)
    note_path.write_bytes(os.urandom(left))
    return [(photo_path, "photo-of-screen"), (shot_path, "screenshot"), (note_path, "saved-file")]


def make_case(
    data: Path, entries: int, total_mb: int, protected: bool, files: int, photos: bool = False
) -> str:
    from safetycheck.casework import CaseWork
    from safetycheck.checklist import load_checklists
    from safetycheck.evidence.capture import NewFile
    from safetycheck.paths import checklists_dir

    work = CaseWork(data, lambda: load_checklists(checklists_dir()))
    work.unlock(None)
    if protected:
        work.set_passphrase(PASSPHRASE, kdf=FAST_KDF)
    case = work.create("Benchmark")
    # 200 entries of 2.5 MB (500 MB in all), each in ``files`` files of different sizes:
    # random bytes (photos do not compress), the same files copied into each entry.
    per_entry = total_mb * 1_000_000 // entries
    kinds = [KINDS[i % len(KINDS)] for i in range(files)]
    shares = sum(share for _, share, _ in kinds)
    sources = []
    if photos:
        made = make_pictures(data.parent, per_entry)
        sources = [
            NewFile(p, how, "person" if how == "photo-of-screen" else None) for p, how in made
        ]
        kinds = []
    for number, (name, share, how) in enumerate(kinds):
        source = data.parent / f"{number} {name}"
        with source.open("wb") as out:
            left = per_entry * share // shares
            while left:
                piece = os.urandom(min(left, 1 << 20))
                out.write(piece)
                left -= len(piece)
        sources.append(NewFile(source, how, "person" if how == "photo-of-screen" else None))
    for index in range(entries):
        work.add_evidence(f"Entry {index}: messages on her phone", "Phone", files=sources)
    return case.id


def child(
    data: Path,
    target: str,
    case_id: str,
    passphrase: str,
    bundle_pass: str,
    helper: str = "require",
) -> dict[str, Any]:
    # "require": the record laid out by its helper process, as the app does (and an error
    # if the helper fails, so the numbers are never the fallback's); "off": made in-process.
    env = {**os.environ, "SAFETYCHECK_RECORD_HELPER": helper}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(ROOT),
            str(data),
            target,
            case_id,
            passphrase,
            bundle_pass,
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def floor(data: Path, case_id: str, target: Path, how: str) -> float:
    """Copy every stored file: "kernel" (shutil.copyfile: the bytes never enter the
    program), "read-write" (1 MiB at a time through the program, as any program that
    looks at the bytes must), "read-write-sha256" (and hash them, as any export that
    checks them must), "zip" (into one zip with zipfile, stored, as the bundle is) and
    "zip-aes" (into an AES-256 zip with pyzipper, as a protected bundle is)."""
    import hashlib

    target.mkdir(exist_ok=True)
    start = time.perf_counter()
    stored_files = sorted((data / "attachments" / case_id).iterdir())
    if how in ("zip", "zip-aes"):
        zip_floor(stored_files, target / "floor.zip", how == "zip-aes")
        stored_files = []
    for stored in stored_files:
        if how == "kernel":
            shutil.copyfile(stored, target / stored.name)
            continue
        sha = hashlib.sha256()
        with stored.open("rb") as source, (target / stored.name).open("wb") as out:
            while piece := source.read(1 << 20):
                if how == "read-write-sha256":
                    sha.update(piece)
                out.write(piece)
    with (target / "sync").open("wb") as handle:
        os.fsync(handle.fileno())
    elapsed = time.perf_counter() - start
    shutil.rmtree(target)
    return elapsed


def zip_floor(files: list[Path], target: Path, aes: bool) -> None:
    import zipfile

    if aes:
        import pyzipper

        archive = pyzipper.AESZipFile(target, "w", compression=pyzipper.ZIP_STORED)
        archive.setpassword(PASSPHRASE.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256, force_wz_aes_version=2)
    else:
        archive = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED)
    with archive:
        for stored in files:
            info = getattr(archive, "zipinfo_cls", zipfile.ZipInfo)(stored.name)
            with stored.open("rb") as source, archive.open(info, "w", force_zip64=True) as out:
                while piece := source.read(1 << 20):
                    out.write(piece)
    with target.open("rb+") as written:  # as the bundle is: on the disk before it counts
        os.fsync(written.fileno())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=500)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--files", type=int, default=3, help="files in each entry")
    parser.add_argument("--no-photos", action="store_true", help="leave out the photos case")
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    work_dir = ROOT / "build" / "bench-evidence"
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    rows = []
    try:
        cases = [("plain", False), ("protected", True)] + (
            [] if args.no_photos else [("photos", False)]
        )
        for name, protected in cases:
            data = work_dir / name / "data"
            data.parent.mkdir(parents=True)
            case_id = make_case(
                data, args.entries, args.mb, protected, args.files, name == "photos"
            )
            # The case's 500 MB were just written: flush them now, so the kernel's write-back
            # of them does not land in whichever of the floor or the export comes first.
            os.sync()
            stored = sum(p.stat().st_size for p in (data / "attachments" / case_id).iterdir())
            bundles = [(False, "")] + ([(True, PASSPHRASE)] if protected else [])
            for protect_bundle, bundle_pass in bundles:
                floors = {
                    how: min(floor(data, case_id, work_dir / "floor", how) for _ in range(2))
                    for how in ("kernel", "read-write", "read-write-sha256", "zip", "zip-aes")
                }
                zip_floor_s = floors["zip-aes" if protect_bundle else "zip"]
                copy = floors["read-write"]
                runs = []
                for run in range(2):
                    target = work_dir / f"bundle-{run}.zip"
                    runs.append(
                        child(
                            data, str(target), case_id, PASSPHRASE if protected else "", bundle_pass
                        )
                    )
                    size = target.stat().st_size
                    if run == 0 and name == "plain":
                        verify = child(data, "verify", case_id, "", str(target))
                    target.unlink()
                here = None
                if name == "plain":  # the same export with the record made in-process
                    here_runs = []
                    for _ in range(2):
                        target = work_dir / "bundle-here.zip"
                        here_runs.append(child(data, str(target), case_id, "", "", "off"))
                        target.unlink()
                    here = min(r["seconds"] for r in here_runs)
                best = min(runs, key=lambda r: r["seconds"])
                rows.append(
                    {
                        "case": name,
                        "bundle": "AES" if protect_bundle else "plain",
                        "stored_mb": stored / 1e6,
                        "bundle_mb": size / 1e6,
                        "floor_kernel_s": floors["kernel"],
                        "floor_read_write_s": copy,
                        "floor_read_write_sha256_s": floors["read-write-sha256"],
                        "floor_zip_s": floors["zip"],
                        "floor_zip_aes_s": floors["zip-aes"],
                        "ratio_zip": best["seconds"] / zip_floor_s,
                        "files": len(list((data / "attachments" / case_id).iterdir())),
                        "export_s": best["seconds"],
                        "ratio_read_write": best["seconds"] / copy,
                        "ratio_kernel": best["seconds"] / floors["kernel"],
                        "peak_mb": max(r["peak_mb"] for r in runs),
                        "helper_peak_mb": max(r["helper_peak_mb"] for r in runs),
                        "export_record_in_process_s": here,
                        "ok": all(r["ok"] for r in runs),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
        print(
            json.dumps(
                {
                    "verify_plain_s": verify["seconds"],
                    "verify_ok": verify["ok"],
                    "verify_peak_mb": verify["peak_mb"],
                }
            )
        )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
