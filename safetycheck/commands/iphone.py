"""``scan-iphone`` and ``forget-iphone``.

``scan-iphone`` prints leads; with ``--case REF`` it also records them in that case's
evidence log, through the case service (it never changes answers: the person confirms each
check).  It asks the iPhone to trust this computer only with ``--pair``, after printing what
trusting leaves behind.  Ctrl+C stops it at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from safetycheck.android.indicators import CREDIT, IndicatorStore
from safetycheck.casework import CaseWork
from safetycheck.cli import UserError
from safetycheck.codec import Codec
from safetycheck.commands.common import checking_alone, data_dir, library, open_case, open_work
from safetycheck.iphone.errors import (
    IPhoneError,
    KeyLockedError,
    LinkMissingError,
    NotTrustedError,
    SeveralPhonesError,
)
from safetycheck.iphone.pairing import forget_record
from safetycheck.iphone.scan import ScanResult, run_scan, scan_report
from safetycheck.iphone.text import link_guidance, message, scan_text
from safetycheck.iphone.usbmux import Usbmux
from safetycheck.self_wording import alone, words_alone
from safetycheck.vault import is_protected


def register(subparsers: argparse._SubParsersAction[Any]) -> list[argparse.ArgumentParser]:
    scan = subparsers.add_parser(
        "scan-iphone",
        help="scan an iPhone over USB for known stalkerware, profiles and device management "
        "(read-only)",
        description="Read an unlocked iPhone that trusts this computer and list leads: known "
        "stalkerware and watchware, configuration profiles, device management, supervision, "
        "apps from outside the App Store, Developer Mode, Wi-Fi sync and backup encryption. "
        "Nothing on the iPhone is changed. Leads are not proof.",
    )
    scan.add_argument("--udid", metavar="U", help="which iPhone, when several are connected")
    scan.add_argument("--case", metavar="REF", help="record the findings in this case")
    scan.add_argument("--json", action="store_true", help="print the result as JSON")
    scan.add_argument(
        "--pair",
        action="store_true",
        help="if the iPhone does not trust this computer yet, ask it to (it shows 'Trust This "
        "Computer?'; this is the one thing the scan changes on the phone)",
    )
    scan.set_defaults(func=scan_iphone)
    forget = subparsers.add_parser(
        "forget-iphone",
        help="delete the key SafetyCheck keeps for an iPhone it was trusted by",
    )
    forget.add_argument("udid", metavar="UDID", help="the iPhone's id (shown by scan-iphone)")
    forget.set_defaults(func=forget_iphone)
    return [scan, forget]


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _trust_help(words: Callable[[str], str]) -> str:
    text = scan_text()
    undo = "\n".join(f"  - {step}" for step in text["undo_steps"][1:3])
    caution = words(text["trust_caution"])
    return f"{text['trust_intro']}\n\n{caution}\n\n{undo}\n\n{text['cli']['pair_hint']}"


def scan_iphone(args: argparse.Namespace) -> int:
    folder = data_dir(args)
    alone_mode = checking_alone(args)
    words: Callable[[str], str] = alone if alone_mode else str
    # The passphrase is asked for only when it is needed: to write in a case, to seal a new
    # key for the phone (--pair in a protected folder), or to open the key SafetyCheck
    # sealed for this phone before (then the scan starts again, unlocked).
    work: CaseWork | None = None
    case = None
    if args.case or (args.pair and is_protected(folder)):
        work = open_work(args)
    if args.case and work is not None:
        case = open_case(work, args.case)  # before the scan: a wrong reference scans nothing
    if args.pair:
        text = scan_text()
        _say(f"{words(text['trust_caution'])}\n")

    index = IndicatorStore(folder).index()

    def scan(codec: Codec | None) -> ScanResult:
        return run_scan(
            Usbmux(),
            index,
            folder,
            udid=args.udid,
            progress=_say if args.pair else None,
            allow_pair=args.pair,
            codec=codec,
        )

    try:
        try:
            result = scan(work.codec if work is not None else None)
        except KeyLockedError:
            if work is not None:
                raise
            work = open_work(args)
            result = scan(work.codec)
    except KeyboardInterrupt as exc:
        raise UserError(message("cancelled")) from exc
    except LinkMissingError as exc:
        raise UserError(f"{exc}\n\n{link_guidance(exc.platform, cli=True)}") from exc
    except NotTrustedError as exc:
        raise UserError(f"{exc}\n\n{_trust_help(words)}") from exc
    except SeveralPhonesError as exc:
        raise UserError(f"{exc} {scan_text()['cli']['choose_hint']}") from exc
    except IPhoneError as exc:
        raise UserError(str(exc)) from exc
    # An old list's warning names the command that updates it, not the app's button.
    result.list_warnings = [w for w in (lst.age_warning(cli=True) for lst in index.lists) if w]
    recorded = 0
    if case is not None and work is not None:
        recorded = len(work.record_scan(scan_report(result)).evidence_ids)
    if args.json:
        data = words_alone(result.to_dict()) if alone_mode else result.to_dict()
        if case is not None:
            data["recorded_in_case"] = case.reference
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print(result, {c.id: c.title for t in library().topics for c in t.checks}, words)
        if case is not None:
            print(scan_text()["cli"]["recorded"].format(count=recorded, case=case.reference))
    return 0 if result.phone_read else 1  # a scan that read no apps is not a success


def _print(result: ScanResult, titles: dict[str, str], words: Callable[[str], str]) -> None:
    def say(line: str = "") -> None:
        print(words(line))

    text = scan_text()
    say(f"iPhone: {result.device.describe()}")
    say(f"  id (UDID): {result.device.udid}")
    say(f"Apps read: {result.app_count} ({result.user_app_count} not Apple's own)")
    say()
    say(result.headline)
    if not result.phone_read:
        say(text["unread_next"])
    elif not result.known_stalkerware:
        say(text["clean_next"])
    say()
    if result.findings:
        say(text["leads_intro"])
        for finding in result.findings:
            say(f"- {finding.title}")
            if finding.detail:
                say(f"    {finding.detail}")
            title = titles.get(finding.check_id, finding.check_id)
            say("    " + text["cli"]["check_by_hand"].format(title=title))
    for problem in result.problems:
        say(f"Note: {problem}")
    for warning in result.list_warnings:
        say(f"Note: {warning}")
    say()
    say("Lists used: " + "; ".join(result.lists))
    say(CREDIT)


def forget_iphone(args: argparse.Namespace) -> int:
    text = scan_text()
    if forget_record(data_dir(args), args.udid):
        print(f"{text['cli']['forgot_key']} {text['undo_steps'][1]}")
    else:
        print(text["cli"]["no_key"])
    return 0
