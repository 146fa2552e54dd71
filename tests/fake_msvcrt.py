"""A stand-in for Windows' ``msvcrt`` module, so the Windows lock path runs on Linux.

The project simulates platforms by passing a ``durable.Platform`` record in (see
``docs/decisions.md``, Foundation); the case locks on Windows also need the module
they call.  This one behaves as ``msvcrt.locking`` does where it matters: a lock is
held per open file, a second holder fails at once with ``LK_NBLCK`` (an OSError),
and ``LK_UNLCK`` lets go.  It records every call, so a test can check the lock is
taken on the file's first byte.
"""

from __future__ import annotations

import fcntl
import os
import types


class FakeMsvcrt(types.ModuleType):
    """``msvcrt.locking`` as Windows behaves: a byte-range lock per open file that fails at
    once with LK_NBLCK when another holder has it.  Built on flock, which conflicts per open
    file the same way, so two handles in one process exclude each other as on Windows."""

    LK_UNLCK, LK_LOCK, LK_NBLCK = 0, 1, 2

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.calls: list[tuple[int, int, int]] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        self.calls.append((os.lseek(fd, 0, os.SEEK_CUR), mode, nbytes))
        if mode == self.LK_UNLCK:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PermissionError(13, "Permission denied") from None
