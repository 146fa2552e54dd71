"""One writer per case at a time, across processes, on every system.

Two processes saving one case used to overwrite each other's saves (issue 12: 249 of
300 gone): a second window, or a command such as ``export`` or ``scan-android
--case`` while the app has the case open.  Now each case has a lock file,
``locks/<case id>.lock`` in the data folder, and an operating-system lock on it:

* whoever has a case open (the app's window, a command) *claims* its lock until
  it closes the case; a second one is told at once, in plain words
  (:class:`CaseInUseError`), before anything is typed that could not be saved;
* every write of a case's files (a save, a restore, a delete, re-encryption)
  *holds* the lock for as long as it writes, so even code that never opened the
  case cannot write between another writer's steps.

The locks are the system's own, so a crashed or killed process lets go at once:
there is never a stale lock to clear.  POSIX uses ``flock`` (one lock per open
file, so two windows in one process exclude each other too); Windows uses
``msvcrt.locking`` on the file's first byte.  Which one is a field of
``safetycheck.durable.Platform``, so tests run the Windows path on Linux with the
platform simulated.  Within one :class:`CaseLocks` the locks are re-entrant: a save
inside an open case, or a passphrase change while a case is open in the same
window, does not wait for itself.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from safetycheck.durable import Platform
from safetycheck.paths import PRIVATE_FILE_MODE, ensure_private_dir
from safetycheck.storage.errors import CaseInUseError, SaveError

#: How long a write waits for another writer: a save takes milliseconds, so a lock still
#: held after this long is a case open somewhere else.
WAIT_SECONDS = 1.0
LOCK_SUFFIX = ".lock"


#: flock errors that mean "this drive cannot lock at all", not "someone holds it".
_NO_LOCKS_HERE = {errno.ENOLCK, errno.ENOSYS, getattr(errno, "ENOTSUP", -1), errno.EOPNOTSUPP}


class _CannotLock(Exception):
    pass


@dataclass
class _Held:
    fd: int
    count: int


class CaseLocks:
    """The case locks one owner (a window, a command) holds in one data folder."""

    def __init__(self, folder: Path, platform: Platform) -> None:
        self.folder = Path(folder)
        self.platform = platform
        self._held: dict[str, _Held] = {}
        self._mutex = threading.RLock()

    def path_for(self, name: str) -> Path:
        return self.folder / f"{name}{LOCK_SUFFIX}"

    def holds(self, name: str) -> bool:
        return name in self._held

    @contextlib.contextmanager
    def hold(self, name: str, wait: float = WAIT_SECONDS) -> Iterator[None]:
        """Hold ``name``'s lock while the block runs (at once when already held here)."""
        self.claim(name, wait)
        try:
            yield
        finally:
            self.release(name)

    def claim(self, name: str, wait: float = WAIT_SECONDS) -> None:
        """Take ``name``'s lock and keep it until :meth:`release` (counted, re-entrant).

        Raises :class:`CaseInUseError` when another owner keeps it past ``wait`` seconds.
        """
        with self._mutex:
            held = self._held.get(name)
            if held is not None:
                held.count += 1
                return
            fd = self._acquire(name, wait)
            self._held[name] = _Held(fd, 1) if fd is not None else _Held(-1, 1)

    def release(self, name: str) -> None:
        with self._mutex:
            held = self._held.get(name)
            if held is None:
                return
            held.count -= 1
            if held.count <= 0:
                del self._held[name]
                if held.fd >= 0:
                    self._unlock(held.fd)

    def __del__(self) -> None:
        # A window that is dropped lets go of its cases, as a process that ends does.
        try:
            self.release_all()
        except Exception:
            pass

    def release_all(self) -> None:
        with self._mutex:
            for name in list(self._held):
                self._held[name].count = 1
                self.release(name)

    def remove(self, name: str) -> None:
        """Remove ``name``'s lock file (a deleted case), held here or not.

        On POSIX the file goes while the lock is held, and a process that was waiting
        on it notices the file is gone and locks the new one (see :meth:`_acquire`).
        Windows cannot remove a file that is open, so there it goes once nobody holds it.
        """
        path = self.path_for(name)
        with self._mutex:
            if self.platform.posix_modes:
                with contextlib.suppress(OSError):
                    path.unlink()
                return
            if name in self._held:
                self._held[name].count = 1
                self.release(name)
            with contextlib.suppress(OSError):
                path.unlink()

    # -- the system's locks ---------------------------------------------------------------

    def _acquire(self, name: str, wait: float) -> int | None:
        """An open, locked descriptor of the lock file; None where no lock can be made.

        A data folder nobody can write to (a read-only copy) cannot be written by another
        process either: there is nothing to lock, and the write itself says why it fails.
        A drive that keeps no locks at all is used unlocked, as before (refusing every
        save there would lose more than it protects).
        """
        path = self.path_for(name)
        deadline = time.monotonic() + wait
        delay = 0.005
        while True:
            try:
                ensure_private_dir(self.folder)
                flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
                fd = os.open(path, flags, PRIVATE_FILE_MODE)
            except OSError as exc:
                if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                    return None
                raise SaveError(
                    "SafetyCheck could not make sure no other window is saving this case "
                    f"({exc.strerror or exc}). Nothing was changed. Try again in a moment."
                ) from exc
            try:
                if self._try_lock(fd) and self._still_there(fd, path):
                    return fd
            except _CannotLock:
                os.close(fd)
                return None  # a drive that keeps no locks (some network drives): go on
            except BaseException:
                os.close(fd)
                raise
            self._unlock(fd)
            if time.monotonic() >= deadline:
                raise CaseInUseError()
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def _still_there(self, fd: int, path: Path) -> bool:
        """Whether the locked file is still the one at ``path`` (not removed meanwhile)."""
        if not self.platform.posix_modes:
            return True  # Windows cannot remove a file that is open
        try:
            now, mine = os.stat(path), os.fstat(fd)
        except FileNotFoundError:
            return False
        return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)

    def _try_lock(self, fd: int) -> bool:
        if self.platform.msvcrt_locks:
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            except OSError:
                return False
            return True
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            if exc.errno in _NO_LOCKS_HERE:
                raise _CannotLock() from exc
            raise
        return True

    def _unlock(self, fd: int) -> None:
        """Let go of the lock (if held) and close the file."""
        try:
            if self.platform.msvcrt_locks:
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                with contextlib.suppress(OSError):
                    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                with contextlib.suppress(OSError):
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
