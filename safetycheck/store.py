"""Case storage: one file per case, saved atomically on every change.

:class:`CaseStore` is the storage layer's one entry point; its parts live in
``safetycheck.storage`` (folder layout, file format, crash recovery, attachments,
re-encryption), each with one job.  The store keeps what it is given: the counts
shown in the case list come from the scope rule (``safetycheck.scope``), handed in
with each save, because the store does not know the checklists.

Nothing outside the core calls the store: the case service (``safetycheck.casework``)
does, for the interface and the command line alike.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from safetycheck.case import Attachment, Case, Coverage, Progress
from safetycheck.codec import Codec, KeyMissingError, PlainCodec
from safetycheck.durable import Platform, current_platform, write_atomic
from safetycheck.schema import SCHEMA_VERSION, NewerSchemaError, upgrade
from safetycheck.storage import attachments, casefile, recovery, reencrypt
from safetycheck.storage.caselock import CaseLocks
from safetycheck.storage.errors import (
    CaseChangedError,
    CaseInUseError,
    CaseNotFoundError,
    CorruptCaseError,
    KeyFileChangedError,
    LockedError,
    MissingKeyFileError,
    RollbackError,
    SaveError,
    StoreError,
    plain_os_error,
    saving,
)
from safetycheck.storage.folder import SNIFF_BYTES, CaseFolder, holds_sealed_files
from safetycheck.storage.ledger import SaveLedger, is_older
from safetycheck.storage.summary import CaseSummary
from safetycheck.vault import KeyFileWatch, has_key_file

#: Shown in the case list for a case whose file is older than its last save.
ROLLBACK = (
    "This is an older copy of the case than the one SafetyCheck last saved. Open it to "
    "see what you can do."
)

__all__ = [
    "CaseChangedError",
    "CaseInUseError",
    "CaseNotFoundError",
    "CaseStore",
    "CaseSummary",
    "CorruptCaseError",
    "KeyFileChangedError",
    "LockedError",
    "RollbackError",
    "SaveError",
    "StoreError",
]


class _MustWrite(Exception):
    """Opening this case needs a write: do it again holding the case's lock."""


class CaseStore:
    def __init__(
        self,
        data_dir: Path,
        *,
        codec: Codec | None = None,
        platform: Platform | None = None,
        accept_plain: bool = False,
        locks: CaseLocks | None = None,
        key_file: bytes | None = None,
    ) -> None:
        """``accept_plain``: read plaintext files in a protected folder (only while a first
        passphrase is being set, to seal them; see ``casefile.Codecs``).  ``locks``: the
        case locks of the window this store works for (``storage.caselock``).
        ``key_file``: the bytes of the ``vault.json`` this store was unlocked from; it
        saves only while that key file is in place (``vault.KeyFileWatch``)."""
        self.data_dir = Path(data_dir)
        self.codec: Codec = codec or PlainCodec()
        self.platform = platform or current_platform()
        self.folder = CaseFolder(self.data_dir, self.platform)
        self.cases_dir = self.folder.cases_dir
        self.attachments_dir = self.folder.attachments_dir
        self.damaged_dir = self.folder.damaged_dir
        self.locks = locks or CaseLocks(self.folder.locks_dir, self.platform)
        self._codecs = casefile.Codecs(self.codec, accept_plain=accept_plain)
        self._writer = casefile.CaseFileWriter()
        self._keyed = self.codec.name != PlainCodec.name
        self._key_file = KeyFileWatch(self.data_dir, key_file) if self._keyed else None
        self._ledger = (
            SaveLedger(self.data_dir, self.codec, self.locks, self.platform)
            if self._keyed
            else None
        )
        #: The save of each case this store last read or wrote: a save over any other
        #: one would undo someone else's work (``CaseChangedError``).
        self._seen: dict[str, casefile.Revision | None] = {}

    def path_for(self, case_id: str) -> Path:
        return self.folder.case_path(case_id)

    def backup_for(self, path: Path) -> Path:
        return self.folder.backup_for(path)

    def _prepare(self, folder: Path | None = None, case_file: Path | None = None) -> None:
        """What every write checks first: never plaintext in a protected folder, never
        keys that another window has replaced."""
        if self._key_file is not None:
            self._key_file.check()
        elif has_key_file(self.data_dir):
            # A store without keys (an interface that forgot to unlock) must not write.
            raise LockedError()
        elif self._sealed_here(case_file):
            raise MissingKeyFileError(self.data_dir)
        self.folder.ensure(folder or self.cases_dir)

    def _sealed_here(self, case_file: Path | None) -> bool:
        """Whether a plain store is about to write into a folder that holds sealed files.

        Saving a case that has a file looks at that file's first bytes; anything else
        (a new case, an attachment) looks at the folder (``folder.holds_sealed_files``).
        """
        if case_file is not None:
            try:
                with open(case_file, "rb") as handle:
                    return casefile.looks_sealed(handle.read(SNIFF_BYTES))
            except FileNotFoundError:
                pass
            except OSError:
                return False
        return holds_sealed_files(self.data_dir)

    # -- cases -------------------------------------------------------------------

    def create(
        self,
        reference: str | None = None,
        topics: list[str] | None = None,
        coverage: Coverage | None = None,
    ) -> Case:
        case = Case.new(reference)
        if topics:
            case.topics = list(topics)
        self.save(case, coverage)
        return case

    def save(self, case: Case, coverage: Coverage | None = None) -> None:
        """Save ``case`` now.  When this returns, the change survives a crash or power cut.

        ``coverage`` is what the case list will show until the next save; without it
        the list counts nothing and asks for the case to be read.  Raises
        ``CaseInUseError`` when another window holds the case, and ``CaseChangedError``
        when someone else saved it since this store read it.
        """
        path = self.path_for(case.id)
        self._prepare(case_file=path)  # before the lock: a refused write leaves no lock file
        with self.locks.hold(case.id):
            on_disk = self._revision_on_disk(path, case.id)
            if case.id in self._seen and on_disk is not None and on_disk != self._seen[case.id]:
                raise CaseChangedError()
            latest = self._ledger.latest(case.id) if self._ledger is not None else None
            count = max(on_disk.n if on_disk else 0, latest.revision.n if latest else 0)
            revision = casefile.Revision.after(count)
            data = self._writer.encode(case, coverage, self.codec, revision)
            self._write(path, data, backup=True)
            self._seen[case.id] = revision
            if self._ledger is not None:
                with contextlib.suppress(OSError, StoreError):
                    self._ledger.record(case.id, revision)  # the file is safe already

    def _revision_on_disk(self, path: Path, case_id: str) -> casefile.Revision | None:
        try:
            return casefile.read_header(path, case_id, self._codecs).revision
        except (OSError, *casefile.UNREADABLE, NewerSchemaError):
            return None

    def _write(self, path: Path, data: bytes, *, backup: bool = False) -> None:
        """Every write of a case file (under the case's lock, held by the caller)."""
        with saving(path.parent):
            write_atomic(
                path, data, backup=self.backup_for(path) if backup else None, platform=self.platform
            )

    def load(self, case_id: str) -> Case:
        """Open a case: finishes a cut-off save, upgrades an old file, sets a damaged one aside.

        Raises ``RollbackError`` for an older copy than the case's last save (nothing is
        moved; :meth:`open_older_copy` opens it on purpose).
        """
        return self._load(case_id, older_is_fine=False)

    def open_older_copy(self, case_id: str) -> Case:
        """Open a case the save log calls older (the person chose to): it is saved at once,
        so from now on it is the case's latest save."""
        with self.locks.hold(case_id):
            case = self._load(case_id, older_is_fine=True)
            self.save(case, self._header_coverage(self.path_for(case_id), case_id))
            return case

    def _load(self, case_id: str, *, older_is_fine: bool) -> Case:
        """Read without the case's lock (a reader never waits for a window that has the
        case open); anything that must write (finishing a cut-off save, setting a damaged
        file aside, saving an upgrade) is done again holding the lock."""
        try:
            return self._open_file(case_id, older_is_fine, may_write=False)
        except _MustWrite:
            with self.locks.hold(case_id):
                return self._open_file(case_id, older_is_fine, may_write=True)

    def _open_file(self, case_id: str, older_is_fine: bool, *, may_write: bool) -> Case:
        path = self.path_for(case_id)
        if not path.exists():
            if not may_write:
                raise _MustWrite()
            recovery.finish_cut_off_save(self.folder, path, self._codecs)
            if not path.exists():
                raise CaseNotFoundError("That case could not be found. It may have been deleted.")
        self.folder.remove_stale_temps(path)
        try:
            raw = path.read_bytes()
            decoded = casefile.decode(raw, case_id, self._codecs)
            body, found = upgrade(decoded.body)
            case = Case.from_dict(body)
        except (KeyMissingError, NewerSchemaError) as exc:
            if isinstance(exc, KeyMissingError) and self._key_file is not None:
                self._key_file.check()  # new keys from another window: say that instead
            raise StoreError(str(exc)) from exc
        except FileNotFoundError as exc:
            raise _MustWrite() from exc  # replaced just now by another window's save
        except OSError as exc:
            raise StoreError(plain_os_error(exc, path)) from exc
        except casefile.UNREADABLE as exc:
            if not may_write:
                raise _MustWrite() from exc
            raise recovery.set_aside(
                self.folder,
                case_id,
                path,
                self._backup_summary(case_id),
                codec=self.codec,
                not_sealed=isinstance(exc, casefile.NotSealedError),
            ) from exc
        latest = self._ledger.latest(case_id) if self._ledger is not None else None
        if not older_is_fine and is_older(decoded.revision, latest):
            assert latest is not None
            raise RollbackError(case_id, latest.at)
        if found < SCHEMA_VERSION:
            if not may_write:
                raise _MustWrite()
            # Keep the file exactly as the older version wrote it, then save the upgrade
            # (with the counts it had: only the format changed).
            keep = self.folder.version_backup_for(path, found)
            if not keep.exists():
                self._write(keep, raw)
            self._seen[case_id] = decoded.revision
            self.save(case, decoded.header.coverage)
            return case
        self._seen[case_id] = decoded.revision
        return case

    def read(self, case_id: str) -> Case:
        """The case as it is on disk, changing nothing (no upgrade saved, nothing moved).

        For counting a case whose saved counts are out of date; opening it is :meth:`load`.
        """
        path = self.path_for(case_id)
        try:
            body, _ = upgrade(casefile.decode_body(path.read_bytes(), case_id, self._codecs))
            return Case.from_dict(body)
        except OSError as exc:
            raise StoreError(plain_os_error(exc, path)) from exc
        except (*casefile.UNREADABLE, NewerSchemaError) as exc:
            raise StoreError("This case file cannot be read.") from exc

    def _header_coverage(self, path: Path, case_id: str) -> Coverage | None:
        try:
            return casefile.read_header(path, case_id, self._codecs).coverage
        except (OSError, *casefile.UNREADABLE, NewerSchemaError):
            return None

    def list_cases(self) -> list[CaseSummary]:
        """Every case, newest first.  Unreadable files are listed with a plain problem."""
        if self._ledger is not None:
            self._ledger.refresh()
        summaries = [self._summary(case_id) for case_id in self.folder.case_ids()]
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        summaries.sort(key=lambda s: s.updated or oldest, reverse=True)
        return summaries

    def _summary(self, case_id: str) -> CaseSummary:
        path = self.path_for(case_id)
        if not path.exists():
            with contextlib.suppress(StoreError), self.locks.hold(case_id):
                recovery.finish_cut_off_save(self.folder, path, self._codecs)
        try:
            header = casefile.read_header(path, case_id, self._codecs)
            latest = self._ledger.known(case_id) if self._ledger is not None else None
            return CaseSummary(
                case_id,
                header.reference,
                header.created,
                header.updated,
                header.coverage,
                problem=ROLLBACK if is_older(header.revision, latest) else None,
                backup_available=self.backup_for(path).exists(),
            )
        except KeyMissingError:
            return CaseSummary(
                case_id,
                "Locked case",
                None,
                None,
                Coverage(Progress(), ""),
                problem="This case needs the passphrase.",
            )
        except FileNotFoundError:
            problem = "The case file is missing."
        except NewerSchemaError as exc:
            problem = str(exc)
        except casefile.NotSealedError:
            problem = recovery.NOT_SEALED
        except (OSError, *casefile.UNREADABLE):
            problem = "This case file is damaged and cannot be read."
        backup = self._backup_summary(case_id)
        return CaseSummary(
            case_id,
            backup.reference if backup else "Damaged case",
            backup.created if backup else None,
            backup.updated if backup else None,
            backup.coverage if backup else Coverage(Progress(), ""),
            problem=problem,
            backup_available=backup is not None,
        )

    def _backup_summary(self, case_id: str) -> CaseSummary | None:
        backup = self.backup_for(self.path_for(case_id))
        try:
            header = casefile.read_header(backup, case_id, self._codecs)
        except (OSError, *casefile.UNREADABLE, NewerSchemaError):
            return None
        return CaseSummary(
            case_id,
            header.reference,
            header.created,
            header.updated,
            header.coverage,
            backup_available=True,
        )

    def restore_backup(self, case_id: str) -> Case:
        """Put the last good copy back in place and open it.

        Whatever is in the main file's place is set aside first, never deleted.  The copy
        is saved as the case's newest save, so the save log does not take it for a rollback.
        """
        path = self.path_for(case_id)
        backup = self.backup_for(path)
        self._prepare(case_file=backup)  # never move files in a protected folder unkeyed
        with self.locks.hold(case_id):
            try:
                decoded = casefile.decode(backup.read_bytes(), case_id, self._codecs)
                body, _ = upgrade(decoded.body)
                case = Case.from_dict(body)
            except FileNotFoundError as exc:
                raise StoreError("There is no earlier copy of this case to go back to.") from exc
            except (*casefile.UNREADABLE, NewerSchemaError) as exc:
                raise StoreError(
                    "The earlier copy of this case is damaged too, so it cannot be restored. "
                    "Both files have been kept."
                ) from exc
            if path.exists():
                self.folder.move_to_damaged(path)
            self._seen.pop(case_id, None)
            self.save(case, decoded.header.coverage)
            return case

    def delete(self, case_id: str) -> list[str]:
        """Remove the case, its backups, temp files, attachments and its line in the save log.

        Returns the PDFs it exported, so the interface can offer to delete them too.
        """
        exported: list[str] = []
        with self.locks.hold(case_id):
            try:
                exported = self._load(case_id, older_is_fine=True).exported_files
            except StoreError:
                pass
            self.folder.remove_case(case_id)
            self._seen.pop(case_id, None)
            if self._ledger is not None and self._ledger.latest(case_id) is not None:
                with contextlib.suppress(OSError, StoreError):
                    self._ledger.forget(case_id)
            self.locks.remove(case_id)
        return exported

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

    # -- attachments -------------------------------------------------------------

    def add_attachment(self, case: Case, source: Path) -> Attachment:
        """Copy ``source`` into the case, so the evidence stays even if the original goes."""
        return self.copy_in(case, source).attachment

    def copy_in(self, case: Case, source: Path) -> attachments.Added:
        """Copy ``source`` into the case; also what the file said about itself when copied."""
        self._prepare(self.attachments_dir, case_file=self.path_for(case.id))
        return attachments.add(self.folder, self.codec, case.id, source)

    def read_attachment(self, case: Case, attachment: Attachment) -> bytes:
        return attachments.read(self.folder, self.codec, case.id, attachment)

    def attachment_chunks(self, case: Case, attachment: Attachment) -> Iterator[bytes]:
        """An attachment a piece at a time: for copying or checking files of any size."""
        return attachments.chunks(self.folder, self.codec, case.id, attachment)

    def forget_older_copies(self, case_id: str) -> None:
        """Remove the copies kept from before format upgrades (``.v<N>.bak``).

        For "delete for good": what was deleted must not survive in an old copy.  The
        ordinary ``.bak`` is the previous save, which the caller makes clean itself.
        """
        path = self.path_for(case_id)
        for old in path.parent.glob(f"{path.name}.v*{self.folder.backup_for(path).suffix}"):
            with saving(old.parent):
                old.unlink(missing_ok=True)

    def destroy_attachment(self, case: Case, attachment: Attachment) -> None:
        """Overwrite and remove a stored file ("delete for good")."""
        with self.locks.hold(case.id):
            self._prepare(self.attachments_dir, case_file=self.path_for(case.id))
            attachments.destroy(self.folder, case.id, attachment)

    # -- passphrase ----------------------------------------------------------------

    def reencode_all(self) -> int:
        """Rewrite every file under this store's codec and current key (``storage.reencrypt``).

        Each case is rewritten holding its lock; the save log is resealed at the end.
        """
        self._prepare()
        count = reencrypt.reencode_folder(self.folder, self._codecs, self.locks)
        if self._ledger is not None:
            with contextlib.suppress(OSError):
                self._ledger.reseal()
        return count

    def check_no_case_open_elsewhere(self) -> None:
        """Raise ``CaseInUseError`` when another window or command has a case open.

        Asked before a passphrase is set or changed, so that nothing is changed while
        another window would go on saving with the old keys.
        """
        for case_id in sorted(self.folder.case_ids()):
            with self.locks.hold(case_id, wait=0.2):
                pass

    def read_damaged(self, path: Path) -> bytes:
        """The original bytes of a file in ``damaged/``, for someone trying to recover it."""
        return casefile.unseal_whole(Path(path).read_bytes(), self._codecs)
