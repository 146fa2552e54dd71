"""``check-content``: validate checklist files and print ``file:line: message``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from safetycheck.checklist import Library, load_checklists
from safetycheck.paths import checklists_dir


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> list[argparse.ArgumentParser]:
    parser = subparsers.add_parser(
        "check-content",
        help="check checklist files for mistakes (default: the shipped checklists)",
        description="Check checklist files. Prints one line per problem as file:line: message "
        "and exits with status 1 if there are any.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also apply the quality rules the tests apply: review date, cautions, "
        "id names and reading ease (needs the test extras for reading ease)",
    )
    parser.set_defaults(func=run)
    return [parser]


def _quality(library: Library) -> int:
    """Print quality findings (``file: check: message``); return how many there were."""
    from safetycheck import content_rules

    rules = list(content_rules.RULES)
    try:
        import textstat  # noqa: F401
    except ImportError:
        rules.remove("readability")
        print("Reading ease was not checked: install the test extras first.", file=sys.stderr)
    count = 0
    for topic in library.topics:
        for finding in content_rules.check_topic(topic, rules=rules):
            name = topic.path.name if topic.path else topic.id
            check = f"{finding.check}: " if finding.check else ""
            print(f"{name}: {check}{finding.message}")
            count += 1
    return count


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [checklists_dir()]
    library = load_checklists(paths)
    for problem in library.problems:
        print(problem)
    # Warnings name fields that will soon be required; they do not fail the check yet.
    for warning in library.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    found = len(library.problems)
    if args.strict:
        found += _quality(library)
    if found:
        print(f"{found} problem(s) found.", file=sys.stderr)
        return 1
    checks = sum(len(t.checks) for t in library.topics)
    print(f"OK: {len(library.topics)} topics, {checks} checks.", file=sys.stderr)
    return 0
