"""iPhone scan speed: parsing and matching a phone with 400 apps.

Run:  .venv/bin/python benchmarks/bench_iphone.py

Target (issue 19): parsing and matching a phone with 400 apps takes under 50 ms.  Measured
from the bytes on the wire: the installation_proxy ``Browse`` answers (XML property lists,
in chunks of 20 apps as phones send them), the profile lists and one provisioning profile
are decoded, parsed into records and matched against every indicator, and the lead rules
run (:func:`safetycheck.iphone.scan.snapshot` + :func:`~safetycheck.iphone.scan.analyse`).
The lookup index is built inside the timing.

Floor, measured in the same run: expat reading the same answer bytes into an element tree
(``xml.etree.ElementTree.fromstring``, in C), what any parser of these answers must pay
before looking at a single app.

The phone is synthetic (made here): 120 of Apple's apps and 280 others, each with the
entitlements real apps carry (an application identifier, a team, keychain groups, push), 30
with powers the scan reports, 5 signed outside the App Store, 3 known watchware ids.
"""

from __future__ import annotations

import datetime as dt
import os
import plistlib
import random
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safetycheck.android.indicators import (  # noqa: E402
    IndicatorIndex,
    IndicatorList,
    bundled_lists,
)
from safetycheck.iphone.collect import Reading  # noqa: E402
from safetycheck.iphone.parse import SETTING_KEYS  # noqa: E402
from safetycheck.iphone.scan import analyse, snapshot  # noqa: E402
from safetycheck.iphone.wire import decode_plist  # noqa: E402

APPS = 400
CHUNK = 20
ROUNDS = 200


def indicator_lists() -> list[IndicatorList]:
    """The lists a scan uses: Echap's, as shipped in assets/indicators/echap/."""
    return bundled_lists()


def known_bundles(lists: list[IndicatorList]) -> list[str]:
    return [b for lst in lists for app in lst.apps for b in app.ios_bundles]


def phone_answers(known: list[str]) -> dict[str, Any]:
    rng = random.Random(19)
    words = ["mail", "photo", "bank", "music", "maps", "notes", "chat", "game", "news", "fit"]
    apps: list[dict[str, Any]] = []
    for i in range(APPS):
        system = i < 120
        bundle = f"com.apple.app{i}" if system else f"com.{rng.choice(words)}{i}.ios"
        if not system and i % 90 == 1 and known:
            bundle = known[(i // 90) % len(known)]
        team = f"{rng.randrange(16**10):010X}"
        entitlements: dict[str, Any] = {
            "application-identifier": f"{team}.{bundle}",
            "com.apple.developer.team-identifier": team,
            "keychain-access-groups": [f"{team}.{bundle}", f"{team}.shared"],
            "aps-environment": "production",
            "com.apple.security.application-groups": [f"group.{bundle}"],
        }
        if not system and i % 9 == 0:
            entitlements["com.apple.developer.networking.networkextension"] = ["content-filter"]
        outside = not system and i % 56 == 3
        apps.append(
            {
                "ApplicationType": "System" if system else "User",
                "CFBundleDisplayName": f"App {i}",
                "CFBundleIdentifier": bundle,
                "CFBundleName": f"App{i}",
                "CFBundleShortVersionString": f"{i % 9}.{i % 13}.{i % 7}",
                "Entitlements": entitlements,
                "ProfileValidated": outside,
                "SignerIdentity": "iPhone Distribution: Example Ltd"
                if outside
                else "Apple iPhone OS Application Signing",
            }
        )
    chunks = [
        plistlib.dumps(
            {
                "CurrentAmount": len(apps[s : s + CHUNK]),
                "CurrentIndex": s,
                "CurrentList": apps[s : s + CHUNK],
                "Status": "BrowsingApplications",
            }
        )
        for s in range(0, APPS, CHUNK)
    ] + [plistlib.dumps({"Status": "Complete"})]
    profiles = plistlib.dumps(
        {
            "OrderedIdentifiers": ["com.example.vpn"],
            "ProfileManifest": {"com.example.vpn": {"IsActive": True, "Description": "VPN"}},
            "ProfileMetadata": {
                "com.example.vpn": {"PayloadDisplayName": "VPN", "PayloadOrganization": "X"}
            },
            "Status": "Acknowledged",
        }
    )
    values = plistlib.dumps(
        {
            "DeviceName": "iPhone",
            "ProductType": "iPhone15,2",
            "ProductVersion": "18.1",
            "BuildVersion": "22B83",
            "SerialNumber": "BENCH",
            "UniqueDeviceID": "00008120-BENCH",
        }
    )
    return {"browse": chunks, "profiles": profiles, "values": values}


def parse_and_match(answers: dict[str, Any], lists: list[IndicatorList]) -> int:
    reading = Reading(
        udid="00008120-BENCH",
        values=decode_plist(answers["values"]),
        settings={key: False for key in SETTING_KEYS},
        browse=[decode_plist(chunk) for chunk in answers["browse"]],
        profiles=decode_plist(answers["profiles"]),
        cloud={"CloudConfiguration": {"IsSupervised": False}, "Status": "Acknowledged"},
        provisioning={"Status": 0, "Payload": []},
        collected_at=dt.datetime.now(dt.UTC),
    )
    result = analyse(snapshot(reading), IndicatorIndex(lists), lists)
    return len(result.findings)


def read_xml_only(answers: dict[str, Any]) -> int:
    return sum(
        len(ET.fromstring(b)) for b in [*answers["browse"], answers["profiles"], answers["values"]]
    )


def timed(func: Callable[[], object], rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per round (CPU time tells more on a busy machine)."""
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.thread_time()
        func()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return wall, cpu


def main() -> None:
    lists = indicator_lists()
    answers = phone_answers(known_bundles(lists))
    size = sum(len(b) for b in answers["browse"])
    findings = parse_and_match(answers, lists)
    for _ in range(20):  # warm up both
        parse_and_match(answers, lists)
        read_xml_only(answers)
    whole, whole_cpu = timed(lambda: parse_and_match(answers, lists), ROUNDS)
    floor, floor_cpu = timed(lambda: read_xml_only(answers), ROUNDS)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"lists: {', '.join(f'{lst.label} ({len(lst.apps)} apps)' for lst in lists)}")
    chunks = len(answers["browse"])
    print(f"phone: {APPS} apps, Browse answers {size / 1e6:.2f} MB in {chunks} messages")
    print(f"findings: {findings}; load average: {load}")
    for label, times, cpu in (
        ("parse + match + leads", whole, whole_cpu),
        ("floor: XML read by expat", floor, floor_cpu),
    ):
        print(
            f"{label:24s} median {statistics.median(times):6.1f} ms, "
            f"p95 {sorted(times)[int(len(times) * 0.95)]:6.1f} ms, max {max(times):6.1f} ms; "
            f"CPU median {statistics.median(cpu):6.1f} ms"
        )
    target = statistics.median(whole) < 50
    print(f"target < 50 ms (median): {'met' if target else 'NOT met'}")


if __name__ == "__main__":
    main()
