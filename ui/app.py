"""Start the app: settings, first start, the window, then the cases.

:func:`start` builds and shows the main window and is what the tests call;
:func:`run` adds the Qt event loop.  The order matters:

1. settings (cheap: they say the mode, the window title, whether this is the
   first start);
2. the first-start notice, before any case data is read;
3. the window's frame, with Quick Exit, on screen (``progressive``: the real app);
4. next turn of the event loop: the unlock step (with a passphrase, the unlock
   window, ``ui.unlock``, opens the key file and returns the codec for the store;
   nothing is read before), then the store, the session, the idle lock
   (``ui.idle_lock``) and the first page;
5. after that, the checklists (an advisor's case list does not need them).

Nothing heavy loads at start: pages are built when first shown, dialogs and PDF
export (reportlab) when first used.  ``SAFETYCHECK_STARTUP_PROBE=1`` prints when
the window was shown and when its first page was ready, then quits:
``benchmarks/bench_startup.py`` uses it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from safetycheck.paths import checklists_dir, resolve_data_dir
from safetycheck.settings import Settings, load_settings, save_settings
from ui import dialogs, quick_exit
from ui.main_window import APP_TITLE, NEUTRAL_TITLE, MainWindow

if TYPE_CHECKING:
    import argparse

    from safetycheck.checklist import Library
    from safetycheck.codec import Codec

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


def install_quick_exit(app: QApplication, *, listen: bool = True) -> quick_exit.QuickExit:
    global _quick_exit
    if _quick_exit is None:
        _quick_exit = quick_exit.QuickExit(app, listen=listen)
    elif listen:
        _quick_exit.listen()
    return _quick_exit


def first_start(data_dir: Path, settings: Settings) -> Codec | bool:
    """Show the notice and ask who is using the app.  False if the window was closed.

    When the person also set a passphrase (offered with a tick box), returns the new
    codec, so they are not asked to type it again straight away; otherwise True.
    """
    from safetycheck.vault import is_protected
    from ui.first_start import FirstStartDialog

    title = NEUTRAL_TITLE if settings.neutral_title else APP_TITLE
    dialog = FirstStartDialog(data_dir, title)
    if not dialog.exec() or not dialog.chosen_mode:
        return False
    settings.mode = dialog.chosen_mode
    outcome: Codec | bool = True
    if dialog.protect.isChecked() and not is_protected(data_dir):
        from safetycheck.passphrase import set_passphrase
        from safetycheck.store import CaseStore
        from ui.passphrase_dialog import PassphraseDialog

        offer = PassphraseDialog(
            lambda _current, new: set_passphrase(CaseStore(data_dir), new), first_start=True
        )
        # "Not now" carries on without a passphrase; it can be set in Settings later.
        if offer.exec() and offer.result_value is not None:
            outcome = offer.result_value.codec
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
    return outcome


def window_title(settings: Settings) -> str:
    return NEUTRAL_TITLE if settings.neutral_title else APP_TITLE


def _unlock(data_dir: Path, settings: Settings) -> Codec | bool | None:
    """The passphrase step.  Returns the codec for the store, None for plain files,
    or False if the person closed the unlock window (the app then quits)."""
    from safetycheck.vault import is_protected

    if not is_protected(data_dir):
        return None
    from safetycheck.passphrase import open_store
    from ui.unlock import UnlockDialog

    dialog = UnlockDialog(lambda p: open_store(data_dir, p), window_title(settings))
    if not dialog.exec() or quick_exit.is_exiting():
        return False
    opened = dialog.result_value
    if opened.finished_interrupted_change:
        dialogs.tell(
            None,
            "Passphrase change finished",
            "An earlier change of passphrase had been cut off. It is now finished. From now "
            "on, use the passphrase you just typed.",
        )
    return opened.store.codec


def install_idle_lock(window: MainWindow, data_dir: Path) -> None:
    """Lock after the chosen idle time, when the folder has a passphrase."""
    from safetycheck.vault import is_protected, unlock
    from ui.idle_lock import IdleLock

    session = window.session
    window.idle_lock = IdleLock(
        window,
        lambda p: unlock(data_dir, p),
        lambda: window_title(session.settings),
        window.flush,
        minutes=session.settings.idle_lock_minutes,
        active=lambda: is_protected(data_dir),
    )
    session.settings_changed.connect(
        lambda: window.idle_lock.set_minutes(session.settings.idle_lock_minutes)
    )


def _load_content() -> Library:
    from safetycheck.checklist import load_checklists

    return load_checklists(checklists_dir())


def start(
    data_dir: Path | None = None,
    app: QApplication | None = None,
    *,
    progressive: bool = False,
    on_shown: Callable[[], object] | None = None,
    on_ready: Callable[[], object] | None = None,
) -> MainWindow | None:
    """Build and show the main window; None if the person closed the first window.

    With ``progressive`` (the real app) the window's frame, with Quick Exit, is shown
    first and the cases are opened in the next turn of the event loop, so nothing
    waits for the storage code to load.  Tests use the default: everything is ready
    when this returns.  ``on_shown`` runs once the frame is on screen, ``on_ready``
    once the first page is filled in (the start-up probe uses both).
    """
    app = app or application()
    data_dir = Path(data_dir) if data_dir else resolve_data_dir(None)
    settings = load_settings(data_dir)
    # A returning person's window shows before Quick Exit starts watching key presses
    # (the button works at once; the keys from the next turn, before anything else
    # runs). At first start, and in tests, it watches from the very beginning.
    defer_keys = progressive and settings.first_start_done
    guard = install_quick_exit(app, listen=not defer_keys)
    first_codec: Codec | bool | None = None
    if not settings.first_start_done:
        first_codec = first_start(data_dir, settings)
        if first_codec is False:
            return None
    window = MainWindow(settings, guard.trigger)
    guard.save = window.flush

    def finish() -> bool:
        from safetycheck.store import CaseStore
        from ui.session import Session

        if quick_exit.is_exiting():
            return False
        codec = first_codec if first_codec not in (None, True) else _unlock(data_dir, settings)
        if codec is False:
            window.close()
            return False
        store = CaseStore(data_dir, codec=codec or None)
        # The checklists are read when first needed: an advisor's case list shows first.
        session = Session(store, _load_content, settings, data_dir)
        window.attach(session)
        if first_codec not in (None, True):
            # Set at first start: say quietly that it worked (nothing else shows it).
            window.statusBar().showMessage(
                "Your answers are protected with a passphrase. Keep it safe: it cannot be "
                "recovered if it is forgotten.",
                15000,
            )
        install_idle_lock(window, data_dir)
        window.start()
        if on_ready is not None:
            on_ready()
        if not session.content_is_loaded:
            QTimer.singleShot(0, session, session.load_content)
        return True

    if progressive:
        window.show()
        QTimer.singleShot(0, window, guard.listen)  # before on_shown and finish: same turn
        if on_shown is not None:
            QTimer.singleShot(0, window, on_shown)
        QTimer.singleShot(0, window, finish)
    else:
        if not finish():
            window.deleteLater()
            return None
        window.show()
        if on_shown is not None:
            QTimer.singleShot(0, window, on_shown)
    return window


def run(args: argparse.Namespace, qt_args: list[str]) -> int:
    app = application(qt_args)
    shown = ready = None
    if os.environ.get(PROBE_ENV):

        def shown() -> None:
            print(f"shown {time.time():.6f}", flush=True)

        def ready() -> None:
            print(f"ready {time.time():.6f}", flush=True)
            QTimer.singleShot(0, app.quit)  # after the first page has been painted

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    window = start(data_dir, app, progressive=True, on_shown=shown, on_ready=ready)
    if window is None:
        return 0
    return app.exec()
