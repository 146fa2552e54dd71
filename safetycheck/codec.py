"""How case bytes are turned into file bytes and back.

The store writes every record through a codec.  :class:`PlainCodec` keeps the
JSON as it is; the passphrase codec (see ``safetycheck.crypto``) encrypts it.
Keeping this seam small means storage, backups and attachments get encryption
by swapping one object, with no second code path to forget.
"""

from __future__ import annotations

from typing import Protocol


class CodecError(Exception):
    """The bytes could not be decoded (damaged, or the wrong key)."""


class KeyMissingError(CodecError):
    """Sealed with a key this store does not hold: a passphrase problem, never damage."""


class Codec(Protocol):
    #: Written in the file's first line, so a reader knows how to decode it.
    name: str

    @property
    def current_key_id(self) -> str | None:
        """The key new records are sealed with (None: records are not sealed)."""
        ...

    def encode(self, plaintext: bytes, *, context: bytes = b"") -> bytes:
        """Return bytes with no newline in them.  ``context`` is bound in (AAD) where supported."""
        ...

    def decode(self, data: bytes, *, context: bytes = b"") -> bytes: ...


class PlainCodec:
    name = "plain"

    @property
    def current_key_id(self) -> str | None:
        return None

    def encode(self, plaintext: bytes, *, context: bytes = b"") -> bytes:
        return plaintext

    def decode(self, data: bytes, *, context: bytes = b"") -> bytes:
        return data
