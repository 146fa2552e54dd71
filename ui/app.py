"""Start the app: settings, first start, the window, then the cases.

:func:`start` builds and shows the main window and is what the tests call;
:func:`run` adds the Qt event loop.  The order matters:

1. settings (cheap: they say the mode, the window title, whether this is the
   first start);
2. the first-start notice, before any case data is read;
3. the window's frame, with Quick Exit, on screen (``progressive``: the real app);
4. next turn of the event loop: the unlock step (``CaseWork.unlock``; with a
   passphrase, through the unlock window, ``ui.unlock``; nothing is read before),
   then the first page (the idle lock, ``ui.idle_lock``, starts watching then);
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

from safetycheck.casework import CaseWork
from safetycheck.paths import checklists_dir, resolve_data_dir
from safetycheck.settings import MODE_ADVISOR, MODE_SELF, Settings, load_settings
from ui import dialogs, quick_exit
from ui.autoquit import quit_after_from_environment
from ui.titles import APP_TITLE, NEUTRAL_TITLE

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from safetycheck.checklist import Library
    from ui.main_window import MainWindow

PROBE_ENV = "SAFETYCHECK_STARTUP_PROBE"

_quick_exit: quick_exit.QuickExit | None = None


def application(qt_args: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *(qt_args or [])])
        # No organisation name: Qt would then keep its own settings under it.
        app.setApplicationDisplayName("")
        app.setQuitOnLastWindowClosed(True)
    assert isinstance(app, QApplication)
    return app


def install_quick_exit(app: QApplication, *, listen: bool = True) -> quick_exit.QuickExit:
    global _quick_exit
    if _quick_exit is None:
        _quick_exit = quick_exit.QuickExit(app, listen=listen)
    elif listen:
        _quick_exit.listen()
    return _quick_exit


def first_start(work: CaseWork) -> bool:
    """Show the notice and ask who is using the app.  False if the window was closed.

    When the person also ticks the passphrase box, the folder is protected here, before
    anything is written (the case service is then already unlocked).
    """
    from ui.first_start import FirstStartDialog

    settings = work.settings
    title = NEUTRAL_TITLE if settings.neutral_title else APP_TITLE
    dialog = FirstStartDialog(work.data_dir, title)
    if not dialog.exec() or not dialog.chosen_mode:
        return False
    settings.mode = dialog.chosen_mode
    if dialog.protect.isChecked() and not work.is_protected:
        from ui.passphrase_dialog import PassphraseDialog

        work.unlock(None)
        offer = PassphraseDialog(
            lambda _current, new: work.set_passphrase(new),
            first_start=True,
            self_mode=settings.mode == MODE_SELF,
        )
        offer.exec()  # "Not now" carries on without a passphrase; Settings can set it later.
        if work.is_protected and not settings.idle_lock_minutes:
            from ui.passphrase_settings import DEFAULT_IDLE_MINUTES

            settings.idle_lock_minutes = DEFAULT_IDLE_MINUTES  # Settings can change it
    settings.neutral_title = dialog.neutral.isChecked()
    if settings.mode == MODE_ADVISOR and not settings.service_name:
        # Asked once, skippable: the first record printed "Service: Not given".
        from ui.service_dialog import ServiceDetailsDialog

        ServiceDetailsDialog(settings, title).exec()
    settings.first_start_done = True
    if not work.save_settings():
        dialogs.tell(
            None,
            "Settings not saved",
            "Your choice could not be saved, so you will be asked again next time. "
            "Everything else works.",
        )
    return True


def folder_is_usable(work: CaseWork) -> bool:
    """Refuse a data folder of another account; say what the person should know about it.

    Before anything is shown or written (``CaseWork.check_folder``).
    """
    from safetycheck.casework import StoreError

    try:
        warnings = work.check_folder()
    except StoreError as exc:
        dialogs.tell(None, "This data folder cannot be used", str(exc))
        return False
    for warning in warnings:
        dialogs.tell(None, "About the data folder", warning)
    return True


def window_title(settings: Settings) -> str:
    return NEUTRAL_TITLE if settings.neutral_title else APP_TITLE


def _unlock(work: CaseWork) -> bool:
    """The passphrase step (the unlock window, when the folder has a passphrase).

    False if the person closed the unlock window (the app then quits).
    """
    if not work.is_protected:
        work.unlock(None)
        return True
    from ui.unlock import UnlockDialog

    dialog = UnlockDialog(work.unlock, window_title(work.settings))
    if not dialog.exec() or quick_exit.is_exiting():
        return False
    if dialog.result_value:
        dialogs.tell(
            None,
            "Passphrase change finished",
            "An earlier change of passphrase had been cut off. It is now finished. From now "
            "on, use the passphrase you just typed.",
        )
    return True


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
    # The first window (the safety notice, or the main window) shows before Quick Exit
    # starts watching key presses: its filter is a Python call for every event, and the
    # window's hundreds of start-up events took tens of milliseconds longer through it.
    # The button works at once; the keys from the first turn of the event loop, which
    # runs this before any key press is read.  In tests it watches from the beginning.
    guard = install_quick_exit(app, listen=not progressive)
    if progressive:
        QTimer.singleShot(0, guard, guard.listen)
    # The checklists are read when first needed: an advisor's case list shows first.
    work = CaseWork(data_dir, _load_content, settings, retry_later=True)
    if not folder_is_usable(work):
        return None
    set_at_first_start = False
    if not settings.first_start_done:
        if not first_start(work):
            return None
        set_at_first_start = work.is_unlocked and work.is_protected
    # Loaded only now: at first start the safety notice was shown without them.
    from ui.main_window import MainWindow
    from ui.session import Session

    session = Session(work)
    window = MainWindow(session, guard)

    def finish() -> bool:
        if quick_exit.is_exiting():
            return False
        if not work.is_unlocked and not _unlock(work):
            window.close()
            return False
        if set_at_first_start:
            # Set at first start: say quietly that it worked (nothing else shows it).
            window.statusBar().showMessage(
                "Your answers are protected with a passphrase. Keep it safe: it cannot be "
                "recovered if it is forgotten.",
                15000,
            )
        window.start()
        if on_ready is not None:
            on_ready()
        if not session.content_is_loaded:
            QTimer.singleShot(0, session, session.work.load_content)
        return True

    if progressive:
        window.show()
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


def run(args: argparse.Namespace | SimpleNamespace, qt_args: list[str]) -> int:
    app = application(qt_args)
    quit_after_from_environment(app)
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
