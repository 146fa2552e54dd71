"""Start the app: settings, first start, content, the store, the main window.

:func:`start` builds everything up to the shown main window and is what the
tests call; :func:`run` adds the Qt event loop.  The order matters:

1. settings (cheap, tells us the mode and whether this is the first start);
2. the first-start notice, before any case data is read;
3. the content (checklists);
4. **the unlock step goes here**: a passphrase dialog that returns the codec
   for the store (the privacy part adds it, see ``_unlock``);
5. the store, the session and the main window.

Only Qt's core modules load at start.  PDF export (reportlab) loads when someone
exports.  ``SAFETYCHECK_STARTUP_PROBE=1`` prints the wall-clock time at which
the main window was shown, then quits: ``benchmarks/bench_startup.py`` uses it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from safetycheck.checklist import Library
from safetycheck.codec import Codec
from safetycheck.paths import checklists_dir, resolve_data_dir
from safetycheck.settings import Settings, load_settings, save_settings
from safetycheck.store import CaseStore
from ui import dialogs, quick_exit
from ui.main_window import APP_TITLE, NEUTRAL_TITLE, MainWindow
from ui.session import Session

PROBE_ENV = "SAFETYCHECK_STARTUP_PROBE"

_quick_exit: quick_exit.QuickExit | None = None


def application(qt_args: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *(qt_args or [])])
        # No organisation name: Qt would then keep its own settings under it.
        app.setApplicationDisplayName("")
        app.setQuitOnLastWindowClosed(True)
    return app


def install_quick_exit(app: QApplication) -> quick_exit.QuickExit:
    global _quick_exit
    if _quick_exit is None:
        _quick_exit = quick_exit.QuickExit(app)
    return _quick_exit


def first_start(data_dir: Path, settings: Settings) -> bool:
    """Show the notice and ask who is using the app.  False if the window was closed."""
    from ui.first_start import FirstStartDialog

    title = NEUTRAL_TITLE if settings.neutral_title else APP_TITLE
    dialog = FirstStartDialog(data_dir, title)
    if not dialog.exec() or not dialog.chosen_mode:
        return False
    settings.mode = dialog.chosen_mode
    settings.first_start_done = True
    try:
        save_settings(data_dir, settings)
    except OSError:
        dialogs.tell(
            None,
            "Settings not saved",
            "Your choice could not be saved, so you will be asked again next time. "
            "Everything else works.",
        )
    return True


def _unlock(data_dir: Path, settings: Settings) -> Codec | bool | None:
    """The passphrase step.  Returns the codec for the store, None for plain files,
    or False if the person closed the unlock window (the app then quits)."""
    return None


def _load_content() -> Library:
    from safetycheck.checklist import load_checklists

    return load_checklists(checklists_dir())


def start(
    data_dir: Path | None = None,
    app: QApplication | None = None,
    on_shown: Callable[[], object] | None = None,
) -> MainWindow | None:
    """Build and show the main window; None if the person closed the first window.

    ``on_shown`` runs in the first turn of the event loop after the window is shown,
    before anything deferred (the start-up probe uses it).
    """
    app = app or application()
    guard = install_quick_exit(app)
    data_dir = Path(data_dir) if data_dir else resolve_data_dir(None)
    settings = load_settings(data_dir)
    if not settings.first_start_done and not first_start(data_dir, settings):
        return None
    codec = _unlock(data_dir, settings)
    if codec is False:
        return None
    store = CaseStore(data_dir, codec=codec or None)
    # The checklists are read when first needed: an advisor's case list shows first.
    session = Session(store, _load_content, settings, data_dir)
    window = MainWindow(session, guard.trigger)
    session.setParent(window)  # one owner, so Qt deletes them together and in order
    guard.save = window.flush
    window.start()
    window.show()
    if on_shown is not None:
        QTimer.singleShot(0, on_shown)
    if not session.content_is_loaded:
        QTimer.singleShot(0, session, session.load_content)
    return window


def run(args: argparse.Namespace, qt_args: list[str]) -> int:
    app = application(qt_args)
    probe = None
    if os.environ.get(PROBE_ENV):

        def probe() -> None:
            print(f"shown {time.time():.6f}", flush=True)
            app.quit()

    window = start(resolve_data_dir(getattr(args, "data_dir", None)), app, on_shown=probe)
    if window is None:
        return 0
    return app.exec()
