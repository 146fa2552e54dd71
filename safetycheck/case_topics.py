"""Keep a saved case's topics in step with content that split or renamed a topic.

A case stores the topic ids its intake answers chose. When a topic file is split (the
second edition turned "social-messaging" into one topic per service), an old case still
names the old id, which no longer exists, and would show none of the new topics. Check
ids are unchanged by a split, so answers are safe; only the topic list needs choosing
again from the case's own intake answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetycheck.case import Case

if TYPE_CHECKING:
    from safetycheck.checklist import Library


def current_topics(case: Case, library: Library) -> list[str]:
    """The case's topics as this content knows them, without changing the case.

    A case whose topics all still exist keeps its list as it is, so a list that was chosen
    some other way (an older intake, a demo) is not touched.  The scope rule counts with
    this, so a case list read from disk and an open case agree.
    """
    known = {topic.id for topic in library.topics}
    if not library.topics or all(topic_id in known for topic_id in case.topics):
        return case.topics
    chosen = [topic.id for topic in library.topics_for(case.intake)]
    kept = [topic_id for topic_id in case.topics if topic_id in known]
    return kept + [topic_id for topic_id in chosen if topic_id not in kept]


def refresh_topics(case: Case, library: Library) -> bool:
    """Choose the case's topics again if it names one the content no longer has.

    Returns True when the list changed.
    """
    refreshed = current_topics(case, library)
    if refreshed == case.topics:
        return False
    case.topics = refreshed
    return True
