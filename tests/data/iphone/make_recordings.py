#!/usr/bin/env python3
"""Write the reconstructed iPhone recordings in this folder (see README.md).

Run it from anywhere: ``python tests/data/iphone/make_recordings.py``.  The answers are
written as XML property lists, the format lockdown and its services send, in the shapes
documented in the sources README.md lists.  Nothing here came from a real phone.
"""

from __future__ import annotations

import datetime as dt
import plistlib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STORE = "Apple iPhone OS Application Signing"


def write(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plistlib.dumps(value, sort_keys=True))


def values(name: str, product: str, version: str, build: str, serial: str, udid: str) -> dict:
    return {
        "ActivationState": "Activated",
        "BasebandStatus": "BBInfoAvailable",
        "BuildVersion": build,
        "CPUArchitecture": "arm64e",
        "DeviceClass": "iPhone",
        "DeviceColor": "1",
        "DeviceName": name,
        "HardwareModel": "D17AP",
        "HumanReadableProductVersionString": version,
        "PasswordProtected": True,
        "ProductName": "iPhone OS",
        "ProductType": product,
        "ProductVersion": version,
        "ProtocolVersion": "2",
        "SerialNumber": serial,
        "TelephonyCapability": True,
        "TimeZone": "Europe/London",
        "UniqueDeviceID": udid,
    }


def system_app(bundle: str, name: str, version: str) -> dict:
    # Apple's own apps report ApplicationType "System" and carry platform entitlements.
    return {
        "ApplicationType": "System",
        "CFBundleDisplayName": name,
        "CFBundleIdentifier": bundle,
        "CFBundleName": name,
        "CFBundleShortVersionString": version,
        "Entitlements": {"application-identifier": bundle, "platform-application": True},
    }


def store_app(bundle: str, name: str, version: str, team: str, extra: dict | None = None) -> dict:
    entitlements = {
        "application-identifier": f"{team}.{bundle}",
        "com.apple.developer.team-identifier": team,
        "keychain-access-groups": [f"{team}.{bundle}"],
        "aps-environment": "production",
    }
    entitlements.update(extra or {})
    return {
        "ApplicationType": "User",
        "CFBundleDisplayName": name,
        "CFBundleIdentifier": bundle,
        "CFBundleName": name,
        "CFBundleShortVersionString": version,
        "Entitlements": entitlements,
        "ProfileValidated": False,
        "SignerIdentity": STORE,
    }


def browse(apps: list[dict], chunk: int = 6) -> list[dict]:
    """installation_proxy's Browse answer: chunks of CurrentList, then Status Complete."""
    messages = []
    for start in range(0, len(apps), chunk):
        part = apps[start : start + chunk]
        messages.append(
            {
                "CurrentAmount": len(part),
                "CurrentIndex": start,
                "CurrentList": part,
                "Status": "BrowsingApplications",
                "Total": len(apps),
            }
        )
    messages.append({"Status": "Complete"})
    return messages


SYSTEM_APPS = [
    system_app("com.apple.mobilesafari", "Safari", "17.5"),
    system_app("com.apple.Preferences", "Settings", "1.0"),
    system_app("com.apple.mobilephone", "Phone", "1.0"),
    system_app("com.apple.MobileSMS", "Messages", "1.0"),
    system_app("com.apple.mobilemail", "Mail", "1.0"),
    system_app("com.apple.camera", "Camera", "1.0"),
    system_app("com.apple.mobileslideshow", "Photos", "1.0"),
    system_app("com.apple.Maps", "Maps", "1.0"),
    system_app("com.apple.findmy", "Find My", "1.0"),
    system_app("com.apple.AppStore", "App Store", "1.0"),
    system_app("com.apple.Health", "Health", "1.0"),
    system_app("com.apple.Passbook", "Wallet", "1.0"),
]
EVERYDAY_APPS = [
    store_app("net.whatsapp.WhatsApp", "WhatsApp", "24.10.78", "57T9237FN3"),
    store_app("com.burbn.instagram", "Instagram", "331.0", "MH9GU9K5PX"),
    store_app("com.google.Maps", "Google Maps", "6.116.1", "EQHXZ8M8AV"),
    store_app("uk.co.bbc.iplayer", "BBC iPlayer", "5.21.0", "4M5N5U63A9"),
    store_app("com.spotify.client", "Spotify", "8.9.42", "2FNC3A47ZF"),
    store_app("com.monzo.ios", "Monzo", "6.4.0", "5K2R5PJ6YR"),
]


def clean() -> None:
    folder = HERE / "clean"
    write(
        folder / "lockdown-values.plist",
        values(
            "iPhone", "iPhone14,5", "17.5.1", "21F90", "F17ZQ0TESTC1", "00008110-001A2B3C4D5E801E"
        ),
    )
    write(folder / "installation_proxy-browse.plist", browse(SYSTEM_APPS + EVERYDAY_APPS))
    write(
        folder / "MCInstall-GetProfileList.plist",
        {
            "OrderedIdentifiers": [],
            "ProfileManifest": {},
            "ProfileMetadata": {},
            "Status": "Acknowledged",
        },
    )
    write(
        folder / "MCInstall-GetCloudConfiguration.plist",
        {
            "CloudConfiguration": {
                "CloudConfigurationUIComplete": True,
                "ConfigurationWasApplied": True,
                "IsSupervised": False,
            },
            "Status": "Acknowledged",
        },
    )


def managed() -> None:
    folder = HERE / "managed"
    write(
        folder / "lockdown-values.plist",
        values(
            "Sam's iPhone",
            "iPhone14,7",
            "18.1",
            "22B83",
            "G29ZQ0TESTM2",
            "00008110-000E4F5A6B7C801E",
        ),
    )
    write(folder / "installation_proxy-browse.plist", browse(SYSTEM_APPS + EVERYDAY_APPS[:4]))
    mdm = "com.example.homeit.mdm"
    proxy = "com.example.homeit.proxy"
    write(
        folder / "MCInstall-GetProfileList.plist",
        {
            "OrderedIdentifiers": [mdm, proxy],
            "ProfileManifest": {
                mdm: {"Description": "Device Management", "IsActive": True},
                proxy: {"Description": "Network settings", "IsActive": True},
            },
            "ProfileMetadata": {
                mdm: {
                    "PayloadDescription": "Installs device management.",
                    "PayloadDisplayName": "Device Management",
                    "PayloadOrganization": "Home IT",
                    "PayloadRemovalDisallowed": True,
                    "PayloadUUID": "6F1C0F7E-2A4B-4D1E-9C3B-7A2E1D0B5C44",
                    "PayloadVersion": 1,
                    "PayloadContent": [
                        {"PayloadType": "com.apple.mdm", "PayloadIdentifier": f"{mdm}.mdm"},
                        {
                            "PayloadType": "com.apple.security.scep",
                            "PayloadIdentifier": f"{mdm}.scep",
                        },
                    ],
                },
                proxy: {
                    "PayloadDisplayName": "Network settings",
                    "PayloadOrganization": "Home IT",
                    "PayloadRemovalDisallowed": False,
                    "PayloadUUID": "0B7D4A1E-93C2-4F60-8E55-1D2C3B4A5F66",
                    "PayloadVersion": 1,
                    "PayloadContent": [
                        {
                            "PayloadType": "com.apple.proxy.http.global",
                            "PayloadIdentifier": f"{proxy}.p",
                        },
                        {
                            "PayloadType": "com.apple.security.root",
                            "PayloadIdentifier": f"{proxy}.ca",
                        },
                    ],
                },
            },
            "Status": "Acknowledged",
        },
    )
    # Supervised with Apple Configurator (no automated enrolment: no ConfigurationURL).
    write(
        folder / "MCInstall-GetCloudConfiguration.plist",
        {
            "CloudConfiguration": {
                "AllowPairing": False,
                "CloudConfigurationUIComplete": True,
                "ConfigurationSource": 0,
                "ConfigurationWasApplied": True,
                "IsMDMUnremovable": False,
                "IsMandatory": False,
                "IsSupervised": True,
                "OrganizationName": "Home IT",
            },
            "Status": "Acknowledged",
        },
    )


def enterprise_watchware() -> None:
    folder = HERE / "enterprise_watchware"
    write(
        folder / "lockdown-values.plist",
        values(
            "iPhone", "iPhone13,2", "17.6.1", "21G93", "H3LZQ0TESTE3", "00008101-000B1C2D3E4F001E"
        ),
    )
    team = "7QX3BK5R2M"
    agent = {
        "ApplicationType": "User",
        "CFBundleDisplayName": "Sync Services",
        "CFBundleIdentifier": "com.brightstar.syncservices",
        "CFBundleName": "SyncServices",
        "CFBundleShortVersionString": "3.2",
        "Entitlements": {
            "application-identifier": f"{team}.com.brightstar.syncservices",
            "com.apple.developer.team-identifier": team,
            "com.apple.developer.networking.networkextension": ["packet-tunnel-provider"],
            "get-task-allow": False,
        },
        "ProfileValidated": True,
        "SBAppTags": ["hidden"],
        "SignerIdentity": "iPhone Distribution: Bright Star Trading Co., Ltd.",
    }
    life360 = store_app("com.life360.safetymap", "Life360", "24.28.0", "5J4N9UJ7E2")
    write(
        folder / "installation_proxy-browse.plist",
        browse(SYSTEM_APPS + EVERYDAY_APPS[:3] + [life360, agent]),
    )
    write(
        folder / "MCInstall-GetProfileList.plist",
        {
            "OrderedIdentifiers": [],
            "ProfileManifest": {},
            "ProfileMetadata": {},
            "Status": "Acknowledged",
        },
    )
    write(
        folder / "MCInstall-GetCloudConfiguration.plist",
        {"CloudConfiguration": {"IsSupervised": False}, "Status": "Acknowledged"},
    )
    write(
        folder / "provisioning" / "brightstar-enterprise.plist",
        {
            "AppIDName": "Sync Services",
            "ApplicationIdentifierPrefix": [team],
            "CreationDate": dt.datetime(2026, 3, 14, 9, 12, 40),
            "Entitlements": {
                "application-identifier": f"{team}.com.brightstar.syncservices",
                "com.apple.developer.team-identifier": team,
                "get-task-allow": False,
            },
            "ExpirationDate": dt.datetime(2027, 3, 14, 9, 12, 40),
            "Name": "Sync Services In House",
            "Platform": ["iOS"],
            "ProvisionsAllDevices": True,
            "TeamIdentifier": [team],
            "TeamName": "Bright Star Trading Co., Ltd.",
            "TimeToLive": 365,
            "UUID": "3C9B2E71-5D40-4A8F-B1E6-0F7A2C9D4E13",
            "Version": 1,
        },
    )


if __name__ == "__main__":
    clean()
    managed()
    enterprise_watchware()
