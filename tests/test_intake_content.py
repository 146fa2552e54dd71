"""The intake answers choose the right topics in the shipped content.

These read the real ``checklists/`` folder: each answer about the person's situation must
bring in the topic written for it (children, court or police, living with the other person,
intimate images), and no intake option may be a dead end that selects nothing.
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from safetycheck.checklist import load_checklists

LIBRARY = load_checklists(ROOT / "checklists")


def _topics(*answers: str) -> set[str]:
    return {topic.id for topic in LIBRARY.topics_for(answers)}


def test_every_intake_option_selects_a_topic() -> None:
    everyone = _topics()
    dead = [o.id for o in LIBRARY.intake if not (_topics(o.id) - everyone)]
    assert not dead, f"intake options that add no topic: {dead}"


@pytest.mark.parametrize(
    ("answer", "topic"),
    [
        ("court", "evidence-police-court"),
        ("police", "evidence-police-court"),
        ("intimate-images", "intimate-images"),
        ("living-together", "home-wifi"),
        ("living-together", "smart-home"),
        ("children", "trackers"),
        ("children", "children-devices"),
        ("fitness", "fitness-apps"),
        ("password-manager", "password-managers"),
    ],
)
def test_a_situation_answer_brings_in_its_topic(answer: str, topic: str) -> None:
    assert topic in _topics(answer)
    assert topic not in _topics("android"), f"{topic} should need the '{answer}' answer"


def test_situation_answers_have_their_own_heading() -> None:
    groups = {o.id: o.group for o in LIBRARY.intake}
    situation = {"children", "living-together", "court", "police", "intimate-images"}
    assert {groups[i] for i in situation} == {"About your situation"}
    order = [o.id for o in LIBRARY.intake]
    assert order.index("children") > order.index("phone-contract"), (
        "the situation questions come last, after the devices and accounts"
    )


def test_an_advisor_reads_about_their_client_never_about_you(library) -> None:
    """ "Which of these does your client have or use?" then "A car you drive" read wrong:
    every label or group that says "you" has advisor wording, and that never says "you"."""
    import re

    you = re.compile(r"\byou\b|\byour\b(?! client)", re.IGNORECASE)
    for option in library.intake:
        for words, advisor_words in (
            (option.label, option.label_for(True)),
            (option.group, option.group_for(True)),
        ):
            assert not you.search(advisor_words), f"{option.id}: {advisor_words!r}"
            if you.search(words):
                assert advisor_words != words, f"{option.id}: no advisor wording for {words!r}"
