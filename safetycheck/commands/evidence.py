"""``export-evidence`` and ``verify-evidence``: hand evidence over, and check a bundle.

The file name is required (``-o``): a bundle holds the files unlocked, so it is never
saved anywhere the person did not choose.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from safetycheck.commands.common import ask_passphrase, open_case, open_work
from safetycheck.terminal import one_line_shown

ENV_BUNDLE_PASSPHRASE = "SAFETYCHECK_BUNDLE_PASSPHRASE"


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> list[argparse.ArgumentParser]:
    export = subparsers.add_parser(
        "export-evidence",
        help="save a case's evidence as one zip bundle (record PDF, files, manifest)",
        description="Save the evidence log of a case as one zip: the case record PDF, each "
        "file, and a manifest (CSV and JSON) with every entry, time and hash. Anyone who "
        "finds the zip can open it unless you use --protect.",
    )
    export.add_argument("reference", metavar="CASE_REF", help="the case reference (or part of it)")
    export.add_argument("-o", "--output", metavar="FILE.zip", required=True, help="where to save")
    export.add_argument(
        "--entries",
        metavar="N,N,...",
        help="only these entries, by their number in the log (default: all)",
    )
    export.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="seen on or after")
    export.add_argument("--to", dest="until", metavar="YYYY-MM-DD", help="seen on or before")
    export.add_argument(
        "--leave-out-withdrawn", action="store_true", help="leave withdrawn entries out"
    )
    copy = export.add_mutually_exclusive_group()
    copy.add_argument(
        "--for-police",
        action="store_true",
        help="put the copy of the case record for the police in the bundle: no private "
        "notes or action plan, and a page on how the evidence was collected (the default)",
    )
    copy.add_argument(
        "--full-record",
        action="store_true",
        help="put the full case record in the bundle instead, with the private notes and "
        "the action plan (for the case file, not for handing over)",
    )
    export.add_argument(
        "--protect",
        action="store_true",
        help=f"protect the zip with a passphrase (AES-256; asked for, or {ENV_BUNDLE_PASSPHRASE})."
        " Opens in 7-Zip, WinZip, WinRAR, The Unarchiver, Keka and a Mac's 'tar -xf'; "
        "not by double-clicking in Windows or macOS",
    )
    export.set_defaults(func=run_export)
    verify = subparsers.add_parser(
        "verify-evidence",
        help="check that an evidence bundle is exactly as it was made",
        description="Re-check every hash in an evidence bundle and the chain of its log; "
        "print one line saying whether it is intact (exit 0) or what does not match (exit 1).",
    )
    verify.add_argument("bundle", metavar="FILE.zip", help="the bundle to check")
    verify.set_defaults(func=run_verify)
    return [export, verify]


def _date(value: str | None, what: str) -> dt.date | None:
    from safetycheck.cli import UserError

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UserError(f"The {what} date must look like 2026-03-12, not '{value}'.") from exc


def _bundle_passphrase(twice: bool) -> str:
    from safetycheck.cli import UserError

    given = os.environ.get(ENV_BUNDLE_PASSPHRASE)
    if given is not None:
        return given
    first = ask_passphrase(ENV_BUNDLE_PASSPHRASE, "Passphrase for the bundle: ")
    if first is None:
        raise UserError(
            f"A passphrase is needed: type it at a terminal, or set {ENV_BUNDLE_PASSPHRASE}."
        )
    if twice and ask_passphrase(ENV_BUNDLE_PASSPHRASE, "The same passphrase again: ") != first:
        raise UserError("The two passphrases were not the same. Nothing was saved.")
    return first


def run_export(args: argparse.Namespace) -> int:
    from safetycheck.cli import UserError
    from safetycheck.evidence.bundle import BundleError
    from safetycheck.evidence.manifest import Selection
    from safetycheck.report import ReportError

    work = open_work(args)
    case = open_case(work, args.reference)
    chosen: frozenset[str] | None = None
    if args.entries:
        by_number = {e.number: e.id for e in case.evidence}
        try:
            numbers = [int(n) for n in args.entries.replace(" ", "").split(",") if n]
        except ValueError as exc:
            raise UserError("--entries takes entry numbers, for example 1,3,7.") from exc
        unknown = [n for n in numbers if n not in by_number]
        if unknown:
            raise UserError(f"This case has no entry {unknown[0]}; it has 1 to {len(by_number)}.")
        chosen = frozenset(by_number[n] for n in numbers)
    selection = Selection(
        chosen,
        _date(args.since, "--from"),
        _date(args.until, "--to"),
        not args.leave_out_withdrawn,
    )
    output = args.output if args.output.lower().endswith(".zip") else args.output + ".zip"
    passphrase = _bundle_passphrase(twice=True) if args.protect else None
    try:
        result = work.export_evidence(
            Path(output), selection, passphrase=passphrase, for_police=not args.full_record
        )
    except (BundleError, ReportError) as exc:
        raise UserError(str(exc)) from exc
    work.record_export(result.path)
    print(f"Saved {one_line_shown(result.path)} ({result.entries} entries, {result.files} files).")
    print(f"The record in it: {result.record_copy()}.")
    print(result.check.line())
    print(
        "Anyone who has this file can read it"
        + (" if they know the passphrase." if result.protected else ". Keep it somewhere safe."),
        file=sys.stderr,
    )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from safetycheck.cli import UserError
    from safetycheck.evidence.verify import VerifyError, verify_bundle

    path = Path(args.bundle)
    if not path.is_file():
        raise UserError(f"There is no file {path}.")
    try:
        try:
            result = verify_bundle(path)
        except VerifyError as exc:
            if "protected with a passphrase" not in str(exc):
                raise
            result = verify_bundle(path, _bundle_passphrase(twice=False))
    except VerifyError as exc:
        raise UserError(str(exc)) from exc
    print(result.line())
    return 0 if result.ok else 1
