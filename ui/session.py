"""The open case and everything the interface may change, saved after every change.

Widgets never call the store directly: they call a :class:`Session` method,
which changes the case in memory and saves at once.  When a save fails the
change stays in memory, ``save_failed`` carries the store's plain message and
:meth:`save` can be called again ("Try again").  Nothing is ever dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from safetycheck.case import Action, Case, EvidenceEntry, Status
from safetycheck.case_topics import refresh_topics
from safetycheck.checklist import Check, Library, Topic
from safetycheck.settings import Settings, save_settings
from safetycheck.store import CaseStore, CaseSummary, StoreError


class Session(QObject):
    #: The case was written to disk (the time it was saved).
    saved = Signal(object)
    #: A save failed; the message is for the person.  The change is still in memory.
    save_failed = Signal(str)
    #: One answer changed (check id).
    answer_changed = Signal(str)
    #: Evidence, actions, topics or the reference changed.
    case_changed = Signal()
    #: A case was opened (or None when closed).
    case_opened = Signal(object)
    #: Settings were changed and saved.
    settings_changed = Signal()
    #: The checklists were read (their problems, if any, can now be shown).
    content_loaded = Signal()

    def __init__(
        self,
        store: CaseStore,
        library: Library | Callable[[], Library],
        settings: Settings,
        data_dir: Path,
    ) -> None:
        super().__init__()
        self.store = store
        self._library: Library | None = None
        self._load_library: Callable[[], Library] | None = None
        if isinstance(library, Library):
            self._set_library(library)
        else:
            self._load_library = library
        self.settings = settings
        self.data_dir = Path(data_dir)
        self.case: Case | None = None
        self.unsaved = False
        self._checks: list[tuple[Topic, Check]] | None = None

    # -- content -------------------------------------------------------------------

    @property
    def library(self) -> Library:
        """The checklists, read on first use: the case list can show before they are read."""
        if self._library is None:
            self._set_library(self._load_library())
            self.content_loaded.emit()
        return self._library

    def load_content(self) -> None:
        self.library  # noqa: B018 - reading it loads it

    @property
    def content_is_loaded(self) -> bool:
        return self._library is not None

    def _set_library(self, library: Library) -> None:
        self._library = library
        self.store.library = library  # progress in each saved header needs it

    # -- opening -----------------------------------------------------------------

    def list_cases(self) -> list[CaseSummary]:
        return self.store.list_cases()

    def open(self, case_id: str) -> Case:
        """Open a case (raises the store's errors, each with a plain message)."""
        self.library  # noqa: B018 - read the content before the case needs it
        self.flush()
        case = self.store.load(case_id)
        self._set_case(case)
        return case

    def restore_backup(self, case_id: str) -> Case:
        self.library  # noqa: B018 - read the content before the case needs it
        case = self.store.restore_backup(case_id)
        self._set_case(case)
        return case

    def create(self, reference: str | None = None) -> Case:
        self.library  # noqa: B018 - read the content before the case needs it
        self.flush()
        case = self.store.create(reference)
        self._set_case(case)
        return case

    def _set_case(self, case: Case | None) -> None:
        if case is not None:
            # A split topic (content second edition): choose topics again from the intake.
            # Kept in memory; the next saved change stores it, so opening writes nothing.
            refresh_topics(case, self.library)
        self.case = case
        self.unsaved = False
        self._checks = None
        self.case_opened.emit(case)

    def close_case(self) -> None:
        self.flush()
        self._set_case(None)

    def open_private_case(self) -> Case:
        """Someone on their own has one case: the newest readable one, or a new one."""
        for summary in self.store.list_cases():
            if summary.problem is None:
                try:
                    return self.open(summary.id)
                except StoreError:
                    continue
        return self.create()

    # -- saving --------------------------------------------------------------------

    def save(self) -> bool:
        if self.case is None:
            return True
        try:
            self.store.save(self.case)
        except (StoreError, OSError) as exc:
            self.unsaved = True
            self.save_failed.emit(str(exc) if isinstance(exc, StoreError) else _plain(exc))
            return False
        except Exception as exc:  # a fault of ours: still kept, still said, never a crash
            self.unsaved = True
            self.save_failed.emit(
                f"Your latest change could not be saved because of a fault in SafetyCheck "
                f"({type(exc).__name__}). Your earlier work is safe."
            )
            return False
        self.unsaved = False
        self.saved.emit(dt.datetime.now())
        return True

    def flush(self) -> bool:
        """Save if a change is waiting (after a failed save); used before quitting."""
        return self.save() if self.unsaved else True

    def save_settings(self) -> bool:
        try:
            save_settings(self.data_dir, self.settings)
        except OSError as exc:
            self.save_failed.emit(_plain(exc))
            return False
        self.settings_changed.emit()
        return True

    # -- reading the case ---------------------------------------------------------------

    def checks(self) -> list[tuple[Topic, Check]]:
        """Every (topic, check) the case covers, in the order they are shown."""
        if self._checks is None:
            chosen = set(self.case.topics) if self.case else set()
            self._checks = [
                (topic, check)
                for topic in self.library.topics
                if topic.id in chosen
                for check in topic.checks
            ]
        return self._checks

    def topics(self) -> list[Topic]:
        chosen = set(self.case.topics) if self.case else set()
        return [t for t in self.library.topics if t.id in chosen]

    # -- changes (each saves at once) --------------------------------------------------

    def set_answer(
        self, check_id: str, status: Status | None = None, note: str | None = None
    ) -> None:
        assert self.case is not None
        before = self.case.answer(check_id)
        old = (before.status, before.note)
        answer = self.case.set_answer(check_id, status, note)
        if (answer.status, answer.note) != old or self.unsaved:
            self.save()
        self.answer_changed.emit(check_id)

    def set_intake(self, chosen: list[str]) -> None:
        assert self.case is not None
        self.case.intake = list(chosen)
        self.case.topics = [t.id for t in self.library.topics_for(chosen)]
        self.case.touch()
        self._checks = None
        self.save()
        self.case_changed.emit()

    def rename(self, case_id: str, reference: str) -> None:
        self.library  # noqa: B018 - the saved header's progress needs the content
        reference = reference.strip()
        if not reference:
            return
        if self.case is not None and self.case.id == case_id:
            self.case.reference = reference
            self.save()
            self.case_changed.emit()
            return
        case = self.store.load(case_id)
        case.reference = reference
        self.store.save(case)

    def delete(self, case_id: str) -> list[str]:
        if self.case is not None and self.case.id == case_id:
            self._set_case(None)
        return self.store.delete(case_id)

    def add_evidence(
        self,
        what: str,
        where: str = "",
        check_id: str | None = None,
        file: Path | None = None,
        at: dt.datetime | None = None,
    ) -> EvidenceEntry:
        """Copy ``file`` into the case first (raises StoreError if it cannot be read)."""
        assert self.case is not None
        attachment = self.store.add_attachment(self.case, Path(file)) if file else None
        entry = self.case.add_evidence(what, where, check_id, attachment, at=at)
        self.save()
        self.case_changed.emit()
        return entry

    def add_action(
        self, what: str, who: str = "", by_when: str = "", check_id: str | None = None
    ) -> Action:
        assert self.case is not None
        action = self.case.add_action(what, who, by_when, check_id)
        self.save()
        self.case_changed.emit()
        return action

    def update_action(self, action_id: str, **changes: object) -> None:
        assert self.case is not None
        self.case.update_action(action_id, **changes)
        self.save()
        self.case_changed.emit()

    def remove_action(self, action_id: str) -> None:
        assert self.case is not None
        self.case.remove_action(action_id)
        self.save()
        self.case_changed.emit()

    def record_export(self, path: str) -> None:
        assert self.case is not None
        if path not in self.case.exported_files:
            self.case.exported_files.append(path)
        self.save()


def _plain(exc: OSError) -> str:
    return (
        f"A file could not be saved ({exc.strerror or exc}). Your earlier work is safe. "
        "Try again in a moment."
    )
