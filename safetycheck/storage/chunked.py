"""Sealed files that are written and read a piece at a time (attachments of any size).

A 1 GB video sealed as one AES-GCM record needed the whole file, its ciphertext and
its base64 in memory at once (4.8 GB).  This format seals a file in chunks, so memory
stays at about two chunks whatever the size.  It is the STREAM construction
(Hoang, Reyhanitabar, Rogaway and Vizár, 2015) over AES-256-GCM from the
``cryptography`` library; nothing here is home-made cryptography, only the layout::

    b"sc2:" <16 hex key id> b":"      21 bytes: which data key sealed it
    chunk size                        4 bytes, big-endian (1 MiB)
    salt                              16 random bytes
    chunks                            each: ciphertext of one chunk + 16-byte tag

Each file gets its own key, HKDF-SHA256(data key, salt, its context), so the nonces
can simply count: nonce = chunk number (11 bytes, big-endian) + 1 byte that is 1 on the
last chunk only.  The header and the context (``<case id>:<stored name>``) are bound in
as associated data.  So a chunk moved to another place or another file, a file cut
short at any point (even at a chunk boundary), one with chunks added after its last,
or one whose header was changed, fails to open instead of being believed.  An empty
file is one empty last chunk.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safetycheck.codec import CodecError, KeyMissingError

PREFIX = b"sc2:"
KEY_ID_CHARS = 16
CHUNK_BYTES = 1 << 20  # 1 MiB: two of them in memory at a time
SALT_BYTES = 16
TAG_BYTES = 16
HEADER_BYTES = len(PREFIX) + KEY_ID_CHARS + 1 + 4 + SALT_BYTES
_INFO = b"safetycheck-attachment-2|"
_MAX_CHUNK = 64 << 20  # a header that claims more is damaged, not a reason to allocate it


def key_id_of(head: bytes) -> str | None:
    """The key id of a chunked sealed file from its first bytes, or None if it is not one."""
    if len(head) < HEADER_BYTES or not head.startswith(PREFIX):
        return None
    end = len(PREFIX) + KEY_ID_CHARS
    if head[end : end + 1] != b":":
        return None
    try:
        key_id = head[len(PREFIX) : end].decode("ascii")
    except UnicodeDecodeError:
        return None
    return key_id if all(c in "0123456789abcdef" for c in key_id) else None


def _file_key(key: bytes, salt: bytes, context: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO + context)
    return AESGCM(hkdf.derive(key))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def seal(
    chunks: Iterable[bytes],
    key: bytes,
    key_id: str,
    *,
    context: bytes,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """Yield the sealed file for the plaintext ``chunks`` (any sizes), piece by piece."""
    salt = os.urandom(SALT_BYTES)
    header = PREFIX + key_id.encode("ascii") + b":" + chunk_bytes.to_bytes(4, "big") + salt
    aead = _file_key(key, salt, context)
    aad = header + context
    yield header
    pending = bytearray()
    index = 0
    for piece in chunks:
        pending += piece
        # Keep at least one byte back: only the end of the input says which chunk is last.
        while len(pending) > chunk_bytes:
            block = bytes(pending[:chunk_bytes])
            del pending[:chunk_bytes]
            yield aead.encrypt(_nonce(index, False), block, aad)
            index += 1
    yield aead.encrypt(_nonce(index, True), bytes(pending), aad)


def open_sealed(source: BinaryIO, keys: Mapping[str, bytes], *, context: bytes) -> Iterator[bytes]:
    """Yield the plaintext of a chunked sealed file, one chunk at a time.

    Raises :class:`CodecError` at the first chunk that is damaged, moved, missing or
    extra (what came before it was genuine), and :class:`KeyMissingError` when the file
    was sealed with a key this folder does not hold.
    """
    header = source.read(HEADER_BYTES)
    key_id = key_id_of(header)
    if key_id is None:
        raise CodecError("not a chunked sealed file")
    key = keys.get(key_id)
    if key is None:
        raise KeyMissingError(
            "This file was locked with a different passphrase, so it cannot be opened here."
        )
    offset = len(PREFIX) + KEY_ID_CHARS + 1
    chunk_bytes = int.from_bytes(header[offset : offset + 4], "big")
    if not 0 < chunk_bytes <= _MAX_CHUNK:
        raise CodecError("the sealed file is damaged")
    aead = _file_key(key, header[offset + 4 :], context)
    aad = header + context
    sealed_chunk = chunk_bytes + TAG_BYTES
    current = source.read(sealed_chunk)
    index = 0
    while True:
        following = source.read(sealed_chunk) if len(current) == sealed_chunk else b""
        last = not following
        try:
            yield aead.decrypt(_nonce(index, last), current, aad)
        except InvalidTag as exc:
            raise CodecError("the sealed file is damaged or incomplete") from exc
        if last:
            return
        current = following
        index += 1
