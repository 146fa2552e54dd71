"""Computer scan speed: the real scan of this machine, and matching 5,000 items.

Run:  .venv/bin/python benchmarks/bench_computer.py

Targets (issue 18): the real scan of this machine < 10 s; matching 5,000 installed items and
processes against every indicator < 50 ms.  "Every indicator" is our own list plus a list the
size and shape of LOLRMM's export (we do not ship LOLRMM, so the benchmark makes one: 450
tools, each with program names, folders with wildcards, services and registry keys, like
the published file).  Floors measured in the same run: for the scan, reading the same
``/proc`` and package files with nothing else; for matching, one set lookup per item name.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from safetycheck.computer.model import INSTALLED, PROCESS, SERVICE, Item
from safetycheck.computer.scan import build_index, run_scan
from safetycheck.computer.system import System, this_computer
from safetycheck.computer.tools import LOLRMM_LABEL, REMOTE_ACCESS, Tool, ToolList, ToolStore

CPU: list[float] = []  # CPU time of the last timed() run, ms: less disturbed by a busy machine


def timed(func: Callable[[], object], rounds: int) -> list[float]:
    times = []
    CPU.clear()
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        times.append((time.perf_counter() - start) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
    return times


def lolrmm_sized_list(count: int = 450) -> ToolList:
    rng = random.Random(18)
    tools = []
    for n in range(count):
        word = f"rmmtool{n}"
        paths = [
            f"C:\\Program Files\\{word}\\*",
            f"C:\\Program Files (x86)\\{word}-*\\{word}*.exe",
            f"%ProgramData%\\{word}\\logs\\*.log",
            f"*\\AppData\\Roaming\\{word}\\*",
        ]
        if n % 10 == 0:
            paths.append(f"*{word}*")  # a pattern with no whole word: tried on every path
        tools.append(
            Tool(
                id=f"lolrmm-{word}",
                name=f"RMM Tool {n}",
                kind=REMOTE_ACCESS,
                list_label=LOLRMM_LABEL,
                names=[f"RMM Tool {n}"],
                processes=[f"{word}.exe", f"{word}svc.exe", f"{word}-*.exe"],
                services=[f"{word} Service"],
                paths={"windows": paths, "macos": [f"/Applications/{word}.app"]},
                registry=[f"HKLM\\SOFTWARE\\{word}"],
                exact_names=True,
                category=rng.choice(["RMM", "Remote access"]),
            )
        )
    return ToolList(tools, LOLRMM_LABEL, "synthetic", "synthetic")


def items(count: int) -> list[Item]:
    """5,000 items: installed programs with folders, processes, services; 10 known ones."""
    rng = random.Random(5)
    words = ["Office", "Photo", "Bank", "Music", "Maps", "Notes", "Chat", "Game", "News", "Driver"]
    result: list[Item] = []
    for i in range(count - 10):
        word = rng.choice(words)
        kind = (INSTALLED, PROCESS, SERVICE)[i % 3]
        folder = f"C:\\Program Files\\{word} Suite {i}\\bin"
        if kind == INSTALLED:
            result.append(Item(INSTALLED, f"{word} Suite {i}", path=folder, publisher=word))
        elif kind == PROCESS:
            result.append(Item(PROCESS, f"{word.lower()}{i}.exe"))
        else:
            result.append(Item(SERVICE, f"{word} Helper {i}", path=f"{folder}\\svc{i}.exe"))
    for n in range(10):
        result.append(Item(PROCESS, f"rmmtool{n * 37}.exe"))
    rng.shuffle(result)
    return result


def fake_windows() -> System:
    from safetycheck.computer.system import FileSystem, RecordedCommands

    return System(
        platform="windows",
        fs=FileSystem(Path(tempfile.mkdtemp()), windows=True),
        commands=RecordedCommands({}),
        env={"ProgramData": "C:\\ProgramData", "ProgramFiles": "C:\\Program Files"},
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        ours = ToolStore(Path(data)).lists()
    lists = [*ours, lolrmm_sized_list()]
    tool_count = sum(len(lst.tools) for lst in lists)
    windows = fake_windows()
    sample = items(5000)
    names = [item.name.lower() for item in sample]
    known = {p.lower() for lst in lists for t in lst.tools for p in t.processes}
    floor = timed(lambda: [n for n in names if n in known], 50)

    def match() -> int:
        index = build_index(lists, windows)
        return sum(1 for item in sample if index.match_item(item))

    assert match() == 10, match()
    matching = timed(match, 30)
    matching_cpu = list(CPU)
    index_only = timed(lambda: build_index(lists, windows), 30)
    index = build_index(lists, windows)
    prebuilt = timed(lambda: [index.match_item(item) for item in sample], 30)

    system = this_computer()
    scans = []
    result = None
    for _ in range(5):
        start = time.perf_counter()
        result = run_scan(this_computer(), ours)
        scans.append(time.perf_counter() - start)
    assert result is not None

    def read_floor() -> None:
        proc = Path("/proc")
        for entry in proc.iterdir():
            if entry.name.isdigit():
                try:
                    (entry / "comm").read_bytes()
                    (entry / "cmdline").read_bytes()
                except OSError:
                    pass
        status = Path("/var/lib/dpkg/status")
        if status.exists():
            status.read_bytes()

    floors = timed(read_floor, 5)
    counts = result.reading.counts()
    print("| what | result | floor | target |")
    print("|---|---|---|---|")
    print(
        f"| real scan of this machine ({system.platform}, {counts['installed']} installed, "
        f"{counts['processes']} processes, {counts['autostart']} start-up items; our list) | "
        f"median {statistics.median(scans) * 1000:.0f} ms, max {max(scans) * 1000:.0f} ms | "
        f"read /proc and the package list only: median {statistics.median(floors):.0f} ms | "
        "< 10 s |"
    )
    print(
        f"| match 5,000 installed items, processes and services against every indicator "
        f"({tool_count} tools: ours + a LOLRMM-sized list; index built each time) | median "
        f"{statistics.median(matching):.1f} ms, max {max(matching):.1f} ms (CPU time: median "
        f"{statistics.median(matching_cpu):.1f} ms) | set lookup per name: median "
        f"{statistics.median(floor):.2f} ms | < 50 ms |"
    )
    print(
        f"| of which: building the index / matching with it | median "
        f"{statistics.median(index_only):.1f} ms / {statistics.median(prebuilt):.1f} ms | - | - |"
    )


if __name__ == "__main__":
    main()
