"""What several commands need: the data folder, the content and the store."""

from __future__ import annotations

import argparse
from pathlib import Path

from safetycheck.checklist import Library, load_checklists
from safetycheck.paths import checklists_dir, resolve_data_dir
from safetycheck.store import CaseStore


def data_dir(args: argparse.Namespace) -> Path:
    return resolve_data_dir(getattr(args, "data_dir", None))


def library() -> Library:
    return load_checklists(checklists_dir())


def open_store(args: argparse.Namespace, lib: Library | None = None) -> CaseStore:
    """The case store for this command (the passphrase layer hooks in here)."""
    return CaseStore(data_dir(args), library=lib if lib is not None else library())
