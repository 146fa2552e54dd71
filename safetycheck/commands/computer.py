"""``scan-computer`` and ``remote-tools show|import|download``.

``scan-computer`` reads this computer (read-only, no network, no administrator rights) and
prints leads; with ``--case REF`` it also records the chosen findings (``--save``, the leads by
default) and, with ``--save-logs``, copies of the connection logs found, through the case
service.  It never changes answers: the person confirms each check.  ``remote-tools
download`` is the only network use of the computer scan, and only when asked for by name.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from safetycheck.casework import CaseWork
from safetycheck.cli import UserError
from safetycheck.commands.common import checking_alone, data_dir, library, open_case, open_work
from safetycheck.computer.scan import (
    INFO,
    SOURCE,
    ScanResult,
    chosen_findings,
    log_check_id,
    log_evidence_text,
    run_scan,
    scan_report,
    scan_text,
    scanned_at_text,
)
from safetycheck.computer.system import System, recorded_system, this_computer
from safetycheck.computer.tools import LOLRMM_URL, ToolListError, ToolStore
from safetycheck.self_wording import alone, words_alone


def register(subparsers: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:  # type: ignore[type-arg]
    scan = subparsers.add_parser(
        "scan-computer",
        help="check this computer for remote-access and monitoring tools (read-only)",
        description="Read this computer and list leads: remote-access and monitoring tools, "
        "what starts by itself, standing permissions, browser add-ons and accounts. Nothing "
        "is changed and nothing is sent anywhere. Leads are not proof.",
    )
    scan.add_argument("--case", metavar="REF", help="record the findings in this case")
    scan.add_argument(
        "--save",
        metavar="WHICH",
        default="leads",
        help="with --case: which findings to record: 'leads' (the default: everything but "
        "'for your records'), 'all', 'none', or numbers as printed, e.g. 1,3,4",
    )
    scan.add_argument(
        "--save-logs",
        action="store_true",
        help="with --case: also save a copy of each connection log found (hashed with SHA-256)",
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
    work: CaseWork | None = None
    if args.case:  # before the scan: a wrong reference scans nothing
        work = open_work(args, for_writing=True)
        open_case(work, args.case)
    elif args.save != "leads" or args.save_logs:
        raise UserError("--save and --save-logs need --case REF: the case to save them in.")
    system = _system(args)
    try:
        lists = _store(args).lists()
    except ToolListError as exc:
        raise UserError(str(exc)) from exc
    alone_mode = checking_alone(args)
    words: Callable[[str], str] = alone if alone_mode else str
    if not args.json:
        print(f"Before you start: {words(text['before_scan'])}")
        print(text["no_changes"])
        print()
        sys.stdout.flush()
    result = run_scan(system, lists)
    recorded = _record(work, result, args) if work is not None else None
    if args.json:
        data = words_alone(result.to_dict()) if alone_mode else result.to_dict()
        if recorded is not None:
            data["recorded_in_case"] = recorded
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print_result(result, words)
    if recorded is not None:
        print()
        print(
            f"Recorded {recorded['entries']} entries in the evidence log of "
            f"{recorded['case']} ({recorded['findings']} findings"
            + (f", {recorded['logs']} connection logs" if recorded["logs"] else "")
            + "). Your answers were not changed: confirm each check yourself."
        )
    return 0


def _record(work: CaseWork, result: ScanResult, args: argparse.Namespace) -> dict[str, object]:
    """Save the chosen findings (and logs) through the case service, the one door."""
    try:
        keep = chosen_findings(result, args.save)
    except ValueError as exc:
        raise UserError(f"{exc} Nothing was saved.") from exc
    record = work.record_scan(scan_report(result), keep)
    entries = len(record.evidence_ids)
    logs = 0
    if args.save_logs:
        where = f"{result.device}, found by SafetyCheck's computer scan"
        for log in result.logs:
            work.add_evidence(
                log_evidence_text(log),
                where,
                log_check_id(result, log),
                file=Path(log.local),
                at=result.reading.read_at,
                source=SOURCE,
            )
            logs += 1
    case = work.case
    return {
        "case": case.reference if case is not None else args.case,
        "entries": entries + logs,
        "findings": len(keep),
        "logs": logs,
    }


def print_result(result: ScanResult, words: Callable[[str], str] = str) -> None:
    """``words``: how this person reads the scan's texts (``checking_alone``)."""

    def say(line: str = "") -> None:
        print(words(line))

    text = scan_text()
    reading = result.reading
    checks = library()
    admin = "an administrator" if reading.is_admin else "not an administrator"
    say(f"Computer: {result.device}, account {reading.user or '?'} ({admin})")
    if reading.source != "this computer":
        say(f"Read from a {reading.source}")
    say(f"Checked: {scanned_at_text(reading.read_at)}")
    counts = reading.counts()
    say(
        f"Read: {counts['installed']} installed programs, {counts['processes']} running, "
        f"{counts['services']} services, {counts['autostart']} start-up items, "
        f"{counts['extensions']} browser add-ons, {counts['accounts']} accounts"
    )
    say()
    say(result.headline)
    say(text["limits"])
    leads = [f for f in result.findings if f.level != INFO]
    if leads:
        say()
        say(text["leads_intro"])
    for number, finding in enumerate(result.findings, start=1):
        if finding.level == INFO and (number == 1 or result.findings[number - 2].level != INFO):
            say()
            say("For your records:")
        say()
        say(f"{number:2d}. [{text['levels'][finding.level]}] {finding.title}")
        say(f"    Why it matters: {finding.why}")
        say(f"    How sure: {finding.sure}")
        say(f"    Safe next step: {finding.next}")
        if finding.facts:
            say(f"    Seen: {'; '.join(finding.facts)}")
        if finding.check_id:
            check = checks.check(finding.check_id)
            title = f' ("{check.title}")' if check else ""
            say(f"    Manual check: {finding.check_id}{title}")
        elif reading.platform == "linux":
            say(f"    Manual check: {text['linux_checks']}")
        for log in finding.logs:
            say(f"    Connection log: {log.path} ({log.size} bytes). {text['log_offer']}")
    if reading.problems:
        say()
        say("What should have been readable and was not:")
        for problem in reading.problems:
            say(f"  - {problem}")
    if reading.skipped:
        say()
        if not reading.is_admin:
            say(text["not_admin"])
        say(text["skipped_intro"])
        for line in reading.skipped:
            say(f"  - {line}")
    say()
    say(f"{text['credit_intro']} " + "; ".join(result.lists))
    for credit in result.credits:
        say(credit)
