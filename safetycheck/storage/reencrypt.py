"""Rewrite every file of a data folder under the store's codec and current key.

Used when a passphrase is set or changed (see ``safetycheck.passphrase`` for the
steps around it).  Every file is rewritten atomically on its own and files already
sealed with the current key are skipped, so a run that was cut off is finished by
running it again.  Leftover temp files (which may hold plaintext) are removed;
damaged files are sealed whole, so that nothing readable stays behind.
"""

from __future__ import annotations

from pathlib import Path

from safetycheck.durable import write_atomic
from safetycheck.storage import attachments, casefile, recovery
from safetycheck.storage.errors import saving
from safetycheck.storage.folder import SUFFIX, CaseFolder, case_id_of, is_temp_name


def reencode_folder(folder: CaseFolder, codecs: casefile.Codecs) -> int:
    """Returns how many files were rewritten."""
    rewritten = 0
    if folder.cases_dir.is_dir():
        for entry in sorted(folder.cases_dir.iterdir()):
            main = folder.cases_dir / entry.name[1:].rsplit(".", 2)[0]
            if is_temp_name(entry.name) and main.name.endswith(SUFFIX):
                # A cut-off save's temp file may be the latest state: put it back first.
                recovery.finish_cut_off_save(folder, main, codecs)
        for entry in sorted(folder.cases_dir.iterdir()):
            if is_temp_name(entry.name):
                entry.unlink(missing_ok=True)
            elif entry.is_file() and case_id_of(entry.name):
                rewritten += _reseal_case_file(folder, codecs, entry, case_id_of(entry.name))
    if folder.attachments_dir.is_dir():
        for case_folder in sorted(folder.attachments_dir.iterdir()):
            if not case_folder.is_dir():
                continue
            for entry in sorted(case_folder.iterdir()):
                if is_temp_name(entry.name):
                    entry.unlink(missing_ok=True)
                else:
                    rewritten += attachments.reseal(folder, codecs.codec, case_folder.name, entry)
    if folder.damaged_dir.is_dir():
        for entry in sorted(folder.damaged_dir.iterdir()):
            if is_temp_name(entry.name):
                entry.unlink(missing_ok=True)
            elif entry.is_file():
                rewritten += _seal_damaged(folder, codecs, entry)
    return rewritten


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
