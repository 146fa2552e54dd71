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


def set_aside(
    folder: CaseFolder, case_id: str, path: Path, backup: CaseSummary | None
) -> CorruptCaseError:
    """Move an unreadable case file into ``damaged/`` and say what can be done."""
    try:
        moved: Path | None = folder.move_to_damaged(path)
    except OSError:
        moved = None
    if backup is not None:
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
