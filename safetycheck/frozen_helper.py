"""The built program started again as one of its own helper processes.

An evidence bundle's record is laid out in a helper process
(``safetycheck.evidence.record_helper``), started by ``multiprocessing`` the same way on
every system: a fresh start of this program.  From source that is Python running
multiprocessing's own code; the built program (PyInstaller) has no separate Python, so
it is started again with multiprocessing's arguments, and must hand itself over to
multiprocessing before anything else runs: no window, no command line, no portable set-up.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def is_helper_start(argv: Sequence[str]) -> bool:
    """Whether these are the arguments multiprocessing starts a helper with.

    A helper process: ``--multiprocessing-fork`` and its ``name=value`` details;
    the process that tidies up after helpers (POSIX): ``-c "from multiprocessing..."``.
    """
    rest = list(argv[1:])
    if "--multiprocessing-fork" in rest:
        return True
    if "-c" not in rest[:-1]:
        return False
    return "from multiprocessing" in rest[rest.index("-c") + 1]


def run_if_helper(argv: Sequence[str] | None = None) -> None:
    """In the built program, become the helper multiprocessing asked for (and exit)."""
    argv = sys.argv if argv is None else argv
    if getattr(sys, "frozen", False) and is_helper_start(argv):
        import multiprocessing

        # PyInstaller's version runs the helper and exits, on every system.
        multiprocessing.freeze_support()
