"""A real appointment, in the core: where the person was, the make or version chosen,
the most important checks first.  All of it lives in the case and survives a restart."""

from __future__ import annotations

import json
from pathlib import Path

from safetycheck import essentials, events
from safetycheck.case import Case, Status
from safetycheck.casework import CaseWork
from safetycheck.schema import SCHEMA_VERSION, upgrade
from safetycheck.steps_choice import choice_key, chosen_index, steps_followed
from safetycheck.store import CaseStore

SAMSUNG = "Samsung Galaxy"


def opened(data_dir: Path, library) -> CaseWork:
    work = CaseWork(data_dir, library)
    work.unlock(None)
    return work


def android_checks_with(library, label: str) -> list:
    return [c for t in library.topics for c in t.checks if label in [v.label for v in c.variants]]


def test_samsung_is_chosen_once_for_every_check_that_offers_it(data_dir: Path, library) -> None:
    work = opened(data_dir, library)
    case = work.create("Client S")
    work.set_intake(["android"])
    offering = android_checks_with(library, SAMSUNG)
    assert len(offering) >= 14  # the Android checks and the tracker scan on Android
    assert len({choice_key(c) for c in offering}) == 1
    first, other = offering[0], offering[-1]
    seen: list[events.Event] = []
    work.subscribe(seen.append)
    work.choose_steps(first.id, SAMSUNG)
    assert events.StepsChosen(choice_key(first)) in seen
    assert other.variants[chosen_index(work.case, other)].label == SAMSUNG
    work.set_answer(other.id, Status.LOOKS_OK)

    # After a restart: still Samsung, and the answer says which steps were followed.
    work.let_go()  # the first window closes, as the app's window does when it quits
    again = opened(data_dir, library)
    again.open(case.id)
    assert again.case.steps_chosen == {choice_key(first): SAMSUNG}
    for check in offering:
        assert check.variants[chosen_index(again.case, check)].label == SAMSUNG
    assert steps_followed(again.case, other) == SAMSUNG
    assert steps_followed(again.case, first) == ""  # not answered yet


def test_steps_followed_is_what_was_shown_when_answered(data_dir: Path, library) -> None:
    work = opened(data_dir, library)
    work.create()
    work.set_intake(["android"])
    first, second = android_checks_with(library, SAMSUNG)[:2]
    work.set_answer(first.id, Status.CONCERN)  # before any choice: the first set of steps
    work.choose_steps(second.id, SAMSUNG)
    work.set_answer(second.id, Status.LOOKS_OK)
    assert steps_followed(work.case, first) == first.variants[0].label
    assert steps_followed(work.case, second) == SAMSUNG
    # A note typed later does not rewrite which steps were followed.
    work.set_answer(first.id, note="seen in Settings")
    assert steps_followed(work.case, first) == first.variants[0].label
    # A label the check does not offer is refused quietly.
    work.choose_steps(first.id, "Nokia 3310")
    assert "Nokia 3310" not in work.case.steps_chosen.values()


def test_the_place_is_saved_with_the_next_save_not_on_every_move(data_dir: Path, library) -> None:
    work = opened(data_dir, library)
    case = work.create()
    work.set_intake(["android"])
    checks = [c.id for _t, c in work.view().checks()]
    seen: list[events.Event] = []
    work.subscribe(seen.append)
    work.set_place(checks[5])
    assert seen == []  # moving writes nothing
    assert CaseStore(data_dir).load(case.id).at_check == ""
    assert work.flush()  # Quick Exit, a page change, closing the case
    assert CaseStore(data_dir).load(case.id).at_check == checks[5]
    work.let_go()  # the first window closes, as the app's window does when it quits
    again = opened(data_dir, library)
    again.open(case.id)
    assert again.resume_at() == checks[5]


def test_resume_at_the_first_unanswered_check_when_the_place_is_gone(
    data_dir: Path, library
) -> None:
    work = opened(data_dir, library)
    work.create()
    work.set_intake(["android"])
    checks = [c.id for _t, c in work.view().checks()]
    assert work.resume_at() == checks[0]
    work.set_answer(checks[0], Status.LOOKS_OK)
    work.set_answer(checks[1], Status.NOT_SURE)
    assert work.resume_at() == checks[2]
    work.set_place("no-such-check")
    assert work.resume_at() == checks[2]


def test_most_important_first_walks_the_essentials_and_keeps_what_was_written(
    data_dir: Path, library
) -> None:
    work = opened(data_dir, library)
    case = work.create()
    work.set_intake(["android", "windows", "google", "microsoft"])
    every = [c for _t, c in work.view().checks()]
    later = next(c for c in every if not c.essential)
    work.set_answer(later.id, note="the other person set this up")
    seen: list[events.Event] = []
    work.subscribe(seen.append)
    work.show_checks(essentials.ESSENTIALS)
    assert events.TopicsChanged() in seen
    shown = [c for _t, c in work.view().checks()]
    assert all(c.essential for c in shown if c.id != later.id)
    assert later in shown  # it holds a note, so it stays in view
    assert len(shown) < len(every) / 2
    # Counting is not changed: the case still has every check to do.
    assert work.scope().progress(work.case).total == len(every)
    assert CaseStore(data_dir).load(case.id).checks_shown == essentials.ESSENTIALS
    # A note cleared on a non-essential check takes it out of view: the sidebar is told.
    seen.clear()
    work.set_answer(later.id, note="")
    assert events.TopicsChanged() in seen
    assert later not in [c for _t, c in work.view().checks()]
    work.show_checks(essentials.ALL)
    assert [c for _t, c in work.view().checks()] == every


def test_a_version_2_case_is_upgraded_and_shows_every_check(tmp_path: Path) -> None:
    case = Case.new("Old")
    body = case.to_dict()
    for key in ("at_check", "steps_chosen", "checks_shown"):
        del body[key]
    body["schema_version"] = 2
    upgraded, found = upgrade(json.loads(json.dumps(body)))
    assert found == 2 and upgraded["schema_version"] == SCHEMA_VERSION >= 3
    back = Case.from_dict(upgraded)
    assert (back.at_check, back.steps_chosen, back.checks_shown) == ("", {}, essentials.ALL)


def test_durations_are_plain_words() -> None:
    assert essentials.duration(1) == "1 minute"
    assert essentials.duration(25) == "about 25 minutes"
    assert essentials.duration(60) == "about 1 hour"
    assert essentials.duration(131) == "about 2 hours 10 minutes"
    assert essentials.duration(118) == "about 2 hours"
    assert essentials.suggested(200, 55) == essentials.ESSENTIALS
    assert essentials.suggested(40, 20) == essentials.ALL
