"""The case service's events as Qt signals: the interface's thin adapter to the core.

Widgets change a case only through the service (``session.work``, a
:class:`safetycheck.casework.CaseWork`), which saves at once and announces what
changed; this object turns each announcement into a Qt signal, so a view
connects to exactly the change it shows.  It changes nothing itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from safetycheck import events

if TYPE_CHECKING:
    from pathlib import Path

    from safetycheck.case import Case
    from safetycheck.casework import CaseWork
    from safetycheck.checklist import Check, Library, Topic
    from safetycheck.scope import Scope
    from safetycheck.settings import Settings


class Session(QObject):
    #: The case was written to disk (the time it was saved).
    saved = Signal(object)
    #: A save failed; the message is for the person.  The change is still in memory.
    save_failed = Signal(str)
    #: One answer changed (check id).
    answer_changed = Signal(str)
    #: The safety plan's line for one answer changed (check id).
    plan_line_changed = Signal(str)
    #: The checks the case covers changed: the sidebar must be rebuilt.
    topics_changed = Signal()
    #: Entries were added to the evidence log.
    evidence_changed = Signal()
    #: The action plan changed.
    actions_changed = Signal()
    #: The open case's reference or details changed.
    case_changed = Signal()
    #: A case was opened (or None when closed).
    case_opened = Signal(object)
    #: A case was created, renamed or deleted.
    cases_changed = Signal()
    #: Settings were changed and saved.
    settings_changed = Signal()
    #: The checklists were read (their problems, if any, can now be shown).
    content_loaded = Signal()
    #: A make or version was chosen (the key of the choices it belongs to).
    steps_chosen = Signal(str)

    def __init__(self, work: CaseWork, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work = work
        work.subscribe(self._relay)

    def _relay(self, event: events.Event) -> None:
        match event:
            case events.AnswerChanged(check_id=check_id):
                self.answer_changed.emit(check_id)
            case events.PlanLineChanged(check_id=check_id):
                self.plan_line_changed.emit(check_id)
            case events.TopicsChanged():
                self.topics_changed.emit()
            case events.EvidenceChanged():
                self.evidence_changed.emit()
            case events.ActionsChanged():
                self.actions_changed.emit()
            case events.CaseChanged():
                self.case_changed.emit()
            case events.CaseOpened(case=case):
                self.case_opened.emit(case)
            case events.CasesChanged():
                self.cases_changed.emit()
            case events.Saved(at=at):
                self.saved.emit(at)
            case events.SaveFailed(message=message):
                self.save_failed.emit(message)
            case events.ContentLoaded():
                self.content_loaded.emit()
            case events.SettingsChanged():
                self.settings_changed.emit()
            case events.StepsChosen(key=key):
                self.steps_chosen.emit(key)

    # -- what the views read -----------------------------------------------------------

    @property
    def case(self) -> Case | None:
        return self.work.case

    @property
    def settings(self) -> Settings:
        return self.work.settings

    @property
    def data_dir(self) -> Path:
        return self.work.data_dir

    @property
    def library(self) -> Library:
        return self.work.library

    @property
    def content_is_loaded(self) -> bool:
        return self.work.content_is_loaded

    def scope(self) -> Scope:
        return self.work.scope()

    def view(self) -> Scope:
        """What the checks page walks (every check, or the most important first)."""
        return self.work.view()

    def checks(self) -> list[tuple[Topic, Check]]:
        """Every check the checks page walks, in the order they are shown."""
        return self.work.view().checks()


def for_mode(session: Session, text: str) -> str:
    """``text`` as this person reads it: someone checking alone has no advisor, so the words
    name a support service, as the check page and the plan do (``safetycheck.self_wording``)."""
    from safetycheck.settings import MODE_SELF

    if session.settings.mode != MODE_SELF:
        return text
    from safetycheck.self_wording import alone

    return alone(text)
