"""Quit the app by itself after a while, for smoke tests of the built program.

The installers are tested by starting the real, frozen program offscreen
(``packaging/smoke_test.py``).  A test cannot click "close" in another process, and killing it
would skip the normal way out, so ``SAFETYCHECK_QUIT_AFTER=SECONDS`` asks the app to quit the
ordinary way (close every window, then leave the event loop) once it has run that long.

The wait is a timer on the app's own thread, not a thread of its own.  A thread that queued
"close all windows" and then "quit" raced the app: closing the last window quit it and
deleted the application before the second call, and the thread then touched a deleted
object (a CI smoke test printed that traceback).  A timer also fires inside a dialog's own
event loop, so the first-start questions are closed the same way as the main window.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

QUIT_AFTER_ENV = "SAFETYCHECK_QUIT_AFTER"


def quit_after_seconds(environ: Mapping[str, str] | None = None) -> float | None:
    """The delay asked for, or None when it is unset, not a number or negative."""
    value = (os.environ if environ is None else environ).get(QUIT_AFTER_ENV, "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def quit_after_from_environment(app: QApplication) -> None:
    """Close every window and quit once the app has run for ``SAFETYCHECK_QUIT_AFTER`` s."""
    seconds = quit_after_seconds()
    if seconds is None:
        return
    from PySide6.QtCore import QTimer

    def quit_now() -> None:
        print(f"safetycheck: quitting after {seconds:g} s ({QUIT_AFTER_ENV}).", file=sys.stderr)
        app.closeAllWindows()
        app.quit()

    QTimer.singleShot(round(seconds * 1000), app, quit_now)
