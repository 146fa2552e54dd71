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

    {"format": "safetycheck-vault", "version": 2, "pending": null,
     "slots": [{"kdf": {...}, "salt": "<b64>", "wrapped": "<b64>"}]}

Each slot is a keyring sealed under one passphrase.  There is one slot, except
during a passphrase change (``pending: "change"``): then the OLD passphrase's slot
still seals the OLD keyring, unchanged, and the new one seals the new keyring
(the old keys plus the new data key).  The old passphrase is never given the new
key, in this file or in any copy of it a backup program may keep.
``pending`` says what is not finished yet (see ``safetycheck.passphrase``):
``"set"`` (a first passphrase), ``"change"``, or ``"rekey"`` (a change finished
by typing the old passphrase: the new one must move the files on).  Version 1
files wrote ``pending: true``; they are still read.

Everything read from this file is bounded before any work is done (its size,
the number of slots, salts, and the key derivation's settings:
``safetycheck.crypto.check_kdf``), so a changed file cannot make unlocking hang.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from safetycheck.crypto import (
    SALT_BYTES,
    KdfError,
    KdfLimitError,
    Keyring,
    check_kdf,
    default_kdf,
    derive_key,
    open_sealed,
    seal,
)
from safetycheck.durable import write_atomic
from safetycheck.paths import ensure_private_dir

VAULT_FILE = "vault.json"
VAULT_FORMAT = "safetycheck-vault"
VAULT_VERSION = 2
WRAP_AAD = b"safetycheck-vault-1"
MIN_PASSPHRASE_LENGTH = 8

#: What is not finished yet (see the module notes and ``safetycheck.passphrase``).
PENDING_SET = "set"
PENDING_CHANGE = "change"
PENDING_REKEY = "rekey"
_PENDING = (None, PENDING_SET, PENDING_CHANGE, PENDING_REKEY)

# Bounds on what is read from disk.  A key file is about 1 KB with two slots.
MAX_VAULT_BYTES = 64 * 1024
MAX_SLOTS = 2
MAX_SALT_BYTES = 64
MAX_WRAPPED_BYTES = 16 * 1024

#: Said wherever the key file is missing or cannot be used: the way back.
RECOVERY = (
    "If you have a backup of the data folder (for example on a USB stick or in a cloud "
    "folder), copy the file vault.json from the backup back into {folder}, then open "
    "SafetyCheck again. Without it, nobody can open these cases."
)


class VaultError(Exception):
    """A problem with the passphrase or key file, in one plain sentence."""


class WrongPassphraseError(VaultError):
    def __init__(self) -> None:
        super().__init__("That passphrase is not right. Nothing was opened or changed.")


class DamagedVaultError(VaultError):
    def __init__(self, data_dir: Path | None = None, detail: str = "") -> None:
        folder = str(data_dir) if data_dir is not None else "the data folder"
        what = (
            "The passphrase file in the data folder (vault.json) has settings SafetyCheck "
            "never writes, so it may have been changed by someone"
            if detail == "limits"
            else "The passphrase file in the data folder (vault.json) is damaged"
        )
        super().__init__(
            f"{what}. Nothing was opened or changed, and the file has been left as it is. "
            + RECOVERY.format(folder=folder)
        )


class MissingVaultError(VaultError):
    """The folder holds sealed files but its key file is gone."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            "The cases in this data folder are locked with a passphrase, but the passphrase "
            "file (vault.json) is missing, so they cannot be opened. Nothing was opened or "
            "changed, and nothing will be saved here until it is back. "
            + RECOVERY.format(folder=data_dir)
        )


class ChangeFinishedError(VaultError):
    """The old passphrase was typed on a change that had been cut off; it is now finished."""

    def __init__(self) -> None:
        super().__init__(
            "A change of passphrase on this computer had been cut off before it finished. "
            "SafetyCheck has now finished it, so from now on only the new passphrase chosen "
            "then opens these cases. Please type the new passphrase."
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
    def from_dict(cls, data: object) -> Slot:
        """One slot from disk, bounded: a salt or seal of any size is refused unread."""
        if not isinstance(data, dict):
            raise ValueError("a slot is not a table")
        salt_text, wrapped_text = data["salt"], data["wrapped"]
        if not isinstance(salt_text, str) or not isinstance(wrapped_text, str):
            raise ValueError("a slot's salt or seal is not text")
        if len(salt_text) > 2 * MAX_SALT_BYTES or len(wrapped_text) > 2 * MAX_WRAPPED_BYTES:
            raise KdfLimitError("a slot is too large")
        salt = base64.b64decode(salt_text, validate=True)
        if not SALT_BYTES <= len(salt) <= MAX_SALT_BYTES:
            raise KdfLimitError("a salt of the wrong size")
        return cls(check_kdf(data["kdf"]), salt, base64.b64decode(wrapped_text, validate=True))


@dataclass
class Vault:
    slots: list[Slot]
    #: None, or what is not finished yet: PENDING_SET, PENDING_CHANGE or PENDING_REKEY.
    pending: str | None = None
    #: The version the file was written with (1: a change's slots share one keyring).
    version: int = VAULT_VERSION
    #: The bytes it was read from (None for one made here): what a store was unlocked from.
    raw: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def as_written(self) -> bytes:
        return self.raw if self.raw is not None else self.to_bytes()

    def to_bytes(self) -> bytes:
        if self.pending not in _PENDING:
            raise ValueError(f"unknown pending state {self.pending!r}")
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
    #: Which slot opened (during a change: 0 is the old passphrase, 1 the new).
    index: int
    vault: Vault

    @property
    def pending(self) -> str | None:
        return self.vault.pending


def vault_path(data_dir: Path) -> Path:
    return Path(data_dir) / VAULT_FILE


def has_key_file(data_dir: Path) -> bool:
    """Whether ``vault.json`` is there.  Cheap: one stat."""
    return vault_path(data_dir).exists()


def is_protected(data_dir: Path) -> bool:
    """Whether this data folder has a passphrase: a key file, or any file sealed with one.

    A missing key file does not make a folder plain (issue 12): that would write new
    cases in the clear beside the sealed ones.  Without a key file this looks at the
    first bytes of each file (``safetycheck.storage.folder.holds_sealed_files``).
    """
    if has_key_file(data_dir):
        return True
    from safetycheck.storage.folder import holds_sealed_files

    return holds_sealed_files(Path(data_dir))


def passphrase_problem(passphrase: str) -> str | None:
    """Why a new passphrase will not do, in a sentence; None when it is fine."""
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH:
        return (
            f"Please use at least {MIN_PASSPHRASE_LENGTH} characters. "
            "A few ordinary words in a row is easy to remember and hard to guess."
        )
    return None


def read_vault(data_dir: Path) -> Vault:
    """The key file, checked and bounded; every problem is one plain VaultError."""
    data_dir = Path(data_dir)
    path = vault_path(data_dir)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_VAULT_BYTES + 1)
    except FileNotFoundError:
        from safetycheck.storage.folder import holds_sealed_files

        if holds_sealed_files(data_dir):
            raise MissingVaultError(data_dir) from None
        raise DamagedVaultError(data_dir) from None
    except OSError as exc:
        raise DamagedVaultError(data_dir) from exc
    try:
        if len(raw) > MAX_VAULT_BYTES:
            raise KdfLimitError("the key file is too large")
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != VAULT_FORMAT:
            raise ValueError("not a key file")
        version = data.get("version", 0)
        if type(version) is not int or version < 1:
            raise ValueError("no version")
        if version > VAULT_VERSION:
            raise VaultError(
                "This data folder was protected by a newer version of SafetyCheck. "
                "Please update SafetyCheck to open it. Nothing has been changed."
            )
        raw_slots = data["slots"]
        if not isinstance(raw_slots, list) or not raw_slots:
            raise ValueError("no slots")
        if len(raw_slots) > MAX_SLOTS:
            raise KdfLimitError("too many slots")
        slots = [Slot.from_dict(s) for s in raw_slots]
        pending = _read_pending(data.get("pending"), version, len(slots))
        if (pending == PENDING_CHANGE) != (len(slots) == 2):
            raise ValueError("the slots do not match the pending state")
        return Vault(slots, pending, version, raw)
    except VaultError:
        raise
    except KdfLimitError as exc:
        raise DamagedVaultError(data_dir, "limits") from exc
    except KdfError as exc:
        raise VaultError(
            "This data folder uses a kind of passphrase protection this copy of "
            "SafetyCheck cannot open. Please update SafetyCheck. Nothing has been changed."
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise DamagedVaultError(data_dir) from exc


def _read_pending(value: object, version: int, slots: int) -> str | None:
    if version == 1:  # version 1 wrote a flag; two slots meant a change
        if type(value) is not bool:
            raise ValueError("bad pending flag")
        if not value:
            return None
        return PENDING_CHANGE if slots == 2 else PENDING_SET
    if value is None:
        return None
    if not isinstance(value, str) or value not in _PENDING:
        raise ValueError("unknown pending state")
    return value


def write_vault(data_dir: Path, vault: Vault) -> None:
    """Replace the key file atomically: a crash leaves the old one or the new one."""
    ensure_private_dir(Path(data_dir))
    write_atomic(vault_path(data_dir), vault.to_bytes())


def make_slot(
    passphrase: str, keyring: Keyring, kdf: dict[str, Any] | None = None
) -> tuple[Slot, bytes]:
    """Seal ``keyring`` under ``passphrase`` with a fresh salt; return the slot and its key."""
    params = check_kdf(dict(kdf or default_kdf()))
    salt = os.urandom(SALT_BYTES)
    kek = derive_key(passphrase, salt, params)
    return Slot(params, salt, seal(kek, keyring.to_bytes(), WRAP_AAD)), kek


def reseal_slot(slot: Slot, kek: bytes, keyring: Keyring) -> Slot:
    """The same passphrase (same salt and key), sealing a new keyring: no slow derivation."""
    return Slot(dict(slot.kdf), slot.salt, seal(kek, keyring.to_bytes(), WRAP_AAD))


def unlock(data_dir: Path, passphrase: str) -> Unlocked:
    """Open the key file with ``passphrase``.  Reads one small file and writes nothing.

    At most :data:`MAX_SLOTS` bounded derivations are run, so a wrong passphrase on a
    changed key file costs at most two ordinary unlocks.
    """
    vault = read_vault(data_dir)
    for index, slot in enumerate(vault.slots):
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
            raise DamagedVaultError(Path(data_dir)) from exc
        return Unlocked(keyring, slot, kek, index, vault)
    raise WrongPassphraseError()


def read_key_file(data_dir: Path) -> bytes | None:
    """The key file's bytes as they are (bounded), or None when there is none."""
    try:
        with open(vault_path(data_dir), "rb") as handle:
            return handle.read(MAX_VAULT_BYTES + 1)
    except FileNotFoundError:
        return None


class KeyFileWatch:
    """Notices that ``vault.json`` is not the one a store was unlocked with.

    Another window (or command) that changes the passphrase moves every file to a new
    key; a window still open with the old keys must not save with them afterwards
    (the old passphrase would open those saves).  Each write compares the key file
    with the bytes it was unlocked from: a 1 KB read, about 20 microseconds.  A key
    file that has gone altogether is put back from those bytes, so an open window
    never strands what it saves.
    """

    def __init__(self, data_dir: Path, unlocked_from: bytes | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.raw = unlocked_from if unlocked_from is not None else read_key_file(data_dir)

    def check(self) -> None:
        from safetycheck.storage.errors import KeyFileChangedError

        now = read_key_file(self.data_dir)
        if now == self.raw:
            return
        if now is None and self.raw is not None:
            write_atomic(vault_path(self.data_dir), self.raw)
            return
        raise KeyFileChangedError()
