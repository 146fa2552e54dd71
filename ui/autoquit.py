"""Quit the app by itself after a while, for smoke tests of the built program.

The installers are tested by starting the real, frozen program offscreen
(``packaging/smoke_test.py``).  A test cannot click "close" in another process, and killing it
would skip the normal way out, so ``SAFETYCHECK_QUIT_AFTER=SECONDS`` asks the app to quit the
ordinary way (close every window, then leave the event loop) once it has run that long.
"""

from __future__ import annotations

import os
import sys
import threading
import time

QUIT_AFTER_ENV = "SAFETYCHECK_QUIT_AFTER"


def _quit_later(seconds: float) -> None:
    from PySide6.QtCore import QCoreApplication, QMetaObject, Qt

    deadline = time.monotonic() + 60
    while (app := QCoreApplication.instance()) is None:  # run() has not made it yet
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
    time.sleep(seconds)
    print(f"safetycheck: quitting after {seconds:g} s ({QUIT_AFTER_ENV}).", file=sys.stderr)
    # Queued calls run on the app's own thread: the only thread allowed to touch widgets.
    QMetaObject.invokeMethod(app, "closeAllWindows", Qt.ConnectionType.QueuedConnection)
    QMetaObject.invokeMethod(app, "quit", Qt.ConnectionType.QueuedConnection)


def quit_after_from_environment() -> None:
    value = os.environ.get(QUIT_AFTER_ENV, "")
    try:
        seconds = float(value)
    except ValueError:
        return
    if seconds >= 0:
        threading.Thread(target=_quit_later, args=(seconds,), daemon=True).start()
