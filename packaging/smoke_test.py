"""Smoke-test the BUILT program, not the source: what a person installing it would run.

    python packaging/smoke_test.py dist/safetycheck/safetycheck            # installed-style
    python packaging/smoke_test.py dist/safetycheck/safetycheck --portable # USB-stick style

Standard library only, so the same file runs on Linux, Windows and macOS CI.  Every run gets
its own HOME (and XDG folders, TEMP and APPDATA) in a fresh temporary folder, so the test never
touches the real profile and can see what the program wrote.

Steps: ``--version``; ``check-content``; ``demo-case``; ``export`` of both PDFs (read back:
header, end marker, the case reference in the text when ``pdftotext`` is present);
``export-evidence`` of the demo case, plain and protected with a passphrase (AES, through
pyzipper and pycryptodomex, which are imported only then), each checked by
``verify-evidence`` and opened with ``zipfile``, and a copy with one byte changed refused
(the record made by the built program's own helper process, which must work);
and the app itself started offscreen, left to run, and asked to quit
(``SAFETYCHECK_QUIT_AFTER``).

``--portable`` copies the program folder, puts a ``portable`` file next to the program, runs the
same steps with no data folder given, and then checks that nothing at all was written under the
fake HOME or the temporary folder, and that the cases are in ``SafetyCheck-data`` beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

QUIT_AFTER_SECONDS = "3"
TIMEOUT = 180


NOBODY = 65534


class SmokeFailure(Exception):
    pass


def as_ordinary_user(base: Path) -> list[str]:
    """When run as root, run the program as ``nobody``, the way people run it.

    Root sees a different machine: fontconfig, for one, writes its cache into the system's
    /var/cache/fontconfig instead of the user's ~/.cache, so a root-only test would miss
    exactly the kind of trace the portable check looks for.
    """
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("setpriv"):
        return []
    for folder, dirs, files in os.walk(base):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, NOBODY, NOBODY)
    os.chmod(base, 0o755)
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]


def isolated_env(base: Path) -> dict[str, str]:
    """An environment whose every per-user folder is a fresh folder under ``base``."""
    home = base / "home"
    tmp = base / "tmp"
    for folder in (home, tmp):
        folder.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "SAFETYCHECK_"))}
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        APPDATA=str(home / "AppData" / "Roaming"),
        LOCALAPPDATA=str(home / "AppData" / "Local"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        TMPDIR=str(tmp),
        TEMP=str(tmp),
        TMP=str(tmp),
        QT_QPA_PLATFORM="offscreen",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


RUN_AS: list[str] = []


def run(program: Path, args: list[str], env: dict[str, str], what: str, expect: int = 0):
    result = subprocess.run(
        [*RUN_AS, str(program), *args], capture_output=True, text=True, env=env, timeout=TIMEOUT
    )
    if result.returncode != expect:
        raise SmokeFailure(
            f"{what}: exit status {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    if "Traceback" in result.stderr:
        raise SmokeFailure(f"{what}: printed a traceback\n{result.stderr}")
    print(f"PASS  {what}")
    return result


def check_pdf(path: Path, reference: str, what: str) -> None:
    if not path.is_file():
        raise SmokeFailure(f"{what}: no file at {path}")
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise SmokeFailure(f"{what}: {path.name} is not a complete PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(
            [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        if reference not in text:
            raise SmokeFailure(f"{what}: the case reference {reference!r} is not in the PDF text")
    print(f"PASS  {what} ({len(data) // 1024} KB{', text read back' if pdftotext else ''})")


def smoke(program: Path, env: dict[str, str], data_args: list[str], out: Path) -> None:
    from_version = run(program, ["--version"], env, "--version").stdout.strip()
    if not re.fullmatch(r"SafetyCheck \d+\.\d+\.\d+\S*", from_version):
        raise SmokeFailure(f"--version printed {from_version!r}")
    run(program, ["check-content"], env, "check-content")
    shown = run(program, [*data_args, "indicators", "show", "--json"], env, "indicators show")
    lists = json.loads(shown.stdout)["lists"]
    if not lists or lists[0]["apps"] < 100 or not lists[0]["shipped_with_safetycheck"]:
        raise SmokeFailure(f"the shipped Echap list is missing from the bundle: {lists!r}")
    demo = run(program, [*data_args, "demo-case"], env, "demo-case")
    reference = demo.stdout.strip().splitlines()[-1]
    listing = run(program, [*data_args, "list-cases"], env, "list-cases").stdout
    if reference not in listing:
        raise SmokeFailure(f"list-cases does not show the demo case {reference!r}")
    out.mkdir(parents=True, exist_ok=True)
    for kind in ("record", "plan"):
        pdf = out / f"{kind}.pdf"
        run(
            program,
            [*data_args, "export", reference, "--kind", kind, "-o", str(pdf)],
            env,
            f"export --kind {kind}",
        )
        check_pdf(pdf, reference, f"{kind} PDF")
    check_evidence(program, env, data_args, reference, out)
    gui_env = {**env, "SAFETYCHECK_QUIT_AFTER": QUIT_AFTER_SECONDS}
    run(program, [*data_args], gui_env, "app starts offscreen and quits")


#: Only for the smoke test's protected bundle (the program reads it instead of asking).
BUNDLE_PASSPHRASE = "smoke test passphrase"


def check_evidence(
    program: Path, env: dict[str, str], data_args: list[str], reference: str, out: Path
) -> None:
    """The demo case's evidence as a bundle, plain and protected, checked by the program."""
    # The record is laid out by the built program started again as its own helper process
    # (safetycheck.evidence.record_helper): required here, so that a helper that cannot
    # start in the built program fails the test instead of quietly making it in-process.
    env = {**env, "SAFETYCHECK_RECORD_HELPER": "require"}
    protected_env = {**env, "SAFETYCHECK_BUNDLE_PASSPHRASE": BUNDLE_PASSPHRASE}
    for kind, extra, use_env in (
        ("plain", [], env),
        ("protected", ["--protect"], protected_env),
    ):
        bundle = out / f"evidence-{kind}.zip"
        exported = run(
            program,
            [*data_args, "export-evidence", reference, "-o", str(bundle), *extra],
            use_env,
            f"export-evidence ({kind})",
        )
        if "unchanged since they were recorded" not in exported.stdout:
            raise SmokeFailure(f"export-evidence ({kind}) printed {exported.stdout!r}")
        with zipfile.ZipFile(bundle) as archive:
            names = set(archive.namelist())
            if archive.infolist()[0].flag_bits & 1 != (kind == "protected"):
                raise SmokeFailure(f"export-evidence ({kind}): the zip's encryption is wrong")
        if not {"record.pdf", "manifest.json", "manifest.csv", "README.txt"} <= names:
            raise SmokeFailure(f"export-evidence ({kind}): the bundle holds only {sorted(names)}")
        verified = run(
            program, ["verify-evidence", str(bundle)], use_env, f"verify-evidence ({kind})"
        )
        if not verified.stdout.startswith("Bundle intact"):
            raise SmokeFailure(f"verify-evidence ({kind}) printed {verified.stdout!r}")
    # A copy with one byte of the manifest changed (the zip itself still whole).
    tampered = out / "evidence-tampered.zip"
    with (
        zipfile.ZipFile(out / "evidence-plain.zip") as source,
        zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "manifest.csv":
                data = data.replace(b"Photo", b"photo", 1)
            copy.writestr(info, data)
    refused = run(
        program,
        ["verify-evidence", str(tampered)],
        env,
        "verify-evidence refuses a bundle with one byte changed",
        expect=1,
    )
    if not refused.stdout.startswith("Bundle NOT intact"):
        raise SmokeFailure(f"verify-evidence on a changed bundle printed {refused.stdout!r}")


def copy_to_stick(program: Path, stick_root: Path) -> tuple[Path, Path]:
    """Copy the program folder (or the macOS .app) as a person would; return (program, folder).

    The folder is where the ``portable`` marker and ``SafetyCheck-data`` go: beside the
    program, or beside ``SafetyCheck.app`` on macOS.
    """
    app = next((p for p in program.parents if p.suffix == ".app"), None)
    if app is not None:
        stick_root.mkdir(parents=True)
        shutil.copytree(app, stick_root / app.name, symlinks=True)
        return stick_root / app.name / program.relative_to(app), stick_root
    shutil.copytree(program.parent, stick_root / program.parent.name, symlinks=True)
    return stick_root / program.parent.name / program.name, stick_root / program.parent.name


def snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")}


def seed_user_font(home: Path, bundle: Path) -> None:
    """Give fontconfig a font of the user's own, so it has a cache to write (as on a desktop).

    fontconfig writes a cache file for every font folder it finds out of date; with only
    system fonts (cached by the system) a bare test machine would never show that write.
    """
    fonts = sorted(bundle.rglob("*.ttf")) or sorted(Path("/usr/share/fonts").rglob("*.ttf"))
    if fonts:
        (home / ".fonts").mkdir()
        shutil.copy2(fonts[0], home / ".fonts" / fonts[0].name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("program", type=Path, help="the built program (inside its folder)")
    parser.add_argument("--portable", action="store_true", help="test a portable copy")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    program = args.program.resolve()
    if not program.is_file():
        print(f"FAIL  no program at {program}", file=sys.stderr)
        return 1

    base = Path(tempfile.mkdtemp(prefix="safetycheck-smoke-"))
    try:
        env = isolated_env(base)
        if args.portable:
            program, stick = copy_to_stick(program, base / "usb-stick")
            (stick / "portable").write_text("", encoding="utf-8")
            seed_user_font(base / "home", stick)
            (stick / "exports").mkdir()
            RUN_AS[:] = as_ordinary_user(base)
            before = snapshot(base / "home")
            smoke(program, env, [], stick / "exports")
            after = snapshot(base / "home")
            written = sorted(k for k, v in after.items() if before.get(k) != v)
            written += [f"(temp) {k}" for k in snapshot(base / "tmp")]
            if written:
                raise SmokeFailure(
                    "portable copy wrote outside its folder:\n  " + "\n  ".join(written)
                )
            print("PASS  nothing written under HOME, XDG folders, APPDATA or TEMP")
            cases = list((stick / "SafetyCheck-data" / "cases").glob("*.case"))
            if not cases:
                raise SmokeFailure("no case in SafetyCheck-data/cases beside the program")
            print(f"PASS  the case is in {stick.name}/SafetyCheck-data")
        else:
            (base / "exports").mkdir()
            RUN_AS[:] = as_ordinary_user(base)
            if RUN_AS and subprocess.run([*RUN_AS, "test", "-x", str(program)]).returncode:
                # Built inside a folder only root may enter (a private temp checkout): this
                # run is not about traces, so root will do.
                print("NOTE  the program is out of reach of 'nobody'; running as root")
                RUN_AS.clear()
            smoke(program, env, ["--data-dir", str(base / "data")], base / "exports")
    except (SmokeFailure, subprocess.TimeoutExpired) as exc:
        print(f"FAIL  {exc}", file=sys.stderr)
        if args.keep:
            print(f"kept: {base}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("smoke test passed" + (" (portable)" if args.portable else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
