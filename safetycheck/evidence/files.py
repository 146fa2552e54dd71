"""Copy files into an entry with what they say about themselves, all or none.

Several files can go into one entry.  If one of them cannot be copied (missing, not
an ordinary file, over the limit), the ones already copied are destroyed again and
nothing is added: an entry never holds half of what the person chose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from safetycheck.evidence.capture import NewFile, modified_time, photo_facts
from safetycheck.evidence.log import Attachment

if TYPE_CHECKING:
    from safetycheck.case import Case
    from safetycheck.store import CaseStore


def as_new_files(files: Sequence[Path | str | NewFile], how: str, by: str) -> list[NewFile]:
    """Plain paths take the entry's "how" and "by"; a NewFile keeps its own where given
    (also "", "not said", chosen for that one file)."""
    out: list[NewFile] = []
    for item in files:
        if isinstance(item, NewFile):
            out.append(
                NewFile(
                    Path(item.path),
                    how if item.how is None else item.how,
                    by if item.by is None else item.by,
                )
            )
        else:
            out.append(NewFile(Path(item), how, by))
    return out


def copy_in(store: CaseStore, case: Case, files: Sequence[NewFile]) -> list[Attachment]:
    copied: list[Attachment] = []
    try:
        for new in files:
            added = store.copy_in(case, new.path)
            facts = photo_facts(added.head)
            copied.append(
                replace(
                    added.attachment,
                    modified=modified_time(added.modified),
                    how=new.how or "",
                    by=new.by or "",
                    exif=facts.exif,
                    taken=facts.taken,
                    taken_offset=facts.taken_offset,
                    device=facts.device,
                )
            )
    except BaseException:
        for attachment in copied:
            try:
                store.destroy_attachment(case, attachment)
            except Exception:
                pass  # the first error is the one the person needs to hear
        raise
    return copied
