"""Rewrite every file of a data folder under the store's codec and current key.

Used when a passphrase is set or changed (see ``safetycheck.passphrase`` for the
steps around it).  Every file is rewritten atomically on its own and files already
sealed with the current key are skipped, so a run that was cut off is finished by
running it again.  Leftover temp files (which may hold plaintext) are removed;
damaged files are sealed whole, so that nothing readable stays behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from safetycheck.durable import write_atomic
from safetycheck.storage import attachments, casefile, recovery
from safetycheck.storage.caselock import CaseLocks
from safetycheck.storage.errors import saving
from safetycheck.storage.folder import (
    CaseFolder,
    case_id_of,
    entries,
    is_case_id,
    is_temp_name,
    real_folders,
    remove_no_follow,
)


def reencode_folder(folder: CaseFolder, codecs: casefile.Codecs, locks: CaseLocks) -> int:
    """Returns how many files were rewritten.

    Each case's files are rewritten holding that case's lock, so no save from another
    window lands half-way.  Links are never followed: a file or folder someone replaced
    with a link is left alone, so nothing outside the data folder is rewritten.
    """
    rewritten = 0
    by_case: dict[str, list[os.DirEntry[str]]] = {}
    for entry in entries(folder.cases_dir):
        name = entry.name[1:] if is_temp_name(entry.name) else entry.name
        case_id = case_id_of(name)
        if case_id:
            by_case.setdefault(case_id, []).append(entry)
    for case_id, found in sorted(by_case.items()):
        with locks.hold(case_id):
            main = folder.case_path(case_id)
            if any(is_temp_name(e.name) for e in found):
                # A cut-off save's temp file may be the latest state: put it back first.
                recovery.finish_cut_off_save(folder, main, codecs)
            for entry in entries(folder.cases_dir):
                path = Path(entry.path)
                name = entry.name[1:] if is_temp_name(entry.name) else entry.name
                if case_id_of(name) != case_id:
                    continue
                if is_temp_name(entry.name):
                    remove_no_follow(path)  # it may hold plaintext
                elif entry.is_file(follow_symlinks=False):
                    rewritten += _reseal_case_file(folder, codecs, path, case_id)
    for case_folder in real_folders(folder.attachments_dir):
        with locks.hold(case_folder.name) if is_case_id(case_folder.name) else _nothing():
            for entry in entries(case_folder):
                path = Path(entry.path)
                if is_temp_name(entry.name):
                    remove_no_follow(path)
                elif entry.is_file(follow_symlinks=False):
                    rewritten += attachments.reseal(
                        folder,
                        codecs.codec,
                        case_folder.name,
                        path,
                        accept_plain=codecs.accept_plain,
                    )
    for entry in entries(folder.damaged_dir):
        path = Path(entry.path)
        if is_temp_name(entry.name):
            remove_no_follow(path)
        elif entry.is_file(follow_symlinks=False):
            rewritten += _seal_damaged(folder, codecs, path)
    return rewritten


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


def _reseal_case_file(folder: CaseFolder, codecs: casefile.Codecs, path: Path, case_id: str) -> int:
    try:
        data = casefile.reseal(path.read_bytes(), case_id, codecs)
    except casefile.UNREADABLE:
        return _seal_damaged(folder, codecs, folder.move_to_damaged(path))
    if data is None:
        return 0
    with saving(path.parent):
        write_atomic(path, data, platform=folder.platform)
    return 1


def _seal_damaged(folder: CaseFolder, codecs: casefile.Codecs, path: Path) -> int:
    sealed = casefile.seal_whole(path.read_bytes(), codecs.codec)
    if sealed is None:
        return 0
    with saving(path.parent):
        write_atomic(path, sealed, platform=folder.platform)
    return 1
