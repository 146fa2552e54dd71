"""Setting, changing and using the data folder's passphrase.

Every change keeps two promises.  If it is cut off at any moment (a crash, a power
cut, a killed process), nothing is lost and the passphrase the person chose is the
one that works afterwards.  And once it is finished, the OLD passphrase opens nothing
written from the change on, with any key file the folder ever had (a backup or sync
program may have kept a copy of each, including the one written half-way).

A change works in three steps, each atomic on its own:

1. Write a key file with two slots, marked ``pending: "change"``: the old
   passphrase's slot exactly as it was (the old keys only), and the new
   passphrase's slot holding the old keys plus a NEW data key.
2. Re-encrypt every case file, backup, attachment and damaged file with the
   new data key, one atomic file replacement at a time.  A half-done folder
   mixes old and new keys; the new passphrase opens both.
3. Write the final key file: only the new passphrase's slot.

The old passphrase is never given the new key, so no copy of any key file lets
it open a file written by step 2 or later.  If the change is cut off:

* the next unlock with the NEW passphrase finishes step 2 and writes step 3;
* an unlock with the OLD passphrase cannot finish step 2 (it never had the new
  key), so it finishes the change the only way that keeps the person's choice: it
  writes the final key file (the new slot alone, marked ``"rekey"``) and says that
  the new passphrase is needed from now on.  The old one then opens nothing.  The
  new one, next time, moves every file to a fresh key no key file before ever held.

Setting a first passphrase is step 1 with one slot (``pending: "set"``), then steps
2 and 3; only then are plaintext files sealed (see ``safetycheck.storage.casefile``:
any other time, a plaintext file in a protected folder is set aside as forged).

Why re-encrypt at all, when re-sealing the data key under the new passphrase
would be instant: someone who knew the old passphrase and kept a copy of the
old key file would otherwise still hold the key to every future save.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safetycheck.crypto import Keyring
from safetycheck.durable import Platform
from safetycheck.storage.caselock import CaseLocks
from safetycheck.store import CaseStore
from safetycheck.vault import (
    PENDING_CHANGE,
    PENDING_REKEY,
    PENDING_SET,
    ChangeFinishedError,
    MissingVaultError,
    Unlocked,
    Vault,
    VaultError,
    has_key_file,
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

#: The same two warnings for someone checking their own devices, who has no cases and no
#: organisation: "nobody can open these cases again: not your organisation" read as if
#: written for someone else.
FORGOTTEN_WARNING_SELF = (
    "If you forget this passphrase, nobody can open your saved answers again: not you, not "
    "the people who make SafetyCheck. There is no reset. Keep it somewhere safe that only you "
    "can reach."
)

PROTECTS_AGAINST_SELF = (
    "A passphrase protects your saved answers from someone who later gets hold of this "
    "computer or its disk. It cannot protect you from spying software already on this "
    "computer: that can see what is on the screen and what you type, including the passphrase."
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


def open_store(
    data_dir: Path,
    passphrase: str | None,
    *,
    platform: Platform | None = None,
    locks: CaseLocks | None = None,
) -> Opened:
    """The store for ``data_dir``: unlocked when it has a passphrase, plain when it has none.

    A wrong passphrase raises before any case file is read or written; so does a folder
    whose cases are sealed but whose key file is gone (never a plain store there).
    ``locks`` carries the case locks of a window that already holds some (see
    ``safetycheck.storage.caselock``).
    """
    data_dir = Path(data_dir)
    if not has_key_file(data_dir):
        if is_protected(data_dir):
            raise MissingVaultError(data_dir)
        return Opened(CaseStore(data_dir, platform=platform, locks=locks))
    if passphrase is None:
        raise PassphraseNeededError()
    unlocked = unlock(data_dir, passphrase)
    pending = unlocked.pending
    settled = _settle(data_dir, unlocked, platform, locks)
    return Opened(_store(data_dir, settled, platform, locks), pending is not None)


def _store(
    data_dir: Path, unlocked: Unlocked, platform: Platform | None, locks: CaseLocks | None
) -> CaseStore:
    """The store for a finished key file: it saves only while that key file is in place."""
    return CaseStore(
        data_dir,
        codec=unlocked.keyring.codec(),
        platform=platform,
        locks=locks,
        key_file=unlocked.vault.as_written,
    )


def _rewriting(
    data_dir: Path,
    keyring: Keyring,
    vault: Vault,
    platform: Platform | None,
    locks: CaseLocks | None,
    *,
    accept_plain: bool = False,
) -> CaseStore:
    """A store that rewrites every file under ``keyring`` while ``vault`` is in place."""
    return CaseStore(
        data_dir,
        codec=keyring.codec(),
        platform=platform,
        locks=locks,
        key_file=vault.as_written,
        accept_plain=accept_plain,
    )


def _settle(
    data_dir: Path, unlocked: Unlocked, platform: Platform | None, locks: CaseLocks | None
) -> Unlocked:
    """Finish whatever the key file says is not finished; return the finished state."""
    vault = unlocked.vault
    if vault.pending is None and not _changed_by_version_1(unlocked):
        return unlocked
    if vault.pending == PENDING_CHANGE and unlocked.index == 0:
        # The old passphrase, on a change that was cut off.  It does not hold the new key,
        # so it cannot finish the re-encryption; it must not undo the person's choice either.
        write_vault(data_dir, Vault([vault.slots[1]], PENDING_REKEY))
        raise ChangeFinishedError()
    keyring, slot = unlocked.keyring, unlocked.slot
    if vault.pending == PENDING_SET:
        _rewriting(data_dir, keyring, vault, platform, locks, accept_plain=True).reencode_all()
    elif vault.pending == PENDING_CHANGE and vault.version >= 2:
        _rewriting(data_dir, keyring, vault, platform, locks).reencode_all()
    else:
        # PENDING_REKEY, or a change made or begun by version 1 (whose old slot held the
        # new key): move every file to a key that no key file before this one ever held.
        keyring = keyring.rotated()
        slot = reseal_slot(slot, unlocked.kek, keyring)
        rekey = Vault([slot], PENDING_REKEY)
        write_vault(data_dir, rekey)
        _rewriting(data_dir, keyring, rekey, platform, locks).reencode_all()
    final = Vault([slot])
    write_vault(data_dir, final)
    return Unlocked(keyring, slot, unlocked.kek, 0, final)


def _changed_by_version_1(unlocked: Unlocked) -> bool:
    """A finished key file of version 1 whose passphrase was changed at least once.

    Version 1 sealed the new keyring under the old passphrase too while it changed, so
    the data key in use may be known to whoever knew the passphrase before and kept that
    key file.  Such a folder is moved to a fresh key once, at its next unlock (as
    ``"rekey"``); a folder whose passphrase was only ever set holds one key and is left.
    """
    return unlocked.vault.version == 1 and len(unlocked.keyring.keys) > 1


def set_passphrase(
    store: CaseStore, passphrase: str, *, kdf: dict[str, Any] | None = None
) -> CaseStore:
    """Protect a folder that has no passphrase yet; every existing file is encrypted.

    Returns the unlocked store to use from now on.
    """
    data_dir = store.data_dir
    if has_key_file(data_dir):
        raise VaultError(
            "This data folder already has a passphrase. Use 'change passphrase' instead."
        )
    if is_protected(data_dir):
        raise MissingVaultError(data_dir)
    problem = passphrase_problem(passphrase)
    if problem:
        raise WeakPassphraseError(problem)
    store.check_no_case_open_elsewhere()
    keyring = Keyring.new()
    slot, kek = make_slot(passphrase, keyring, kdf)
    setting = Vault([slot], PENDING_SET)
    write_vault(data_dir, setting)
    settled = _settle(
        data_dir, Unlocked(keyring, slot, kek, 0, setting), store.platform, store.locks
    )
    return _store(data_dir, settled, store.platform, store.locks)


def change_passphrase(
    data_dir: Path,
    old: str,
    new: str,
    *,
    kdf: dict[str, Any] | None = None,
    platform: Platform | None = None,
    locks: CaseLocks | None = None,
) -> CaseStore:
    """Change the passphrase and move every file to a new data key (see the module notes).

    A wrong ``old`` passphrase, an unsuitable ``new`` one, or a case open in another
    window raises before anything changes.
    """
    data_dir = Path(data_dir)
    problem = passphrase_problem(new)
    if problem:
        raise WeakPassphraseError(problem)
    current = _settle(data_dir, unlock(data_dir, old), platform, locks)
    store = _store(data_dir, current, platform, locks)
    store.check_no_case_open_elsewhere()
    keyring = current.keyring.rotated()
    new_slot, _ = make_slot(new, keyring, kdf)  # today's parameters, not the old ones
    # The old slot stays exactly as it is: it seals the old keys and never the new one.
    changing = Vault([current.slot, new_slot], PENDING_CHANGE)
    write_vault(data_dir, changing)
    _rewriting(data_dir, keyring, changing, platform, store.locks).reencode_all()
    final = Vault([new_slot])
    write_vault(data_dir, final)
    return CaseStore(
        data_dir,
        codec=keyring.codec(),
        platform=platform,
        locks=store.locks,
        key_file=final.as_written,
    )
