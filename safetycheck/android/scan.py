"""Turn a phone reading into leads for a person to review, and record them in a case.

Nothing here decides that a phone is or is not spied on.  Each finding is a lead, tied to
the checklist check where a person confirms it (the Android topic's check ids).  A scan
with no known stalkerware still says that this proves nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetycheck.android.adb import SCAN_DEADLINE_SECONDS, Adb, scan_text
from safetycheck.android.collect import (
    DeviceInfo,
    Snapshot,
    choose_device,
    clear_work_dir,
    collect,
)
from safetycheck.android.indicators import CREDIT, IndicatorIndex, IndicatorList, Match
from safetycheck.android.parse import component_package
from safetycheck.paths import ensure_private_dir
from safetycheck.scans import Lead, ScanReport

SOURCE = "android-scan"
WORK_FOLDER = "tmp"  # in the data folder: brief copies of app files, deleted at once

# The Android topic's check ids (checklists/android.toml).
CHECK_UNKNOWN_APPS = "android-unknown-apps"
CHECK_OUTSIDE_STORE = "android-outside-store"
CHECK_DEVICE_ADMIN = "android-device-admin"
CHECK_ACCESSIBILITY = "android-accessibility"
CHECK_NOTIFICATIONS = "android-notification-access"
CHECK_INSTALL_UNKNOWN = "android-install-unknown-apps"
CHECK_DEVELOPER_OPTIONS = "android-developer-options"
CHECK_DEVICE_OWNER = "android-device-owner"

# Finding kinds, most serious first (the order findings are shown in).
KNOWN = "known_stalkerware"
DEVICE_OWNER = "device_owner"
ACCESSIBILITY = "accessibility"
NOTIFICATIONS = "notification_access"
DEVICE_ADMIN = "device_admin"
OUTSIDE_STORE = "outside_store"
INSTALL_UNKNOWN = "install_unknown_apps"
NAME_PATTERN = "name_pattern"
DEVELOPER_OPTIONS = "developer_options"
KIND_ORDER = [
    KNOWN,
    DEVICE_OWNER,
    ACCESSIBILITY,
    NOTIFICATIONS,
    DEVICE_ADMIN,
    OUTSIDE_STORE,
    INSTALL_UNKNOWN,
    NAME_PATTERN,
    DEVELOPER_OPTIONS,
]


@dataclass
class Finding:
    kind: str
    check_id: str
    title: str  # one plain sentence
    detail: str = ""
    package: str | None = None
    product: str | None = None  # the known stalkerware product, for KNOWN findings
    # Only a "watchware" list matched: sold to watch children or staff.  Still a strong lead
    # (it watches whoever holds the phone), but it is named as what it is.
    watchware: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "check_id": self.check_id,
            "title": self.title,
            "detail": self.detail,
            "package": self.package,
            "product": self.product,
            "watchware": self.watchware,
        }


@dataclass
class ScanResult:
    device: DeviceInfo
    scanned_at: dt.datetime
    findings: list[Finding]
    lists: list[str]  # "Echap stalkerware indicators: 147 known apps, ..."
    app_count: int
    problems: list[str] = field(default_factory=list)
    # One sentence per list that is more than six months old (IndicatorList.age_warning).
    list_warnings: list[str] = field(default_factory=list)
    stopped: bool = False  # the reading ended early (see Snapshot.stopped)

    @property
    def phone_read(self) -> bool:
        """Whether the apps were read at all.  Without them nothing was checked."""
        return self.app_count > 0

    @property
    def complete(self) -> bool:
        return self.phone_read and not self.stopped and not self.problems

    @property
    def known_stalkerware(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == KNOWN]

    @property
    def headline(self) -> str:
        text = scan_text()
        if not self.phone_read:
            return str(text["unread_result"])
        known = self.known_stalkerware
        if not known:
            partial = "" if self.complete else " " + text["partial_result"]
            return str(text["clean_result"]) + partial
        products = ", ".join(sorted({f.product or "" for f in known}))
        key = "watchware_headline" if all(f.watchware for f in known) else "known_headline"
        return str(text[key]).format(products=products)

    def to_dict(self) -> dict[str, Any]:
        return {
            "device": self.device.to_dict(),
            "scanned_at": self.scanned_at.isoformat(),
            "headline": self.headline,
            "phone_read": self.phone_read,
            "complete": self.complete,
            "known_stalkerware_found": bool(self.known_stalkerware),
            "app_count": self.app_count,
            "findings": [f.to_dict() for f in self.findings],
            "lists": self.lists,
            "list_warnings": self.list_warnings,
            "problems": self.problems,
            "note": scan_text()["leads_intro"],
            "credit": CREDIT,
        }


def _known_label(matches: list[Match]) -> str:
    names = sorted({m.app.name for m in matches})
    return " / ".join(names)


def analyse(
    snap: Snapshot, index: IndicatorIndex, lists: list[IndicatorList] | None = None
) -> ScanResult:
    """Match the reading against the indicators and the lead rules (pure: no adb here)."""
    text = scan_text()
    stores: dict[str, str] = text["stores"]
    package_installers = set(text["package_installers"])
    system_prefixes = tuple(text["system_path_prefixes"])
    pattern = re.compile("|".join(f"(?:{p})" for p in text["name_patterns"]), re.I)
    by_name = {p.name: p for p in snap.packages}

    def is_system(package: str) -> bool:
        record = by_name.get(package)
        return bool(record and record.path.startswith(system_prefixes))

    findings: list[Finding] = []
    known_packages: set[str] = set()
    # App names, where the indicator lists know them: the phone gives only package names.
    names: dict[str, str] = {}

    def named(package: str) -> str:
        """How a lead names an app: its known name with the package, or says plainly that
        only the package name is known (a person looks for app names, not package names)."""
        if package in names:
            return f"{names[package]} ({package})"
        return f"{package} (app name not known)"

    for record in snap.packages:
        matches = index.match_package(record.name)
        for digest in snap.certificates.get(record.name, []):
            matches += index.match_certificate(digest)
        if not matches:
            continue
        known_packages.add(record.name)
        product = _known_label(matches)
        names[record.name] = product
        how = sorted({m.by for m in matches})
        lists_used = sorted({m.list_label for m in matches})
        watchware = all(m.app.is_watchware for m in matches)
        title = (
            f"{record.name} matches a known monitoring app: {product}. It is sold to watch "
            "children or staff, and can be used to watch a partner."
            if watchware
            else f"{record.name} matches known stalkerware: {product}."
        )
        findings.append(
            Finding(
                KNOWN,
                CHECK_UNKNOWN_APPS,
                title,
                f"Matched by {' and '.join(how)} in {', '.join(lists_used)}.",
                record.name,
                product,
                watchware=watchware,
            )
        )

    def power(kind: str, check: str, packages: list[str], what: str) -> None:
        for package in packages:
            if is_system(package) and package not in known_packages:
                continue  # built into the phone: noted in the reading, not a lead
            findings.append(
                Finding(
                    kind,
                    check,
                    f"{named(package)} {what}.",
                    _installed_from(by_name, package, stores),
                    package,
                )
            )

    if snap.policy.device_owner:
        findings.append(
            Finding(
                DEVICE_OWNER,
                CHECK_DEVICE_OWNER,
                f"{named(snap.policy.device_owner)} controls this phone as its device owner.",
                "A device owner can see and change almost everything. On a work phone this "
                "is normal; on a personal phone it is a strong lead.",
                snap.policy.device_owner,
            )
        )
    for owner in snap.policy.profile_owners:
        findings.append(
            Finding(
                DEVICE_OWNER,
                CHECK_DEVICE_OWNER,
                f"{named(owner)} manages a work profile on this phone.",
                "Normal for a work profile set up by an employer or school.",
                owner,
            )
        )
    power(
        ACCESSIBILITY,
        CHECK_ACCESSIBILITY,
        [component_package(c) for c in snap.accessibility],
        "can read the screen and act for you (accessibility)",
    )
    power(
        NOTIFICATIONS,
        CHECK_NOTIFICATIONS,
        [component_package(c) for c in snap.notification_listeners],
        "can read every notification, including messages",
    )
    power(
        DEVICE_ADMIN,
        CHECK_DEVICE_ADMIN,
        snap.policy.admin_packages,
        "is a device admin app (it can lock the phone or resist removal)",
    )
    for record in snap.packages:
        if record.path.startswith(system_prefixes) or (record.installer in stores):
            continue
        if record.installer in package_installers:
            origin = "was installed from a downloaded file, not from an app store"
        elif record.installer is None:
            origin = "has no record of how it was installed (often a computer or a file)"
        else:
            origin = f"was installed by another app ({record.installer}), not an app store"
        findings.append(
            Finding(
                OUTSIDE_STORE,
                CHECK_OUTSIDE_STORE,
                f"{named(record.name)} {origin}.",
                package=record.name,
            )
        )
    power(
        INSTALL_UNKNOWN,
        CHECK_INSTALL_UNKNOWN,
        snap.install_unknown,
        "is allowed to install other apps",
    )
    for record in snap.packages:
        if record.name in known_packages or record.path.startswith(system_prefixes):
            continue
        if pattern.search(record.name):
            findings.append(
                Finding(
                    NAME_PATTERN,
                    CHECK_UNKNOWN_APPS,
                    f"{named(record.name)} has a name that suggests spying, tracking or "
                    "monitoring.",
                    "Many such apps are harmless (fitness trackers, parental controls you set "
                    "up yourself). Check whether you recognise it.",
                    record.name,
                )
            )
    if snap.developer_options or snap.usb_debugging:
        findings.append(
            Finding(
                DEVELOPER_OPTIONS,
                CHECK_DEVELOPER_OPTIONS,
                "Developer options and USB debugging are on.",
                "Expected now, because the scan needs them. Turn them off when you have "
                "finished, unless you turned them on for another reason.",
            )
        )
    findings.sort(key=lambda f: KIND_ORDER.index(f.kind))
    used = lists or index.lists
    return ScanResult(
        device=snap.device,
        scanned_at=snap.collected_at,
        findings=findings,
        lists=[f"{lst.label}: {lst.summary()}" for lst in used],
        app_count=len(snap.packages),
        problems=list(snap.problems),
        list_warnings=[w for w in (lst.age_warning() for lst in used) if w],
        stopped=snap.stopped,
    )


def _installed_from(by_name: dict[str, Any], package: str, stores: dict[str, str]) -> str:
    record = by_name.get(package)
    if record is None:
        return ""
    if record.installer in stores:
        return f"Installed from {stores[record.installer]}."
    return ""  # the "outside the store" finding says it once


def run_scan(
    adb: Adb,
    index: IndicatorIndex,
    serial: str | None = None,
    progress: Callable[[str], None] | None = None,
    read_certificates: bool = True,
    work_dir: Path | None = None,
    cancel: threading.Event | None = None,
    deadline_seconds: float = SCAN_DEADLINE_SECONDS,
) -> ScanResult:
    """Pick the phone, read it, analyse it.  Raises AndroidError with a plain message.

    ``work_dir`` (normally ``<data folder>/tmp``) holds the brief copies of app files read
    for their signatures; without it they go to the system's temp folder.  The whole scan
    ends by ``deadline_seconds`` (what was read by then is kept, marked as stopped); setting
    ``cancel`` stops it at once with :class:`~safetycheck.android.adb.ScanCancelled`.
    """
    adb = adb.bounded(deadline_seconds, cancel)
    text = scan_text()
    if work_dir is not None:
        ensure_private_dir(work_dir)
        clear_work_dir(work_dir)
    device = choose_device(adb.devices(), serial)
    snap = collect(
        adb,
        device,
        progress,
        read_certificates=read_certificates,
        store_installers=frozenset(text["stores"]),
        system_prefixes=tuple(text["system_path_prefixes"]),
        work_dir=work_dir,
    )
    return analyse(snap, index)


def scan_report(result: ScanResult) -> ScanReport:
    """The scan in the case's terms, for ``CaseWork.record_scan``: one lead per finding.

    A scan that could not read the phone says so in its summary, with what could not be
    read: it is never recorded as clean.
    """
    summary = (
        f"Android scan of {result.app_count} apps. {result.headline}"
        if result.phone_read
        else f"Android scan: {result.headline}"
    )
    if result.problems:
        summary += " What could not be read: " + " ".join(result.problems)
    return ScanReport(
        source=SOURCE,
        device=result.device.describe(),
        scanned_at=result.scanned_at,
        summary=f"{summary} Lists used: {'; '.join(result.lists)}.",
        summary_check_id=CHECK_UNKNOWN_APPS,
        leads=tuple(Lead(f"{f.title} {f.detail}".strip(), f.check_id) for f in result.findings),
        problems=tuple(result.problems),
        details={
            "app_count": result.app_count,
            "lists": list(result.lists),
            "phone_read": result.phone_read,
            "complete": result.complete,
        },
    )
