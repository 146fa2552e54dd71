"""The case service: the one door every change to a case goes through.

A person's action (an answer, a note, evidence, an action, a scan, an export, a new
passphrase) is a method here, for the interface and the command line alike.  Each
method changes the open case in memory, saves it at once through the store, and
then tells every listener what changed (``safetycheck.events``).  The interface's
``ui.session`` turns those events into Qt signals; it changes nothing itself.

When a save fails the change stays in memory: with ``retry_later`` (the interface)
a :class:`~safetycheck.events.SaveFailed` event carries the store's plain message
and :meth:`CaseWork.save` can be called again ("Try again"); without it (the
command line) the error is raised.  Nothing is ever dropped.

The service starts locked: :meth:`CaseWork.unlock` opens the data folder (with the
passphrase when it has one) and is the only unlock flow there is.  Call the service
from one thread; slow work (unlock, a passphrase change) may run on another while
nothing else calls it, and announces nothing.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safetycheck.durable import Platform, current_platform
from safetycheck.events import (
    ActionsChanged,
    AnswerChanged,
    CaseChanged,
    CaseOpened,
    CasesChanged,
    ContentLoaded,
    Event,
    EvidenceChanged,
    Listener,
    PlanLineChanged,
    Saved,
    SaveFailed,
    SettingsChanged,
    StepsChosen,
    TopicsChanged,
)
from safetycheck.settings import Settings

# The storage errors are the service's own vocabulary: callers catch them from here,
# never from the store (the interface may not import it).
from safetycheck.storage.errors import (
    CaseChangedError,
    CaseInUseError,
    CaseNotFoundError,
    CorruptCaseError,
    KeyFileChangedError,
    LockedError,
    RollbackError,
    SaveError,
    StoreError,
    plain_os_error,
)

# The case model, the scope rule and the evidence log are imported where they are first
# used (opening a case), not here: the window's frame, with Quick Exit, is drawn before
# they load (docs/performance.md, start-up).  tests/ui/test_ui_real_start.py checks it.
if TYPE_CHECKING:
    import datetime as dt

    from safetycheck.case import (
        Action,
        Answer,
        Attachment,
        Case,
        EvidenceEntry,
        ScanRecord,
        Status,
    )
    from safetycheck.checklist import Library
    from safetycheck.codec import Codec
    from safetycheck.evidence.bundle import BundleResult
    from safetycheck.evidence.capture import NewFile
    from safetycheck.evidence.check import LogCheck
    from safetycheck.evidence.manifest import Selection
    from safetycheck.scans import ScanReport
    from safetycheck.scope import Scope, ScopeRule
    from safetycheck.storage.summary import CaseSummary  # a type only: re-exported
    from safetycheck.store import CaseStore

__all__ = [
    "CaseChangedError",
    "CaseInUseError",
    "CaseNotFoundError",
    "CaseSummary",
    "CaseWork",
    "CorruptCaseError",
    "KeyFileChangedError",
    "LockedError",
    "RollbackError",
    "SaveError",
    "StoreError",
]


#: The name of the one private check of someone on their own (it prints on the documents).
PRIVATE_REFERENCE = "My check"


class CaseWork:
    def __init__(
        self,
        data_dir: Path,
        content: Library | Callable[[], Library],
        settings: Settings | None = None,
        *,
        store: CaseStore | None = None,
        retry_later: bool = False,
        platform: Platform | None = None,
        uid: int | None = None,
    ) -> None:
        """``content`` is the checklists, or a function that reads them when first needed
        (the case list can show before they are read).  ``store`` is an unlocked store;
        without one, call :meth:`unlock` first.  ``platform`` and ``uid`` let tests play
        another system or another account (``safetycheck.durable.Platform``)."""
        self.data_dir = Path(data_dir)
        self.platform = platform or (store.platform if store is not None else current_platform())
        self._uid = uid
        #: What the person should hear about the data folder before using it (plain
        #: sentences; ``safetycheck.storage.folder_safety``), once :meth:`check_folder` ran.
        self.folder_warnings: list[str] = []
        self._folder_checked = False
        #: The case this window holds the lock of (the open case).
        self._claimed: str | None = None
        self.settings = settings if settings is not None else Settings()
        self.retry_later = retry_later
        self.case: Case | None = None
        #: A change is in memory that could not be saved yet.
        self.unsaved = False
        self._store = store
        self._listeners: list[Listener] = []
        self._library: Library | None = None
        self._load_library: Callable[[], Library] | None = None
        self._rule: ScopeRule | None = None
        self._scope: tuple[int, Scope] | None = None
        self._changes = 0  # counts changes to the open case, so a cached scope knows it is old
        self._view: tuple[int, Scope] | None = None
        #: The person moved to another check since the last save (saved with the next one).
        self._place_unsaved = False
        if callable(content):
            self._load_library = content
        else:
            self._library = content

    # -- listening -------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, *events: Event) -> None:
        for event in events:
            for listener in list(self._listeners):
                listener(event)

    # -- the folder and its passphrase -----------------------------------------------------

    @property
    def is_protected(self) -> bool:
        from safetycheck.vault import is_protected

        return is_protected(self.data_dir)

    @property
    def is_unlocked(self) -> bool:
        return self._store is not None

    @property
    def store(self) -> CaseStore:
        """The unlocked store (for the core's own readers, such as PDF export)."""
        if self._store is None:
            raise LockedError()
        return self._store

    @property
    def codec(self) -> Codec:
        """How this folder seals what it keeps (plain when it has no passphrase): for the
        core's keepers of secrets outside the cases, such as an iPhone's pair record."""
        return self.store.codec

    def _seal_other_secrets(self) -> None:
        """After a passphrase is set or changed: what is kept outside the cases moves to the
        new key too.  The change itself is done by now, so a failure here is not reported
        as its failure: whatever was not sealed again is sealed when it is next read."""
        from safetycheck.iphone.pairing import seal_all

        with contextlib.suppress(OSError):
            seal_all(self.data_dir, self.codec)

    def unlock(self, passphrase: str | None) -> bool:
        """Open the data folder; ``passphrase`` is needed when it has one.

        A wrong passphrase raises a :class:`~safetycheck.vault.VaultError` before any case
        file is read or written.  Returns True when a passphrase change that had been cut
        off was finished on the way (the person should hear that the passphrase they just
        typed is the one from now on).
        """
        from safetycheck.passphrase import open_store

        self.check_folder()
        locks = self._store.locks if self._store is not None else None
        opened = open_store(self.data_dir, passphrase, platform=self.platform, locks=locks)
        self._store = opened.store
        return opened.finished_interrupted_change

    def check_folder(self) -> list[str]:
        """Whether the data folder is safe to use, before anything is read or written.

        Raises :class:`~safetycheck.storage.folder_safety.UnsafeFolderError` (a
        StoreError) for a folder of another account; returns (and keeps in
        :attr:`folder_warnings`) what to tell the person otherwise.  Checked once.
        """
        from safetycheck.storage.folder_safety import check_data_folder

        if not self._folder_checked:
            self.folder_warnings = check_data_folder(self.data_dir, self.platform, self._uid)
            self._folder_checked = True
        return self.folder_warnings

    def check_passphrase(self, passphrase: str) -> None:
        """Raise a VaultError unless ``passphrase`` opens this folder (after the idle lock)."""
        from safetycheck.vault import unlock

        unlock(self.data_dir, passphrase)

    def set_passphrase(self, new: str, *, kdf: dict[str, Any] | None = None) -> None:
        """Protect an unprotected folder: every file is encrypted before this returns."""
        from safetycheck.passphrase import set_passphrase

        self.flush()
        self._store = set_passphrase(self.store, new, kdf=kdf)
        self._seal_other_secrets()

    def change_passphrase(self, old: str, new: str, *, kdf: dict[str, Any] | None = None) -> None:
        """Change the passphrase; every file moves to a new key (``safetycheck.passphrase``)."""
        from safetycheck.passphrase import change_passphrase

        self.flush()
        self._store = change_passphrase(
            self.data_dir,
            old,
            new,
            kdf=kdf,
            platform=self.platform,
            locks=self._store.locks if self._store is not None else None,
        )
        self._seal_other_secrets()

    # -- content and scope -------------------------------------------------------------

    @property
    def library(self) -> Library:
        if self._library is None:
            assert self._load_library is not None
            self._library = self._load_library()
            self._emit(ContentLoaded())
        return self._library

    @property
    def content_is_loaded(self) -> bool:
        return self._library is not None

    def load_content(self) -> None:
        self.library  # noqa: B018 - reading it loads it

    @property
    def rule(self) -> ScopeRule:
        if self._rule is None:
            from safetycheck.scope import ScopeRule

            self._rule = ScopeRule(self.library)
        return self._rule

    def scope(self) -> Scope:
        """What the open case covers (see ``safetycheck.scope``); empty with no case open."""
        from safetycheck.scope import Scope

        if self.case is None:
            return Scope((), ())
        if self._scope is None or self._scope[0] != self._changes:
            self._scope = (self._changes, self.rule.scope(self.case))
        return self._scope[1]

    def view(self) -> Scope:
        """The checks the checks page walks: all of the scope, or the most important
        first (``safetycheck.essentials``).  Counting always uses :meth:`scope`."""
        from safetycheck.essentials import view
        from safetycheck.scope import Scope

        if self.case is None:
            return Scope((), ())
        if self._view is None or self._view[0] != self._changes:
            self._view = (self._changes, view(self.scope(), self.case))
        return self._view[1]

    def resume_at(self) -> str | None:
        """The check to reopen the case at: where the person was, if it is still shown;
        else the first one not answered yet; else the first (None: no checks)."""
        if self.case is None:
            return None
        checks = [c for _t, c in self.view().checks()]
        if not checks:
            return None
        if any(c.id == self.case.at_check for c in checks):
            return self.case.at_check
        return next((c.id for c in checks if not self.case.status(c.id).is_answered), checks[0].id)

    # -- cases -----------------------------------------------------------------------------

    def list_cases(self) -> list[CaseSummary]:
        """Every case, newest first, with counts by today's scope rule.

        The counts come from each file's header; a case whose counts were made against
        other checklists (content added or removed since) is read and counted again.
        """
        summaries = self.store.list_cases()
        rule = self.rule
        for summary in summaries:
            if summary.problem is None and not rule.counts_hold(summary.coverage):
                try:
                    summary.coverage = rule.coverage(self.store.read(summary.id))
                except StoreError:
                    pass  # opening it will say what is wrong
        return summaries

    def find(self, reference: str) -> list[CaseSummary]:
        """Cases whose reference matches, exactly first, then ones that contain it."""
        wanted = reference.strip().casefold()
        cases = self.list_cases()
        exact = [s for s in cases if s.reference.casefold() == wanted]
        if exact:
            return exact
        return [s for s in cases if wanted in s.reference.casefold()] + [
            s for s in cases if s.id == wanted
        ]

    def open(self, case_id: str) -> Case:
        """Open a case (raises the store's errors, each with a plain message).

        The case is this window's until it closes (``storage.caselock``): open in another
        window or command, it raises ``CaseInUseError`` before anything is read.
        """
        self.load_content()
        self.flush()
        return self._open_with(case_id, self.store.load)

    def restore_backup(self, case_id: str) -> Case:
        self.load_content()
        return self._open_with(case_id, self.store.restore_backup)

    def open_older_copy(self, case_id: str) -> Case:
        """Open a case that is older than its last save, because the person chose to
        (``RollbackError``): from now on it is the case's latest save."""
        self.load_content()
        self.flush()
        return self._open_with(case_id, self.store.open_older_copy)

    def _open_with(self, case_id: str, opener: Callable[[str], Case]) -> Case:
        self._claim(case_id)
        try:
            case = opener(case_id)
        except BaseException:
            if self._claimed != case_id:
                self.store.locks.release(case_id)
            raise
        self._set_case(case)
        return case

    def _claim(self, case_id: str) -> None:
        """This window's hold on ``case_id`` (kept until another case is opened or closed)."""
        if self._claimed != case_id:
            self.store.locks.claim(case_id)

    def let_go(self) -> None:
        """Let another window open the case this one has open (this window is closing).

        Everything is saved first; nothing is announced.  A later change here takes the
        case's lock again while it saves, and says so if someone else has it.
        """
        self.flush()
        if self._store is not None:
            self._store.locks.release_all()
        self._claimed = None

    def create(self, reference: str | None = None) -> Case:
        from safetycheck.case import Case

        self.load_content()
        self.flush()
        case = Case.new(reference)
        self._claim(case.id)
        try:
            self.store.save(case, self.rule.coverage(case))
        except BaseException:
            self.store.locks.release(case.id)
            raise
        self._set_case(case)
        self._emit(CasesChanged())
        return case

    def save_new(self, case: Case) -> None:
        """Save a case built elsewhere (the demo case), without opening it."""
        self._stamp_versions(case, self.rule.scope(case))
        self.store.save(case, self.rule.coverage(case))
        self._emit(CasesChanged())

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
        # Not "Case 7F3K": someone on their own has no case list and no client.
        return self.create(PRIVATE_REFERENCE)

    def rename(self, case_id: str, reference: str) -> None:
        from safetycheck.user_text import one_line

        reference = one_line(reference)
        if not reference:
            return
        if self.case is not None and self.case.id == case_id:
            self.case.reference = reference
            self._commit(CaseChanged(), CasesChanged())
            return
        case = self.store.load(case_id)
        case.reference = reference
        self.store.save(case, self.rule.coverage(case))
        self._emit(CasesChanged())

    def delete(self, case_id: str) -> list[str]:
        """Delete a case and everything of it; returns the PDFs it exported."""
        exported = self.store.delete(case_id)
        if self.case is not None and self.case.id == case_id:
            self.unsaved = False  # nothing to keep: it is deleted
            self._set_case(None)
        self._emit(CasesChanged())
        return exported

    def _set_case(self, case: Case | None) -> None:
        from safetycheck.case_topics import refresh_topics

        if case is not None:
            # A split topic (content second edition): choose topics again from the intake.
            # Kept in memory; the next saved change stores it, so opening writes nothing.
            refresh_topics(case, self.library)
        new_claim = case.id if case is not None else None
        if self._claimed is not None and self._claimed != new_claim and self._store is not None:
            self._store.locks.release(self._claimed)
        self._claimed = new_claim
        self.case = case
        self.unsaved = False
        self._place_unsaved = False
        self._changes += 1
        self._emit(CaseOpened(case))

    # -- saving ------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the open case now; False (with a SaveFailed event) when it could not be."""
        from safetycheck.app_use import current_use
        from safetycheck.case import Coverage

        case = self.case
        if case is None:
            return True
        scope = self.scope()
        self._stamp_versions(case, scope)
        case.note_use(current_use(self.settings))
        try:
            # The open case's scope is cached: counting it is the only per-save cost.
            self.store.save(case, Coverage(scope.progress(case), self.rule.rule))
        except Exception as exc:
            self.unsaved = True
            if not self.retry_later:
                raise
            if isinstance(exc, StoreError):
                message = str(exc)
            elif isinstance(exc, OSError):
                message = plain_os_error(exc)
            else:  # a fault of ours: still kept, still said, never a crash
                message = (
                    "Your latest change could not be saved because of a fault in SafetyCheck "
                    f"({type(exc).__name__}). Your earlier work is safe."
                )
            self._emit(SaveFailed(message))
            return False
        self.unsaved = False
        self._place_unsaved = False
        import datetime as dt  # not loaded before the first window

        self._emit(Saved(dt.datetime.now()))
        return True

    def flush(self) -> bool:
        """Save if a change is waiting (after a failed save, or a move to another check);
        used before quitting, closing a case or changing page."""
        return self.save() if self.unsaved or self._place_unsaved else True

    def save_settings(self) -> bool:
        from safetycheck.settings import save_settings

        try:
            save_settings(self.data_dir, self.settings)
        except OSError as exc:
            if not self.retry_later:
                raise
            self._emit(SaveFailed(plain_os_error(exc, self.data_dir)))
            return False
        self._emit(SettingsChanged())
        return True

    def _commit(self, *events: Event) -> bool:
        self._changes += 1
        saved = self.save()
        self._emit(*events)
        return saved

    def _stamp_versions(self, case: Case, scope: Scope) -> None:
        """Note which review of each checklist the case was answered against."""
        for part in scope.topics:
            case.checklist_versions[part.topic.id] = part.topic.reviewed.isoformat()

    def _open_case(self) -> Case:
        if self.case is None:
            raise RuntimeError("no case is open")
        return self.case

    # -- where the person is ---------------------------------------------------------------

    def set_place(self, check_id: str) -> None:
        """The person is on this check now.  Kept in memory and saved with the next save
        (a change, a page change, closing the case, Quick Exit): moving through checks
        does not write the file each time, and a killed app loses only the place."""
        case = self._open_case()
        if case.at_check != check_id:
            case.at_check = check_id
            self._place_unsaved = True

    def show_checks(self, shown: str) -> None:
        """Walk the most important checks first ("essentials") or every check ("all")."""
        from safetycheck.essentials import SHOWN

        if shown not in SHOWN:
            raise ValueError(f"unknown choice of checks: {shown!r}")
        case = self._open_case()
        if case.checks_shown != shown:
            case.checks_shown = shown
            self._commit(TopicsChanged())

    def choose_steps(self, check_id: str, label: str) -> None:
        """Remember the make or version chosen on this check, for every check that offers
        the same choices (``safetycheck.steps_choice``)."""
        from safetycheck.steps_choice import choice_key

        case = self._open_case()
        check = self.library.check(check_id)
        if check is None or label not in [v.label for v in check.variants]:
            return
        key = choice_key(check)
        if key and case.steps_chosen.get(key) != label:
            case.steps_chosen[key] = label
            self._commit(StepsChosen(key))

    # -- changes to the open case (each saves at once) -----------------------------------------

    def set_answer(
        self, check_id: str, status: Status | None = None, note: str | None = None
    ) -> Answer:
        from safetycheck.scope import holds_something

        case = self._open_case()
        before = case.answers.get(check_id)
        old = (before.status, before.note, before.steps) if before else None
        held = before is not None and holds_something(before)
        answer = case.set_answer(check_id, status, note)
        if status is not None:
            answer.steps = self._steps_shown(check_id)
        if (answer.status, answer.note, answer.steps) == old and not self.unsaved:
            return answer
        events: list[Event] = [AnswerChanged(check_id)]
        if holds_something(answer) != held and not self._always_shown(check_id):
            events.append(TopicsChanged())
        self._commit(*events)
        return answer

    def set_plan_line(self, check_id: str, text: str) -> Answer:
        """The line the safety plan prints for this answer, written for the client.

        The plan never prints a case note; this is what it says instead.
        """
        from safetycheck.scope import holds_something

        case = self._open_case()
        before = case.answers.get(check_id)
        old = before.plan_line if before else None
        held = before is not None and holds_something(before)
        answer = case.set_plan_line(check_id, text)
        if answer.plan_line == old and not self.unsaved:
            return answer
        events: list[Event] = [PlanLineChanged(check_id)]
        if holds_something(answer) != held and not self._always_shown(check_id):
            events.append(TopicsChanged())
        self._commit(*events)
        return answer

    def _steps_shown(self, check_id: str) -> str:
        from safetycheck.steps_choice import chosen_label

        check = self.library.check(check_id)
        return chosen_label(self._open_case(), check) if check is not None else ""

    def _always_shown(self, check_id: str) -> bool:
        """Whether the check is on the checks page whatever it holds: in a ticked topic,
        and essential when only the most important checks are shown."""
        from safetycheck.essentials import ESSENTIALS

        case = self._open_case()
        check = self.library.check(check_id)
        if check is None or check.topic_id not in case.topics:
            return False
        return check.essential or case.checks_shown != ESSENTIALS

    def scope_with_intake(self, chosen: Collection[str], shown: str) -> Scope:
        """What the open case would walk with these answers to "What you have" and this
        choice of checks (``essentials.ALL`` or ``ESSENTIALS``), changing nothing.

        "What you have" offers its counts before anything is saved; counting them with
        the same rule as the checks page keeps "82 checks" there from becoming "74" here.
        """
        import datetime as dt

        from safetycheck.case import Case
        from safetycheck.essentials import view

        now = dt.datetime.now(dt.UTC)
        trial = copy.copy(self.case) if self.case else Case("", "", now, now)
        trial.intake = list(chosen)
        trial.topics = [t.id for t in self.library.topics_for(chosen)]
        trial.checks_shown = shown
        return view(self.rule.scope(trial), trial)

    def set_intake(self, chosen: Collection[str]) -> None:
        """The person's answers to "What you have": the topics follow from them."""
        case = self._open_case()
        case.intake = list(chosen)
        case.topics = [t.id for t in self.library.topics_for(chosen)]
        case.touch()
        self._commit(TopicsChanged())

    def add_evidence(
        self,
        what: str,
        where: str = "",
        check_id: str | None = None,
        file: Path | None = None,
        at: dt.datetime | None = None,
        source: str = "person",
        *,
        files: Sequence[Path | str | NewFile] = (),
        how: str | None = None,
        by: str | None = None,
    ) -> EvidenceEntry:
        """Copy the files into the case first, all or none (StoreError if one cannot be).

        ``source`` names the scan that produced the entry (e.g. a connection log the
        computer scan found); "person" when someone added it by hand.  ``how`` and ``by``
        say how each file was captured and by whom (a NewFile may say its own); ``by``
        defaults to who uses the app (the advisor, or the person on their own).
        """
        from safetycheck.evidence.files import as_new_files, copy_in
        from safetycheck.evidence.log import SCAN_RESULT

        case = self._open_case()
        by = self.default_by() if by is None else by
        how = (SCAN_RESULT if source != "person" else "") if how is None else how
        chosen = as_new_files([*([file] if file is not None else []), *files], how, by)
        attachments = copy_in(self.store, case, chosen)
        entry = case.add_evidence(
            what, where, check_id, source=source, at=at, attachments=attachments, how=how, by=by
        )
        self._commit(EvidenceChanged((entry.id,)))
        return entry

    def default_by(self) -> str:
        """Who is recording: the advisor in advisor mode, else the person themselves."""
        from safetycheck.settings import MODE_ADVISOR

        return "advisor" if self.settings.mode == MODE_ADVISOR else "person"

    def correct_evidence(
        self,
        entry_id: str,
        what: str | None = None,
        where: str | None = None,
        *,
        at: dt.datetime | None = None,
        note: str = "",
        add_files: Sequence[Path | str | NewFile] = (),
        remove_files: Collection[str] = (),
        how: str = "",
    ) -> EvidenceEntry:
        """Record a correction as a new revision of the entry; the original stays.

        ``add_files`` are copied in (all or none); ``remove_files`` (stored names) leave
        the new version only: the versions before still hold them, nothing is destroyed.
        """
        from safetycheck.evidence.files import as_new_files, copy_in

        case = self._open_case()
        entry = case.evidence_entry(entry_id)
        if entry.is_deleted or entry.is_withdrawn:
            raise ValueError("This entry was withdrawn or deleted; it cannot be corrected.")
        by = self.default_by()
        added = copy_in(self.store, case, as_new_files(add_files, how, by))
        kept = [a for a in entry.attachments if a.stored_as not in set(remove_files)]
        revised = case.revise_evidence(
            entry_id, what=what, where=where, at=at, note=note, attachments=kept + added, by=by
        )
        self._commit(EvidenceChanged((entry_id,)))
        return revised

    def withdraw_evidence(self, entry_id: str, reason: str) -> EvidenceEntry:
        """Withdraw an entry with the reason: kept in the log and the record, marked."""
        entry = self._open_case().withdraw_evidence(entry_id, reason, self.default_by())
        self._commit(EvidenceChanged((entry_id,)))
        return entry

    def delete_evidence_for_good(self, entry_id: str) -> list[str]:
        """Destroy an entry's files and erase its content; the log keeps a dated line.

        Saved twice, so the backup copy of the case file no longer holds it either,
        then the files are overwritten and removed.  Returns the documents exported
        before (they may still show it: the person is told to delete them too).
        """
        case = self._open_case()
        files = case.delete_evidence_for_good(entry_id, self.default_by())
        self._commit(EvidenceChanged((entry_id,)))
        self.save()  # the .bak is now the copy without it too
        self.store.forget_older_copies(case.id)
        for attachment in files:
            self.store.destroy_attachment(case, attachment)
        return list(case.exported_files)

    def check_evidence(
        self,
        *,
        files: bool = True,
        case: Case | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> LogCheck:
        """Is the evidence log (and every file, with ``files``) as it was recorded?

        Reads only, so it may run on another thread given ``case``, a copy of the open
        case taken on the service's thread (hashing files can take a while).
        ``should_stop()`` is asked before each piece of a file is read; when it says yes
        the check ends with :class:`~safetycheck.evidence.check.CheckStopped`.
        """
        from safetycheck.evidence.check import CheckStopped, check_log

        case = case or self._open_case()
        read = None
        if files:
            store = self.store

            def read(attachment: Attachment) -> Iterator[bytes]:
                for piece in store.attachment_chunks(case, attachment):
                    if should_stop is not None and should_stop():
                        raise CheckStopped()
                    yield piece

        if should_stop is not None and should_stop():
            raise CheckStopped()
        return check_log(case.id, case.evidence_log, case.stored_head, read)

    def add_action(
        self, what: str, who: str = "", by_when: str = "", check_id: str | None = None
    ) -> Action:
        action = self._open_case().add_action(what, who, by_when, check_id)
        self._commit(ActionsChanged())
        return action

    def update_action(self, action_id: str, **changes: object) -> Action:
        action = self._open_case().update_action(action_id, **changes)
        self._commit(ActionsChanged())
        return action

    def remove_action(self, action_id: str) -> None:
        self._open_case().remove_action(action_id)
        self._commit(ActionsChanged())

    def record_scan(self, report: ScanReport, keep: Collection[int] | None = None) -> ScanRecord:
        """Record a scan: its summary and the leads the person kept become evidence entries.

        ``keep`` holds the positions in ``report.leads`` of the leads to record (all of
        them when None).  Answers are left alone on purpose: the person confirms each
        check themselves.  Returns the scan's record in the case.
        """
        from safetycheck.case import ScanRecord
        from safetycheck.case import new_id as _new_id
        from safetycheck.settings import MODE_SELF

        if self.settings.mode == MODE_SELF:  # the log keeps the words the person was shown
            from safetycheck.self_wording import scan_alone

            report = scan_alone(report)
        case = self._open_case()
        by = self.default_by()
        chosen = range(len(report.leads)) if keep is None else sorted(set(keep))
        entries = [
            case.add_evidence(
                report.summary,
                report.where,
                check_id=report.summary_check_id,
                source=report.source,
                at=report.scanned_at,
                by=by,
            )
        ]
        for index in chosen:
            lead = report.leads[index]
            entries.append(
                case.add_evidence(
                    lead.what,
                    report.where,
                    check_id=lead.check_id,
                    source=report.source,
                    at=report.scanned_at,
                    by=by,
                )
            )
        record = ScanRecord(
            id=_new_id(),
            source=report.source,
            at=report.scanned_at,
            device=report.device,
            summary=report.summary,
            findings=len(report.leads),
            evidence_ids=[e.id for e in entries],
            problems=list(report.problems),
            details=dict(report.details),
        )
        case.scans.append(record)
        self._commit(EvidenceChanged(tuple(e.id for e in entries)))
        return record

    def export_document(
        self,
        kind: str,
        path: str | Path,
        *,
        leave_out_details: bool = False,
        for_police: bool = False,
        page_size: str | None = None,
        progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Path:
        """Make a PDF of the open case and note it in the case, as one step.

        The note lets deleting the case offer to delete the PDF, so both happen or
        neither: the document is made in memory, the note saved, then the file written;
        if the file cannot be written the note is taken back.  Without ``retry_later``
        (the command line) a case that cannot be saved (a read-only data folder, a case
        another program holds) stops the export before anything is written; in the app
        the note waits in memory like any unsaved change.  Raises ReportError or the
        store's error, each with a plain message.  ``for_police``, ``progress`` and
        ``cancel`` are ``export_pdf``'s (a cancelled export raises ExportCancelled and
        notes and writes nothing).
        """
        from safetycheck.report.export import prepare_export

        case = self._open_case()
        target, data = prepare_export(
            case,
            self.library,
            self.settings,
            kind,
            path,
            leave_out_details=leave_out_details,
            for_police=for_police,
            attachments=self,
            page_size=page_size,
            progress=progress,
            cancel=cancel,
        )
        self.keep_document(target, data)
        return target

    def keep_document(self, target: Path, data: bytes) -> None:
        """Note a made PDF in the open case, then write it: both happen or neither.

        The app makes the PDF in the background (``ui.export_dialog``) and calls this on
        the GUI thread once it is ready; :meth:`export_document` does both in one step.
        """
        from safetycheck.report.export import save_pdf

        case = self._open_case()
        name = str(target.resolve())
        noted = name not in case.exported_files
        if noted:
            case.exported_files.append(name)
            try:
                self._commit(CaseChanged())
            except Exception:
                case.exported_files.remove(name)
                raise
        try:
            save_pdf(target, data)
        except Exception:
            if noted:
                case.exported_files.remove(name)
                with contextlib.suppress(Exception):  # the file is not there either way
                    self._commit(CaseChanged())
            raise

    def record_export(self, path: str | Path) -> None:
        """Note an exported PDF, so that deleting the case can offer to delete it too."""
        case = self._open_case()
        name = str(Path(path).resolve())
        if name not in case.exported_files:
            case.exported_files.append(name)
            self._commit(CaseChanged())

    # -- reading -------------------------------------------------------------------------------

    def export_evidence(
        self,
        target: str | Path,
        selection: Selection | None = None,
        *,
        case: Case | None = None,
        passphrase: str | None = None,
        page_size: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        for_police: bool = True,
    ) -> BundleResult:
        """Write an evidence bundle of the open case (``safetycheck.evidence.bundle``).

        ``for_police`` (the default) puts the police copy of the case record in it: a
        bundle is for handing over, and what is handed over may be disclosed in court.

        Reads only (the files a piece at a time), so it may run on another thread, given
        ``case``, a copy of the open case taken on the service's thread; call
        :meth:`record_export` afterwards, on that thread, with the bundle's path.
        """
        from safetycheck.evidence import record_helper
        from safetycheck.evidence.bundle import export_bundle
        from safetycheck.report.export import default_page_size, refuse_text_too_long_to_print

        case = case or self._open_case()
        library, settings = self.library, self.settings
        size = page_size or default_page_size(settings)

        def record(shown: Case) -> record_helper.RecordMaker:
            # Laid out in a helper process while the files stream, each entry as its
            # files' thumbnails are made from the streamed bytes: none is read again.
            refuse_text_too_long_to_print(shown)  # before a single file streams
            job = record_helper.RecordJob(shown, library, settings, for_police, size)
            return record_helper.start(job, self)

        return export_bundle(
            case,
            target,
            record=record,
            read=self.store.attachment_chunks,
            data_dir=self.data_dir,
            selection=selection,
            passphrase=passphrase,
            progress=progress,
            should_stop=should_stop,
            for_police=for_police,
        )

    def read_attachment(self, case: Case, attachment: Attachment) -> bytes:
        return self.store.read_attachment(case, attachment)

    def attachment_chunks(self, case: Case, attachment: Attachment) -> Iterator[bytes]:
        """A file a piece at a time (for copying or checking files of any size)."""
        return self.store.attachment_chunks(case, attachment)
