"""PDF export speed: the full demo case (every topic answered) as a case record and a plan.

Run:  .venv/bin/python benchmarks/bench_export.py

Two situations are timed, each with a floor measured in the same run:

* cold: a fresh process exports once (importing reportlab, loading the fonts,
  building, saving).  This is the first export after the app starts.  Floor:
  a fresh process that imports reportlab and saves a one-page document.
* warm: the same process exports again (the second export in a session).
  Floor: a minimal one-page reportlab document built in the same process.

Each figure is the minimum and the median wall-clock time of several runs,
and the minimum CPU time of this process: on a busy machine the wall-clock
time includes waiting for a core, the CPU time does not.
Targets: exporting the full demo case under 1 second (issue 4); the case record
of the full demo case under 0.5 s in process, i.e. warm (issue 15).  The copy for
the police and the plan without details are timed warm too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLD_EXPORT = """
import json, sys, time
start = time.perf_counter()
from safetycheck.case import Case
from safetycheck.checklist import load_checklists
from safetycheck.demo import fill_demo_case
from safetycheck.paths import checklists_dir
from safetycheck.settings import Settings
lib = load_checklists(checklists_dir())
case = fill_demo_case(Case.new("Demo 2026-A"), lib)
settings = Settings(service_name="Service", advisor_name="Advisor", service_contact="0123")
ready, ready_cpu = time.perf_counter(), time.process_time()
from safetycheck.report import export_pdf
export_pdf(case, lib, settings, sys.argv[1], sys.argv[2])  # the first export after start
done, done_cpu = time.perf_counter(), time.process_time()
print(json.dumps({"export": done - ready, "cpu": done_cpu - ready_cpu}))
"""

COLD_FLOOR = """
import json, sys, time
start, start_cpu = time.perf_counter(), time.process_time()
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate
SimpleDocTemplate(sys.argv[1]).build([Paragraph("Hello", getSampleStyleSheet()["Normal"])])
print(json.dumps({"export": time.perf_counter() - start, "cpu": time.process_time() - start_cpu}))
"""


def cold(code: str, *args: str, runs: int) -> tuple[list[float], list[float]]:
    times, cpu = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True
        )
        if out.returncode != 0:
            raise SystemExit(out.stderr)
        result = json.loads(out.stdout)
        times.append(result["export"])
        cpu.append(result["cpu"])
    return times, cpu


def warm(func, runs: int) -> tuple[list[float], list[float]]:
    func()  # the first call pays for imports and fonts; that is the cold case
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu


def fmt(measured: tuple[list[float], list[float]]) -> str:
    times, cpu = measured
    return (
        f"min {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms "
        f"(CPU {min(cpu) * 1000:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from safetycheck.case import Case
    from safetycheck.checklist import load_checklists
    from safetycheck.demo import fill_demo_case
    from safetycheck.paths import checklists_dir
    from safetycheck.report import export_pdf
    from safetycheck.settings import Settings

    lib = load_checklists(checklists_dir())
    case = fill_demo_case(Case.new("Demo 2026-A"), lib)
    settings = Settings(service_name="Service", advisor_name="Advisor", service_contact="0123")
    checks = sum(len(t.checks) for t in lib.topics)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = []
        for kind in ("record", "plan"):
            target = folder / f"{kind}.pdf"
            cold_times = cold(COLD_EXPORT, kind, str(target), runs=max(3, args.runs // 2))
            from pypdf import PdfReader

            pages = len(PdfReader(str(target)).pages)
            warm_times = warm(
                lambda kind=kind, target=target: export_pdf(case, lib, settings, kind, target),
                args.runs,
            )
            rows.append((kind, pages, cold_times, warm_times))
        for label, kind, options in (
            ("record for the police", "record", {"for_police": True}),
            ("plan, details left out", "plan", {"leave_out_details": True}),
        ):
            target = folder / f"{label}.pdf"
            warm_times = warm(
                lambda kind=kind, target=target, options=options: export_pdf(
                    case, lib, settings, kind, target, **options
                ),
                args.runs,
            )
            rows.append((label, len(PdfReader(str(target)).pages), None, warm_times))
        floor_path = folder / "floor.pdf"
        floor_cold = cold(COLD_FLOOR, str(floor_path), runs=max(3, args.runs // 2))
        style = getSampleStyleSheet()["Normal"]
        floor_warm = warm(
            lambda: SimpleDocTemplate(str(floor_path)).build([Paragraph("Hello", style)]),
            args.runs,
        )
    print(f"Demo case: {len(lib.topics)} topics, {checks} checks, {len(case.answers)} answers.")
    print("| what | cold (first export in a process) | warm (next exports) |")
    print("|---|---|---|")
    for kind, pages, cold_times, warm_times in rows:
        first = fmt(cold_times) if cold_times else "(not timed)"
        print(f"| {kind}, {pages} pages | {first} | {fmt(warm_times)} |")
    print(f"| floor: one-page reportlab document | {fmt(floor_cold)} | {fmt(floor_warm)} |")
    record_warm = min(rows[0][3][0])
    verdict = "met" if record_warm < 0.5 else "NOT met"
    print(f"Target: the record in process under 0.5 s: {record_warm * 1000:.0f} ms, {verdict}.")


if __name__ == "__main__":
    main()
