"""Android scan speed: matching installed apps, and importing a big STIX2 bundle.

Run:  .venv/bin/python benchmarks/bench_android.py

Targets (issue 7): matching 5,000 installed packages against every indicator < 50 ms;
importing a 4 MB STIX2 bundle < 2 s.  Floors measured in the same run: for matching, a
plain set-membership loop over the same 5,000 names; for the import, ``json.loads`` of the
same bytes plus an atomic write of the same amount of data (what any import must pay).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from safetycheck.android.collect import DeviceInfo, Snapshot
from safetycheck.android.indicators import (
    IndicatorIndex,
    IndicatorList,
    IndicatorStore,
    bundled_lists,
)
from safetycheck.android.parse import DevicePolicy, PackageRecord
from safetycheck.android.scan import analyse
from safetycheck.durable import write_atomic

ROOT = Path(__file__).resolve().parent.parent


def timed(func, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def installed_packages(indicator_packages: list[str], count: int) -> list[PackageRecord]:
    """5,000 apps: mostly ordinary names, 20 known ones, a mix of installers and paths."""
    rng = random.Random(7)
    words = ["app", "mail", "photo", "bank", "music", "maps", "notes", "chat", "game", "news"]
    records = []
    for i in range(count - 20):
        name = f"com.{rng.choice(words)}{i}.{rng.choice(words)}"
        system = i % 3 == 0
        path = f"/system/app/A{i}/A{i}.apk" if system else f"/data/app/~~x{i}==/{name}-y==/base.apk"
        installer = None if system else rng.choice(["com.android.vending", None, "org.fdroid"])
        records.append(PackageRecord(name, path, installer, 10000 + i))
    for i, name in enumerate(rng.sample(indicator_packages, 20)):
        records.append(PackageRecord(name.upper(), f"/data/app/~~k{i}==/{name}/base.apk", None))
    rng.shuffle(records)
    return records


def stix_bundle_of_size(apps, target_bytes: int) -> bytes:
    """A bundle in Echap's published shape, grown by repeating the real apps under new names."""
    objects: list[dict] = []
    size = 0
    n = 0
    stamp = "2026-06-21T20:40:25.000Z"
    while size < target_bytes:
        for app in apps:
            n += 1
            malware_id = f"malware--{n:08x}-0000-4000-8000-000000000000"
            objects.append(
                {
                    "type": "malware",
                    "spec_version": "2.1",
                    "id": malware_id,
                    "created": stamp,
                    "modified": stamp,
                    "name": f"{app.name} {n}",
                    "description": "Stalkerware applications",
                    "is_family": False,
                }
            )
            values = (
                [("app:id", p) for p in app.packages]
                + [("app:cert.sha1", c) for c in app.certificates]
                + [("domain-name:value", d) for d in app.websites + app.domains]
            )
            for key, value in values:
                n += 1
                ind_id = f"indicator--{n:08x}-0000-4000-8000-000000000000"
                objects.append(
                    {
                        "type": "indicator",
                        "spec_version": "2.1",
                        "id": ind_id,
                        "created": stamp,
                        "modified": stamp,
                        "indicator_types": ["malicious-activity"],
                        "pattern": f"[{key}='{value}']",
                        "pattern_type": "stix",
                        "pattern_version": "2.1",
                        "valid_from": "2026-06-21T20:40:25Z",
                    }
                )
                objects.append(
                    {
                        "type": "relationship",
                        "spec_version": "2.1",
                        "id": f"relationship--{n:08x}-0000-4000-8000-000000000000",
                        "created": stamp,
                        "modified": stamp,
                        "relationship_type": "indicates",
                        "source_ref": ind_id,
                        "target_ref": malware_id,
                    }
                )
                size += 900  # about the size of one indicator + relationship
            if size >= target_bytes:
                break
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000"}
    bundle["objects"] = objects
    return json.dumps(bundle, indent=4).encode()


def main() -> None:
    # The copy of Echap's lists that ships with SafetyCheck, plus a second, imported copy
    # (the worst case: a downloaded list beside the shipped watchware list).
    shipped = bundled_lists()
    echap = [app for lst in shipped for app in lst.apps]
    lists = [
        *shipped,
        IndicatorList(echap, "ioc.yaml", "Echap", dt.datetime.now(dt.UTC)),
    ]
    all_packages = [p for app in echap for p in app.packages]
    records = installed_packages(all_packages, 5000)
    names = [r.name for r in records]

    # Floor: the least any matcher must do, a set lookup per installed name.
    known = {p.lower() for p in all_packages}
    floor = timed(lambda: [n for n in names if n.lower() in known], 50)

    def match_only() -> None:
        index = IndicatorIndex(lists)
        for name in names:
            index.match_package(name)

    snap = Snapshot(
        DeviceInfo("BENCH"),
        dt.datetime.now(dt.UTC),
        packages=records,
        policy=DevicePolicy(),
    )

    def full_analysis() -> None:
        analyse(snap, IndicatorIndex(lists), lists)

    match = timed(match_only, 50)
    analysis = timed(full_analysis, 20)
    found = analyse(snap, IndicatorIndex(lists), lists).known_stalkerware
    assert len(found) == 20, len(found)

    bundle = stix_bundle_of_size(echap, 4 * 1024 * 1024)
    with tempfile.TemporaryDirectory() as folder:
        store = IndicatorStore(Path(folder))
        imports = timed(lambda: store.import_bytes(bundle, "stalkerware.stix2"), 5)
        stored = store.path.stat().st_size
        target = Path(folder) / "floor.bin"
        payload = b"x" * stored

        def import_floor() -> None:
            json.loads(bundle)
            write_atomic(target, payload)

        import_floors = timed(import_floor, 5)
        imported = store.load()
        assert imported is not None
    print("| what | result | floor | target |")
    print("|---|---|---|---|")
    print(
        f"| match 5,000 installed packages against every indicator "
        f"({len(echap) + len(lists[0].apps)} apps, {len(known)} package names; index built "
        f"each time) | median {statistics.median(match):.2f} ms, max {max(match):.2f} ms | "
        f"set lookup loop: median {statistics.median(floor):.2f} ms | < 50 ms |"
    )
    print(
        f"| whole analysis of a 5,000-app phone (indicators, installers, name patterns) | "
        f"median {statistics.median(analysis):.1f} ms, max {max(analysis):.1f} ms | - | - |"
    )
    print(
        f"| import a {len(bundle) / 1024 / 1024:.1f} MB STIX2 bundle ({len(imported.apps)} "
        f"apps) | median {statistics.median(imports):.0f} ms, max {max(imports):.0f} ms | "
        f"json.loads + atomic write: median {statistics.median(import_floors):.0f} ms | "
        f"< 2 s |"
    )


if __name__ == "__main__":
    main()
