"""Someone checking alone reads "a support service" on the check page, as on their printed
plan; an advisor's client reads the checklists as written."""

from __future__ import annotations

import re

import pytest

from safetycheck.paths import checklists_dir

ADVISOR = re.compile(r"\badvis[eo]r", re.IGNORECASE)
CHECK = "google-devices"  # its caution says "Plan with an advisor before you sign anyone out"


@pytest.fixture
def real_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    monkeypatch.setattr(app, "checklists_dir", checklists_dir)


def _page_text(page) -> str:
    parts = [page.why, page.caution, page.if_found, page.evidence_hint, page.look_for, page.steps]
    return " ".join(label.text() for label in parts)


def test_the_check_page_on_your_own_names_a_support_service(ui, real_content) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["google"])
    window.show_check(CHECK)
    text = _page_text(window.checking.page)
    assert "support service" in text
    assert not ADVISOR.search(text), ADVISOR.findall(text)


def test_the_check_page_for_an_advisor_keeps_the_checklists_words(ui, real_content) -> None:
    window = ui.start(mode="advisor")
    window.session.work.create("Words")
    window.session.work.set_intake(["google"])
    window.show_check(CHECK)
    assert ADVISOR.search(_page_text(window.checking.page))
