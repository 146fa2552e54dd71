"""Turn the phone's answers (property lists) into plain records.  Pure: no sockets here.

Field names and shapes follow what the services send (see ``tests/data/iphone/README.md``
for where each is documented).  Anything missing or of an unexpected type becomes "not
known" rather than an error: iOS versions differ, and a scan should show what it could read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from safetycheck.iphone.provisioning import ProfileFormatError, ProvisioningProfile, read_profile
from safetycheck.iphone.text import model_names

# Lockdown domains with the settings the scan reads (GetValue Domain/Key).
DEVELOPER_MODE = ("com.apple.security.mac.amfi", "DeveloperModeStatus")
WIFI_SYNC = ("com.apple.mobile.wireless_lockdown", "EnableWifiConnections")
BACKUP_ENCRYPTION = ("com.apple.mobilebackup2", "WillEncrypt")
SUPERVISED = ("com.apple.mobile.chaperone", "IsSupervised")
SETTING_KEYS = (DEVELOPER_MODE, WIFI_SYNC, BACKUP_ENCRYPTION, SUPERVISED)

MDM_PAYLOAD = "com.apple.mdm"


@dataclass(frozen=True)
class IPhoneInfo:
    udid: str
    name: str
    product_type: str
    ios_version: str
    build: str
    serial: str

    @property
    def model(self) -> str:
        return model_names().get(self.product_type, self.product_type or "iPhone")

    def describe(self) -> str:
        parts = [f"{self.name} ({self.model})" if self.name else self.model]
        if self.ios_version:
            parts.append(f"iOS {self.ios_version}" + (f" ({self.build})" if self.build else ""))
        if self.serial:
            parts.append(f"serial number {self.serial}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, str]:
        return {
            "udid": self.udid,
            "name": self.name,
            "model": self.model,
            "product_type": self.product_type,
            "ios_version": self.ios_version,
            "build": self.build,
            "serial": self.serial,
        }


@dataclass(frozen=True)
class App:
    bundle_id: str
    name: str
    version: str
    app_type: str  # "User", "System", "Internal", ...
    signer: str
    profile_validated: bool
    hidden: bool
    app_clip: bool
    entitlements: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_system(self) -> bool:
        return self.app_type in ("System", "Internal")

    def entitled(self, name: str) -> bool:
        value = self.entitlements.get(name)
        return bool(value)

    @property
    def testflight(self) -> bool:
        return self.entitlements.get("beta-reports-active") is True

    def to_dict(self) -> dict[str, Any]:
        return {
            "bundle_id": self.bundle_id,
            "name": self.name,
            "version": self.version,
            "type": self.app_type,
            "signer": self.signer,
            "profile_validated": self.profile_validated,
            "hidden": self.hidden,
            "entitlements": sorted(self.entitlements),
        }


@dataclass(frozen=True)
class ConfigProfile:
    identifier: str
    name: str
    organisation: str
    description: str
    removal_disallowed: bool
    payload_types: tuple[str, ...] = ()

    @property
    def is_mdm(self) -> bool:
        return MDM_PAYLOAD in self.payload_types

    def to_dict(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "name": self.name,
            "organisation": self.organisation,
            "description": self.description,
            "removal_disallowed": self.removal_disallowed,
            "payload_types": list(self.payload_types),
        }


@dataclass(frozen=True)
class CloudConfig:
    """Automated enrolment and supervision, as set when the phone was first started."""

    supervised: bool
    organisation: str
    enrolment: bool  # an MDM server was named at setup
    unremovable: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "supervised": self.supervised,
            "organisation": self.organisation,
            "enrolment": self.enrolment,
            "unremovable": self.unremovable,
        }


@dataclass(frozen=True)
class PhoneSettings:
    developer_mode: bool | None
    wifi_sync: bool | None
    backup_encrypted: bool | None
    supervised: bool | None

    def to_dict(self) -> dict[str, bool | None]:
        return {
            "developer_mode": self.developer_mode,
            "wifi_sync": self.wifi_sync,
            "backup_encrypted": self.backup_encrypted,
            "supervised": self.supervised,
        }


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return None


def parse_device(udid: str, values: Mapping[str, Any]) -> IPhoneInfo:
    return IPhoneInfo(
        udid=_text(values.get("UniqueDeviceID")) or udid,
        name=_text(values.get("DeviceName")),
        product_type=_text(values.get("ProductType")),
        ios_version=_text(values.get("ProductVersion")),
        build=_text(values.get("BuildVersion")),
        serial=_text(values.get("SerialNumber")),
    )


def parse_app(entry: Mapping[str, Any]) -> App | None:
    bundle_id = _text(entry.get("CFBundleIdentifier"))
    if not bundle_id:
        return None
    tags = entry.get("SBAppTags")
    entitlements = entry.get("Entitlements")
    return App(
        bundle_id=bundle_id,
        name=_text(entry.get("CFBundleDisplayName"))
        or _text(entry.get("CFBundleName"))
        or bundle_id,
        version=_text(entry.get("CFBundleShortVersionString")),
        app_type=_text(entry.get("ApplicationType")) or "User",
        signer=_text(entry.get("SignerIdentity")),
        profile_validated=entry.get("ProfileValidated") is True,
        hidden=isinstance(tags, list) and "hidden" in tags,
        app_clip=entry.get("IsAppClip") is True,
        entitlements=entitlements if isinstance(entitlements, dict) else {},
    )


def parse_apps(answers: Iterable[Mapping[str, Any]]) -> list[App]:
    """All apps from ``Browse``'s chunks, each once (a later chunk wins), by bundle id."""
    apps: dict[str, App] = {}
    for answer in answers:
        entries = answer.get("CurrentList")
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, dict):
                app = parse_app(entry)
                if app is not None:
                    apps[app.bundle_id] = app
    return list(apps.values())


def parse_profiles(answer: Mapping[str, Any]) -> list[ConfigProfile]:
    """``GetProfileList``: identifiers in order, with their metadata."""
    metadata = answer.get("ProfileMetadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    manifest = answer.get("ProfileManifest")
    manifest = manifest if isinstance(manifest, dict) else {}
    order = answer.get("OrderedIdentifiers")
    identifiers = [i for i in order if isinstance(i, str)] if isinstance(order, list) else []
    identifiers += [i for i in metadata if i not in identifiers]
    profiles = []
    for identifier in identifiers:
        meta = metadata.get(identifier)
        meta = meta if isinstance(meta, dict) else {}
        info = manifest.get(identifier)
        info = info if isinstance(info, dict) else {}
        if info.get("IsActive") is False:
            continue
        content = meta.get("PayloadContent")
        payload_types = tuple(
            _text(p.get("PayloadType"))
            for p in (content if isinstance(content, list) else [])
            if isinstance(p, dict) and _text(p.get("PayloadType"))
        )
        profiles.append(
            ConfigProfile(
                identifier=identifier,
                name=_text(meta.get("PayloadDisplayName"))
                or _text(info.get("Description"))
                or identifier,
                organisation=_text(meta.get("PayloadOrganization")),
                description=_text(meta.get("PayloadDescription")),
                removal_disallowed=meta.get("PayloadRemovalDisallowed") is True,
                payload_types=payload_types,
            )
        )
    return profiles


def parse_cloud(answer: Mapping[str, Any] | None) -> CloudConfig | None:
    config = (answer or {}).get("CloudConfiguration")
    if not isinstance(config, dict) or not config:
        return None
    return CloudConfig(
        supervised=config.get("IsSupervised") is True,
        organisation=_text(config.get("OrganizationName")),
        enrolment=bool(_text(config.get("ConfigurationURL"))) or config.get("IsMandatory") is True,
        unremovable=config.get("IsMDMUnremovable") is True,
    )


def parse_provisioning(answer: Mapping[str, Any] | None) -> tuple[list[ProvisioningProfile], int]:
    """The profiles misagent sent, and how many could not be read."""
    payload = (answer or {}).get("Payload")
    profiles: list[ProvisioningProfile] = []
    unreadable = 0
    for blob in payload if isinstance(payload, list) else []:
        if not isinstance(blob, bytes):
            unreadable += 1
            continue
        try:
            profiles.append(read_profile(blob))
        except ProfileFormatError:
            unreadable += 1
    return profiles, unreadable


def parse_settings(values: Mapping[tuple[str, str], Any]) -> PhoneSettings:
    return PhoneSettings(
        developer_mode=_flag(values.get(DEVELOPER_MODE)),
        wifi_sync=_flag(values.get(WIFI_SYNC)),
        backup_encrypted=_flag(values.get(BACKUP_ENCRYPTION)),
        supervised=_flag(values.get(SUPERVISED)),
    )


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
