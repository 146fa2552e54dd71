"""Entry point: run a command, or start the Qt app.

PySide6 is imported only when the app really starts, so command-line use
(check-content, export, scans) pays nothing for Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import SimpleNamespace as Namespace  # argparse's Namespace, without argparse
from typing import TYPE_CHECKING

from safetycheck.portable import prepare_portable_environment

if TYPE_CHECKING:
    import argparse


def run_gui(args: Namespace | argparse.Namespace, qt_args: list[str]) -> int:
    # The Qt-free modules the first window needs load before PySide6 does: once it is
    # loaded, PySide's import hook runs for every import statement and reads the source
    # of every new module (looking for "PySide6"), which made the same imports about
    # 2 ms slower (docs/performance.md, start-up).
    import safetycheck.casework  # noqa: F401  (also settings, json, dataclasses)
    from ui.app import run

    return run(args, qt_args)


def plain_start(argv: list[str]) -> Namespace | None:
    """The arguments when they only start the app (none, or just ``--data-dir DIR``).

    Then the app starts without building every command's parser, which would
    import every command module: start-up is what a frightened person waits for.
    Anything else goes through the full command line as before.
    """
    if not argv:
        return Namespace(command=None, data_dir=None)
    if len(argv) == 2 and argv[0] == "--data-dir" and argv[1] and not argv[1].startswith("-"):
        return Namespace(command=None, data_dir=argv[1])
    if len(argv) == 1 and argv[0].startswith("--data-dir=") and len(argv[0]) > 11:
        return Namespace(command=None, data_dir=argv[0].split("=", 1)[1])
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # First of all: a portable copy moves Qt's and the system's caches before they are used.
    prepare_portable_environment()
    args = plain_start(argv)
    if args is not None:
        return run_gui(args, [])
    from safetycheck import cli  # argparse and every command: only when asked for

    return cli.main(argv, gui=run_gui)
