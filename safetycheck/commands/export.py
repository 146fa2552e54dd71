"""``export``: print a case record or a safety plan to a PDF file.

The place is required (``-o``): a document is never saved somewhere the
person did not choose, such as a Downloads folder that others can see.  Given a
folder, the file gets the default name (case reference, kind, date).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from safetycheck.commands.common import open_case, open_work
from safetycheck.report.export import KINDS


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> list[argparse.ArgumentParser]:
    parser = subparsers.add_parser(
        "export",
        help="save a case record or a safety plan as a PDF",
        description="Save a case record (for the advisor's file) or a safety plan (for the "
        "client to take home) as a PDF. Anyone who finds the file, or a printed copy, can "
        "read it.",
    )
    parser.add_argument("reference", metavar="CASE_REF", help="the case reference (or part of it)")
    parser.add_argument("--kind", choices=list(KINDS), required=True, help="which document to make")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE.pdf",
        required=True,
        help="where to save the PDF (a folder: the default name, e.g. "
        "case-7f3k-record-2026-12-02.pdf)",
    )
    parser.add_argument(
        "--page-size",
        choices=["a4", "letter"],
        type=str.lower,
        default=None,
        help="paper size (default: from the country in settings; A4 for the UK)",
    )
    parser.add_argument(
        "--leave-out-details",
        action="store_true",
        help="safety plan only: leave out what was found, the lines written for the plan and "
        "the actions, in case someone else finds the paper",
    )
    parser.add_argument(
        "--for-police",
        action="store_true",
        help="case record only: leave out the private notes and the action plan, and add a "
        "page on how the evidence was collected",
    )
    parser.set_defaults(func=run)
    return [parser]


def run(args: argparse.Namespace) -> int:
    from safetycheck.casework import StoreError
    from safetycheck.cli import UserError
    from safetycheck.report import ReportError, default_file_name, default_page_size
    from safetycheck.report.texts import save_warning
    from safetycheck.terminal import one_line_shown

    if args.for_police and args.kind != "record":
        raise UserError("--for-police is for the case record only (--kind record).")
    if args.leave_out_details and args.kind != "plan":
        raise UserError("--leave-out-details is for the safety plan only (--kind plan).")
    work = open_work(args)
    case = open_case(work, args.reference)
    output = args.output
    if Path(output).expanduser().is_dir():
        name = default_file_name(
            case, args.kind, for_police=args.for_police, leave_out_details=args.leave_out_details
        )
        output = str(Path(output).expanduser() / name)
    elif not output.lower().endswith(".pdf"):
        output += ".pdf"
    try:
        # The PDF and its note in the case are one step: written and said, or nothing.
        path = work.export_document(
            args.kind,
            output,
            leave_out_details=args.leave_out_details,
            for_police=args.for_police,
            page_size=args.page_size or default_page_size(work.settings),
        )
    except ReportError as exc:
        raise UserError(str(exc)) from exc
    except StoreError as exc:
        raise UserError(
            f"The PDF was not saved: SafetyCheck could not note it in the case ({exc}). "
            "Nothing was written."
        ) from exc
    print(f"Saved {one_line_shown(path)}")  # a name typed with a line break still prints as one
    print(save_warning(), file=sys.stderr)
    return 0
