"""Setting, changing and using the data folder's passphrase.

Every change keeps one promise: if it is cut off at any moment (a crash, a
power cut, a killed process), every file can still be read with the old or
the new passphrase.  It works in three steps, each atomic on its own:

1. Write a key file that BOTH passphrases open, holding a new data key
   (and the old ones), marked ``pending``.
2. Re-encrypt every case file, backup, attachment and damaged file with the
   new data key, one atomic file replacement at a time.  A half-done folder
   mixes old and new keys; the key file from step 1 holds both.
3. Write the final key file: only the new passphrase, not pending.

If step 2 or 3 is cut off, the next unlock (with either passphrase) finds
``pending``, finishes step 2 and writes the final key file for the passphrase
that was just typed.  Setting a first passphrase is the same with no old one.

Why re-encrypt at all, when re-sealing the data key under the new passphrase
would be instant: someone who knew the old passphrase and kept a copy of the
old key file would otherwise still hold the key to every future save.  After
a change their copy opens nothing that is written from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safetycheck.crypto import Keyring
from safetycheck.store import CaseStore
from safetycheck.vault import (
    Vault,
    VaultError,
    is_protected,
    make_slot,
    passphrase_problem,
    reseal_slot,
    unlock,
    write_vault,
)

ENV_PASSPHRASE = "SAFETYCHECK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "SAFETYCHECK_NEW_PASSPHRASE"

FORGOTTEN_WARNING = (
    "If you forget this passphrase, nobody can open these cases again: not you, not your "
    "organisation, not the people who make SafetyCheck. There is no reset. Keep it somewhere "
    "safe that only you can reach."
)

PROTECTS_AGAINST = (
    "A passphrase protects the saved cases from someone who later gets hold of this computer "
    "or its disk. It cannot protect you from spying software already on this computer: that "
    "can see what is on the screen and what you type, including the passphrase."
)


class PassphraseNeededError(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "This data folder is protected with a passphrase: type it when asked, or set "
            f"{ENV_PASSPHRASE}."
        )


class WeakPassphraseError(VaultError):
    pass


@dataclass
class Opened:
    store: CaseStore
    #: True when an interrupted passphrase change was finished while opening.
    finished_interrupted_change: bool = False


def open_store(data_dir: Path, passphrase: str | None) -> Opened:
    """The store for ``data_dir``: unlocked when it has a passphrase, plain when it has none.

    A wrong passphrase raises before any case file is read or written.
    """
    data_dir = Path(data_dir)
    if not is_protected(data_dir):
        return Opened(CaseStore(data_dir))
    if passphrase is None:
        raise PassphraseNeededError()
    unlocked = unlock(data_dir, passphrase)
    store = CaseStore(data_dir, codec=unlocked.keyring.codec())
    if not unlocked.pending:
        return Opened(store)
    store.reencode_all()
    write_vault(data_dir, Vault([unlocked.slot], pending=False))
    return Opened(store, finished_interrupted_change=True)


def set_passphrase(
    store: CaseStore, passphrase: str, *, kdf: dict[str, Any] | None = None
) -> CaseStore:
    """Protect a folder that has no passphrase yet; every existing file is encrypted.

    Returns the unlocked store to use from now on.
    """
    if is_protected(store.data_dir):
        raise VaultError(
            "This data folder already has a passphrase. Use 'change passphrase' instead."
        )
    problem = passphrase_problem(passphrase)
    if problem:
        raise WeakPassphraseError(problem)
    keyring = Keyring.new()
    slot, _ = make_slot(passphrase, keyring, kdf)
    write_vault(store.data_dir, Vault([slot], pending=True))
    protected = CaseStore(store.data_dir, codec=keyring.codec(), platform=store.platform)
    protected.reencode_all()
    write_vault(store.data_dir, Vault([slot], pending=False))
    return protected


def change_passphrase(
    data_dir: Path,
    old: str,
    new: str,
    *,
    kdf: dict[str, Any] | None = None,
) -> CaseStore:
    """Change the passphrase and move every file to a new data key (see the module notes).

    A wrong ``old`` passphrase or an unsuitable ``new`` one raises before anything changes.
    """
    data_dir = Path(data_dir)
    unlocked = unlock(data_dir, old)
    problem = passphrase_problem(new)
    if problem:
        raise WeakPassphraseError(problem)
    keyring = unlocked.keyring.rotated()
    old_slot = reseal_slot(unlocked.slot, unlocked.kek, keyring)
    new_slot, _ = make_slot(new, keyring, kdf)  # today's parameters, not the old ones
    write_vault(data_dir, Vault([old_slot, new_slot], pending=True))
    store = CaseStore(data_dir, codec=keyring.codec())
    store.reencode_all()
    write_vault(data_dir, Vault([new_slot], pending=False))
    return store
