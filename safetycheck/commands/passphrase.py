"""``set-passphrase`` and ``change-passphrase``: protect the cases with a passphrase."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from safetycheck.casework import CaseWork
from safetycheck.cli import UserError
from safetycheck.commands.common import ask_passphrase, data_dir, library, note
from safetycheck.passphrase import ENV_NEW_PASSPHRASE, FORGOTTEN_WARNING, PROTECTS_AGAINST
from safetycheck.vault import MissingVaultError, VaultError, has_key_file, passphrase_problem


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> list[argparse.ArgumentParser]:
    set_parser = subparsers.add_parser(
        "set-passphrase",
        help="protect the cases with a passphrase (encrypts every case file)",
        description="Encrypt every case, backup and attachment with a new passphrase. "
        f"The passphrase is typed twice, or taken from {ENV_NEW_PASSPHRASE}. " + FORGOTTEN_WARNING,
    )
    set_parser.set_defaults(func=run_set)
    change = subparsers.add_parser(
        "change-passphrase",
        help="change the passphrase (re-encrypts every case file)",
        description="Change the passphrase and re-encrypt every file with a new key. The "
        f"current passphrase comes from SAFETYCHECK_PASSPHRASE, the new one from "
        f"{ENV_NEW_PASSPHRASE}; otherwise both are asked for.",
    )
    change.set_defaults(func=run_change)
    return [set_parser, change]


def new_passphrase() -> str:
    """The new passphrase: from the environment, or typed twice at a terminal."""
    value = os.environ.get(ENV_NEW_PASSPHRASE)
    if value is None:
        if not sys.stdin.isatty():
            raise UserError(f"Type the new passphrase in a terminal, or set {ENV_NEW_PASSPHRASE}.")
        value = getpass.getpass("New passphrase: ")
        problem = passphrase_problem(value)
        if problem:
            raise UserError(problem + " Nothing was changed.")
        if getpass.getpass("Type it again: ") != value:
            raise UserError("The two passphrases were not the same. Nothing was changed.")
    problem = passphrase_problem(value)
    if problem:
        raise UserError(problem + " Nothing was changed.")
    return value


def _work(args: argparse.Namespace) -> CaseWork:
    work = CaseWork(data_dir(args), library)
    for warning in work.check_folder():
        note(warning)
    return work


def run_set(args: argparse.Namespace) -> int:
    work = _work(args)
    if has_key_file(work.data_dir):
        raise UserError("This data folder already has a passphrase. Use change-passphrase.")
    if work.is_protected:  # sealed files, but the key file is gone: never a second key
        raise UserError(str(MissingVaultError(work.data_dir)))
    note(FORGOTTEN_WARNING)
    note(PROTECTS_AGAINST)
    passphrase = new_passphrase()
    try:
        work.unlock(None)
        work.set_passphrase(passphrase)
    except VaultError as exc:
        raise UserError(str(exc)) from exc
    print(f"The passphrase is set. {len(work.store.list_cases())} case(s) are now encrypted.")
    return 0


def run_change(args: argparse.Namespace) -> int:
    work = _work(args)
    if not work.is_protected:
        raise UserError("This data folder has no passphrase yet. Use set-passphrase.")
    old = ask_passphrase(prompt="Current passphrase: ")
    if old is None:
        raise UserError("Type the current passphrase in a terminal, or set SAFETYCHECK_PASSPHRASE.")
    try:
        work.check_passphrase(old)  # a wrong passphrase stops here, before the new one is asked
    except VaultError as exc:
        raise UserError(str(exc)) from exc
    note(FORGOTTEN_WARNING)
    new = new_passphrase()
    try:
        work.change_passphrase(old, new)
    except VaultError as exc:
        raise UserError(str(exc)) from exc
    print(f"The passphrase is changed. {len(work.store.list_cases())} case(s) were re-encrypted.")
    return 0
