"""The key file: the folder's data keys, locked by the passphrase.

Case files, backups and attachments are sealed with random data keys
(``safetycheck.crypto.Keyring``).  The passphrase never touches them directly:
it derives a key-encryption key that seals the keyring into ``vault.json``
in the data folder.  This design gives three things we need:

* A wrong passphrase is found out by the key file alone (its seal does not
  open), before any case file is read, moved or written.
* Changing the passphrase can be made atomic: see ``safetycheck.passphrase``.
* The key file holds no case data, only salts, parameters and sealed keys.

Layout (JSON, written atomically, 0600)::

    {"format": "safetycheck-vault", "version": 1, "pending": false,
     "slots": [{"kdf": {...}, "salt": "<b64>", "wrapped": "<b64>"}]}

Each slot is the same keyring sealed under one passphrase.  There is one slot,
except during a passphrase change, when the old and the new passphrase both
open it.  ``pending`` marks a re-encryption that has not finished yet.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from safetycheck.crypto import (
    SALT_BYTES,
    KdfError,
    Keyring,
    default_kdf,
    derive_key,
    open_sealed,
    seal,
)
from safetycheck.durable import write_atomic
from safetycheck.paths import ensure_private_dir

VAULT_FILE = "vault.json"
VAULT_FORMAT = "safetycheck-vault"
VAULT_VERSION = 1
WRAP_AAD = b"safetycheck-vault-1"
MIN_PASSPHRASE_LENGTH = 8


class VaultError(Exception):
    """A problem with the passphrase or key file, in one plain sentence."""


class WrongPassphraseError(VaultError):
    def __init__(self) -> None:
        super().__init__("That passphrase is not right. Nothing was opened or changed.")


class DamagedVaultError(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "The passphrase file in the data folder (vault.json) is damaged or missing, so "
            "the cases cannot be opened. Nothing has been changed."
        )


@dataclass
class Slot:
    kdf: dict[str, Any]
    salt: bytes
    wrapped: bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "kdf": self.kdf,
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "wrapped": base64.b64encode(self.wrapped).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Slot:
        return cls(
            dict(data["kdf"]),
            base64.b64decode(data["salt"], validate=True),
            base64.b64decode(data["wrapped"], validate=True),
        )


@dataclass
class Vault:
    slots: list[Slot]
    pending: bool = False

    def to_bytes(self) -> bytes:
        data = {
            "format": VAULT_FORMAT,
            "version": VAULT_VERSION,
            "pending": self.pending,
            "slots": [s.to_dict() for s in self.slots],
        }
        return json.dumps(data, indent=1).encode("ascii")


@dataclass
class Unlocked:
    """What a right passphrase gives: the keys, and the slot (with its key) it opened."""

    keyring: Keyring
    slot: Slot
    kek: bytes
    pending: bool


def vault_path(data_dir: Path) -> Path:
    return Path(data_dir) / VAULT_FILE


def is_protected(data_dir: Path) -> bool:
    """Whether this data folder has a passphrase.  Cheap: one stat."""
    return vault_path(data_dir).exists()


def passphrase_problem(passphrase: str) -> str | None:
    """Why a new passphrase will not do, in a sentence; None when it is fine."""
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH:
        return (
            f"Please use at least {MIN_PASSPHRASE_LENGTH} characters. "
            "A few ordinary words in a row is easy to remember and hard to guess."
        )
    return None


def read_vault(data_dir: Path) -> Vault:
    try:
        data = json.loads(vault_path(data_dir).read_bytes())
        if data.get("format") != VAULT_FORMAT:
            raise ValueError("not a key file")
        if int(data.get("version", 0)) > VAULT_VERSION:
            raise VaultError(
                "This data folder was protected by a newer version of SafetyCheck. "
                "Please update SafetyCheck to open it. Nothing has been changed."
            )
        slots = [Slot.from_dict(s) for s in data["slots"]]
        if not slots:
            raise ValueError("no slots")
        return Vault(slots, bool(data.get("pending", False)))
    except VaultError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise DamagedVaultError() from exc


def write_vault(data_dir: Path, vault: Vault) -> None:
    """Replace the key file atomically: a crash leaves the old one or the new one."""
    ensure_private_dir(Path(data_dir))
    write_atomic(vault_path(data_dir), vault.to_bytes())


def make_slot(
    passphrase: str, keyring: Keyring, kdf: dict[str, Any] | None = None
) -> tuple[Slot, bytes]:
    """Seal ``keyring`` under ``passphrase`` with a fresh salt; return the slot and its key."""
    params = dict(kdf or default_kdf())
    salt = os.urandom(SALT_BYTES)
    kek = derive_key(passphrase, salt, params)
    return Slot(params, salt, seal(kek, keyring.to_bytes(), WRAP_AAD)), kek


def reseal_slot(slot: Slot, kek: bytes, keyring: Keyring) -> Slot:
    """The same passphrase (same salt and key), sealing a new keyring: no slow derivation."""
    return Slot(dict(slot.kdf), slot.salt, seal(kek, keyring.to_bytes(), WRAP_AAD))


def unlock(data_dir: Path, passphrase: str) -> Unlocked:
    """Open the key file with ``passphrase``.  Reads one small file and writes nothing."""
    vault = read_vault(data_dir)
    for slot in vault.slots:
        try:
            kek = derive_key(passphrase, slot.salt, slot.kdf)
        except KdfError as exc:
            raise VaultError(
                "This data folder uses a kind of passphrase protection this copy of "
                "SafetyCheck cannot open. Please update SafetyCheck. Nothing has been changed."
            ) from exc
        try:
            keyring = Keyring.from_bytes(open_sealed(kek, slot.wrapped, WRAP_AAD))
        except InvalidTag:
            continue
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise DamagedVaultError() from exc
        return Unlocked(keyring, slot, kek, vault.pending)
    raise WrongPassphraseError()
