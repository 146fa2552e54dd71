"""Whether the data folder is safe to use: whose it is, and who else can change it.

A data folder that belongs to another account, or that other accounts can write to,
was used without a word (issue 12).  Someone using that other account could read the
cases, change them, or swap the whole folder for one of their own.  So, before the
folder is opened:

* a data folder owned by another account is refused, with what to do instead;
* a data folder others can write to is made private (0700) when it is ours, and the
  person is told; when that is not possible (many USB sticks cannot keep modes), they
  are told what it means;
* a folder above it that others can change without the sticky bit (``/tmp`` has it,
  so others cannot move what is ours there) is warned about: anyone with that folder
  could put another data folder in our folder's place.

POSIX modes only.  On Windows folders are protected by access lists, which this does
not read: the default place is inside the person's own profile, which other accounts
cannot open, and a USB stick (FAT or exFAT) keeps no access lists at all.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from safetycheck.durable import Platform
from safetycheck.paths import PRIVATE_DIR_MODE
from safetycheck.storage.errors import StoreError


class UnsafeFolderError(StoreError):
    """The data folder belongs to another account: it is not used at all."""


def _others_can_write(mode: int) -> bool:
    return bool(mode & (stat.S_IWGRP | stat.S_IWOTH))


def check_data_folder(data_dir: Path, platform: Platform, uid: int | None = None) -> list[str]:
    """Warnings to show before the folder is used; raises :class:`UnsafeFolderError`.

    ``uid`` is the account this program runs as (tests pass another to play a
    second account; root is allowed anything, as the system allows it).
    """
    if not platform.posix_modes:
        return []
    me = os.geteuid() if uid is None else uid
    folder = Path(os.path.abspath(data_dir))
    warnings: list[str] = []
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        info = None
    if info is not None:
        if me != 0 and info.st_uid != me:
            raise UnsafeFolderError(
                f"The data folder {folder} belongs to another account on this computer, so "
                "whoever uses that account could read or change the cases in it. "
                "SafetyCheck has not opened it. Start SafetyCheck with a folder of your own "
                "(for example: safetycheck --data-dir FOLDER), or ask someone you trust to "
                "give this folder to your account."
            )
        if _others_can_write(info.st_mode):
            try:
                os.chmod(folder, PRIVATE_DIR_MODE)
            except OSError:
                pass
            if _others_can_write(os.stat(folder).st_mode):
                return [
                    f"Other accounts on this computer can change the data folder {folder}, "
                    "and SafetyCheck could not stop that (the drive may not keep "
                    "permissions, as many USB sticks do not). Anyone who can use this "
                    "computer or this drive could change or replace your cases. Protect "
                    "them with a passphrase, and keep the drive where only you can reach it."
                ]
            warnings.append(
                f"Other accounts on this computer could change the data folder {folder}. "
                "SafetyCheck has now made it private to your account. If you did not "
                "change it yourself, someone else may have: look at your cases with that "
                "in mind, and talk it through with an advisor."
            )
    parent = _unsafe_parent(Path(os.path.realpath(folder)).parent, me)
    if parent is not None:
        warnings.append(
            f"The folder {parent}, which holds the data folder, can be changed by other "
            "accounts on this computer, so someone could put another data folder in place "
            "of yours. Use a data folder inside your own home folder (for example: "
            "safetycheck --data-dir FOLDER)."
        )
    return warnings


def _unsafe_parent(start: Path, me: int) -> Path | None:
    """The first folder above the data folder that another account could change."""
    for parent in (start, *start.parents):
        try:
            info = os.stat(parent)
        except OSError:
            continue  # not there yet: it will be made by us
        sticky = bool(info.st_mode & stat.S_ISVTX)
        if _others_can_write(info.st_mode) and not sticky:
            return parent
        if info.st_uid not in (me, 0):
            return parent
    return None
