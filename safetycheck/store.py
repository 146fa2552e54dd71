"""Case storage: one file per case, saved atomically on every change.

Layout under the data folder (created 0700, files 0600)::

    cases/<id>.case          the case
    cases/<id>.case.bak      the version before the last save
    cases/<id>.case.v<N>.bak the file as it was before an upgrade from version N
    attachments/<id>/<name>  files copied into the evidence log (random names)
    damaged/                 unreadable case files, set aside untouched

File names hold only a random id, never the case reference.  A case file has
three lines: a tag naming the format and codec, a small header (reference,
times, progress) and the body.  Listing reads only the first two lines, so a
list of 500 cases stays fast however many answers each holds.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from safetycheck import case_json
from safetycheck.case import Attachment, Case, Progress, _parse_time
from safetycheck.case_json import CaseEncoder
from safetycheck.checklist import Library
from safetycheck.codec import Codec, CodecError, PlainCodec, WrongPassphraseError
from safetycheck.crypto import record_key_id
from safetycheck.durable import (
    Platform,
    current_platform,
    is_temp_for,
    replace,
    write_atomic,
)
from safetycheck.paths import ensure_private_dir
from safetycheck.schema import SCHEMA_VERSION, NewerSchemaError, upgrade
from safetycheck.vault import is_protected

MAGIC = b"SAFETYCHECK-CASE"
SEALED_MAGIC = b"SAFETYCHECK-SEALED"  # a damaged file sealed whole when a passphrase was set
FILE_FORMAT = 1
SUFFIX = ".case"
STALE_TEMP_SECONDS = 60


class StoreError(Exception):
    """A storage problem, with a message written for the person using the app."""


class CaseNotFoundError(StoreError):
    pass


class SaveError(StoreError):
    pass


class LockedError(SaveError):
    """A write to a passphrase-protected folder by a store that was never unlocked."""

    def __init__(self) -> None:
        super().__init__(
            "This data folder is protected with a passphrase. Unlock SafetyCheck first; "
            "nothing was saved."
        )


class CorruptCaseError(StoreError):
    """The case file cannot be read.  It has been set aside; a backup may be offered."""

    def __init__(
        self, case_id: str, message: str, backup: CaseSummary | None, set_aside_as: Path | None
    ) -> None:
        super().__init__(message)
        self.case_id = case_id
        self.backup = backup
        self.set_aside_as = set_aside_as


@dataclass
class CaseSummary:
    """One row of the case list."""

    id: str
    reference: str
    created: dt.datetime | None
    updated: dt.datetime | None
    progress: Progress
    problem: str | None = None  # set when the file cannot be read
    backup_available: bool = False


def _tag(codec: Codec) -> bytes:
    return MAGIC + b" " + str(FILE_FORMAT).encode() + b" " + codec.name.encode() + b"\n"


def _parse_tag(line: bytes) -> tuple[int, str]:
    parts = line.strip().split(b" ")
    if len(parts) != 3 or parts[0] != MAGIC:
        raise CodecError("not a SafetyCheck case file")
    return int(parts[1]), parts[2].decode("ascii", "replace")


class CaseStore:
    def __init__(
        self,
        data_dir: Path,
        *,
        codec: Codec | None = None,
        library: Library | None = None,
        platform: Platform | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.codec: Codec = codec or PlainCodec()
        self.library = library
        self.platform = platform or current_platform()
        self.cases_dir = self.data_dir / "cases"
        self.attachments_dir = self.data_dir / "attachments"
        self.damaged_dir = self.data_dir / "damaged"
        self._encoder = CaseEncoder()

    # -- paths ---------------------------------------------------------------

    def path_for(self, case_id: str) -> Path:
        if not case_id or not all(c in "0123456789abcdef" for c in case_id):
            raise CaseNotFoundError("That case could not be found.")
        return self.cases_dir / f"{case_id}{SUFFIX}"

    @staticmethod
    def backup_for(path: Path) -> Path:
        return path.with_name(path.name + ".bak")

    def _prepare(self) -> None:
        # A store without keys must never write plaintext next to sealed files (for
        # example an interface that forgot to unlock): refuse instead.
        if self.codec.name == PlainCodec.name and is_protected(self.data_dir):
            raise LockedError()
        try:
            ensure_private_dir(self.data_dir)
            ensure_private_dir(self.cases_dir)
        except OSError as exc:
            raise SaveError(_plain_os_error(exc, self.data_dir)) from exc

    # -- reading and writing records ----------------------------------------

    def progress(self, case: Case) -> Progress:
        if self.library is None:
            return case.progress(case.answers)
        topics = set(case.topics)
        ids = [c.id for t in self.library.topics if t.id in topics for c in t.checks]
        return case.progress(ids)

    def encode_case(self, case: Case) -> bytes:
        header = case.summary(self.progress(case))
        header["schema_version"] = SCHEMA_VERSION
        header_bytes = case_json.dumps(header).encode()
        body_bytes = self._encoder.body(case, {"schema_version": SCHEMA_VERSION}).encode()
        return b"".join(
            (
                _tag(self.codec),
                self.codec.encode(header_bytes, context=f"{case.id}:header".encode()),
                b"\n",
                self.codec.encode(body_bytes, context=f"{case.id}:body".encode()),
                b"\n",
            )
        )

    def _check_codec(self, codec_name: str) -> None:
        if codec_name != self.codec.name:
            if codec_name == "plain":
                return  # a plain file in an encrypted store: readable, re-encrypted on save
            raise WrongPassphraseError(
                "This case is protected with a passphrase. Unlock SafetyCheck to open it."
            )

    def _codec_for(self, codec_name: str) -> Codec:
        self._check_codec(codec_name)
        return PlainCodec() if codec_name == "plain" else self.codec

    def _decode_body(self, case_id: str, raw: bytes) -> dict:
        lines = raw.split(b"\n")
        if len(lines) < 3 or lines[-1] != b"":
            raise CodecError("the file is incomplete")
        version, codec_name = _parse_tag(lines[0])
        if version > FILE_FORMAT:
            raise NewerSchemaError(version)
        codec = self._codec_for(codec_name)
        body = codec.decode(lines[2], context=f"{case_id}:body".encode())
        data = json.loads(body)
        if not isinstance(data, dict) or data.get("id") != case_id:
            raise CodecError("the file does not hold this case")
        return data

    def _read_header(self, path: Path, case_id: str) -> dict:
        with open(path, "rb") as handle:
            tag = handle.readline()
            header_line = handle.readline()
        version, codec_name = _parse_tag(tag)
        if version > FILE_FORMAT:
            raise NewerSchemaError(version)
        if not header_line.endswith(b"\n"):
            raise CodecError("the file is incomplete")
        codec = self._codec_for(codec_name)
        header = json.loads(codec.decode(header_line[:-1], context=f"{case_id}:header".encode()))
        if header.get("id") != case_id:
            raise CodecError("the file does not hold this case")
        return header

    def _write(self, path: Path, data: bytes, *, backup: bool) -> None:
        try:
            write_atomic(
                path, data, backup=self.backup_for(path) if backup else None, platform=self.platform
            )
        except OSError as exc:
            raise SaveError(_plain_os_error(exc, path.parent)) from exc

    # -- public API ------------------------------------------------------------

    def create(self, reference: str | None = None, topics: list[str] | None = None) -> Case:
        case = Case.new(reference)
        if topics:
            case.topics = list(topics)
        self.save(case)
        return case

    def save(self, case: Case) -> None:
        """Save ``case`` now.  When this returns, the change survives a crash or power cut."""
        self._prepare()
        if self.library is not None:
            for topic in self.library.topics:
                if topic.id in case.topics:
                    case.checklist_versions[topic.id] = topic.reviewed.isoformat()
        data = self.encode_case(case)
        self._write(self.path_for(case.id), data, backup=True)

    def load(self, case_id: str) -> Case:
        path = self.path_for(case_id)
        self._recover_missing(path)
        if not path.exists():
            raise CaseNotFoundError("That case could not be found. It may have been deleted.")
        self._remove_stale_temps(path)
        try:
            raw = path.read_bytes()
            body = self._decode_body(case_id, raw)
            body, found = upgrade(body)
            case = Case.from_dict(body)
        except (WrongPassphraseError, NewerSchemaError) as exc:
            raise StoreError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(_plain_os_error(exc, path)) from exc
        except (CodecError, ValueError, KeyError, TypeError) as exc:
            raise self._set_aside(case_id, path, exc) from exc
        if found < SCHEMA_VERSION:
            # Keep the file exactly as the older version wrote it, then save the upgrade.
            keep = path.with_name(f"{path.name}.v{found}.bak")
            if not keep.exists():
                self._write(keep, raw, backup=False)
            self.save(case)
        return case

    def list_cases(self) -> list[CaseSummary]:
        """Every case, newest first.  Unreadable files are listed with a plain problem."""
        if not self.cases_dir.is_dir():
            return []
        ids: set[str] = set()
        for entry in os.scandir(self.cases_dir):
            name = entry.name
            if name.endswith(SUFFIX):
                ids.add(name[: -len(SUFFIX)])
            elif name.endswith(SUFFIX + ".bak") and ".v" not in name:
                ids.add(name[: -len(SUFFIX + ".bak")])
        summaries = [self._summary(case_id) for case_id in ids if _is_case_id(case_id)]
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        summaries.sort(key=lambda s: s.updated or oldest, reverse=True)
        return summaries

    def _summary(self, case_id: str) -> CaseSummary:
        path = self.path_for(case_id)
        backup = self.backup_for(path)
        self._recover_missing(path)
        try:
            header = self._read_header(path, case_id)
            return CaseSummary(
                id=case_id,
                reference=header["reference"],
                created=_parse_time(header.get("created")),
                updated=_parse_time(header.get("updated")),
                progress=Progress(**header.get("progress", {})),
                backup_available=backup.exists(),
            )
        except WrongPassphraseError:
            return CaseSummary(
                case_id,
                "Locked case",
                None,
                None,
                Progress(),
                problem="This case needs the passphrase.",
            )
        except FileNotFoundError:
            problem = "The case file is missing."
        except NewerSchemaError as exc:
            problem = str(exc)
        except (OSError, CodecError, ValueError, KeyError, TypeError):
            problem = "This case file is damaged and cannot be read."
        backup_summary = self._backup_summary(case_id)
        return CaseSummary(
            id=case_id,
            reference=backup_summary.reference if backup_summary else "Damaged case",
            created=backup_summary.created if backup_summary else None,
            updated=backup_summary.updated if backup_summary else None,
            progress=backup_summary.progress if backup_summary else Progress(),
            problem=problem,
            backup_available=backup_summary is not None,
        )

    def _backup_summary(self, case_id: str) -> CaseSummary | None:
        backup = self.backup_for(self.path_for(case_id))
        try:
            header = self._read_header(backup, case_id)
        except (OSError, CodecError, ValueError, KeyError, TypeError, NewerSchemaError):
            return None
        return CaseSummary(
            case_id,
            header["reference"],
            _parse_time(header.get("created")),
            _parse_time(header.get("updated")),
            Progress(**header.get("progress", {})),
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
            body, _ = upgrade(self._decode_body(case_id, raw))
            case = Case.from_dict(body)
        except FileNotFoundError as exc:
            raise StoreError("There is no earlier copy of this case to go back to.") from exc
        except (CodecError, ValueError, KeyError, TypeError, NewerSchemaError) as exc:
            raise StoreError(
                "The earlier copy of this case is damaged too, so it cannot be restored. "
                "Both files have been kept."
            ) from exc
        if path.exists():
            self._move_to_damaged(path)
        self._write(path, raw, backup=False)
        return case

    def delete(self, case_id: str) -> list[str]:
        """Remove the case, its backups, temp files and attachments.

        Returns the PDFs it exported, so the interface can offer to delete them too.
        """
        path = self.path_for(case_id)
        exported: list[str] = []
        try:
            exported = self.load(case_id).exported_files
        except StoreError:
            pass
        for candidate in list(self.cases_dir.glob(f"*{case_id}{SUFFIX}*")):
            if candidate.name.startswith(path.name) or is_temp_for(candidate, path):
                candidate.unlink(missing_ok=True)
        if self.damaged_dir.is_dir():
            for candidate in list(self.damaged_dir.glob(f"{case_id}{SUFFIX}*")):
                candidate.unlink(missing_ok=True)  # copies set aside as damaged go too
        attachments = self.attachments_dir / case_id
        if attachments.is_dir():
            for child in attachments.iterdir():
                child.unlink(missing_ok=True)
            attachments.rmdir()
        if self.platform.fsync_dir and self.cases_dir.is_dir():
            from safetycheck.durable import fsync_dir

            fsync_dir(self.cases_dir, self.platform)
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
        try:
            content = Path(source).read_bytes()
        except OSError as exc:
            raise StoreError(_plain_os_error(exc, Path(source))) from exc
        folder = self.attachments_dir / case.id
        self._prepare()
        try:
            ensure_private_dir(self.attachments_dir)
            ensure_private_dir(folder)
        except OSError as exc:
            raise SaveError(_plain_os_error(exc, folder)) from exc
        stored_as = secrets.token_hex(16)
        encoded = self.codec.encode(content, context=f"{case.id}:{stored_as}".encode())
        self._write(folder / stored_as, encoded, backup=False)
        return Attachment(
            original_name=Path(source).name,
            stored_as=stored_as,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )

    def read_attachment(self, case: Case, attachment: Attachment) -> bytes:
        raw = (self.attachments_dir / case.id / attachment.stored_as).read_bytes()
        if self.codec.name == "plain":
            if record_key_id(raw) is not None:
                raise StoreError("This file is protected with a passphrase. Unlock SafetyCheck.")
            return raw
        return self.codec.decode(raw, context=f"{case.id}:{attachment.stored_as}".encode())

    # -- housekeeping --------------------------------------------------------------

    def iter_case_files(self) -> Iterator[Path]:
        """Every case file, backup and attachment: what re-encryption has to rewrite."""
        if self.cases_dir.is_dir():
            yield from sorted(p for p in self.cases_dir.iterdir() if not p.name.startswith("."))
        if self.attachments_dir.is_dir():
            for folder in sorted(self.attachments_dir.iterdir()):
                if folder.is_dir():
                    yield from sorted(folder.iterdir())

    # -- re-encryption ---------------------------------------------------------------

    def reencode_all(self) -> int:
        """Rewrite every file in the folder with this store's codec and current key.

        Used when a passphrase is set or changed.  Every file is rewritten atomically
        on its own, and files already sealed with the current key are skipped, so a
        run that was cut off is finished by running it again.  Leftover temp files
        (which may hold plaintext) are removed; damaged files are sealed whole, so
        that nothing readable stays behind.  Returns how many files were rewritten.
        """
        self._prepare()
        rewritten = 0
        for entry in sorted(self.cases_dir.iterdir()):
            main = self.cases_dir / entry.name[1:].rsplit(".", 2)[0]
            if _is_temp_name(entry.name) and main.name.endswith(SUFFIX):
                self._recover_missing(main)  # a cut-off save's temp may be the latest state
        for entry in sorted(self.cases_dir.iterdir()):
            if _is_temp_name(entry.name):
                entry.unlink(missing_ok=True)
            elif entry.is_file() and _case_id_of(entry.name):
                rewritten += self._reencode_case_file(entry, _case_id_of(entry.name))
        if self.attachments_dir.is_dir():
            for folder in sorted(self.attachments_dir.iterdir()):
                if folder.is_dir():
                    for entry in sorted(folder.iterdir()):
                        if _is_temp_name(entry.name):
                            entry.unlink(missing_ok=True)
                        else:
                            rewritten += self._reencode_attachment(folder.name, entry)
        if self.damaged_dir.is_dir():
            for entry in sorted(self.damaged_dir.iterdir()):
                if _is_temp_name(entry.name):
                    entry.unlink(missing_ok=True)
                elif entry.is_file():
                    rewritten += self._seal_damaged(entry)
        return rewritten

    def _current_key(self) -> str | None:
        return getattr(self.codec, "current_key_id", None)

    def _reencode_case_file(self, path: Path, case_id: str) -> int:
        raw = path.read_bytes()
        lines = raw.split(b"\n")
        try:
            if len(lines) != 4 or lines[3] != b"":
                raise CodecError("the file is incomplete")
            version, codec_name = _parse_tag(lines[0])
            if version > FILE_FORMAT:
                return 0  # written by a newer SafetyCheck: leave it exactly as it is
            current = self._current_key()
            if codec_name == self.codec.name and all(
                record_key_id(line) == current for line in lines[1:3]
            ):
                return 0
            codec = self._codec_for(codec_name)
            header_context, body_context = f"{case_id}:header".encode(), f"{case_id}:body".encode()
            header = codec.decode(lines[1], context=header_context)
            body = codec.decode(lines[2], context=body_context)
        except WrongPassphraseError:
            return 0  # sealed with a key this folder does not hold: not ours to touch
        except (CodecError, ValueError):
            moved = self._move_to_damaged(path)
            return self._seal_damaged(moved)
        data = b"".join(
            (
                _tag(self.codec),
                self.codec.encode(header, context=header_context),
                b"\n",
                self.codec.encode(body, context=body_context),
                b"\n",
            )
        )
        self._write(path, data, backup=False)
        return 1

    def _reencode_attachment(self, case_id: str, path: Path) -> int:
        raw = path.read_bytes()
        key_id = record_key_id(raw)
        if key_id is not None and key_id == self._current_key():
            return 0
        context = f"{case_id}:{path.name}".encode()
        if key_id is None:
            content = raw  # written while the folder had no passphrase
        else:
            try:
                content = self.codec.decode(raw, context=context)
            except CodecError:
                return 0  # damaged or foreign, and sealed already: nothing readable in it
        self._write(path, self.codec.encode(content, context=context), backup=False)
        return 1

    def _seal_damaged(self, path: Path) -> int:
        """Seal a set-aside file whole.  It stays recoverable with :meth:`read_damaged`."""
        if self.codec.name == PlainCodec.name:
            return 0
        raw = path.read_bytes()
        if raw.startswith(SEALED_MAGIC + b" ") or raw.startswith(_tag(self.codec)):
            return 0  # sealed already, or a damaged encrypted case: ciphertext either way
        data = b"".join(
            (
                SEALED_MAGIC + b" 1 " + self.codec.name.encode() + b"\n",
                self.codec.encode(raw, context=b"damaged"),
                b"\n",
            )
        )
        self._write(path, data, backup=False)
        return 1

    def read_damaged(self, path: Path) -> bytes:
        """The original bytes of a file in ``damaged/``, for someone trying to recover it."""
        raw = Path(path).read_bytes()
        if not raw.startswith(SEALED_MAGIC + b" "):
            return raw
        tag, _, rest = raw.partition(b"\n")
        codec_name = tag.split(b" ")[-1].decode("ascii", "replace")
        return self._codec_for(codec_name).decode(rest.rstrip(b"\n"), context=b"damaged")

    def _recover_missing(self, path: Path) -> None:
        """Finish a save that was cut off between its two renames.

        That save's temp file was complete and fsynced before the first rename,
        so the newest temp file that decodes is the most recent saved state.
        """
        if path.exists() or not path.parent.is_dir():
            return
        case_id = path.name[: -len(SUFFIX)]
        temps = sorted(
            (p for p in path.parent.glob(f".{path.name}.*.tmp")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for temp in temps:
            try:
                self._decode_body(case_id, temp.read_bytes())
            except (OSError, CodecError, ValueError, KeyError, TypeError, NewerSchemaError):
                continue
            replace(temp, path, self.platform)
            return

    def _remove_stale_temps(self, path: Path) -> None:
        cutoff = time.time() - STALE_TEMP_SECONDS
        for temp in path.parent.glob(f".{path.name}.*.tmp"):
            try:
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()
            except OSError:
                pass

    def _move_to_damaged(self, path: Path) -> Path:
        ensure_private_dir(self.damaged_dir)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.damaged_dir / f"{path.name}.{stamp}.{secrets.token_hex(2)}"
        replace(path, target, self.platform)
        return target

    def _set_aside(self, case_id: str, path: Path, cause: Exception) -> CorruptCaseError:
        try:
            moved = self._move_to_damaged(path)
        except OSError:
            moved = None
        backup = self._backup_summary(case_id)
        if backup is not None:
            when = (
                backup.updated.astimezone().strftime("%d %B %Y at %H:%M") if backup.updated else ""
            )
            message = (
                "This case file is damaged and cannot be opened. "
                "It has been kept aside, unchanged. "
                f"An earlier copy from {when} can be opened instead."
            )
        else:
            message = (
                "This case file is damaged and cannot be opened, and there is no earlier copy. "
                "It has been kept aside, unchanged, in the 'damaged' folder of the data folder."
            )
        return CorruptCaseError(case_id, message, backup, moved)


def _is_temp_name(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def _case_id_of(name: str) -> str:
    """The case id of ``<id>.case``, ``<id>.case.bak`` or ``<id>.case.v<N>.bak``; else ''."""
    case_id, dot, rest = name.partition(".")
    if dot and _is_case_id(case_id) and ("." + rest).startswith(SUFFIX):
        return case_id
    return ""


def _is_case_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def _plain_os_error(exc: OSError, where: Path) -> str:
    """Turn an OSError into a sentence a frightened, non-technical person can act on."""
    if exc.errno == errno.ENOSPC:
        return (
            "The disk is full, so your latest change could not be saved. Everything saved "
            "before it is safe. Free some space, then try again."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"SafetyCheck is not allowed to write to {where}. Your earlier work is safe. "
            "Choose another data folder, or ask someone you trust to fix the folder's "
            "permissions."
        )
    if exc.errno == errno.ENOENT:
        return f"The folder {where} is missing. Check that the drive is connected."
    return f"A file could not be saved or read ({exc.strerror or exc}). Your earlier work is safe."
