"""What the case service announces after a change, one small type per kind of change.

Listeners (the interface's Qt adapter, tests) get exactly what changed, so a view
redraws only its own part: an answer repaints one sidebar row, a new topic rebuilds
the sidebar, a new evidence entry refreshes the evidence lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safetycheck.case import Case


@dataclass(frozen=True)
class AnswerChanged:
    """One answer or its note changed."""

    check_id: str


@dataclass(frozen=True)
class StepsChosen:
    """A make or version was chosen; every check offering the same choices follows it."""

    key: str


@dataclass(frozen=True)
class PlanLineChanged:
    """The line the safety plan prints for one answer changed."""

    check_id: str


@dataclass(frozen=True)
class TopicsChanged:
    """The checks the case covers changed: a topic was ticked or unticked, or an answer
    outside the ticked topics came or went (see ``safetycheck.scope``)."""


@dataclass(frozen=True)
class EvidenceChanged:
    """Entries were added to the evidence log (by a person or a scan)."""

    entry_ids: tuple[str, ...]


@dataclass(frozen=True)
class ActionsChanged:
    """The action plan changed."""


@dataclass(frozen=True)
class CaseChanged:
    """The open case's reference or details changed (not its answers, evidence or plan)."""


@dataclass(frozen=True)
class CaseOpened:
    """Another case is open now; ``case`` is None when none is."""

    case: Case | None


@dataclass(frozen=True)
class CasesChanged:
    """A case was created, renamed or deleted: a list of cases is out of date."""


@dataclass(frozen=True)
class Saved:
    at: dt.datetime


@dataclass(frozen=True)
class SaveFailed:
    """The change is still in memory; ``message`` is for the person."""

    message: str


@dataclass(frozen=True)
class ContentLoaded:
    """The checklists were read (their problems, if any, can now be shown)."""


@dataclass(frozen=True)
class SettingsChanged:
    """Settings were changed and saved."""


Event = (
    AnswerChanged
    | PlanLineChanged
    | TopicsChanged
    | EvidenceChanged
    | ActionsChanged
    | CaseChanged
    | CaseOpened
    | CasesChanged
    | Saved
    | SaveFailed
    | ContentLoaded
    | SettingsChanged
    | StepsChosen
)

Listener = Callable[[Event], None]
