"""Storage speed: saving one answer in a big case, and listing many cases.

Run:  .venv/bin/python benchmarks/bench_storage.py

Each number is shown beside a floor measured in the same run on the same disk:
for saving, a bare write + fsync of the same number of bytes plus a folder
fsync (what any durable save must pay); for listing, opening every file and
reading its first kilobyte.  Targets (issue 2): save median < 10 ms with 1,000
answers in the case; listing 500 cases < 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from safetycheck.case import Case, Status
from safetycheck.checklist import load_checklists
from safetycheck.demo import fill_demo_case
from safetycheck.paths import checklists_dir
from safetycheck.store import CaseStore

STATUSES = [Status.LOOKS_OK, Status.CONCERN, Status.NOT_SURE, Status.CANT_CHECK_SAFELY]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def big_case(answers: int) -> Case:
    case = Case.new("Benchmark case")
    for i in range(answers):
        note = f"A realistic note about check {i}. " * 2
        case.set_answer(f"check-{i:04d}", STATUSES[i % 4], note)
    for i in range(20):
        case.add_evidence(f"Evidence {i}: photo of the settings screen", "Settings > Apps")
        case.add_action(f"Action {i}", "Client", "Next week")
    return case


def fsync_floor(root: Path, size: int, rounds: int) -> list[float]:
    payload = os.urandom(size)
    target = root / "floor.bin"
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, payload)
        os.fsync(fd)
        os.close(fd)
        dfd = os.open(root, os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def bench_save(root: Path, answers: int, rounds: int, store: CaseStore | None = None) -> dict:
    store = store or CaseStore(root / "save")
    case = big_case(answers)
    store.save(case)
    size = store.path_for(case.id).stat().st_size
    timings = []
    for i in range(rounds):
        start = time.perf_counter()
        case.set_answer(f"check-{i % answers:04d}", STATUSES[(i + 1) % 4], f"changed {i}")
        store.save(case)
        timings.append((time.perf_counter() - start) * 1000)
    floor = fsync_floor(root, size, rounds)
    return {
        "answers": answers,
        "file_kb": size / 1024,
        "median": statistics.median(timings),
        "p99": percentile(timings, 99),
        "floor_median": statistics.median(floor),
        "floor_p99": percentile(floor, 99),
        "rounds": rounds,
    }


def bench_save_through_the_service(root: Path, answers: int, rounds: int) -> dict:
    """One answer set through ``CaseWork.set_answer`` (what a click does), 1,000 in the case.

    Half the answers are real checks of the shipped content (every topic ticked), half
    are to checks no longer in it, so the scope rule counts both kinds on every save.
    """
    from safetycheck.casework import CaseWork

    library = load_checklists(checklists_dir())
    work = CaseWork(root / "service", library, store=CaseStore(root / "service"))
    case = work.create("Benchmark case")
    work.set_intake(sorted({tag for t in library.topics for tag in t.applies_to}))
    real = [c.id for t in library.topics for c in t.checks]
    ids = (real + [f"retired-{i:04d}" for i in range(answers)])[:answers]
    for i, check_id in enumerate(ids):  # filled in memory, saved once
        case.set_answer(check_id, STATUSES[i % 4], f"A realistic note about check {i}. " * 2)
    work.save()
    timings = []
    for i in range(rounds):
        start = time.perf_counter()
        work.set_answer(ids[i % len(ids)], STATUSES[(i + 1) % 4], f"changed {i}")
        timings.append((time.perf_counter() - start) * 1000)
    return {
        "answers": len(case.answers),
        "median": statistics.median(timings),
        "p99": percentile(timings, 99),
        "rounds": rounds,
    }


def bench_list(root: Path, cases: int, rounds: int) -> dict:
    library = load_checklists(checklists_dir())
    store = CaseStore(root / "list")
    template = fill_demo_case(Case.new("Demo"), library)
    for i in range(cases):
        template.id = f"{i:032x}"
        template.reference = f"Case {i:04d}"
        store.save(template)
    timings, floor = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        rows = store.list_cases()
        timings.append((time.perf_counter() - start) * 1000)
        assert len(rows) == cases
        start = time.perf_counter()
        for entry in os.scandir(store.cases_dir):
            with open(entry.path, "rb") as handle:
                handle.read(1024)
        floor.append((time.perf_counter() - start) * 1000)
    return {
        "cases": cases,
        "checks": sum(len(t.checks) for t in library.topics),
        "median": statistics.median(timings),
        "max": max(timings),
        "floor_median": statistics.median(floor),
        "rounds": rounds,
    }


def report(save: dict, listing: dict) -> str:
    return "\n".join(
        [
            "## Storage",
            "",
            "Measured by `benchmarks/bench_storage.py` (2 cores, Debian, ext4 on a virtual "
            "disk). The floor is measured in the same run on the same disk.",
            "",
            "| what | result | floor | target |",
            "|---|---|---|---|",
            f"| save one answer, {save['answers']} answers in the case "
            f"({save['file_kb']:.0f} KB file, {save['rounds']} saves) "
            f"| median {save['median']:.2f} ms, p99 {save['p99']:.2f} ms "
            f"| write+fsync of the same bytes + folder fsync: median "
            f"{save['floor_median']:.2f} ms, p99 {save['floor_p99']:.2f} ms | median < 10 ms |",
            f"| list {listing['cases']} demo cases ({listing['checks']} checks each, "
            f"{listing['rounds']} runs) "
            f"| median {listing['median']:.1f} ms, max {listing['max']:.1f} ms "
            f"| open + read 1 KB of each file: {listing['floor_median']:.1f} ms | < 200 ms |",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent.parent) as tmp:
        root = Path(tmp)
        save = bench_save(root, args.answers, args.rounds)
        service = bench_save_through_the_service(root, args.answers, args.rounds)
        listing = bench_list(root, args.cases, 15)
    print(report(save, listing))
    print(
        f"save one answer through CaseWork.set_answer, {service['answers']} answers: "
        f"median {service['median']:.2f} ms, p99 {service['p99']:.2f} ms "
        f"({service['rounds']} saves)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
