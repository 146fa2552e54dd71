"""The case list, the sidebar and the summary count odd cases as the scope rule does."""

from __future__ import annotations

import re

from scope_cases import EXPECTED, make_cases, make_contents

from safetycheck.case import Progress

CHECKED = re.compile(r"(\d+) of (\d+) check(?:ed|s done)(?:,? ·? ?(\d+) concerns?)?")


def _sidebar(window) -> Progress:
    """The sum of the sidebar's topic rows, read as a person reads them."""
    tree = window.checking.sidebar
    total = Progress()
    for index in range(tree.topLevelItemCount()):
        found = CHECKED.search(tree.topLevelItem(index).text(0))
        assert found, tree.topLevelItem(index).text(0)
        answered, checks, concerns = found.groups()
        total.answered += int(answered)
        total.total += int(checks)
        total.concerns += int(concerns or 0)
    return total


def _summary(window) -> Progress:
    text = window.summary.counts.text()
    found = re.search(r"(\d+) of (\d+) checks done · (\d+) concerns?", text)
    assert found, text
    answered, checks, concerns = map(int, found.groups())
    return Progress(total=checks, answered=answered, concerns=concerns)


def _case_list(window) -> dict[str, Progress]:
    table = window.case_list.table
    rows = {}
    for index in range(table.topLevelItemCount()):
        item = table.topLevelItem(index)
        answered, checks = map(int, re.match(r"(\d+) of (\d+)", item.text(2)).groups())
        concerns = 0 if item.text(3) == "None" else int(item.text(3))
        rows[item.text(0)] = Progress(total=checks, answered=answered, concerns=concerns)
    return rows


def test_every_view_reports_the_same_numbers(ui, monkeypatch, tmp_path) -> None:
    from ui import app

    old, new = make_contents(tmp_path)
    ids = make_cases(ui.data_dir, old)
    monkeypatch.setattr(app, "checklists_dir", lambda: new)  # a later review of the content
    window = ui.start(mode="advisor")
    without_not_sure = {
        ref: Progress(total=p.total, answered=p.answered, concerns=p.concerns)
        for ref, p in EXPECTED.items()
    }
    assert _case_list(window) == without_not_sure
    for reference, expected in without_not_sure.items():
        assert window.open_case(ids[reference])
        window.show_page("checks")
        assert _sidebar(window) == expected, reference
        window.show_page("summary")
        assert _summary(window) == expected, reference
        window.show_page("cases")


def test_the_sidebar_is_rebuilt_only_when_what_it_shows_changed(ui) -> None:
    from safetycheck.case import Status

    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    built = window.checking.rebuilds
    window.show_page("summary")
    window.show_page("checks")
    window.checking.page.status_buttons[Status.CONCERN].click()
    assert window.checking.rebuilds == built  # shown again, an answer: no rebuild
    window.session.work.set_intake(["android", "car"])
    assert window.checking.rebuilds == built + 1
    assert "Your car" in window.checking.sidebar.topLevelItem(2).text(0)
