"""Old cases keep their topics when a topic file is split.

Uses the shipped content: the first edition's "social-messaging" topic became one topic per
service, and a case saved before that must show the new topics, with its answers intact.
"""

from __future__ import annotations

from conftest import ROOT

from safetycheck.case import Case, Status
from safetycheck.case_topics import refresh_topics
from safetycheck.checklist import load_checklists

LIBRARY = load_checklists(ROOT / "checklists")
# Every check of the first edition's social-messaging.toml, with the topic it moved to.
MOVED = {
    "social-facebook-logins": "social-facebook",
    "social-meta-contacts": "social-meta",
    "social-instagram-logins": "social-instagram",
    "social-whatsapp-linked": "social-whatsapp",
    "social-snapchat-map": "social-snapchat",
    "social-tiktok-devices": "social-tiktok",
    "social-telegram-sessions": "social-telegram",
    "social-x-sessions": "social-x",
}


def test_every_moved_check_keeps_its_id() -> None:
    for check_id, topic_id in MOVED.items():
        check = LIBRARY.check(check_id)
        assert check is not None, f"{check_id} was renamed or dropped"
        assert check.topic_id == topic_id


def test_the_old_social_answer_still_selects_every_moved_check() -> None:
    chosen = {topic.id for topic in LIBRARY.topics_for(["social"])}
    assert set(MOVED.values()) <= chosen
    assert "social-signal" in chosen


def test_each_service_answer_selects_its_own_topic_only() -> None:
    for answer, topic_id in {
        "whatsapp": "social-whatsapp",
        "signal": "social-signal",
        "tiktok": "social-tiktok",
        "x-twitter": "social-x",
    }.items():
        social = {t.id for t in LIBRARY.topics_for([answer]) if t.id.startswith("social-")}
        assert social == {topic_id}, answer
    facebook = {t.id for t in LIBRARY.topics_for(["facebook"]) if t.id.startswith("social-")}
    assert facebook == {"social-facebook", "social-meta"}


def test_a_case_naming_the_old_topic_gets_the_new_ones() -> None:
    case = Case.new()
    case.intake = ["android", "social"]
    case.topics = ["before-you-start", "android", "social-messaging"]
    case.set_answer("social-whatsapp-linked", Status.CONCERN, "a laptop I do not know")

    assert refresh_topics(case, LIBRARY)

    assert case.topics[:2] == ["before-you-start", "android"]
    assert "social-messaging" not in case.topics
    assert set(MOVED.values()) <= set(case.topics)
    assert case.answer("social-whatsapp-linked").status is Status.CONCERN


def test_a_case_whose_topics_all_exist_is_left_alone() -> None:
    case = Case.new()
    case.intake = ["android", "whatsapp"]
    case.topics = ["android"]  # chosen some other way: not recomputed
    assert not refresh_topics(case, LIBRARY)
    assert case.topics == ["android"]
