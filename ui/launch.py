"""Entry point: run a command, or start the Qt app.

PySide6 is imported only when the app really starts, so command-line use
(check-content, export, scans) pays nothing for Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from safetycheck import cli


def run_gui(args: argparse.Namespace, qt_args: list[str]) -> int:
    from ui.app import run

    return run(args, qt_args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    return cli.main(argv, gui=run_gui)
