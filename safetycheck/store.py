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
from safetycheck.durable import (
    Platform,
    current_platform,
    is_temp_for,
    replace,
    write_atomic,
)
from safetycheck.paths import ensure_private_dir
from safetycheck.schema import SCHEMA_VERSION, NewerSchemaError, upgrade

MAGIC = b"SAFETYCHECK-CASE"
FILE_FORMAT = 1
SUFFIX = ".case"
STALE_TEMP_SECONDS = 60


class StoreError(Exception):
    """A storage problem, with a message written for the person using the app."""


class CaseNotFoundError(StoreError):
    pass


class SaveError(StoreError):
    pass


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
