"""``scan-computer`` and ``remote-tools show|import|download``.

``scan-computer`` reads this computer (read-only, no network, no administrator rights) and
prints leads.  ``remote-tools download`` is the only network use of the computer scan, and
only happens when asked for by name.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from safetycheck.cli import UserError
from safetycheck.commands.common import data_dir, library
from safetycheck.computer.scan import (
    INFO,
    ScanResult,
    run_scan,
    scan_text,
    scanned_at_text,
)
from safetycheck.computer.system import System, recorded_system, this_computer
from safetycheck.computer.tools import LOLRMM_URL, ToolListError, ToolStore


def register(subparsers: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:  # type: ignore[type-arg]
    scan = subparsers.add_parser(
        "scan-computer",
        help="check this computer for remote-access and monitoring tools (read-only)",
        description="Read this computer and list leads: remote-access and monitoring tools, "
        "what starts by itself, standing permissions, browser add-ons and accounts. Nothing "
        "is changed and nothing is sent anywhere. Leads are not proof.",
    )
    scan.add_argument("--json", action="store_true", help="print the result as JSON")
    # A recorded machine instead of this computer (tests, training, screenshots).
    scan.add_argument("--machine", metavar="DIR", help=argparse.SUPPRESS)
    scan.set_defaults(func=scan_computer)

    tools = subparsers.add_parser(
        "remote-tools", help="show, import or download the lists of remote-access tools"
    )
    actions = tools.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="show the lists in use and their credits")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=show_tools)
    imp = actions.add_parser("import", help="import a LOLRMM export (rmm_tools.json)")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(func=import_tools)
    down = actions.add_parser(
        "download",
        help="download LOLRMM's list over HTTPS (the only time the computer scan uses the "
        "internet)",
    )
    down.add_argument("--url", default=LOLRMM_URL, help="download from this https:// address")
    down.set_defaults(func=download_tools)
    return [scan, tools, show, imp, down]


def _store(args: argparse.Namespace) -> ToolStore:
    return ToolStore(data_dir(args))


def show_tools(args: argparse.Namespace) -> int:
    lists = _store(args).lists()
    if args.json:
        rows = [
            {
                "label": lst.label,
                "source": lst.source,
                "tools": len(lst.tools),
                "updated": lst.updated.isoformat() if lst.updated else None,
                "summary": lst.summary(),
                "credit": lst.credit,
            }
            for lst in lists
        ]
        print(json.dumps({"lists": rows}, ensure_ascii=False, indent=2))
        return 0
    for lst in lists:
        print(f"{lst.label}: {lst.summary()}")
        print(f"  source: {lst.source}")
        print(f"  {lst.credit}")
    if len(lists) == 1:
        print(
            "No LOLRMM list imported. Use 'remote-tools import FILE' with a file you have, or "
            "'remote-tools download' to fetch it (this uses the internet)."
        )
    return 0


def import_tools(args: argparse.Namespace) -> int:
    try:
        imported = _store(args).import_file(Path(args.file))
    except ToolListError as exc:
        raise UserError(f"{exc} The list you had before is still in use.") from exc
    print(f"Imported: {imported.summary()}.")
    print(imported.credit)
    return 0


def download_tools(args: argparse.Namespace) -> int:
    print(f"Downloading {args.url} ...")
    print("This connects to the internet. A router's history may show the address.")
    try:
        imported = _store(args).download(args.url)
    except ToolListError as exc:
        message = str(exc)
        if "still in use" not in message:
            message += " The list you had before is still in use."
        raise UserError(message) from exc
    print(f"Updated: {imported.summary()}.")
    print(imported.credit)
    return 0


def _system(args: argparse.Namespace) -> System:
    if args.machine:
        try:
            return recorded_system(Path(args.machine))
        except ValueError as exc:
            raise UserError(str(exc)) from exc
    return this_computer()


def scan_computer(args: argparse.Namespace) -> int:
    text = scan_text()
    system = _system(args)
    try:
        lists = _store(args).lists()
    except ToolListError as exc:
        raise UserError(str(exc)) from exc
    if not args.json:
        print(text["before_scan"])
        print(text["no_changes"])
        print()
        sys.stdout.flush()
    result = run_scan(system, lists)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print_result(result)
    return 0


def print_result(result: ScanResult) -> None:
    text = scan_text()
    reading = result.reading
    checks = library()
    admin = "an administrator" if reading.is_admin else "not an administrator"
    print(f"Computer: {result.device}, account {reading.user or '?'} ({admin})")
    if reading.source != "this computer":
        print(f"Read from a {reading.source}")
    print(f"Checked: {scanned_at_text(reading.read_at)}")
    counts = reading.counts()
    print(
        f"Read: {counts['installed']} installed programs, {counts['processes']} running, "
        f"{counts['services']} services, {counts['autostart']} start-up items, "
        f"{counts['extensions']} browser add-ons, {counts['accounts']} accounts"
    )
    print()
    print(result.headline)
    print(text["limits"])
    leads = [f for f in result.findings if f.level != INFO]
    if leads:
        print()
        print(text["leads_intro"])
    for number, finding in enumerate(result.findings, start=1):
        if finding.level == INFO and (number == 1 or result.findings[number - 2].level != INFO):
            print()
            print("For your records:")
        print()
        print(f"{number:2d}. [{text['levels'][finding.level]}] {finding.title}")
        print(f"    Why it matters: {finding.why}")
        print(f"    How sure: {finding.sure}")
        print(f"    Safe next step: {finding.next}")
        if finding.facts:
            print(f"    Seen: {'; '.join(finding.facts)}")
        if finding.check_id:
            check = checks.check(finding.check_id)
            title = f' ("{check.title}")' if check else ""
            print(f"    Manual check: {finding.check_id}{title}")
        elif reading.platform == "linux":
            print(f"    Manual check: {text['linux_checks']}")
        for log in finding.logs:
            print(f"    Connection log: {log.path} ({log.size} bytes). {text['log_offer']}")
    if reading.problems:
        print()
        print("What should have been readable and was not:")
        for problem in reading.problems:
            print(f"  - {problem}")
    if reading.skipped:
        print()
        if not reading.is_admin:
            print(text["not_admin"])
        print(text["skipped_intro"])
        for line in reading.skipped:
            print(f"  - {line}")
    print()
    print(f"{text['credit_intro']} " + "; ".join(result.lists))
    for credit in result.credits:
        print(credit)
