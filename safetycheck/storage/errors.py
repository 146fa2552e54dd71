"""Storage errors, each carrying a message written for the person using the app.

Every operating-system error that reaches a person goes through :func:`plain_os_error`,
so a full disk or a read-only folder reads the same wherever it happens.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from safetycheck.storage.summary import CaseSummary


class StoreError(Exception):
    """A storage problem, with a message written for the person using the app."""


class CaseNotFoundError(StoreError):
    pass


class SaveError(StoreError):
    pass


class CaseInUseError(SaveError):
    """The case is open (or being written) in another SafetyCheck window or command."""

    def __init__(self) -> None:
        super().__init__(
            "This case is open in another SafetyCheck window, or a SafetyCheck command is "
            "using it. Close it there, then try again. Nothing was changed here."
        )


class LockedError(SaveError):
    """A write to a passphrase-protected folder by a store that was never unlocked."""

    def __init__(self) -> None:
        super().__init__(
            "This data folder is protected with a passphrase. Unlock SafetyCheck first; "
            "nothing was saved."
        )


class MissingKeyFileError(LockedError):
    """A store without keys in a folder that holds sealed files but no ``vault.json``."""

    def __init__(self, data_dir: Path) -> None:
        from safetycheck.vault import MissingVaultError

        SaveError.__init__(self, str(MissingVaultError(data_dir)))


class KeyFileChangedError(SaveError):
    """``vault.json`` is not the one this window unlocked: the passphrase changed elsewhere."""

    def __init__(self) -> None:
        super().__init__(
            "The passphrase of this data folder was changed in another SafetyCheck window "
            "(or its passphrase file was replaced), so this window cannot save any more. "
            "Your latest change was not saved: note it down, close SafetyCheck, open it "
            "again with the new passphrase, and make the change again."
        )


class CaseChangedError(SaveError):
    """The case was saved by someone else since this window opened it."""

    def __init__(self) -> None:
        super().__init__(
            "This case was changed in another SafetyCheck window since it was opened here, "
            "so your latest change was not saved (it would have undone theirs). Close the "
            "case, open it again to see both, and make the change again."
        )


class RollbackError(StoreError):
    """The case file is an older copy than the last save of the case (``storage.ledger``)."""

    def __init__(self, case_id: str, last_saved: dt.datetime | None) -> None:
        when = (
            " on " + last_saved.astimezone().strftime("%d %B %Y at %H:%M")
            if last_saved is not None
            else ""
        )
        super().__init__(
            f"This is an older copy of the case than the one SafetyCheck last saved{when}. "
            "Someone may have put an older copy back, or a backup or sync program may have "
            "restored one. Nothing has been changed. In SafetyCheck's window you can open "
            "this older copy (it then becomes the case from now on), or leave it and look "
            "for the newer one, for example in a backup."
        )
        self.case_id = case_id
        self.last_saved = last_saved


class CorruptCaseError(StoreError):
    """The case file cannot be read.  It has been set aside; a backup may be offered."""

    def __init__(
        self, case_id: str, message: str, backup: CaseSummary | None, set_aside_as: Path | None
    ) -> None:
        super().__init__(message)
        self.case_id = case_id
        self.backup = backup
        self.set_aside_as = set_aside_as


@contextmanager
def saving(where: Path) -> Iterator[None]:
    """Turn an OSError while writing into a :class:`SaveError` a person can act on."""
    try:
        yield
    except OSError as exc:
        raise SaveError(plain_os_error(exc, where)) from exc


def plain_os_error(exc: OSError, where: Path | None = None) -> str:
    """Turn an OSError into a sentence a frightened, non-technical person can act on."""
    if exc.errno == errno.ENOSPC:
        return (
            "The disk is full, so your latest change could not be saved. Everything saved "
            "before it is safe. Free some space, then try again."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        place = str(where) if where is not None else "this folder"
        return (
            f"SafetyCheck is not allowed to write to {place}. Your earlier work is safe. "
            "Choose another data folder, or ask someone you trust to fix the folder's "
            "permissions."
        )
    if exc.errno == errno.ENOENT and where is not None:
        return f"The folder {where} is missing. Check that the drive is connected."
    return (
        f"A file could not be saved or read ({exc.strerror or exc}). Your earlier work is safe. "
        "Try again in a moment."
    )
