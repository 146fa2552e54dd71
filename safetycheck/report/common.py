"""Reading a case for printing: which checks to show, in what order, and how times look.

Shared by both documents and free of reportlab.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safetycheck.case import Answer, Case, Status
from safetycheck.checklist import Check, Library, Topic
from safetycheck.report.scrub import scrub_secrets


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
    """The case's topics in the library's order, plus any topic holding an answer."""
    answered = set(case.answers)
    return [
        t for t in library.topics if t.id in case.topics or any(c.id in answered for c in t.checks)
    ]


def rows_by_topic(case: Case, library: Library) -> list[tuple[Topic | None, list[Row]]]:
    """Every check of every topic of the case, then answers whose check no longer exists.

    Answers to checks that were removed from the content are still printed
    (under their id), because the record must not lose what was found.
    """
    result: list[tuple[Topic | None, list[Row]]] = []
    known: set[str] = set()
    for topic in case_topics(case, library):
        rows = [Row(topic, c, c.id, case.answer(c.id)) for c in topic.checks]
        known.update(c.id for c in topic.checks)
        result.append((topic, rows))
    orphans = [
        Row(None, None, cid, a) for cid, a in sorted(case.answers.items()) if cid not in known
    ]
    if orphans:
        result.append((None, orphans))
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
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"
