"""What several commands need: the data folder, the content and the (unlocked) case service."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from safetycheck.case import Case
from safetycheck.casework import CaseWork
from safetycheck.checklist import Library, load_checklists
from safetycheck.cli import UserError
from safetycheck.passphrase import ENV_PASSPHRASE
from safetycheck.paths import checklists_dir, resolve_data_dir
from safetycheck.settings import load_settings
from safetycheck.vault import VaultError


def data_dir(args: argparse.Namespace) -> Path:
    return resolve_data_dir(getattr(args, "data_dir", None))


def checking_alone(args: argparse.Namespace) -> bool:
    """Someone checking alone (self mode) has no advisor: the scans' words name a support
    service for them (``safetycheck.self_wording``), as the app's pages do."""
    from safetycheck.settings import MODE_SELF

    return load_settings(data_dir(args)).mode == MODE_SELF


def library() -> Library:
    return load_checklists(checklists_dir())


def note(message: str) -> None:
    print(f"safetycheck: {message}", file=sys.stderr)


def ask_passphrase(env: str = ENV_PASSPHRASE, prompt: str = "Passphrase: ") -> str | None:
    """From the environment variable, else typed at a terminal (not echoed); else None."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return None


def open_work(args: argparse.Namespace, *, for_writing: bool = False) -> CaseWork:
    """The case service for this command, unlocked when the data folder has a passphrase.

    The same unlock flow as the app's (``CaseWork.unlock``).  ``for_writing``: on a new,
    empty data folder with ``SAFETYCHECK_PASSPHRASE`` set, the folder is protected with
    that passphrase before anything is written.
    """
    folder = data_dir(args)
    work = CaseWork(folder, library, load_settings(folder))
    try:
        for warning in work.check_folder():
            note(warning)
        protected = work.is_protected
        if work.unlock(ask_passphrase() if protected else None):
            note(
                "an earlier passphrase change had been cut off; it is now finished. "
                "From now on, use the passphrase you just gave."
            )
        env_passphrase = os.environ.get(ENV_PASSPHRASE)
        if not protected and env_passphrase:
            if for_writing and not work.store.list_cases():
                work.set_passphrase(env_passphrase)
            else:
                note(
                    f"this data folder has no passphrase, so {ENV_PASSPHRASE} was not used. "
                    "To add one, run: safetycheck set-passphrase"
                )
    except VaultError as exc:
        raise UserError(str(exc)) from exc
    return work


def open_case(work: CaseWork, reference: str) -> Case:
    """Open the one case ``reference`` names; a plain error when none, or several, match.

    Every command that takes a case reference goes through here, so none of them can
    act on the wrong client's case because a reference was a prefix of two.
    """
    matches = work.find(reference)
    if not matches:
        raise UserError(f"No case has the reference '{reference}'. See: list-cases.")
    if len(matches) > 1:
        names = ", ".join(f"'{m.reference}'" for m in matches[:5])
        raise UserError(
            f"'{reference}' matches {len(matches)} cases ({names}); give the full reference."
        )
    if matches[0].problem:
        raise UserError(matches[0].problem)
    return work.open(matches[0].id)
