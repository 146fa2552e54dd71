"""Durable, atomic file writes that behave the same on Linux, macOS and Windows.

The rule we keep: when :func:`write_atomic` returns, the new bytes survive a
crash, a kill or a power cut, and at every earlier moment the old bytes are
still there.  The steps are the usual ones (temp file in the same folder,
flush, fsync, ``os.replace``, fsync the folder), but each platform bends one
of them, so the differences live here, in one small :class:`Platform` record,
and tests simulate the other platforms by passing one in.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from safetycheck.paths import PRIVATE_FILE_MODE


@dataclass(frozen=True)
class Platform:
    name: str
    # Windows cannot open a folder to fsync it; NTFS journals the rename instead.
    fsync_dir: bool
    # macOS fsync() does not flush the drive's cache; F_FULLFSYNC does.
    full_fsync: bool
    # Only POSIX has meaningful file modes; Windows uses ACLs, and the per-user
    # profile folder's ACLs already keep other accounts out.
    posix_modes: bool
    # Windows: a virus scanner or indexer may hold the file for a moment, and
    # os.replace then fails with PermissionError.  Retry for up to this long.
    replace_retry_seconds: float
    # How a case is locked against a second writer (``safetycheck.storage.caselock``):
    # ``msvcrt.locking`` on Windows, ``flock`` everywhere else.
    msvcrt_locks: bool = False


LINUX = Platform(
    "linux", fsync_dir=True, full_fsync=False, posix_modes=True, replace_retry_seconds=0.0
)
MACOS = Platform(
    "macos", fsync_dir=True, full_fsync=True, posix_modes=True, replace_retry_seconds=0.0
)
WINDOWS = Platform(
    "windows",
    fsync_dir=False,
    full_fsync=False,
    posix_modes=False,
    replace_retry_seconds=2.0,
    msvcrt_locks=True,
)


def current_platform() -> Platform:
    if os.name == "nt":
        return WINDOWS
    if sys.platform == "darwin":
        return MACOS
    return LINUX


# Errors on Windows that mean "someone else has the file open right now".
_TRANSIENT_WINERRORS = {5, 32, 33}  # access denied, sharing violation, lock violation


def _is_transient(exc: OSError, platform: Platform) -> bool:
    if platform.replace_retry_seconds <= 0:
        return False
    winerror = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror in _TRANSIENT_WINERRORS
    return isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EBUSY)


def fsync_file(fd: int, platform: Platform) -> None:
    if platform.full_fsync:
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            try:
                fcntl.fcntl(fd, full)
                return
            except OSError:
                pass  # Some file systems (network, FAT) refuse it: plain fsync is the best left.
    os.fsync(fd)


def fsync_dir(path: Path, platform: Platform) -> None:
    if not platform.fsync_dir:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems (e.g. FAT on a USB stick) cannot fsync a folder.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def replace(
    src: Path, dst: Path, platform: Platform, sleep: Callable[[float], None] = time.sleep
) -> None:
    """``os.replace`` that waits out a virus scanner's brief hold on Windows."""
    deadline = time.monotonic() + platform.replace_retry_seconds
    delay = 0.01
    while True:
        try:
            os.replace(src, dst)
            return
        except OSError as exc:
            if not _is_transient(exc, platform) or time.monotonic() >= deadline:
                raise
            sleep(delay)
            delay = min(delay * 2, 0.2)


def temp_path_for(path: Path) -> Path:
    # os.urandom, as secrets.token_hex uses: ``secrets`` would load OpenSSL's hashes at start-up.
    return path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")


def is_temp_for(candidate: Path, path: Path) -> bool:
    return candidate.name.startswith(f".{path.name}.") and candidate.name.endswith(".tmp")


def write_atomic(
    path: Path, data: bytes, *, backup: Path | None = None, platform: Platform | None = None
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new bytes.

    With ``backup``, the previous version is renamed to it first (a rename, not
    a copy, so it costs no extra data write).  Between that rename and the
    final one the main file is briefly absent; :func:`recover_missing` in the
    store finds the fully written temp file in that case.
    """
    platform = platform or current_platform()
    tmp = temp_path_for(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, PRIVATE_FILE_MODE)
    moved_old = False
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            fsync_file(fd, platform)
        finally:
            os.close(fd)
        if platform.posix_modes:
            os.chmod(tmp, PRIVATE_FILE_MODE)  # os.open's mode is filtered by the umask
        if backup is not None and path.exists():
            replace(path, backup, platform)
            moved_old = True
        replace(tmp, path, platform)
    except BaseException:
        if moved_old and backup is not None and not path.exists():
            with contextlib.suppress(OSError):
                replace(backup, path, platform)  # put the old version back where it was
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent, platform)
