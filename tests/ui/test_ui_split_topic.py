"""An old case that names a topic the content has since split still shows its checks."""

from __future__ import annotations


def test_an_old_case_naming_a_split_topic_shows_the_new_topics(ui) -> None:
    store = ui.store()
    case = store.create("Saved before the split")
    case.intake, case.topics = ["android"], ["t-start", "t-gone"]  # "t-gone" was split
    store.save(case)

    window = ui.start(mode="advisor")
    window.session.work.open(case.id)

    assert [part.topic.id for part in window.session.scope().topics] == ["t-start", "t-phone"]
    assert any(check.id == "t-phone-apps" for _, check in window.session.checks())
    # Opening changes nothing on disk; the next answer saves the new list with it.
    assert ui.store().load(case.id).topics == ["t-start", "t-gone"]
