"""``list-cases`` and ``demo-case``."""

from __future__ import annotations

import argparse
import json

from safetycheck.commands.common import open_work
from safetycheck.terminal import one_line_shown


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> list[argparse.ArgumentParser]:
    listing = subparsers.add_parser("list-cases", help="list the cases, one a line")
    listing.add_argument("--json", action="store_true", help="print a machine-readable list")
    listing.set_defaults(func=list_cases)

    demo = subparsers.add_parser(
        "demo-case",
        help="create a demo case with every topic answered (for trying the app)",
        description="Create a realistic demo case and print its reference on the last line.",
    )
    demo.add_argument("--reference", default=None, help="the demo case's reference")
    demo.set_defaults(func=demo_case)
    return [listing, demo]


def list_cases(args: argparse.Namespace) -> int:
    summaries = open_work(args).list_cases()
    if args.json:
        rows = [
            {
                "reference": s.reference,
                "id": s.id,
                "created": s.created.isoformat() if s.created else None,
                "updated": s.updated.isoformat() if s.updated else None,
                "progress": s.progress.to_dict(),
                "problem": s.problem,
            }
            for s in summaries
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for s in summaries:
        updated = s.updated.astimezone().strftime("%Y-%m-%d %H:%M") if s.updated else "-"
        progress = f"{s.progress.answered}/{s.progress.total} checked"
        concerns = f"{s.progress.concerns} concern(s)"
        problem = f"  [{s.problem}]" if s.problem else ""
        # One case a line, whatever a file holds (a reference saved by something else).
        print(f"{one_line_shown(s.reference)}\t{updated}\t{progress}\t{concerns}{problem}")
    return 0


def demo_case(args: argparse.Namespace) -> int:
    from safetycheck.demo import build_demo_case

    work = open_work(args, for_writing=True)
    case = build_demo_case(work, reference=args.reference)
    print(f"Created a demo case with {len(case.answers)} answers.")
    print(case.reference)
    return 0
