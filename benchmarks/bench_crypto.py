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

from bench_storage import bench_save

from safetycheck.case import Case
from safetycheck.checklist import load_checklists
from safetycheck.crypto import default_kdf, derive_key
from safetycheck.demo import fill_demo_case
from safetycheck.passphrase import change_passphrase, set_passphrase
from safetycheck.paths import checklists_dir
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


def bench_encode(answers: int, rounds: int) -> dict:
    """CPU only, no disk: what encryption adds to building the bytes of one save."""
    from bench_storage import big_case

    from safetycheck.crypto import Keyring

    case = big_case(answers)
    result = {}
    for label, codec in (("plain", None), ("sealed", Keyring.new().codec())):
        store = CaseStore(Path(tempfile.gettempdir()), codec=codec)
        timings = []
        for i in range(rounds):
            case.set_answer("check-0000", None, f"changed {i}")
            start = time.perf_counter()
            store.encode_case(case)
            timings.append((time.perf_counter() - start) * 1000)
        result[label] = statistics.median(timings)
    return result


def bench_list(root: Path, cases: int, rounds: int, passphrase: str | None) -> dict:
    library = load_checklists(checklists_dir())
    store = CaseStore(root / f"list-{bool(passphrase)}", library=library)
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


def report(
    unlocked: dict, plain: dict, sealed: dict, encode: dict, lists: tuple, change: float
) -> str:
    kdf = unlocked["kdf"]
    params = ", ".join(f"{k} {v}" for k, v in kdf.items() if k != "name")
    plain_list, sealed_list = lists
    return "\n".join(
        [
            "## Encryption",
            "",
            "Measured by `benchmarks/bench_crypto.py` (2 cores, Debian, ext4 on a virtual disk, "
            "other work running). Floors come from the same run.",
            "",
            "| what | result | floor | target |",
            "|---|---|---|---|",
            f"| unlock: {kdf['name']} ({params}) + open the key file "
            f"({unlocked['rounds']} runs) "
            f"| median {unlocked['median']:.2f} s (min {unlocked['min']:.2f}, "
            f"max {unlocked['max']:.2f}) "
            f"| the key derivation alone: median {unlocked['floor_median']:.2f} s "
            "| 0.2-1 s, by design |",
            f"| save one answer, {sealed['answers']} answers, encrypted "
            f"({sealed['file_kb']:.0f} KB file, {sealed['rounds']} saves) "
            f"| median {sealed['median']:.2f} ms, p99 {sealed['p99']:.2f} ms "
            f"| the same with no passphrase: median {plain['median']:.2f} ms, "
            f"p99 {plain['p99']:.2f} ms; bare write+fsync {sealed['floor_median']:.2f} ms "
            "| median < 10 ms |",
            f"| build the bytes of that save (CPU only, no disk) "
            f"| encrypted: median {encode['sealed']:.2f} ms "
            f"| no passphrase: median {encode['plain']:.2f} ms | - |",
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
        plain = bench_save(root / "plain", args.answers, args.rounds)
        (root / "sealed").mkdir()
        encrypted = set_passphrase(CaseStore(root / "sealed" / "save"), PASSPHRASE)
        sealed = bench_save(root / "sealed", args.answers, args.rounds, store=encrypted)
        encode = bench_encode(args.answers, args.rounds)
        plain_list = bench_list(root, args.cases, 15, None)
        sealed_list = bench_list(root, args.cases, 15, PASSPHRASE)
        change = bench_change(sealed_list["store"])
    print(report(unlocked, plain, sealed, encode, (plain_list, sealed_list), change))
    return 0


if __name__ == "__main__":
    sys.exit(main())
