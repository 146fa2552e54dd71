"""The safety plan's own line per answer, and the note of who worked on a case.

Both are stored in the case (schema 3) and go through the case service like every
other change.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from safetycheck import __version__, events
from safetycheck.app_use import current_use, describe_system
from safetycheck.case import AppUse, Case, Status
from safetycheck.case_json import CaseEncoder
from safetycheck.casework import CaseWork
from safetycheck.schema import SCHEMA_VERSION
from safetycheck.settings import MODE_ADVISOR, Settings
from safetycheck.store import CaseStore
from safetycheck.user_text import MAX_CHARS, TextTooLongError


@pytest.fixture
def work(data_dir: Path, library) -> CaseWork:
    settings = Settings(mode=MODE_ADVISOR, advisor_name="Sam Advisor", service_name="Northshire")
    work = CaseWork(data_dir, library, settings)
    work.unlock(None)
    return work


def test_a_plan_line_is_saved_at_once_and_announced(work: CaseWork) -> None:
    case = work.create("Client A")
    work.set_intake(["android"])
    work.set_answer("start-safe-now", Status.CONCERN, "Ex-partner Mr X reads her texts in Leeds")
    seen: list[events.Event] = []
    work.subscribe(seen.append)
    work.set_plan_line("start-safe-now", "Keep your phone with you for now.")
    assert [type(e) for e in seen] == [events.Saved, events.PlanLineChanged]
    again = CaseStore(work.data_dir).load(case.id).answers["start-safe-now"]
    assert again.plan_line == "Keep your phone with you for now."
    # The note and the answer's history are untouched: the plan line is not a case note.
    assert again.note == "Ex-partner Mr X reads her texts in Leeds"
    assert len(again.history) == 1
    seen.clear()
    work.set_plan_line("start-safe-now", "Keep your phone with you for now.")
    assert seen == []


def test_a_plan_line_too_long_is_refused_and_nothing_changes(work: CaseWork) -> None:
    work.create()
    work.set_plan_line("start-safe-now", "Short line.")
    with pytest.raises(TextTooLongError):
        work.set_plan_line("start-safe-now", "x" * (MAX_CHARS + 1))
    assert work.case.answer("start-safe-now").plan_line == "Short line."


def test_a_plan_line_outside_the_ticked_topics_keeps_its_check_in_view(
    work: CaseWork, library
) -> None:
    work.create()
    work.set_intake(["android"])
    outside = next(t for t in library.topics if t.id not in work.case.topics).checks[0]
    seen: list[events.Event] = []
    work.subscribe(seen.append)
    work.set_plan_line(outside.id, "Ask about this next time.")
    assert events.TopicsChanged() in seen
    assert work.scope().has(outside.id)


def test_the_encoder_writes_a_changed_plan_line(library) -> None:
    """The encoder keeps each answer's JSON; a new plan line must not be lost to its cache."""
    case = Case.new("A")
    case.set_answer("start-safe-now", Status.LOOKS_OK, "fine")
    encoder = CaseEncoder()
    encoder.body(case)
    case.set_plan_line("start-safe-now", "For you")
    body = json.loads(encoder.body(case))
    assert body["answers"]["start-safe-now"]["plan_line"] == "For you"
    assert body == json.loads(json.dumps(case.to_dict()))


def test_a_version_4_file_opens_and_is_saved_as_version_5(work: CaseWork) -> None:
    case = work.create("Old")
    work.set_answer("start-safe-now", Status.LOOKS_OK, "fine")
    work.close_case()  # the upgrade is saved by this store: the service must let go first
    store = CaseStore(work.data_dir)
    path = store.path_for(case.id)
    lines = path.read_bytes().split(b"\n")
    body = json.loads(lines[2])
    body["schema_version"] = 4
    del body["app_uses"]
    lines[2] = json.dumps(body).encode()
    path.write_bytes(b"\n".join(lines))
    loaded = store.load(case.id)
    assert loaded.app_uses == [] and loaded.answers["start-safe-now"].note == "fine"
    assert path.with_name(path.name + ".v4.bak").exists()
    assert json.loads(path.read_bytes().split(b"\n")[2])["schema_version"] == SCHEMA_VERSION == 5


def test_every_save_notes_who_worked_on_the_case_with_what(work: CaseWork) -> None:
    case = work.create("Client A")
    work.set_answer("start-safe-now", Status.LOOKS_OK)
    [use] = CaseStore(work.data_dir).load(case.id).app_uses
    assert use.app_version == __version__
    assert (use.advisor, use.service, use.mode) == ("Sam Advisor", "Northshire", MODE_ADVISOR)
    assert use.first == use.last == dt.date.today()
    # The same use again adds nothing; another advisor is a second entry.
    work.set_answer("start-safe-now", Status.CONCERN)
    work.settings.advisor_name = "Alex Other"
    work.set_answer("start-safe-now", Status.NOT_SURE)
    uses = CaseStore(work.data_dir).load(case.id).app_uses
    assert [u.advisor for u in uses] == ["Sam Advisor", "Alex Other"]


def test_a_later_day_moves_the_last_day_on() -> None:
    case = Case.new("A")
    first = current_use(Settings(), dt.date(2026, 11, 20))
    case.note_use(first)
    case.note_use(current_use(Settings(), dt.date(2026, 12, 2)))
    [use] = case.app_uses
    assert (use.first, use.last) == (dt.date(2026, 11, 20), dt.date(2026, 12, 2))
    assert AppUse.from_dict(use.to_dict()) == use


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Linux", "6.1.0-18-amd64", "x86_64"), "Linux 6.1.0-18-amd64 (x86_64)"),
        (("Windows", "11", "AMD64", "", "10.0.22631"), "Windows 11 (build 10.0.22631) (AMD64)"),
        (("Darwin", "23.2.0", "arm64", "14.2.1"), "macOS 14.2.1 (arm64)"),
        (("", "", ""), "Unknown system"),
    ],
)
def test_the_system_is_named_plainly_and_never_by_the_computers_name(
    args: tuple[str, ...], expected: str
) -> None:
    assert describe_system(*args) == expected
