"""Turn an iPhone reading into leads for a person to review.

Nothing here decides that a phone is or is not watched.  Each finding is a lead, tied to the
manual check where a person confirms it (ids from ``checklists/iphone.toml``).  A scan
that finds nothing still says that this proves nothing, and points to the checks that look
at what no scan over USB can see (Family Sharing, Find My, Safety Check, the passcode).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetycheck.android.indicators import CREDIT, IndicatorIndex, IndicatorList, Match
from safetycheck.codec import Codec
from safetycheck.iphone.collect import SCAN_DEADLINE_SECONDS, Reading, collect
from safetycheck.iphone.pairing import TRUST_WAIT_SECONDS
from safetycheck.iphone.parse import (
    App,
    CloudConfig,
    ConfigProfile,
    IPhoneInfo,
    PhoneSettings,
    parse_apps,
    parse_cloud,
    parse_device,
    parse_profiles,
    parse_provisioning,
    parse_settings,
)
from safetycheck.iphone.provisioning import AD_HOC, DEVELOPER, ENTERPRISE, ProvisioningProfile
from safetycheck.iphone.text import scan_text
from safetycheck.iphone.usbmux import Usbmux, choose_device
from safetycheck.iphone.wire import DEFAULT_TIMEOUT_SECONDS
from safetycheck.paths import ensure_private_dir
from safetycheck.scans import Lead, ScanReport

SOURCE = "iphone-scan"
WORK_FOLDER = "tmp"  # in the data folder: the TLS key file, for the length of one handshake

# The manual checks findings point to (checklists/iphone.toml).
CHECK_SAFETY_CHECK = "iphone-safety-check"
CHECK_PROFILES = "iphone-profiles"
CHECK_JAILBREAK = "iphone-jailbreak"
CHECK_APP_PRIVACY = "iphone-app-privacy-report"
CHECK_HIDDEN_APPS = "iphone-hidden-apps"
CHECK_COMPUTERS = "iphone-computers"

# Finding kinds, most serious first (the order findings are shown in).
STALKERWARE = "stalkerware"
JAILBREAK = "jailbreak_tool"
SUPERVISED = "supervised"
ENROLMENT = "enrolment"
MDM_PROFILE = "mdm_profile"
WATCHWARE = "watchware"
PROFILE = "profile"
ENTERPRISE_PROFILE = "enterprise_profile"
DEVELOPER_PROFILE = "developer_profile"
OUTSIDE_STORE = "outside_store"
HIDDEN_APP = "hidden_app"
POWER = "power"
DEVELOPER_MODE = "developer_mode"
WIFI_SYNC = "wifi_sync"
TESTFLIGHT = "testflight"
BACKUP_UNENCRYPTED = "backup_unencrypted"
KIND_ORDER = [
    STALKERWARE,
    JAILBREAK,
    SUPERVISED,
    ENROLMENT,
    MDM_PROFILE,
    WATCHWARE,
    PROFILE,
    ENTERPRISE_PROFILE,
    DEVELOPER_PROFILE,
    OUTSIDE_STORE,
    HIDDEN_APP,
    POWER,
    DEVELOPER_MODE,
    WIFI_SYNC,
    TESTFLIGHT,
    BACKUP_UNENCRYPTED,
]
# Kinds shown as strong leads (in the concern colour): someone else may control the phone.
STRONG = frozenset({STALKERWARE, JAILBREAK, SUPERVISED, ENROLMENT, MDM_PROFILE, WATCHWARE})
CHECK_FOR_KIND = {
    STALKERWARE: CHECK_SAFETY_CHECK,
    WATCHWARE: CHECK_SAFETY_CHECK,
    JAILBREAK: CHECK_JAILBREAK,
    SUPERVISED: CHECK_PROFILES,
    ENROLMENT: CHECK_PROFILES,
    MDM_PROFILE: CHECK_PROFILES,
    PROFILE: CHECK_PROFILES,
    ENTERPRISE_PROFILE: CHECK_PROFILES,
    DEVELOPER_PROFILE: CHECK_PROFILES,
    OUTSIDE_STORE: CHECK_PROFILES,
    HIDDEN_APP: CHECK_HIDDEN_APPS,
    TESTFLIGHT: CHECK_APP_PRIVACY,
    DEVELOPER_MODE: CHECK_JAILBREAK,
    WIFI_SYNC: CHECK_COMPUTERS,
    BACKUP_UNENCRYPTED: CHECK_COMPUTERS,
}


@dataclass(frozen=True)
class Finding:
    kind: str
    check_id: str
    title: str  # one plain sentence
    detail: str = ""
    bundle_id: str | None = None
    product: str | None = None  # the known app's product name, for indicator matches

    @property
    def strong(self) -> bool:
        return self.kind in STRONG

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "check_id": self.check_id,
            "title": self.title,
            "detail": self.detail,
            "bundle_id": self.bundle_id,
            "product": self.product,
            "strong": self.strong,
        }


@dataclass
class Snapshot:
    """One reading, parsed: what the phone is and holds."""

    device: IPhoneInfo
    apps: list[App]
    profiles: list[ConfigProfile]
    cloud: CloudConfig | None
    provisioning: list[ProvisioningProfile]
    settings: PhoneSettings
    collected_at: dt.datetime
    problems: list[str] = field(default_factory=list)


@dataclass
class ScanResult:
    device: IPhoneInfo
    scanned_at: dt.datetime
    findings: list[Finding]
    lists: list[str]
    app_count: int
    user_app_count: int
    problems: list[str] = field(default_factory=list)
    # One sentence per list that is more than six months old (IndicatorList.age_warning).
    list_warnings: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    @property
    def known_stalkerware(self) -> list[Finding]:
        return self.of_kind(STALKERWARE)

    @property
    def phone_read(self) -> bool:
        """Whether the apps were read at all.  Without them the apps were not checked."""
        return self.app_count > 0

    @property
    def complete(self) -> bool:
        return self.phone_read and not self.problems

    @property
    def headline(self) -> str:
        text = scan_text()
        if not self.phone_read:
            unread: str = text["unread_result"]
            return unread
        for kind, key in ((STALKERWARE, "stalkerware_headline"), (WATCHWARE, "watchware_headline")):
            found = self.of_kind(kind)
            if found:
                products = ", ".join(sorted({f.product or "" for f in found}))
                headline: str = text[key].format(products=products)
                return headline
        if any(f.strong for f in self.findings):
            controlled: str = text["controlled_headline"]
            return controlled if self.complete else f"{controlled} {text['partial_result']}"
        clean: str = text["no_known_result"]
        return clean if self.complete else f"{clean} {text['partial_result']}"

    def to_dict(self) -> dict[str, Any]:
        text = scan_text()
        return {
            "device": self.device.to_dict(),
            "scanned_at": self.scanned_at.isoformat(),
            "headline": self.headline,
            "phone_read": self.phone_read,
            "complete": self.complete,
            "known_stalkerware_found": bool(self.known_stalkerware),
            "app_count": self.app_count,
            "user_app_count": self.user_app_count,
            "findings": [f.to_dict() for f in self.findings],
            "manual_checks": list(text["clean_checks"]),
            "lists": self.lists,
            "list_warnings": self.list_warnings,
            "problems": self.problems,
            "note": text["leads_intro"],
            "credit": CREDIT,
        }


def snapshot(reading: Reading) -> Snapshot:
    """Parse a reading; answers that say they failed become problems, not crashes."""
    text = scan_text()["messages"]["part_missing"]
    problems = list(reading.problems)
    if any("Error" in answer for answer in reading.browse):
        problems.append(text.format(what="the list of apps"))
    profiles = []
    if reading.profiles is not None:
        if reading.profiles.get("Status", "Acknowledged") != "Acknowledged":
            problems.append(text.format(what="configuration profiles"))
        else:
            profiles = parse_profiles(reading.profiles)
    provisioning: list[ProvisioningProfile] = []
    if reading.provisioning is not None:
        if reading.provisioning.get("Status", 0) not in (0, None):
            problems.append(text.format(what="provisioning profiles"))
        else:
            provisioning, unreadable = parse_provisioning(reading.provisioning)
            if unreadable:
                problems.append(text.format(what=f"{unreadable} provisioning profile(s)"))
    return Snapshot(
        device=parse_device(reading.udid, reading.values),
        apps=parse_apps(reading.browse),
        profiles=profiles,
        cloud=parse_cloud(reading.cloud),
        provisioning=provisioning,
        settings=parse_settings(reading.settings),
        collected_at=reading.collected_at,
        problems=problems,
    )


def _product(matches: list[Match]) -> str:
    return " / ".join(sorted({m.app.name for m in matches}))


def _lists(matches: list[Match]) -> str:
    return ", ".join(sorted({m.list_label for m in matches}))


def _by(organisation: str) -> str:
    return f" by {organisation}" if organisation else ""


def _removable(profile_locked: bool) -> str:
    return "It cannot be removed in the phone's settings." if profile_locked else ""


def analyse(
    snap: Snapshot, index: IndicatorIndex, lists: list[IndicatorList] | None = None
) -> ScanResult:
    """Match the apps against the indicators and apply the lead rules (pure: no phone)."""
    text = scan_text()
    words: dict[str, dict[str, str]] = text["findings"]
    tools: dict[str, str] = text["jailbreak_tools"]
    powers: dict[str, dict[str, str]] = text["powers"]
    store_signer: str = text["app_store_signer"]
    findings: list[Finding] = []

    def add(
        kind: str,
        *,
        check: str | None = None,
        bundle_id: str | None = None,
        known: str | None = None,
        title: str | None = None,
        detail: str | None = None,
        **fields: str,
    ) -> None:
        findings.append(
            Finding(
                kind,
                check or CHECK_FOR_KIND[kind],
                (title or words[kind]["title"]).format(**fields),
                (detail if detail is not None else words[kind]["detail"]).format(**fields).strip(),
                bundle_id,
                known,
            )
        )

    for app in snap.apps:
        matches = index.match_bundle(app.bundle_id)
        if matches:
            kind = STALKERWARE if any(not m.app.is_watchware for m in matches) else WATCHWARE
            product = _product(matches)
            add(
                kind,
                bundle_id=app.bundle_id,
                known=product,
                name=app.name,
                bundle=app.bundle_id,
                product=product,
                lists=_lists(matches),
            )
        elif app.bundle_id in tools:
            tool = tools[app.bundle_id]
            add(
                JAILBREAK,
                bundle_id=app.bundle_id,
                known=tool,
                name=app.name,
                bundle=app.bundle_id,
                product=tool,
            )
        if app.is_system or app.app_clip:
            continue  # Apple's own apps: their powers are the phone's, not leads
        fields = {"name": app.name, "bundle": app.bundle_id}
        if app.testflight:
            add(TESTFLIGHT, bundle_id=app.bundle_id, **fields)
        elif app.profile_validated or (app.signer and app.signer != store_signer):
            signer = app.signer or "a developer or company certificate"
            add(OUTSIDE_STORE, bundle_id=app.bundle_id, signer=signer, **fields)
        if app.hidden:
            add(HIDDEN_APP, bundle_id=app.bundle_id, **fields)
        seen_checks: set[str] = set()
        for entitlement, power in powers.items():
            if app.entitled(entitlement) and power["check"] not in seen_checks:
                seen_checks.add(power["check"])
                add(
                    POWER,
                    check=power["check"],
                    bundle_id=app.bundle_id,
                    title=power["title"],
                    detail=power["detail"],
                    **fields,
                )

    cloud = snap.cloud
    supervised = (cloud.supervised if cloud else False) or snap.settings.supervised is True
    organisation = cloud.organisation if cloud else ""
    if supervised:
        add(SUPERVISED, by=_by(organisation))
    if cloud and cloud.enrolment:
        add(ENROLMENT, by=_by(organisation), removable=_removable(cloud.unremovable))
    for profile in snap.profiles:
        add(
            MDM_PROFILE if profile.is_mdm else PROFILE,
            profile=f"'{profile.name}'",
            by=_by(profile.organisation),
            removable=_removable(profile.removal_disallowed),
        )
    for prov in snap.provisioning:
        if prov.kind not in (ENTERPRISE, DEVELOPER, AD_HOC):
            continue
        expires = f"{prov.expires:%d %B %Y}" if prov.expires else "on an unknown date"
        team = prov.team or prov.team_id or "an unnamed team"
        add(
            ENTERPRISE_PROFILE if prov.kind == ENTERPRISE else DEVELOPER_PROFILE,
            team=team,
            expires=expires,
        )
    if snap.settings.developer_mode is True:
        add(DEVELOPER_MODE)
    if snap.settings.wifi_sync is True:
        add(WIFI_SYNC)
    if snap.settings.backup_encrypted is False:
        add(BACKUP_UNENCRYPTED)

    findings.sort(key=lambda f: KIND_ORDER.index(f.kind))
    used = lists or index.lists
    return ScanResult(
        device=snap.device,
        scanned_at=snap.collected_at,
        findings=findings,
        lists=[f"{lst.label}: {lst.summary()}" for lst in used],
        list_warnings=[w for w in (lst.age_warning() for lst in used) if w],
        app_count=len(snap.apps),
        user_app_count=sum(1 for a in snap.apps if not a.is_system),
        problems=list(snap.problems),
    )


def scan_report(result: ScanResult) -> ScanReport:
    """The scan in the case's terms, for ``CaseWork.record_scan``: one lead per finding.

    A scan that could not read the apps, or part of the phone, says so in its summary with
    what could not be read: it is never recorded as clean.
    """
    summary = (
        f"iPhone scan of {result.app_count} apps. {result.headline}"
        if result.phone_read
        else f"iPhone scan: {result.headline}"
    )
    if result.problems:
        summary += " What could not be read: " + " ".join(result.problems)
    return ScanReport(
        source=SOURCE,
        device=result.device.describe(),
        scanned_at=result.scanned_at,
        summary=f"{summary} Lists used: {'; '.join(result.lists)}.",
        summary_check_id=CHECK_PROFILES,
        leads=tuple(Lead(f"{f.title} {f.detail}".strip(), f.check_id) for f in result.findings),
        problems=tuple(result.problems),
        details={
            "app_count": result.app_count,
            "user_app_count": result.user_app_count,
            "lists": list(result.lists),
            "phone_read": result.phone_read,
            "complete": result.complete,
            "udid": result.device.udid,
        },
    )


def clear_work_dir(work_dir: Path) -> None:
    """Remove TLS key files left by a scan that was cut off (a crash or a kill)."""
    for leftover in work_dir.glob("tls-*.pem"):
        try:
            leftover.unlink()
        except OSError:
            pass


def run_scan(
    mux: Usbmux,
    index: IndicatorIndex,
    data_dir: Path,
    udid: str | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    allow_pair: bool = False,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    trust_wait: float = TRUST_WAIT_SECONDS,
    deadline: float = SCAN_DEADLINE_SECONDS,
    codec: Codec | None = None,
) -> ScanResult:
    """Pick the phone, read it, analyse it.  Raises IPhoneError with a plain message.

    ``codec`` is the data folder's (``CaseWork.codec``), which seals the pair record when the
    folder has a passphrase; without one the record is kept plain."""
    work_dir = ensure_private_dir(data_dir / WORK_FOLDER)
    clear_work_dir(work_dir)
    device = choose_device(mux.devices(), udid)
    reading = collect(
        mux,
        device,
        data_dir,
        work_dir,
        progress,
        allow_pair=allow_pair,
        timeout=timeout,
        trust_wait=trust_wait,
        deadline=deadline,
        codec=codec,
    )
    return analyse(snapshot(reading), index)
