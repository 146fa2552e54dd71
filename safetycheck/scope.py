"""Which checks a case covers, and how much of it is done: the one rule every view asks.

The case list, the sidebar, the summary, both PDFs and ``list-cases --json`` all
count through :class:`ScopeRule`, so an advisor never sees "0 concerns of 9" in one
place and "1 concern of 23" in another.  The rule:

1. Every check of every topic ticked for the case ("What you have"), in the
   checklists' order, except a check made for a device the case does not have (its own
   ``applies_to``: an iPhone-only check inside "Calls and texts" for an Android user)
   unless it holds something.  A topic added to the content later joins a case when the
   person next changes "What you have", not by itself; but when the case names a
   topic the content no longer has (a topic split in two), its topics are chosen
   again from its intake answers (``safetycheck.case_topics``).
2. Then every check outside those topics that holds something (an answer other
   than "Not checked yet", a note, or a line for the plan), under its own topic: an
   answer is never hidden because a topic was unticked afterwards.
3. Then answers to checks that are no longer in the checklists (removed, or in a
   file that could not be read), under their id: the record must not lose what
   was found.

``rule`` names the content the counts depend on (the topics and their check ids), so
counts saved in a case file's header can be trusted for as long as it matches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from safetycheck.case import Answer, Case, Coverage, Progress, Status
from safetycheck.case_topics import current_topics

if TYPE_CHECKING:
    from safetycheck.checklist import Check, Library, Topic


def holds_something(answer: Answer) -> bool:
    """Whether an answer is worth keeping in view: answered, or a note or plan line written."""
    return answer.status.is_answered or bool(answer.note.strip() or answer.plan_line.strip())


def count(case: Case, check_ids: Iterable[str]) -> Progress:
    result = Progress()
    for check_id in check_ids:
        result.total += 1
        status = case.status(check_id)
        if status.is_answered:
            result.answered += 1
        if status is Status.CONCERN:
            result.concerns += 1
        elif status is Status.NOT_SURE:
            result.not_sure += 1
    return result


@dataclass(frozen=True)
class TopicScope:
    topic: Topic
    checks: tuple[Check, ...]
    #: False when the topic is not ticked and is shown only for the answers it holds.
    chosen: bool

    def progress(self, case: Case) -> Progress:
        return count(case, (c.id for c in self.checks))


@dataclass(frozen=True)
class Scope:
    topics: tuple[TopicScope, ...]
    #: Check ids that hold an answer but are no longer in the checklists, sorted.
    retired: tuple[str, ...]

    def checks(self) -> list[tuple[Topic, Check]]:
        """Every check a person can open, in the order they are shown."""
        return self._checks

    @cached_property
    def _checks(self) -> list[tuple[Topic, Check]]:
        return [(t.topic, c) for t in self.topics for c in t.checks]

    def check_ids(self) -> list[str]:
        """Every check that is counted, retired ones last."""
        return [c.id for t in self.topics for c in t.checks] + list(self.retired)

    def progress(self, case: Case) -> Progress:
        return count(case, self.check_ids())

    def topic(self, topic_id: str) -> TopicScope | None:
        return next((t for t in self.topics if t.topic.id == topic_id), None)

    def has(self, check_id: str) -> bool:
        return check_id in self.retired or any(
            c.id == check_id for t in self.topics for c in t.checks
        )


class ScopeRule:
    """The rule for one set of checklists (see the module notes)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._topic_of: dict[str, Topic] = {}
        for topic in library.topics:
            for check in topic.checks:
                self._topic_of.setdefault(check.id, topic)
        shape = "\n".join(f"{t.id}:{','.join(_shape(c) for c in t.checks)}" for t in library.topics)
        #: Changes when a topic or check is added, removed or moved; not for a wording edit.
        self.rule = "scope-1:" + hashlib.sha256(shape.encode()).hexdigest()[:16]

    def scope(self, case: Case) -> Scope:
        chosen = set(current_topics(case, self.library))
        kept: dict[str, list[str]] = {}
        retired: list[str] = []
        for check_id, answer in case.answers.items():
            topic = self._topic_of.get(check_id)
            if topic is not None and topic.id in chosen:
                continue
            if not holds_something(answer):
                continue
            if topic is None:
                retired.append(check_id)
            else:
                kept.setdefault(topic.id, []).append(check_id)
        topics: list[TopicScope] = []
        for topic in self.library.topics:
            if topic.id in chosen:
                checks = tuple(
                    c
                    for c in topic.checks
                    if c.applies(case.intake) or _holds(case.answers.get(c.id))
                )
                topics.append(TopicScope(topic, checks, True))
            elif topic.id in kept:
                ids = set(kept[topic.id])
                topics.append(
                    TopicScope(topic, tuple(c for c in topic.checks if c.id in ids), False)
                )
        return Scope(tuple(topics), tuple(sorted(retired)))

    def progress(self, case: Case) -> Progress:
        return self.scope(case).progress(case)

    def coverage(self, case: Case) -> Coverage:
        return Coverage(self.progress(case), self.rule)

    def counts_hold(self, coverage: Coverage) -> bool:
        """Whether counts saved with ``coverage`` are what this rule would count now."""
        return coverage.rule == self.rule


def _shape(check: Check) -> str:
    """A check in the rule's fingerprint: its id, and who it is for when it says."""
    return check.id + (f"[{'|'.join(check.applies_to)}]" if check.applies_to else "")


def _holds(answer: Answer | None) -> bool:
    return answer is not None and holds_something(answer)
