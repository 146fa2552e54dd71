"""Reading a case for printing: which checks to show, in what order, and how times look.

Shared by both documents and free of reportlab.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safetycheck.case import Answer, Case, Progress, Status
from safetycheck.checklist import Check, Library, Topic
from safetycheck.report.scrub import scrub_secrets
from safetycheck.scope import ScopeRule


@dataclass(frozen=True)
class Row:
    """One check as printed: where it comes from and what was answered."""

    topic: Topic | None
    check: Check | None
    check_id: str
    answer: Answer

    @property
    def title(self) -> str:
        return self.check.title if self.check else self.check_id

    @property
    def topic_title(self) -> str:
        return self.topic.title if self.topic else ""


def case_topics(case: Case, library: Library) -> list[Topic]:
    """The topics the case covers, by the one scope rule (``safetycheck.scope``)."""
    return [part.topic for part in ScopeRule(library).scope(case).topics]


def progress(case: Case, library: Library) -> Progress:
    """The case's counts by the one scope rule: the same numbers the app shows."""
    return ScopeRule(library).progress(case)


def rows_by_topic(case: Case, library: Library) -> list[tuple[Topic | None, list[Row]]]:
    """Every check the case covers, by topic, then answers whose check no longer exists.

    The rows are the scope rule's, so the documents count exactly what the app shows.
    Answers to checks that were removed from the content are still printed (under
    their id), because the record must not lose what was found.
    """
    scope = ScopeRule(library).scope(case)
    result: list[tuple[Topic | None, list[Row]]] = [
        (part.topic, [Row(part.topic, c, c.id, case.answer(c.id)) for c in part.checks])
        for part in scope.topics
    ]
    if scope.retired:
        result.append((None, [Row(None, None, cid, case.answer(cid)) for cid in scope.retired]))
    return result


def rows_with(case: Case, library: Library, *statuses: Status) -> list[Row]:
    return [
        row
        for _, rows in rows_by_topic(case, library)
        for row in rows
        if row.answer.status in statuses
    ]


def clean_note(text: str, placeholder: str) -> str:
    """A note as it may be printed: trimmed, with written-down passwords removed."""
    return scrub_secrets(text.strip(), placeholder)


def exact_time(value: dt.datetime | None) -> str:
    """Local time to the second with its UTC offset: unambiguous for police and courts."""
    if value is None:
        return ""
    local = value.astimezone()
    offset = local.strftime("%z") or "+0000"
    return f"{local:%Y-%m-%d %H:%M:%S} UTC{offset[:3]}:{offset[3:]}"


def short_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone().date()
    return f"{value.day} {value:%B %Y}"


def human_size(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{size} bytes"
