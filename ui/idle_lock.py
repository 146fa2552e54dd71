"""Lock after a chosen idle time: every window is cleared and the passphrase asked again.

Only for a folder with a passphrase (without one there is nothing to ask for).
Any key press, click, scroll or mouse movement in any SafetyCheck window counts
as use.  Locking saves first, then covers every window with a blank panel and
gives each a neutral title (the case reference is in the title in advisor
mode), then shows the unlock window.  Windows are covered rather than hidden:
hiding an open dialog would close it and lose what was typed in it.  Quick Exit
still works while locked, and "Quit" there closes the app with everything saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ui.quick_exit import is_exiting

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

    from ui.unlock import UnlockDialog

# QEvent is imported where it is used, once the window is on screen: importing it builds
# the QEvent.Type enum (about 1.5 ms), and the main window's frame (which makes the lock,
# switched off) is drawn before that (docs/performance.md, start-up).
_ACTIVITY: set[QEvent.Type] = set()


def _activity() -> set[QEvent.Type]:
    """The events that count as use."""
    if not _ACTIVITY:
        from PySide6.QtCore import QEvent

        _ACTIVITY.update(
            {
                QEvent.Type.KeyPress,
                QEvent.Type.MouseButtonPress,
                QEvent.Type.MouseMove,
                QEvent.Type.Wheel,
                QEvent.Type.TouchBegin,
                QEvent.Type.Shortcut,
            }
        )
    return _ACTIVITY


CHECK_EVERY_MS = 5000


class IdleLock(QObject):
    def __init__(
        self,
        owner: QObject,
        check: Callable[[str], object],
        title: Callable[[], str],
        save: Callable[[], object],
        *,
        minutes: int = 0,
        active: Callable[[], bool] = lambda: True,
    ) -> None:
        """``owner`` (the main window) owns the lock, so it goes when the window goes.

        ``check(passphrase)`` raises a VaultError when the passphrase is wrong;
        ``active()`` says whether the folder has a passphrase right now.
        """
        super().__init__(owner)
        app = QApplication.instance()
        assert app is not None
        self.active = active
        self.check = check
        self.title = title
        self.save = save
        #: Replaced in tests, where there is no running event loop to leave.
        self.quit: Callable[[], object] = QApplication.quit
        self.locked = False
        self.dialog: UnlockDialog | None = None
        self.timeout_seconds = 0.0
        self.last_activity = time.monotonic()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check_idle)
        self.app = app
        self.watching = False
        self._activity: set[QEvent.Type] = set()
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.set_timeout(max(0, int(minutes)) * 60.0)

    def set_timeout(self, seconds: float) -> None:
        """0 turns the lock off.  Tests use a fraction of a second."""
        self.timeout_seconds = seconds
        self.last_activity = time.monotonic()
        if seconds > 0:
            if not self.watching:
                # Watching every event is a Python call per event: only while the lock is on.
                self._activity = _activity()
                self.app.installEventFilter(self)
                self.watching = True
            self.timer.start(int(min(CHECK_EVERY_MS, max(50, seconds * 250))))
        else:
            self.timer.stop()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in self._activity and not self.locked:
            self.last_activity = time.monotonic()
        return False

    def check_idle(self) -> None:
        if self.locked or is_exiting() or self.timeout_seconds <= 0 or not self.active():
            return
        if time.monotonic() - self.last_activity >= self.timeout_seconds:
            self.lock()

    def lock(self) -> None:
        """Save, hide every window, ask for the passphrase; show them again when it is right."""
        if self.locked:
            return
        self.locked = True
        try:
            self.save()
        except Exception:
            pass  # a failed save stays in memory and is retried by the next change
        title = self.title()
        covers = [Cover(w, title) for w in QApplication.topLevelWidgets() if w.isVisible()]
        from ui.unlock import UnlockDialog

        self.dialog = UnlockDialog(self.check, title, locked=True)
        try:
            unlocked = self.dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            self.dialog.deleteLater()
            self.dialog = None
            self.locked = False
            self.last_activity = time.monotonic()
        if is_exiting():
            return
        if not unlocked:
            self.quit()
            return
        for cover in covers:
            cover.remove()


class Cover(QWidget):
    """A blank panel over a whole window, following its size, with a neutral title."""

    def __init__(self, window: QWidget, title: str) -> None:
        super().__init__(window)
        self.window_ref = window
        self.old_title = window.windowTitle()
        self.setAutoFillBackground(True)
        self.setAccessibleName("Locked")
        self.setGeometry(window.rect())
        window.setWindowTitle(title)
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.window_ref and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.window_ref.rect())
            self.raise_()
        return False

    def remove(self) -> None:
        self.window_ref.removeEventFilter(self)
        self.window_ref.setWindowTitle(self.old_title)
        self.hide()
        self.deleteLater()
