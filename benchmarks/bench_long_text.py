"""PDF export with the longest texts a case may keep (issue 12, defect 1).

Run:  .venv/bin/python benchmarks/bench_long_text.py

Times rendering (in memory, no file) of the demo case with one note of
``user_text.MAX_CHARS`` characters, in English and in Urdu (shaped and put in visual
order per line), as a case record and as a safety plan.  The note prints twice in the
record (under the concern and in the list of every check), once in the plan.  Floor,
measured in the same run: the same demo case without the long note.  Each figure is the
minimum and the median of several runs, and the minimum CPU time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(func, runs: int) -> tuple[list[float], list[float]]:
    func()  # imports and fonts: not what is measured
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu


def fmt(measured: tuple[list[float], list[float]]) -> str:
    times, cpu = measured
    return f"min {min(times):.2f} s, median {statistics.median(times):.2f} s (CPU {min(cpu):.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from safetycheck.case import Case, Status
    from safetycheck.checklist import load_checklists
    from safetycheck.demo import fill_demo_case
    from safetycheck.paths import checklists_dir
    from safetycheck.report.export import render_pdf
    from safetycheck.settings import Settings
    from safetycheck.user_text import MAX_CHARS

    lib = load_checklists(checklists_dir())
    settings = Settings(service_name="Service", advisor_name="Advisor", service_contact="0123")
    texts = {
        "English": ("He read my messages again and took my phone. " * 3000)[:MAX_CHARS],
        "Urdu": ("اس نے میرا فون لے لیا اور پیغامات پڑھے۔ " * 4000)[:MAX_CHARS],
    }
    print(f"One note of {MAX_CHARS:,} characters in the demo case.")
    print("| what | record | plan |")
    print("|---|---|---|")
    base = fill_demo_case(Case.new("Demo 2026-A"), lib)
    floor = [timed(lambda k=k: render_pdf(base, lib, settings, k), args.runs) for k in KINDS]
    print(f"| floor: the demo case | {fmt(floor[0])} | {fmt(floor[1])} |")
    for script, text in texts.items():
        case = fill_demo_case(Case.new("Demo 2026-A"), lib)
        case.set_answer(case.concerns()[0], Status.CONCERN, text)
        row = [timed(lambda k=k, c=case: render_pdf(c, lib, settings, k), args.runs) for k in KINDS]
        print(f"| with the note in {script} | {fmt(row[0])} | {fmt(row[1])} |")


KINDS = ("record", "plan")

if __name__ == "__main__":
    main()
