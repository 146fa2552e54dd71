"""What the case service announces after a change, one small type per kind of change.

Listeners (the interface's Qt adapter, tests) get exactly what changed, so a view
redraws only its own part: an answer repaints one sidebar row, a new topic rebuilds
the sidebar, a new evidence entry refreshes the evidence lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import datetime as dt

    from safetycheck.case import Case


class _Event:
    """Frozen, compared and hashed by value, like a frozen dataclass.

    Not a dataclass: this module loads before the first window (the case service
    needs it), and the thirteen frozen dataclasses took about 4 ms to build there,
    each one compiling six methods (docs/performance.md, start-up).
    """

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _Event)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} cannot be changed")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} cannot be changed")


class AnswerChanged(_Event):
    """One answer or its note changed."""

    __slots__ = ("check_id",)
    check_id: str

    def __init__(self, check_id: str) -> None:
        object.__setattr__(self, "check_id", check_id)


class StepsChosen(_Event):
    """A make or version was chosen; every check offering the same choices follows it."""

    __slots__ = ("key",)
    key: str

    def __init__(self, key: str) -> None:
        object.__setattr__(self, "key", key)


class PlanLineChanged(_Event):
    """The line the safety plan prints for one answer changed."""

    __slots__ = ("check_id",)
    check_id: str

    def __init__(self, check_id: str) -> None:
        object.__setattr__(self, "check_id", check_id)


class TopicsChanged(_Event):
    """The checks the case covers changed: a topic was ticked or unticked, or an answer
    outside the ticked topics came or went (see ``safetycheck.scope``)."""

    __slots__ = ()


class EvidenceChanged(_Event):
    """Entries were added to the evidence log (by a person or a scan)."""

    __slots__ = ("entry_ids",)
    entry_ids: tuple[str, ...]

    def __init__(self, entry_ids: tuple[str, ...]) -> None:
        object.__setattr__(self, "entry_ids", entry_ids)


class ActionsChanged(_Event):
    """The action plan changed."""

    __slots__ = ()


class CaseChanged(_Event):
    """The open case's reference or details changed (not its answers, evidence or plan)."""

    __slots__ = ()


class CaseOpened(_Event):
    """Another case is open now; ``case`` is None when none is."""

    __slots__ = ("case",)
    case: Case | None

    def __init__(self, case: Case | None) -> None:
        object.__setattr__(self, "case", case)


class CasesChanged(_Event):
    """A case was created, renamed or deleted: a list of cases is out of date."""

    __slots__ = ()


class Saved(_Event):
    __slots__ = ("at",)
    at: dt.datetime

    def __init__(self, at: dt.datetime) -> None:
        object.__setattr__(self, "at", at)


class SaveFailed(_Event):
    """The change is still in memory; ``message`` is for the person."""

    __slots__ = ("message",)
    message: str

    def __init__(self, message: str) -> None:
        object.__setattr__(self, "message", message)


class ContentLoaded(_Event):
    """The checklists were read (their problems, if any, can now be shown)."""

    __slots__ = ()


class SettingsChanged(_Event):
    """Settings were changed and saved."""

    __slots__ = ()


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
