"""Encryption building blocks: a key from a passphrase, and sealed records.

Nothing here is home-made cryptography.  Keys come from Argon2id (memory-hard,
RFC 9106), falling back to scrypt where the installed OpenSSL lacks Argon2id;
records are sealed with AES-256-GCM.  All of it is the ``cryptography``
library's.  This module only decides parameters and the record layout.

A sealed record is ASCII with no newline, so it fits the case file's one
record per line layout::

    sc1:<key id>:<base64 of 12-byte random nonce + ciphertext + 16-byte tag>

The key id names which data key sealed it (a passphrase change moves every
file to a new key; see ``safetycheck.vault``).  The caller's ``context`` (for
example ``<case id>:body``) is bound in as associated data, so a record copied
into another case or another line fails to open instead of being believed.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safetycheck.codec import CodecError, KeyMissingError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96-bit random nonce, the size GCM is designed for
SALT_BYTES = 16
KEY_ID_BYTES = 8
RECORD_PREFIX = b"sc1:"
CODEC_NAME = "aes256gcm"

# Chosen so that unlocking takes about 0.3 s on the development machine when it is quiet
# (3 passes took 0.19 s there, below the 0.2-1 s we aim for; measured 2026-11-28) (an AMD EPYC
# virtual machine, see docs/performance.md "## Encryption"): slow enough that guessing
# passphrases offline costs an attacker real time and 64 MiB of memory per guess, quick
# enough that an advisor unlocking between clients does not wait.  The values are stored
# with each key file, so they can be raised later without breaking older folders.
ARGON2ID_DEFAULT: dict[str, Any] = {
    "name": "argon2id",
    "memory_kib": 65536,
    "iterations": 6,
    "lanes": 1,
}
SCRYPT_DEFAULT: dict[str, Any] = {"name": "scrypt", "n": 2**16, "r": 8, "p": 1}


class KdfError(Exception):
    """The key file names a key derivation this installation cannot run."""


class KdfLimitError(KdfError):
    """The key file asks for a key derivation outside what SafetyCheck ever writes."""


# The bounds on what a key file may ask for.  Every value is read from disk, where anyone
# who can change a file can write ``iterations: 1e9`` and make unlocking hang for ever, or
# a memory size that exhausts the computer.  They are wide enough to raise today's cost
# (about 0.3 s) sixteen-fold later without breaking older folders, and no wider.
ARGON2ID_LIMITS = {"memory_kib": (8, 2**20), "iterations": (1, 64), "lanes": (1, 8)}
#: Memory times passes, at most 16 times today's default (6 passes over 64 MiB, ~0.3 s).
ARGON2ID_MAX_WORK = 16 * ARGON2ID_DEFAULT["memory_kib"] * ARGON2ID_DEFAULT["iterations"]
SCRYPT_LIMITS = {"n": (2**10, 2**20), "r": (1, 16), "p": (1, 1)}
#: scrypt uses 128 * n * r bytes: at most 512 MiB, 8 times today's fallback.
SCRYPT_MAX_WORK = 8 * SCRYPT_DEFAULT["n"] * SCRYPT_DEFAULT["r"]


def check_kdf(params: object) -> dict[str, Any]:
    """The key derivation settings from a key file, checked before any work is done.

    Only whole numbers inside the bounds above are accepted (JSON's ``1e9`` is a float,
    ``true`` is not a number of passes); anything else raises :class:`KdfLimitError`,
    and an unknown name :class:`KdfError`.  Returns a clean copy with only the fields used.
    """
    if not isinstance(params, dict):
        raise KdfLimitError("the key derivation settings are not a table")
    name = params.get("name")
    if name == "argon2id":
        limits, keys = ARGON2ID_LIMITS, ("memory_kib", "iterations", "lanes")
    elif name == "scrypt":
        limits, keys = SCRYPT_LIMITS, ("n", "r", "p")
    else:
        raise KdfError(f"unknown key derivation {name!r}")
    clean: dict[str, Any] = {"name": name}
    for key in keys:
        value = params.get(key, 1 if key == "p" else None)
        low, high = limits[key]
        if type(value) is not int or not low <= value <= high:
            raise KdfLimitError(f"{key} {value!r} is outside {low}..{high}")
        clean[key] = value
    if name == "argon2id":
        if clean["memory_kib"] < 8 * clean["lanes"]:
            raise KdfLimitError("argon2id needs at least 8 KiB of memory per lane")
        if clean["memory_kib"] * clean["iterations"] > ARGON2ID_MAX_WORK:
            raise KdfLimitError("argon2id asks for too much work")
    else:
        if clean["n"] & (clean["n"] - 1):
            raise KdfLimitError("scrypt's n must be a power of two")
        if clean["n"] * clean["r"] > SCRYPT_MAX_WORK:
            raise KdfLimitError("scrypt asks for too much memory")
    return clean


def argon2id_available() -> bool:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        Argon2id(salt=b"\0" * SALT_BYTES, length=KEY_BYTES, iterations=1, lanes=1, memory_cost=8)
    except (ImportError, UnsupportedAlgorithm):
        return False
    return True


def default_kdf() -> dict[str, Any]:
    return dict(ARGON2ID_DEFAULT if argon2id_available() else SCRYPT_DEFAULT)


def normalise_passphrase(passphrase: str) -> bytes:
    """The same passphrase typed on another keyboard or OS must give the same key.

    Input methods differ in how they compose accented letters ("é" as one code
    point or two); NFC makes them the same bytes.
    """
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, params: dict[str, Any]) -> bytes:
    """A 256-bit key from ``passphrase``: deliberately slow and memory-hungry.

    The settings are checked here too (:func:`check_kdf`), so no caller can start an
    unbounded derivation by forgetting to.
    """
    secret = normalise_passphrase(passphrase)
    clean = check_kdf(params)
    try:
        if clean["name"] == "argon2id":
            from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

            kdf: Argon2id | Scrypt = Argon2id(
                salt=salt,
                length=KEY_BYTES,
                iterations=clean["iterations"],
                lanes=clean["lanes"],
                memory_cost=clean["memory_kib"],
            )
        else:
            from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

            kdf = Scrypt(salt=salt, length=KEY_BYTES, n=clean["n"], r=clean["r"], p=1)
        key: bytes = kdf.derive(secret)
        return key
    except (ImportError, UnsupportedAlgorithm, ValueError, TypeError) as exc:
        raise KdfError(str(exc)) from exc


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def new_key_id() -> str:
    return os.urandom(KEY_ID_BYTES).hex()


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Nonce + ciphertext + tag.  A fresh random nonce every time: never reused."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Raises ``InvalidTag`` when the key is wrong or a single bit changed."""
    if len(sealed) < NONCE_BYTES + 16:
        raise InvalidTag()
    return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)


def record_key_id(data: bytes) -> str | None:
    """The key id of a sealed record, or None when ``data`` is not one (e.g. plain JSON)."""
    if not data.startswith(RECORD_PREFIX):
        return None
    end = data.find(b":", len(RECORD_PREFIX))
    if end != len(RECORD_PREFIX) + 2 * KEY_ID_BYTES:
        return None
    try:
        return data[len(RECORD_PREFIX) : end].decode("ascii")
    except UnicodeDecodeError:
        return None


@dataclass
class Keyring:
    """The data keys of one folder: ``current`` seals new records, all of them open old ones.

    Keys retired by a passphrase change are kept (32 bytes each) so that files set
    aside as damaged before the change can still be opened by someone who knows the
    new passphrase.  Keeping them gives nothing away: whoever could read the old
    key file already had them, and every live file is moved to the new key.
    """

    current: str
    keys: dict[str, bytes]

    @classmethod
    def new(cls) -> Keyring:
        key_id = new_key_id()
        return cls(key_id, {key_id: new_key()})

    def rotated(self) -> Keyring:
        key_id = new_key_id()
        return Keyring(key_id, {**self.keys, key_id: new_key()})

    def to_bytes(self) -> bytes:
        keys = {k: base64.b64encode(v).decode("ascii") for k, v in self.keys.items()}
        return json.dumps({"current": self.current, "keys": keys}).encode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> Keyring:
        raw = json.loads(data)
        keys = {k: base64.b64decode(v, validate=True) for k, v in raw["keys"].items()}
        if raw["current"] not in keys or any(len(v) != KEY_BYTES for v in keys.values()):
            raise ValueError("key file holds a malformed key")
        return cls(raw["current"], keys)

    def codec(self) -> AesGcmCodec:
        return AesGcmCodec(self)


class AesGcmCodec:
    """The store's codec once a passphrase is set (see ``safetycheck.codec.Codec``)."""

    name = CODEC_NAME

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keyring.keys.items()}

    @property
    def current_key_id(self) -> str:
        return self.keyring.current

    @staticmethod
    def _aad(key_id: str, context: bytes) -> bytes:
        return b"safetycheck-record-1|" + key_id.encode("ascii") + b"|" + context

    def encode(self, plaintext: bytes, *, context: bytes = b"") -> bytes:
        key_id = self.keyring.current
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[key_id].encrypt(nonce, plaintext, self._aad(key_id, context))
        return RECORD_PREFIX + key_id.encode("ascii") + b":" + base64.b64encode(nonce + sealed)

    def decode(self, data: bytes, *, context: bytes = b"") -> bytes:
        key_id = record_key_id(data)
        if key_id is None:
            raise CodecError("not a sealed record")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            # Sealed by a key this folder's key file does not hold: the file came from
            # another folder or another passphrase.  Not damage, so never set it aside.
            raise KeyMissingError(
                "This file was locked with a different passphrase, so it cannot be opened here."
            )
        try:
            raw = base64.b64decode(data[len(RECORD_PREFIX) + 2 * KEY_ID_BYTES + 1 :], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CodecError("the sealed record is damaged") from exc
        if len(raw) < NONCE_BYTES + 16:
            raise CodecError("the sealed record is damaged")
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._aad(key_id, context))
        except InvalidTag as exc:
            raise CodecError("the sealed record is damaged") from exc
