"""Where a data folder keeps each kind of file, and the one door every write goes through.

Layout under the data folder (created 0700, files 0600)::

    cases/<id>.case          the case
    cases/<id>.case.bak      the version before the last save
    cases/<id>.case.v<N>.bak the file as it was before an upgrade from version N
    attachments/<id>/<name>  files copied into the evidence log (random names)
    damaged/                 unreadable case files, set aside untouched
    locks/<id>.lock          empty; the system lock on it says who is writing the case
    saves.log                with a passphrase: the latest save of each case, sealed

File names hold only a random id, never the case reference.  Files are
written with ``safetycheck.durable.write_atomic`` (temp file, fsync, rename).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from safetycheck.durable import Platform, fsync_dir, is_temp_for, replace
from safetycheck.paths import ensure_private_dir
from safetycheck.storage.errors import CaseNotFoundError, SaveError, plain_os_error

SUFFIX = ".case"
BACKUP_SUFFIX = ".bak"
STALE_TEMP_SECONDS = 60
_HEX = frozenset("0123456789abcdef")


def is_case_id(value: str) -> bool:
    return len(value) == 32 and all(c in _HEX for c in value)


def is_temp_name(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def case_id_of(name: str) -> str:
    """The case id of ``<id>.case``, ``<id>.case.bak`` or ``<id>.case.v<N>.bak``; else ''."""
    case_id, dot, rest = name.partition(".")
    if dot and is_case_id(case_id) and ("." + rest).startswith(SUFFIX):
        return case_id
    return ""


class CaseFolder:
    def __init__(self, data_dir: Path, platform: Platform) -> None:
        self.data_dir = Path(data_dir)
        self.platform = platform
        self.cases_dir = self.data_dir / "cases"
        self.attachments_dir = self.data_dir / "attachments"
        self.damaged_dir = self.data_dir / "damaged"
        self.locks_dir = self.data_dir / "locks"

    # -- names -------------------------------------------------------------------

    def case_path(self, case_id: str) -> Path:
        if not case_id or not all(c in _HEX for c in case_id):
            raise CaseNotFoundError("That case could not be found.")
        return self.cases_dir / f"{case_id}{SUFFIX}"

    @staticmethod
    def backup_for(path: Path) -> Path:
        return path.with_name(path.name + BACKUP_SUFFIX)

    @staticmethod
    def version_backup_for(path: Path, version: int) -> Path:
        return path.with_name(f"{path.name}.v{version}{BACKUP_SUFFIX}")

    def attachment_dir(self, case_id: str) -> Path:
        return self.attachments_dir / case_id

    def case_ids(self) -> set[str]:
        """Every case with a file or a backup in the folder."""
        if not self.cases_dir.is_dir():
            return set()
        ids: set[str] = set()
        for entry in os.scandir(self.cases_dir):
            name = entry.name
            if name.endswith(SUFFIX):
                ids.add(name[: -len(SUFFIX)])
            elif name.endswith(SUFFIX + BACKUP_SUFFIX) and ".v" not in name:
                ids.add(name[: -len(SUFFIX + BACKUP_SUFFIX)])
        return {case_id for case_id in ids if is_case_id(case_id)}

    def temps_for(self, path: Path) -> list[Path]:
        """Temp files of saves of ``path`` that never finished, newest first."""
        return sorted(
            path.parent.glob(f".{path.name}.*.tmp"), key=lambda p: p.stat().st_mtime, reverse=True
        )

    # -- writing -------------------------------------------------------------------

    def ensure(self, folder: Path) -> None:
        """Create ``folder`` (and the data folder) private, or say plainly why not."""
        try:
            ensure_private_dir(self.data_dir)
            ensure_private_dir(folder)
        except OSError as exc:
            raise SaveError(plain_os_error(exc, folder)) from exc

    def put_back(self, temp: Path, path: Path) -> None:
        """Rename a complete temp file into its place (a save cut off between renames)."""
        replace(temp, path, self.platform)

    def move_to_damaged(self, path: Path) -> Path:
        """Move ``path``, byte for byte, into ``damaged/`` under a name that is never reused."""
        ensure_private_dir(self.damaged_dir)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.damaged_dir / f"{path.name}.{stamp}.{secrets.token_hex(2)}"
        replace(path, target, self.platform)
        return target

    # -- removing --------------------------------------------------------------------

    def remove_stale_temps(self, path: Path) -> None:
        cutoff = time.time() - STALE_TEMP_SECONDS
        for temp in path.parent.glob(f".{path.name}.*.tmp"):
            try:
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()
            except OSError:
                pass

    def remove_case(self, case_id: str) -> None:
        """Every file of the case: its versions, temp files, damaged copies, attachments.

        Links are never followed (issue 12): an attachment folder that someone replaced
        with a link to the person's own files loses the link, never those files.
        """
        path = self.case_path(case_id)
        if self.cases_dir.is_dir():
            for candidate in list(self.cases_dir.glob(f"*{case_id}{SUFFIX}*")):
                if candidate.name.startswith(path.name) or is_temp_for(candidate, path):
                    remove_no_follow(candidate)
        if self.damaged_dir.is_dir():
            for candidate in list(self.damaged_dir.glob(f"{case_id}{SUFFIX}*")):
                remove_no_follow(candidate)
        remove_no_follow(self.attachment_dir(case_id))
        if self.cases_dir.is_dir():
            fsync_dir(self.cases_dir, self.platform)


def _is_link(info: os.stat_result) -> bool:
    """A symbolic link, or on Windows any reparse point (a junction, a mount point)."""
    attributes = getattr(info, "st_file_attributes", 0)
    return stat.S_ISLNK(info.st_mode) or bool(attributes & 0x400)  # REPARSE_POINT


def remove_no_follow(path: Path) -> None:
    """Remove ``path``; a link is removed itself, never what it points to.

    A real folder is removed with ``shutil.rmtree``, which does not follow the links
    inside it either (it works through folder handles where the system allows).
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if _is_link(info):
        try:
            os.unlink(path)
        except (IsADirectoryError, PermissionError):
            os.rmdir(path)  # a Windows directory link or junction: rmdir removes only the link
    elif stat.S_ISDIR(info.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def entries(folder: Path) -> Iterator[os.DirEntry[str]]:
    """The entries of ``folder``, sorted by name; nothing when it is missing or a link."""
    try:
        if _is_link(os.lstat(folder)):
            return
        with os.scandir(folder) as scan:
            found = sorted(scan, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    yield from found


def regular_files(folder: Path) -> Iterator[Path]:
    """The plain files directly in ``folder``, never through a link."""
    for entry in entries(folder):
        if entry.is_file(follow_symlinks=False):
            yield Path(entry.path)


def real_folders(folder: Path) -> Iterator[Path]:
    """The folders directly in ``folder`` that are not links."""
    for entry in entries(folder):
        if entry.is_dir(follow_symlinks=False) and not _is_link(entry.stat(follow_symlinks=False)):
            yield Path(entry.path)


SNIFF_BYTES = 64


def holds_sealed_files(data_dir: Path) -> bool:
    """Whether any file in the data folder is sealed with a passphrase.

    Such a folder is protected whatever happened to its key file: this is what stops
    a deleted ``vault.json`` turning it into a plaintext folder (issue 12).  Reads the
    first bytes of each case, attachment and damaged file, and stops at the first
    sealed one, so a protected folder answers at once; a plain one reads every file's
    first line (about 5 ms for 500 cases).
    """
    from safetycheck.storage.casefile import looks_sealed

    data_dir = Path(data_dir)
    log = data_dir / "saves.log"  # the save log is only ever written under a passphrase
    if log.is_file() and not log.is_symlink() and log.stat().st_size > 0:
        return True
    folders = [data_dir / "cases", data_dir / "damaged"]
    folders += list(real_folders(data_dir / "attachments"))
    for folder in folders:
        for path in regular_files(folder):
            try:
                with open(path, "rb") as handle:
                    head = handle.read(SNIFF_BYTES)
            except OSError:
                continue
            if looks_sealed(head):
                return True
    return False
