"""Crash recovery and damaged files: what the store does when a file is not as it left it.

Two situations, both expected and tested:

* A save was cut off between its two renames (the previous file is already ``.bak``,
  the new one still a temp file).  That temp file was complete and fsynced before the
  first rename, so the newest one that decodes is the latest saved state: it is put back.
* A case file cannot be read.  It is moved, byte for byte, into ``damaged/`` (nothing
  is deleted) and the person is offered the last good copy, in plain words.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from safetycheck.codec import Codec, PlainCodec
from safetycheck.durable import write_atomic
from safetycheck.storage import casefile
from safetycheck.storage.errors import CorruptCaseError
from safetycheck.storage.folder import SUFFIX, CaseFolder

if TYPE_CHECKING:
    from safetycheck.storage.summary import CaseSummary


def finish_cut_off_save(folder: CaseFolder, path: Path, codecs: casefile.Codecs) -> None:
    """Put the newest complete temp file in place when ``path`` is missing."""
    if path.exists() or not path.parent.is_dir():
        return
    case_id = path.name[: -len(SUFFIX)]
    for temp in folder.temps_for(path):
        try:
            raw = temp.read_bytes()
        except OSError:
            continue
        if casefile.is_complete(raw, case_id, codecs):
            folder.put_back(temp, path)
            return


#: A plaintext case file in a protected folder (``casefile.NotSealedError``).
NOT_SEALED = (
    "This case file was not locked with this folder's passphrase, so SafetyCheck will not "
    "open it: someone may have put it here."
)


def set_aside(
    folder: CaseFolder,
    case_id: str,
    path: Path,
    backup: CaseSummary | None,
    *,
    codec: Codec | None = None,
    not_sealed: bool = False,
) -> CorruptCaseError:
    """Move an unreadable case file into ``damaged/`` and say what can be done.

    In a protected folder (``codec`` holds keys) the moved file is sealed whole, so no
    readable copy of anything is left; ``CaseStore.read_damaged`` gives its bytes back.
    """
    try:
        moved: Path | None = folder.move_to_damaged(path)
    except OSError:
        moved = None
    if moved is not None and codec is not None and codec.name != PlainCodec.name:
        try:
            sealed = casefile.seal_whole(moved.read_bytes(), codec)
            if sealed is not None:
                write_atomic(moved, sealed, platform=folder.platform)
        except OSError:
            pass  # it is aside either way; a sweep at the next passphrase change seals it
    if not_sealed:
        message = (
            f"{NOT_SEALED} It has been set aside in the 'damaged' folder of the data folder "
            "and locked with your passphrase."
        )
        if backup is not None:
            message += " An earlier copy can be opened instead."
    elif backup is not None:
        when = backup.updated.astimezone().strftime("%d %B %Y at %H:%M") if backup.updated else ""
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
