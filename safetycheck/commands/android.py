"""``scan-android`` and ``indicators import|show|update``.

``scan-android`` prints leads; with ``--case REF`` it also records them in that case's
evidence log (it never changes answers: the person confirms each check).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from safetycheck.android.adb import (
    Adb,
    AdbMissingError,
    AndroidError,
    find_adb,
    install_guidance,
    scan_text,
)
from safetycheck.android.indicators import (
    CREDIT,
    DEFAULT_INDICATORS_URL,
    IndicatorError,
    IndicatorStore,
)
from safetycheck.android.scan import WORK_FOLDER, run_scan, scan_report
from safetycheck.cli import UserError
from safetycheck.commands.common import checking_alone, data_dir, open_case, open_work
from safetycheck.self_wording import alone, words_alone
from safetycheck.settings import load_settings


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> list[argparse.ArgumentParser]:
    scan = subparsers.add_parser(
        "scan-android",
        help="scan an Android phone over USB for known stalkerware (read-only)",
        description="Read an Android phone connected with USB debugging and list leads: known "
        "stalkerware, apps from outside the app store, apps with powerful access. Nothing on "
        "the phone is changed. Leads are not proof.",
    )
    scan.add_argument("--adb", metavar="PATH", help="the adb program to use")
    scan.add_argument("--serial", metavar="S", help="which phone, when several are connected")
    scan.add_argument("--case", metavar="REF", help="record the findings in this case")
    scan.add_argument("--json", action="store_true", help="print the result as JSON")
    scan.add_argument(
        "--no-certificates",
        action="store_true",
        help="do not copy app files to read their signatures (faster)",
    )
    scan.set_defaults(func=scan_android)

    indicators = subparsers.add_parser(
        "indicators", help="show, import or update the stalkerware indicator lists"
    )
    actions = indicators.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="show the lists in use and the credit")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=show_indicators)
    imp = actions.add_parser("import", help="import Echap's ioc.yaml or a STIX2 bundle")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(func=import_indicators)
    upd = actions.add_parser(
        "update", help="download the latest list (the only time SafetyCheck uses the internet)"
    )
    upd.add_argument("--url", default=None, help="download from this address instead")
    upd.set_defaults(func=update_indicators)
    return [scan, indicators, show, imp, upd]


def _store(args: argparse.Namespace) -> IndicatorStore:
    return IndicatorStore(data_dir(args))


def show_indicators(args: argparse.Namespace) -> int:
    store = _store(args)
    lists = store.lists()
    imported = store.imported()
    if args.json:
        rows = [
            {
                "label": lst.label,
                "source": lst.source,
                "format": lst.file_format,
                "apps": len(lst.apps),
                "packages": lst.package_count,
                "certificates": lst.certificate_count,
                "ios_bundles": len({b.lower() for a in lst.apps for b in a.ios_bundles}),
                "updated": lst.imported_at.isoformat() if lst.imported_at else None,
                "dated": lst.as_of.isoformat() if lst.as_of else None,
                "age_months": lst.age_in_months(),
                "stale": lst.is_stale(),
                "shipped_with_safetycheck": lst.bundled,
                "summary": lst.summary(),
                "warning": lst.age_warning(cli=True),
            }
            for lst in lists
        ]
        print(
            json.dumps(
                {"lists": rows, "imported": imported, "credit": CREDIT},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print("Lists in use for phone scans:")
    for lst in lists:
        months = lst.age_in_months()
        age = f", {months} month{'s' if months != 1 else ''} old" if months is not None else ""
        print(f"- {lst.label}: {lst.summary()}{age}")
        print(f"    {lst.package_count} package names, {lst.certificate_count} certificates")
        print(f"    source: {lst.source}")
        warning = lst.age_warning(cli=True)
        if warning:
            print(f"    Warning: {warning}")
    if not imported:
        print(
            "These are the copies that come with SafetyCheck. 'indicators update' downloads "
            "the newest list (it uses the internet); 'indicators import FILE' reads one "
            "from a file."
        )
    print()
    print(CREDIT)
    return 0


def import_indicators(args: argparse.Namespace) -> int:
    try:
        imported = _store(args).import_file(Path(args.file))
    except IndicatorError as exc:
        raise UserError(f"{exc} The list you had before is still in use.") from exc
    print(f"Imported: {imported.summary()} ({imported.package_count} package names).")
    print(CREDIT)
    return 0


def update_indicators(args: argparse.Namespace) -> int:
    settings = load_settings(data_dir(args))
    url = args.url or settings.indicators_url or DEFAULT_INDICATORS_URL
    print(f"Downloading {url} ...")
    try:
        imported = _store(args).update_from_url(url)
    except IndicatorError as exc:
        message = str(exc)
        if "still in use" not in message:
            message += " The list you had before is still in use."
        raise UserError(message) from exc
    print(f"Updated: {imported.summary()} ({imported.package_count} package names).")
    print(CREDIT)
    return 0


def scan_android(args: argparse.Namespace) -> int:
    settings = load_settings(data_dir(args))
    alone_mode = checking_alone(args)
    words = alone if alone_mode else str
    work = None
    case = None
    if args.case:
        work = open_work(args)
        case = open_case(work, args.case)  # before the scan: a wrong reference scans nothing
    try:
        adb = Adb(find_adb(args.adb or settings.adb_path or None))
        index = _store(args).index()
        result = run_scan(
            adb,
            index,
            serial=args.serial,
            read_certificates=not args.no_certificates,
            work_dir=data_dir(args) / WORK_FOLDER,
        )
    except AdbMissingError as exc:
        raise UserError(f"{exc}\n\n{install_guidance(cli=True)}") from exc
    except AndroidError as exc:
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
        return 0 if result.phone_read else 1

    def say(line: str = "") -> None:
        print(words(line))

    text = scan_text()
    say(f"Phone: {result.device.describe()}")
    say(f"Apps read: {result.app_count}")
    say()
    say(result.headline)
    if result.known_stalkerware:
        say()
    else:
        say(text["clean_next"] if result.phone_read else text["unread_next"])
        say()
    if result.findings:
        say(text["leads_intro"])
        for finding in result.findings:
            say(f"- {finding.title}")
            if finding.detail:
                say(f"    {finding.detail}")
    for problem in result.problems:
        say(f"Note: {problem}")
    say()
    say("Lists used: " + "; ".join(result.lists))
    for warning in result.list_warnings:
        say(f"Warning: {warning}")
    say(CREDIT)
    if case is not None:
        print(f"Recorded {recorded} entries in the evidence log of {case.reference}.")
    return 0 if result.phone_read else 1  # a scan that read nothing is not a success
