"""Files copied into a case's evidence log, so the evidence stays if the original goes.

Each is stored under a random name in ``attachments/<case id>/``, bound to its place
(``<case id>:<name>``).  With a passphrase it is sealed in chunks
(``safetycheck.storage.chunked``), so a file of any size is copied, read and
re-encrypted a piece at a time; without one it is a plain copy.  Files sealed whole
by older versions (``sc1:`` records) are still read, and the next passphrase change
rewrites them in chunks.

Only an ordinary file can be added: a pipe (FIFO) would hang the copy for ever, a
device would never end.  It is checked on the open file itself, so swapping the
name for a pipe after the check changes nothing.  The most one file may be is
:data:`MAX_BYTES`, said in :data:`TOO_LARGE`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from safetycheck.case import Attachment
from safetycheck.codec import Codec, CodecError, PlainCodec
from safetycheck.durable import fsync_dir, fsync_file, replace, temp_path_for
from safetycheck.paths import PRIVATE_FILE_MODE
from safetycheck.storage import chunked
from safetycheck.storage.errors import SaveError, StoreError, plain_os_error, saving
from safetycheck.storage.folder import CaseFolder

#: The largest file a case keeps: 2 GB.  Enough for photos, screenshots, recordings and
#: short videos; a FAT-formatted USB stick cannot hold a single file over 4 GB at all.
MAX_BYTES = 2 * 1000**3
TOO_LARGE = (
    "This file is larger than 2 GB, the most SafetyCheck keeps in a case. Keep the original "
    "somewhere safe, and write down in the entry what it is and where it is kept."
)
NOT_A_FILE = (
    "This is not an ordinary file (it may be a folder, a device or a pipe), so it cannot be "
    "added. Choose a photo, a screenshot or a document."
)
#: The first bytes of each added file, kept for reading a photo's own details (EXIF).
HEAD_BYTES = 256 * 1024
READ_BYTES = chunked.CHUNK_BYTES


@dataclass(frozen=True)
class Added:
    attachment: Attachment
    #: The file's own modified time (seconds since the epoch), as it was when copied.
    modified: float
    #: The first :data:`HEAD_BYTES` of what was stored.
    head: bytes


def _context(case_id: str, stored_as: str) -> bytes:
    return f"{case_id}:{stored_as}".encode()


def _keys(codec: Codec) -> tuple[str, dict[str, bytes]] | None:
    """The codec's current key id and every key it holds; None when it seals nothing."""
    keyring = getattr(codec, "keyring", None)
    if keyring is None or codec.current_key_id is None:
        return None
    return keyring.current, dict(keyring.keys)


def open_regular(source: Path) -> tuple[int, os.stat_result]:
    """Open ``source`` for reading, only if it is an ordinary file within the limit.

    Opened without blocking (a pipe would otherwise wait for a writer for ever), then
    checked on the open descriptor; the caller closes it.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        if not stat.S_ISREG(os.stat(source).st_mode):
            raise StoreError(NOT_A_FILE)
        fd = os.open(source, flags)
    except OSError as exc:
        raise StoreError(plain_os_error(exc, Path(source))) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(NOT_A_FILE)
        if info.st_size > MAX_BYTES:
            raise StoreError(TOO_LARGE)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


class _Reading:
    """The source's bytes, hashed and counted on the way; refused once past the limit
    (a file that grows while it is copied)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.sha = hashlib.sha256()
        self.size = 0
        self.head = bytearray()

    def __iter__(self) -> Iterator[bytes]:
        while True:
            try:
                piece = os.read(self.fd, READ_BYTES)
            except OSError as exc:
                raise StoreError(plain_os_error(exc)) from exc
            if not piece:
                return
            self.size += len(piece)
            if self.size > MAX_BYTES:
                raise StoreError(TOO_LARGE)
            self.sha.update(piece)
            if len(self.head) < HEAD_BYTES:
                self.head += piece[: HEAD_BYTES - len(self.head)]
            yield piece


def write_stream(folder: CaseFolder, path: Path, pieces: Iterator[bytes]) -> None:
    """Write ``pieces`` to ``path`` atomically: a temp file beside it, fsync, rename.

    The temp file lives in the case's own attachment folder (never the system temp
    folder), holds only what ``pieces`` gives (sealed bytes, with a passphrase) and is
    removed if anything fails.
    """
    tmp = temp_path_for(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise SaveError(plain_os_error(exc, path.parent)) from exc
    try:
        try:
            for piece in pieces:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view) :]
            fsync_file(fd, folder.platform)
        finally:
            os.close(fd)
        if folder.platform.posix_modes:
            os.chmod(tmp, PRIVATE_FILE_MODE)
        replace(tmp, path, folder.platform)
        fsync_dir(path.parent, folder.platform)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise SaveError(plain_os_error(exc, path.parent)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _seal(codec: Codec, pieces: Iterator[bytes], context: bytes) -> Iterator[bytes]:
    keys = _keys(codec)
    if keys is not None:
        current, ring = keys
        return chunked.seal(pieces, ring[current], current, context=context)
    if codec.name == PlainCodec.name:
        return pieces
    # Any other codec (a test's) seals whole files, as every codec did before.
    return iter([codec.encode(b"".join(pieces), context=context)])


def add(folder: CaseFolder, codec: Codec, case_id: str, source: Path) -> Added:
    """Copy ``source`` into the case, a piece at a time, sealed with a passphrase."""
    fd, info = open_regular(Path(source))
    try:
        target = folder.attachment_dir(case_id)
        folder.ensure(folder.attachments_dir)
        folder.ensure(target)
        stored_as = secrets.token_hex(16)
        reading = _Reading(fd)
        sealed = _seal(codec, iter(reading), _context(case_id, stored_as))
        write_stream(folder, target / stored_as, sealed)
    finally:
        os.close(fd)
    attachment = Attachment(
        original_name=Path(source).name,
        stored_as=stored_as,
        size=reading.size,
        sha256=reading.sha.hexdigest(),
    )
    return Added(attachment, info.st_mtime, bytes(reading.head))


def chunks(
    folder: CaseFolder, codec: Codec, case_id: str, attachment: Attachment
) -> Iterator[bytes]:
    """The stored file's bytes, a piece at a time (a chunked file is never read whole).

    Raises StoreError when it is missing, damaged, or needs a passphrase this store
    does not hold.
    """
    path = folder.attachment_dir(case_id) / attachment.stored_as
    context = _context(case_id, attachment.stored_as)
    try:
        source = path.open("rb")
    except OSError as exc:
        raise StoreError(_unreadable(exc)) from exc
    with source:
        head = source.read(len(chunked.PREFIX))
        source.seek(0)
        keys = _keys(codec)
        try:
            if head == chunked.PREFIX:
                if keys is None:
                    raise StoreError(NEEDS_PASSPHRASE)
                yield from chunked.open_sealed(source, keys[1], context=context)
                return
            if codec.name == PlainCodec.name and not _starts_sealed(source):
                # A plain copy: a piece at a time, never the whole file in memory.
                while piece := source.read(READ_BYTES):
                    yield piece
                return
            raw = source.read()
        except CodecError as exc:
            raise StoreError(str(exc) if _is_key_problem(exc) else DAMAGED) from exc
        except OSError as exc:
            raise StoreError(_unreadable(exc)) from exc
    yield _single_shot(codec, raw, context)


NEEDS_PASSPHRASE = "This file is protected with a passphrase. Unlock SafetyCheck."
DAMAGED = "This file is damaged: it is not the file that was added, or part of it is missing."


def _starts_sealed(source: BinaryIO) -> bool:
    """Whether a file holds an ``sc1:`` record (sealed whole); the position is kept."""
    from safetycheck.crypto import RECORD_PREFIX, record_key_id

    head = source.read(len(RECORD_PREFIX) + 17)
    source.seek(0)
    return record_key_id(head) is not None


def _is_key_problem(exc: CodecError) -> bool:
    from safetycheck.codec import KeyMissingError

    return isinstance(exc, KeyMissingError)


def _unreadable(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "This file is missing from the case folder."
    return plain_os_error(exc)


def _single_shot(codec: Codec, raw: bytes, context: bytes) -> bytes:
    """A file stored whole: a plain copy, or an ``sc1:`` record from an older version."""
    from safetycheck.crypto import record_key_id

    if codec.name == PlainCodec.name:
        if record_key_id(raw) is not None:
            raise StoreError(NEEDS_PASSPHRASE)
        return raw
    if record_key_id(raw) is None and _keys(codec) is not None:
        return raw  # copied in while the folder had no passphrase, before it was set
    try:
        return codec.decode(raw, context=context)
    except CodecError as exc:
        raise StoreError(str(exc) if _is_key_problem(exc) else DAMAGED) from exc


def read(folder: CaseFolder, codec: Codec, case_id: str, attachment: Attachment) -> bytes:
    """The whole file in memory: for pictures shown or printed, never for copying."""
    return b"".join(chunks(folder, codec, case_id, attachment))


def stored_key_id(path: Path) -> tuple[str, str | None]:
    """("chunked" | "record" | "plain", key id) of a stored file, from its first bytes."""
    from safetycheck.crypto import RECORD_PREFIX, record_key_id

    with path.open("rb") as source:
        head = source.read(max(chunked.HEADER_BYTES, len(RECORD_PREFIX) + 17))
    if head.startswith(chunked.PREFIX):
        return "chunked", chunked.key_id_of(head)
    key_id = record_key_id(head)
    return ("record", key_id) if key_id is not None else ("plain", None)


def reseal(
    folder: CaseFolder, codec: Codec, case_id: str, path: Path, *, accept_plain: bool = False
) -> bool:
    """Rewrite one attachment under the current key; False when there was nothing to do.

    Streams: a file of any size is re-encrypted with about two chunks in memory (a
    whole-file record from an older version is read whole once, then never again).
    A plaintext file is sealed only while a first passphrase is being set
    (``accept_plain``): at any other time SafetyCheck did not write it, and sealing it
    would make it look genuine (issue 12).  It is left as it is, and does not open.
    """
    kind, key_id = stored_key_id(path)
    if kind == "chunked" and key_id == codec.current_key_id:
        return False
    if kind == "plain" and (codec.current_key_id is None or not accept_plain):
        return False
    context = _context(case_id, path.name)
    keys = _keys(codec)
    ring = keys[1] if keys else {}
    if kind != "plain" and key_id not in ring:
        return False  # sealed already with a key we do not hold: nothing readable in it
    with path.open("rb") as source:
        try:
            # A chunk that fails to open stops the rewrite before the rename: the file
            # is kept exactly as it was.
            if kind == "chunked":
                plain: Iterator[bytes] = chunked.open_sealed(source, ring, context=context)
            elif kind == "record":
                plain = iter([codec.decode(source.read(), context=context)])
            else:
                plain = iter(lambda: source.read(READ_BYTES), b"")
            with saving(path.parent):
                write_stream(folder, path, _seal(codec, plain, context))
        except CodecError:
            return False  # damaged, and sealed already: nothing readable in it
    return True


def destroy(folder: CaseFolder, case_id: str, attachment: Attachment) -> None:
    """Overwrite a stored file with zeros, flush it to the disk, then remove it.

    For "delete for good".  On an SSD or a copy-on-write file system the old blocks
    may survive until the disk reuses them; with a passphrase, all that can survive is
    ciphertext whose per-file salt (in its first bytes) was overwritten too.
    """
    path = folder.attachment_dir(case_id) / attachment.stored_as
    try:
        length = path.stat().st_size
    except FileNotFoundError:
        return
    with saving(path.parent):
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
        try:
            zeros = bytes(READ_BYTES)
            left = length
            while left > 0:
                left -= os.write(fd, zeros[: min(left, READ_BYTES)])
            fsync_file(fd, folder.platform)
        finally:
            os.close(fd)
        path.unlink()
        fsync_dir(path.parent, folder.platform)
