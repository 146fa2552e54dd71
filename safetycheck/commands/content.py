"""``check-content``: validate checklist files and print ``file:line: message``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from safetycheck.checklist import load_checklists
from safetycheck.paths import checklists_dir


def register(subparsers: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    parser = subparsers.add_parser(
        "check-content",
        help="check checklist files for mistakes (default: the shipped checklists)",
        description="Check checklist files. Prints one line per problem as file:line: message "
        "and exits with status 1 if there are any.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")
    parser.set_defaults(func=run)
    return [parser]


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [checklists_dir()]
    library = load_checklists(paths)
    for problem in library.problems:
        print(problem)
    if library.problems:
        print(f"{len(library.problems)} problem(s) found.", file=sys.stderr)
        return 1
    checks = sum(len(t.checks) for t in library.topics)
    print(f"OK: {len(library.topics)} topics, {checks} checks.", file=sys.stderr)
    return 0
