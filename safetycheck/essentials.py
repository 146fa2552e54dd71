"""The most important checks first: an appointment is about an hour, every check is not.

A client with a phone, a computer and their accounts has around 70 checks at 2-4
minutes each.  The content marks the checks that matter most (``essential``) and how
long each takes (``minutes``).  A case can show only those ("essentials"): the checks
page walks them, topic by topic, and the rest follow in a later session ("all").
Counting is not changed by this: the case list and both documents count every check
of the case (``safetycheck.scope``), so nothing left for later is called done.

A check that already holds an answer or a note stays in view in either mode, so
choosing "most important first" never hides something the person wrote.
"""

from __future__ import annotations

from collections.abc import Iterable

from safetycheck.case import Case
from safetycheck.checklist import Check
from safetycheck.scope import Scope, TopicScope, holds_something

ALL = "all"
ESSENTIALS = "essentials"
SHOWN = (ALL, ESSENTIALS)

#: An appointment with a client: offered "most important first" when every check is longer.
APPOINTMENT_MINUTES = 60
#: A check whose file gives no time (the UI tests' small content) counts this much.
DEFAULT_MINUTES = 3


def view(scope: Scope, case: Case) -> Scope:
    """The checks the checks page walks, by the case's choice (``Case.checks_shown``)."""
    if case.checks_shown != ESSENTIALS:
        return scope
    topics: list[TopicScope] = []
    for part in scope.topics:
        checks = tuple(c for c in part.checks if c.essential or _holds(case, c))
        if checks:
            topics.append(TopicScope(part.topic, checks, part.chosen))
    return Scope(tuple(topics), scope.retired)


def _holds(case: Case, check: Check) -> bool:
    answer = case.answers.get(check.id)
    return answer is not None and holds_something(answer)


def minutes(checks: Iterable[Check]) -> int:
    return sum(c.minutes or DEFAULT_MINUTES for c in checks)


def minutes_left(case: Case, checks: Iterable[Check]) -> int:
    """The time the checks not answered yet should take."""
    return minutes(c for c in checks if not case.status(c.id).is_answered)


def essential_checks(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if c.essential]


def suggested(every_check_minutes: int, essential_minutes: int) -> str:
    """Most important first when every check would not fit one appointment."""
    if essential_minutes and every_check_minutes > APPOINTMENT_MINUTES:
        return ESSENTIALS
    return ALL


def duration(total: int) -> str:
    """Plain words for a time: "1 minute", "about 25 minutes", "about 1 hour 10 minutes"."""
    if total <= 0:
        return "no time"
    if total == 1:
        return "1 minute"
    if total < 60:
        return f"about {total} minutes"
    hours, rest = divmod(total, 60)
    # Round to 5 minutes: an estimate over an hour is not exact to the minute.
    rest = 5 * round(rest / 5)
    if rest == 60:
        hours, rest = hours + 1, 0
    hour_text = "1 hour" if hours == 1 else f"{hours} hours"
    return f"about {hour_text}" + (f" {rest} minutes" if rest else "")
