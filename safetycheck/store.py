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

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from safetycheck.case import Attachment, Case, Coverage, Progress
from safetycheck.codec import Codec, KeyMissingError, PlainCodec
from safetycheck.durable import Platform, current_platform, write_atomic
from safetycheck.schema import SCHEMA_VERSION, NewerSchemaError, upgrade
from safetycheck.storage import attachments, casefile, recovery, reencrypt
from safetycheck.storage.errors import (
    CaseNotFoundError,
    CorruptCaseError,
    LockedError,
    SaveError,
    StoreError,
    plain_os_error,
    saving,
)
from safetycheck.storage.folder import CaseFolder
from safetycheck.storage.summary import CaseSummary
from safetycheck.vault import is_protected

__all__ = [
    "CaseNotFoundError",
    "CaseStore",
    "CaseSummary",
    "CorruptCaseError",
    "LockedError",
    "SaveError",
    "StoreError",
]


class CaseStore:
    def __init__(
        self, data_dir: Path, *, codec: Codec | None = None, platform: Platform | None = None
    ) -> None:
        self.data_dir = Path(data_dir)
        self.codec: Codec = codec or PlainCodec()
        self.platform = platform or current_platform()
        self.folder = CaseFolder(self.data_dir, self.platform)
        self.cases_dir = self.folder.cases_dir
        self.attachments_dir = self.folder.attachments_dir
        self.damaged_dir = self.folder.damaged_dir
        self._codecs = casefile.Codecs(self.codec)
        self._writer = casefile.CaseFileWriter()

    def path_for(self, case_id: str) -> Path:
        return self.folder.case_path(case_id)

    def backup_for(self, path: Path) -> Path:
        return self.folder.backup_for(path)

    def _prepare(self, folder: Path | None = None) -> None:
        # A store without keys must never write plaintext next to sealed files (for
        # example an interface that forgot to unlock): refuse instead.
        if self.codec.name == PlainCodec.name and is_protected(self.data_dir):
            raise LockedError()
        self.folder.ensure(folder or self.cases_dir)

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
        the list counts nothing and asks for the case to be read.
        """
        self._prepare()
        data = self._writer.encode(case, coverage, self.codec)
        self._write(self.path_for(case.id), data, backup=True)

    def _write(self, path: Path, data: bytes, *, backup: bool = False) -> None:
        """Every write of a case file (the seam where a per-case lock would go)."""
        with saving(path.parent):
            write_atomic(
                path, data, backup=self.backup_for(path) if backup else None, platform=self.platform
            )

    def load(self, case_id: str) -> Case:
        """Open a case: finishes a cut-off save, upgrades an old file, sets a damaged one aside."""
        path = self.path_for(case_id)
        recovery.finish_cut_off_save(self.folder, path, self._codecs)
        if not path.exists():
            raise CaseNotFoundError("That case could not be found. It may have been deleted.")
        self.folder.remove_stale_temps(path)
        try:
            raw = path.read_bytes()
            body, found = upgrade(casefile.decode_body(raw, case_id, self._codecs))
            case = Case.from_dict(body)
        except (KeyMissingError, NewerSchemaError) as exc:
            raise StoreError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(plain_os_error(exc, path)) from exc
        except casefile.UNREADABLE as exc:
            raise recovery.set_aside(
                self.folder, case_id, path, self._backup_summary(case_id)
            ) from exc
        if found < SCHEMA_VERSION:
            # Keep the file exactly as the older version wrote it, then save the upgrade
            # (with the counts it had: only the format changed).
            keep = self.folder.version_backup_for(path, found)
            if not keep.exists():
                self._write(keep, raw)
            self.save(case, self._header_coverage(path, case_id))
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
        summaries = [self._summary(case_id) for case_id in self.folder.case_ids()]
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        summaries.sort(key=lambda s: s.updated or oldest, reverse=True)
        return summaries

    def _summary(self, case_id: str) -> CaseSummary:
        path = self.path_for(case_id)
        recovery.finish_cut_off_save(self.folder, path, self._codecs)
        try:
            header = casefile.read_header(path, case_id, self._codecs)
            return CaseSummary(
                case_id,
                header.reference,
                header.created,
                header.updated,
                header.coverage,
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

        Whatever is in the main file's place is set aside first, never deleted.
        """
        path = self.path_for(case_id)
        backup = self.backup_for(path)
        self._prepare()  # a store without keys must not move files in a protected folder
        try:
            raw = backup.read_bytes()
            body, _ = upgrade(casefile.decode_body(raw, case_id, self._codecs))
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
        self._write(path, raw)
        return case

    def delete(self, case_id: str) -> list[str]:
        """Remove the case, its backups, temp files and attachments.

        Returns the PDFs it exported, so the interface can offer to delete them too.
        """
        exported: list[str] = []
        try:
            exported = self.load(case_id).exported_files
        except StoreError:
            pass
        self.folder.remove_case(case_id)
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
        self._prepare(self.attachments_dir)
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
        self._prepare(self.attachments_dir)
        attachments.destroy(self.folder, case.id, attachment)

    # -- passphrase ----------------------------------------------------------------

    def reencode_all(self) -> int:
        """Rewrite every file under this store's codec and current key (``storage.reencrypt``)."""
        self._prepare()
        return reencrypt.reencode_folder(self.folder, self._codecs)

    def read_damaged(self, path: Path) -> bytes:
        """The original bytes of a file in ``damaged/``, for someone trying to recover it."""
        return casefile.unseal_whole(Path(path).read_bytes(), self._codecs)
