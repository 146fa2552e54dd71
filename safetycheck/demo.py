"""Build the demo case: every shipped topic answered, for trying the app.

The sample text comes from ``assets/demo-case.toml``; the statuses follow a
fixed pattern so that screenshots, benchmarks and tests see the same case.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

from safetycheck.case import Case, Status, now
from safetycheck.casework import CaseWork
from safetycheck.checklist import Library
from safetycheck.paths import assets_dir


def load_demo_data() -> dict[str, Any]:
    with open(assets_dir() / "demo-case.toml", "rb") as handle:
        return tomllib.load(handle)


def fill_demo_case(case: Case, library: Library, data: dict[str, Any] | None = None) -> Case:
    data = data or load_demo_data()
    pattern = [Status(s) for s in data["status_pattern"]]
    notes: dict[str, list[str]] = data["notes_by_status"]
    specific: dict[str, dict[str, Any]] = data.get("answers", {})
    used: dict[str, int] = {}
    case.intake = sorted({tag for t in library.topics for tag in t.applies_to})
    case.topics = [t.id for t in library.topics]
    start = now() - dt.timedelta(days=14)
    index = 0
    for topic in library.topics:
        for check in topic.checks:
            stamp = start + dt.timedelta(minutes=3 * index)
            status = pattern[index % len(pattern)]
            index += 1
            if check.id in specific:
                answer = specific[check.id]
                case.set_answer(check.id, Status(answer["status"]), answer["note"], at=stamp)
                if answer.get("plan_line"):
                    case.set_plan_line(check.id, answer["plan_line"])
                continue
            if status is Status.NOT_CHECKED:
                continue
            pool = notes.get(status.value, [""])
            note = pool[used.get(status.value, 0) % len(pool)]
            used[status.value] = used.get(status.value, 0) + 1
            case.set_answer(check.id, status, note, at=stamp)
    known = {c.id for t in library.topics for c in t.checks}
    for entry in data.get("evidence", []):
        check_id = entry.get("check") if entry.get("check") in known else None
        case.add_evidence(entry["what"], entry.get("where", ""), check_id=check_id)
    for item in data.get("actions", []):
        action = case.add_action(item["what"], item.get("who", ""), item.get("by_when", ""))
        action.done = bool(item.get("done", False))
    return case


def build_demo_case(work: CaseWork, reference: str | None = None) -> Case:
    """Save a new demo case through the case service (it is not opened)."""
    data = load_demo_data()
    reference = reference or data["reference"]
    existing = {s.reference for s in work.list_cases()}
    base, n = reference, 2
    while reference in existing:
        reference, n = f"{base} ({n})", n + 1
    case = Case.new(reference)
    fill_demo_case(case, work.library, data)
    work.save_new(case)
    return case
