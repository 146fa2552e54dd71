"""The save log: which save of each case is the latest, kept under the passphrase.

A case file is sealed and bound to its case, so nobody without the passphrase can
forge or change one.  But they can put back an OLDER genuine copy (its own ``.bak``,
a copy from a backup or a sync folder), and the file alone cannot tell (issue 12).
So every save in a protected folder is numbered (``casefile.Revision``) and noted
here, in ``saves.log`` in the data folder: one sealed line per save, appended::

    <sealed {"c": <case id>, "n": <save number>, "r": <save id>, "t": <time>}>

Opening or listing a case compares its file with the latest line for it; a file
older than that is a *rollback*, said plainly (``errors.RollbackError``) and never
opened without the person choosing to.

Why a log beside the cases, and what it cannot see:

* It is appended to after the case file is safely in place, and not flushed on its
  own (that would double the cost of every save): a power cut can lose its last
  lines, and then the file is *newer* than the log, which is never an alarm.  So
  the log never cries wolf after a crash, a full disk or a killed process.
* Whoever can put back an old case file can put back an old log too.  Putting back
  the whole data folder, or a case together with the log, as they were at one
  moment, is not noticed: nothing outside the data folder remembers the saves, and
  nothing may (a record elsewhere on the computer would itself show that SafetyCheck
  is used, and a portable copy keeps everything on its stick).  Deleting the log is
  the same: it is started again, and only rollbacks after that are noticed.
* A deleted case is forgotten here too (deleting leaves nothing of it), so an old
  copy of a deleted case put back is not noticed either.

The log grows by one line (about 150 bytes) per save and is rewritten, one line per
case, when it has grown past twice that (:data:`COMPACT_SLACK`).  Several processes
append to it under its own lock (``locks/ledger.lock``); each reads only what was
added since it last looked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from safetycheck.codec import Codec, CodecError
from safetycheck.durable import Platform, write_atomic
from safetycheck.paths import PRIVATE_FILE_MODE
from safetycheck.storage.casefile import Revision
from safetycheck.storage.caselock import CaseLocks

LEDGER_FILE = "saves.log"
LOCK_NAME = "ledger"
CONTEXT = b"saves-log"
#: Lines beyond one per case before the log is rewritten.
COMPACT_SLACK = 64
MAX_LINE = 4096


@dataclass(frozen=True)
class Entry:
    """The latest save of one case, as the log knows it."""

    revision: Revision
    at: dt.datetime | None


def is_older(revision: Revision | None, latest: Entry | None) -> bool:
    """Whether a file with ``revision`` is an older save than the log's ``latest``."""
    if latest is None:
        return False
    if revision is None:
        return True  # a file from before saves were numbered, for a case saved since
    if revision.n != latest.revision.n:
        return revision.n < latest.revision.n
    return revision.rev != latest.revision.rev


class SaveLedger:
    def __init__(self, data_dir: Path, codec: Codec, locks: CaseLocks, platform: Platform) -> None:
        self.path = Path(data_dir) / LEDGER_FILE
        self.codec = codec
        self.locks = locks
        self.platform = platform
        self._entries: dict[str, Entry] = {}
        self._lines = 0
        self._offset = 0
        self._identity: tuple[int, int] | None = None

    # -- reading ---------------------------------------------------------------------------

    def latest(self, case_id: str) -> Entry | None:
        """The latest save of ``case_id``, after reading what others added."""
        self.refresh()
        return self._entries.get(case_id)

    def known(self, case_id: str) -> Entry | None:
        """The same, as of the last :meth:`refresh` (for a list of many cases)."""
        return self._entries.get(case_id)

    def refresh(self) -> None:
        """Read what other processes (or this one) added since the last look."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            self._entries, self._lines, self._offset, self._identity = {}, 0, 0, None
            return
        identity = (info.st_dev, info.st_ino)
        if identity != self._identity or info.st_size < self._offset:
            self._entries, self._lines, self._offset = {}, 0, 0
            self._identity = identity
        if info.st_size == self._offset:
            return
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                added = handle.read(info.st_size - self._offset)
        except OSError:
            return
        complete = added.rfind(b"\n") + 1  # a line still being written is read next time
        for line in added[:complete].split(b"\n"):
            self._take(line)
        self._offset += complete

    def _take(self, line: bytes) -> None:
        if not line or len(line) > MAX_LINE:
            return
        try:
            data = json.loads(self.codec.decode(line, context=CONTEXT))
            case_id = data["c"]
            if data.get("forget"):
                self._entries.pop(case_id, None)
            else:
                revision = Revision(int(data["n"]), str(data["r"]))
                at = dt.datetime.fromisoformat(data["t"]) if data.get("t") else None
                known = self._entries.get(case_id)
                if known is None or revision.n >= known.revision.n:
                    self._entries[case_id] = Entry(revision, at)
        except (CodecError, ValueError, KeyError, TypeError):
            return  # torn by a power cut, or not ours: never believed
        self._lines += 1

    # -- writing ---------------------------------------------------------------------------

    def record(self, case_id: str, revision: Revision) -> None:
        """Note a save that is safely on disk."""
        at = dt.datetime.now(dt.UTC)
        self._append({"c": case_id, "n": revision.n, "r": revision.rev, "t": at.isoformat()})
        self._entries[case_id] = Entry(revision, at)

    def forget(self, case_id: str) -> None:
        """A deleted case leaves nothing here either."""
        self._append({"c": case_id, "forget": True})
        self._entries.pop(case_id, None)

    def _append(self, data: dict[str, object]) -> None:
        line = b"\n" + self.codec.encode(json.dumps(data).encode(), context=CONTEXT) + b"\n"
        with self.locks.hold(LOCK_NAME):
            self.refresh()
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
            fd = os.open(self.path, flags, PRIVATE_FILE_MODE)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
            if self._lines > len(self._entries) + COMPACT_SLACK:
                self._rewrite()

    def reseal(self) -> None:
        """Rewrite the log under the current key, one line per case (a passphrase change)."""
        with self.locks.hold(LOCK_NAME):
            self.refresh()
            if self._identity is not None or self._entries:
                self._rewrite()

    def _rewrite(self) -> None:
        """One line per case, atomically (under the log's lock)."""
        lines = [
            self.codec.encode(
                json.dumps(
                    {
                        "c": case_id,
                        "n": entry.revision.n,
                        "r": entry.revision.rev,
                        "t": entry.at.isoformat() if entry.at else None,
                    }
                ).encode(),
                context=CONTEXT,
            )
            + b"\n"
            for case_id, entry in sorted(self._entries.items())
        ]
        with contextlib.suppress(OSError):  # an old, longer log is still a right one
            write_atomic(self.path, b"".join(lines), platform=self.platform)
            info = os.stat(self.path)
            self._identity = (info.st_dev, info.st_ino)
            self._offset = info.st_size
            self._lines = len(lines)
