"""Encryption speed: unlocking (key derivation), saving, listing and changing the passphrase.

Run:  .venv/bin/python benchmarks/bench_crypto.py

Targets (issue 6): unlocking takes 0.2-1 s ON PURPOSE (each passphrase guess must
cost an attacker that much, and 64 MiB of memory); saving one answer in a case
with 1,000 answers stays under 10 ms median with encryption on.  Each result sits
beside a floor from the same run: the bare key derivation for unlocking, and the
same save with no passphrase for saving and listing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_storage import STATUSES, big_case, fsync_floor, percentile

from safetycheck.case import Case
from safetycheck.checklist import load_checklists
from safetycheck.crypto import default_kdf, derive_key
from safetycheck.demo import fill_demo_case
from safetycheck.passphrase import change_passphrase, set_passphrase
from safetycheck.paths import checklists_dir
from safetycheck.storage.casefile import CaseFileWriter
from safetycheck.store import CaseStore
from safetycheck.vault import unlock

PASSPHRASE = "benchmark passphrase one"


def bench_unlock(root: Path, rounds: int) -> dict:
    folder = root / "unlock"
    set_passphrase(CaseStore(folder), PASSPHRASE)
    kdf = default_kdf()
    timings, floor = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        unlock(folder, PASSPHRASE)
        timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        derive_key(PASSPHRASE, b"0123456789abcdef", kdf)
        floor.append(time.perf_counter() - start)
    return {
        "kdf": kdf,
        "median": statistics.median(timings),
        "min": min(timings),
        "max": max(timings),
        "floor_median": statistics.median(floor),
        "rounds": rounds,
    }


def bench_saves(root: Path, answers: int, rounds: int) -> dict:
    """Plain and encrypted saves of the same case, interleaved round by round.

    Interleaving makes the comparison fair on a busy machine: a burst of load hits
    both columns alike.  Also times building the bytes alone (CPU only, no disk).
    """
    writer = CaseFileWriter()  # the encode step alone, as every save does it
    plain = CaseStore(root / "plain")
    sealed = set_passphrase(CaseStore(root / "sealed"), PASSPHRASE)
    cases = {"plain": big_case(answers), "sealed": big_case(answers)}
    stores = {"plain": plain, "sealed": sealed}
    saves: dict[str, list[float]] = {"plain": [], "sealed": []}
    builds: dict[str, list[float]] = {"plain": [], "sealed": []}
    for label, store in stores.items():
        store.save(cases[label])
    for i in range(rounds):
        for label, store in stores.items():
            case = cases[label]
            start = time.perf_counter()
            case.set_answer(f"check-{i % answers:04d}", STATUSES[(i + 1) % 4], f"changed {i}")
            store.save(case)
            saves[label].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            writer.encode(case, None, store.codec)
            builds[label].append((time.perf_counter() - start) * 1000)
    guards = {label: guard_cost(store, cases[label].id, rounds) for label, store in stores.items()}
    size = sealed.path_for(cases["sealed"].id).stat().st_size
    floor = fsync_floor(root, size, rounds)
    result = {"answers": answers, "rounds": rounds, "file_kb": size / 1024}
    for label in stores:
        result[label] = {
            "median": statistics.median(saves[label]),
            "p99": percentile(saves[label], 99),
            "build": statistics.median(builds[label]),
            "guards": guards[label],
        }
    result["floor_median"] = statistics.median(floor)
    return result


def guard_cost(store: CaseStore, case_id: str, rounds: int) -> float:
    """What each save does on top of writing its bytes (issue 12, part B), timed alone.

    The case's lock, the checks before a write (the key file is the one unlocked from;
    without a passphrase, the file replaced is not sealed), reading the save number of the
    file on disk, and noting the save in the save log.  Median, in milliseconds.
    """
    from safetycheck.storage.casefile import Revision

    path = store.path_for(case_id)
    timings = []
    for i in range(rounds):
        start = time.perf_counter()
        store._prepare(case_file=path)
        with store.locks.hold(case_id):
            store._revision_on_disk(path, case_id)
            if store._ledger is not None:
                store._ledger.latest(case_id)
                store._ledger.record(case_id, Revision(10**6 + i, "bench"))
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def bench_list(root: Path, cases: int, rounds: int, passphrase: str | None) -> dict:
    library = load_checklists(checklists_dir())
    store = CaseStore(root / f"list-{bool(passphrase)}")
    if passphrase:
        store = set_passphrase(store, passphrase)
    template = fill_demo_case(Case.new("Demo"), library)
    for i in range(cases):
        template.id = f"{i:032x}"
        template.reference = f"Case {i:04d}"
        store.save(template)
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        assert len(store.list_cases()) == cases
        timings.append((time.perf_counter() - start) * 1000)
    return {"cases": cases, "median": statistics.median(timings), "store": store}


def bench_change(store: CaseStore) -> float:
    start = time.perf_counter()
    change_passphrase(store.data_dir, PASSPHRASE, "benchmark passphrase two")
    return time.perf_counter() - start


def report(unlocked: dict, saves: dict, lists: tuple, change: float) -> str:
    kdf = unlocked["kdf"]
    params = ", ".join(f"{k} {v}" for k, v in kdf.items() if k != "name")
    plain, sealed = saves["plain"], saves["sealed"]
    plain_list, sealed_list = lists
    return "\n".join(
        [
            "## Encryption",
            "",
            "Measured by `benchmarks/bench_crypto.py` (2 cores, Debian, ext4 on a virtual disk, "
            "other work running). Floors come from the same run; plain and encrypted saves are "
            "interleaved round by round, so load hits both alike.",
            "",
            "| what | result | floor | target |",
            "|---|---|---|---|",
            f"| unlock: {kdf['name']} ({params}) + open the key file "
            f"({unlocked['rounds']} runs) "
            f"| median {unlocked['median']:.2f} s (min {unlocked['min']:.2f}, "
            f"max {unlocked['max']:.2f}) "
            f"| the key derivation alone: median {unlocked['floor_median']:.2f} s "
            "| 0.2-1 s, by design |",
            f"| save one answer, {saves['answers']} answers, encrypted "
            f"({saves['file_kb']:.0f} KB file, {saves['rounds']} saves) "
            f"| median {sealed['median']:.2f} ms, p99 {sealed['p99']:.2f} ms "
            f"| the same with no passphrase: median {plain['median']:.2f} ms, "
            f"p99 {plain['p99']:.2f} ms; bare write+fsync {saves['floor_median']:.2f} ms "
            "| median < 10 ms |",
            "| of which building the bytes (CPU only, no disk) "
            f"| encrypted: median {sealed['build']:.2f} ms "
            f"| no passphrase: median {plain['build']:.2f} ms | - |",
            "| of which the checks of issue 12 (case lock, key file, save number, save log) "
            f"| encrypted: median {sealed['guards']:.3f} ms "
            f"| no passphrase: median {plain['guards']:.3f} ms | - |",
            f"| list {sealed_list['cases']} demo cases, encrypted "
            f"| median {sealed_list['median']:.1f} ms "
            f"| no passphrase: {plain_list['median']:.1f} ms | < 200 ms |",
            f"| change the passphrase: re-encrypt {sealed_list['cases']} cases "
            f"| {change:.1f} s | (two key derivations + one atomic rewrite per file) | - |",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--cases", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent.parent) as tmp:
        root = Path(tmp)
        unlocked = bench_unlock(root, 7)
        saves = bench_saves(root, args.answers, args.rounds)
        plain_list = bench_list(root, args.cases, 15, None)
        sealed_list = bench_list(root, args.cases, 15, PASSPHRASE)
        change = bench_change(sealed_list["store"])
    print(report(unlocked, saves, (plain_list, sealed_list), change))
    return 0


if __name__ == "__main__":
    sys.exit(main())
