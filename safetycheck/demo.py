"""Build the demo case: every shipped topic answered, for trying the app.

The sample text comes from ``assets/demo-case.toml``; the statuses follow a
fixed pattern so that screenshots, benchmarks and tests see the same case.
"""

from __future__ import annotations

import datetime as dt
import tomllib

from safetycheck.case import Case, Status, now
from safetycheck.checklist import Library
from safetycheck.paths import assets_dir
from safetycheck.store import CaseStore


def load_demo_data() -> dict:
    with open(assets_dir() / "demo-case.toml", "rb") as handle:
        return tomllib.load(handle)


def fill_demo_case(case: Case, library: Library, data: dict | None = None) -> Case:
    data = data or load_demo_data()
    pattern = [Status(s) for s in data["status_pattern"]]
    notes: dict[str, list[str]] = data["notes_by_status"]
    used = dict.fromkeys(notes, 0)
    case.intake = sorted({tag for t in library.topics for tag in t.applies_to})
    case.topics = [t.id for t in library.topics]
    start = now() - dt.timedelta(days=14)
    index = 0
    first_concern: str | None = None
    for topic in library.topics:
        for check in topic.checks:
            status = pattern[index % len(pattern)]
            stamp = start + dt.timedelta(minutes=3 * index)
            index += 1
            if status is Status.NOT_CHECKED:
                continue
            pool = notes.get(status.value, [""])
            note = pool[used.get(status.value, 0) % len(pool)]
            used[status.value] = used.get(status.value, 0) + 1
            case.set_answer(check.id, status, note, at=stamp)
            if status is Status.CONCERN and first_concern is None:
                first_concern = check.id
    for entry in data.get("evidence", []):
        case.add_evidence(entry["what"], entry.get("where", ""), check_id=first_concern)
    for item in data.get("actions", []):
        action = case.add_action(item["what"], item.get("who", ""), item.get("by_when", ""))
        action.done = bool(item.get("done", False))
    return case


def build_demo_case(store: CaseStore, library: Library, reference: str | None = None) -> Case:
    data = load_demo_data()
    reference = reference or data["reference"]
    existing = {s.reference for s in store.list_cases()}
    base, n = reference, 2
    while reference in existing:
        reference, n = f"{base} ({n})", n + 1
    case = Case.new(reference)
    fill_demo_case(case, library, data)
    store.save(case)
    return case
