"""Keep Quick Exit within reach while a modal dialog is open but not on screen.

A modal dialog blocks every other window of the app, and Qt drops the key presses and
clicks that reach a blocked window before any event filter sees them.  When the dialog
itself is not on screen (the window manager never mapped it, put it behind its parent or
minimised it alone), the person sees the main window, the keyboard is in the main window,
and nothing works: not Esc twice, not Ctrl+Q, not the Quick Exit button.  A QA walk under
Xvfb and openbox once left the app like that until it was killed.

Quick Exit's filter guards every modal dialog as it is shown (our own, message boxes, the
file dialogs and whatever Qt opens from them), with two things:

1. Ctrl+Q and Esc as application shortcuts owned by the dialog, switched on only while the
   keys cannot be meant for the dialog: its window is not exposed, or the keyboard is in a
   window it blocks.  Qt looks shortcuts up before it drops a key press for a blocked
   window, and a shortcut owned by the modal dialog is not blocked, so the keys work at
   once.  (Under X11 Qt keeps the keyboard "in" a modal dialog that was unmapped, while the
   key presses arrive at the main window and are dropped.)  While the dialog is on screen
   with the keyboard in it they are off: there Quick Exit's filter sees the keys as usual,
   and Esc still closes the dialog.
2. A check every half second while the dialog is open.  A dialog is *stranded* when its
   window is not exposed (not drawn anywhere) while a window it blocks is: the person sees
   a window that does not answer.  The first time, the dialog is raised and activated (and
   restored if minimised).  Stranded for :data:`GIVE_UP_MS`, it is closed as if Cancel was
   pressed, keeping what was typed in it (as Quick Exit does), and the main window says
   so; the main window and its Quick Exit button work again.  A dialog whose whole app is
   minimised or still appearing is not stranded: nothing of ours is on screen to click.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QWindow
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget

if TYPE_CHECKING:
    from ui.quick_exit import QuickExit

#: How often an open modal dialog is checked.
CHECK_EVERY_MS = 500
#: A dialog stranded this long (after being raised once) is closed.
GIVE_UP_MS = 2000

CLOSED_MESSAGE = "A window could not be shown, so it was closed. You can try again."

_WINDOW_TYPES = (Qt.WindowType.Window, Qt.WindowType.Dialog)


def guard(dialog: QWidget, quick_exit: QuickExit) -> ModalGuard:
    """Guard ``dialog`` from now until it is hidden (again each time it is shown)."""
    found = dialog.findChild(ModalGuard, "", Qt.FindChildOption.FindDirectChildrenOnly)
    if isinstance(found, ModalGuard):
        found.start()
        return found
    return ModalGuard(dialog, quick_exit)


class ModalGuard(QObject):
    def __init__(self, dialog: QWidget, quick_exit: QuickExit) -> None:
        # The dialog is reached through parent(), never kept in an attribute: a Python
        # reference from its own child kept the dialog's wrapper alive after Qt deleted
        # it, and a later window crashed in Qt (seen in the test suite).
        super().__init__(dialog)
        self.quick_exit = quick_exit
        self.keys = [
            self._shortcut(QKeySequence("Ctrl+Q"), quick_exit.trigger),
            self._shortcut(QKeySequence(Qt.Key.Key_Escape), self._escape),
        ]
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.focusWindowChanged.connect(self._update_keys)
        self.stranded_since: float | None = None
        self.nudged = False
        self.start()

    @property
    def dialog(self) -> QWidget:
        return cast(QWidget, self.parent())

    def _shortcut(self, keys: QKeySequence, action: object) -> QShortcut:
        shortcut = QShortcut(keys, self.dialog)
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.setAutoRepeat(False)  # Esc held down is one press, as in Quick Exit's filter
        shortcut.activated.connect(action)
        return shortcut

    def start(self) -> None:
        self.stranded_since = None
        self.nudged = False
        handle = self.dialog.windowHandle()
        if handle is not None:
            handle.installEventFilter(self)  # its Expose events switch the keys (once: Qt
            # moves a filter installed twice to the front)
        self._update_keys()
        # Again once the dialog is registered as modal (Qt does that after the Show event).
        QTimer.singleShot(0, self, self._update_keys)
        self.timer.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose:
            # After Qt has taken the new state in (isExposed is set before the event).
            self._update_keys()
        return False

    def _escape(self) -> None:
        self.quick_exit.escape_pressed(closes_something=False)

    @Slot()
    def _update_keys(self) -> None:
        """Keys on only while they cannot be meant for the dialog itself."""
        # (A dialog blocked by another modal dialog on top of it: Qt does not match its
        # shortcuts, so they need no switching off here.)
        on = self.dialog.isVisible()
        if on and _exposed(self.dialog):
            owner = _widget_of(QGuiApplication.focusWindow())
            on = owner is not None and self._blocks(owner)
        for key in self.keys:
            key.setEnabled(on)

    def _blocks(self, widget: QWidget) -> bool:
        """Whether ``widget`` is one of our windows that this dialog keeps from input."""
        return (
            QApplication.activeModalWidget() is self.dialog
            and widget is not self.dialog
            and widget.isVisible()
            and widget.windowType() in _WINDOW_TYPES
            and not self.dialog.isAncestorOf(widget)
        )

    def stranded(self) -> bool:
        """Open but not on screen, while a window it blocks is on screen."""
        if _exposed(self.dialog):
            return False
        return any(
            self._blocks(widget) and _exposed(widget) for widget in QApplication.topLevelWidgets()
        )

    def check(self) -> None:
        if not self.dialog.isVisible():
            self.timer.stop()
            self._update_keys()
            return
        self._update_keys()
        if not self.stranded():
            self.stranded_since = None
            return
        now = time.monotonic()
        if self.stranded_since is None:
            self.stranded_since = now
        if not self.nudged:
            self.nudged = True
            self._nudge()
        elif (now - self.stranded_since) * 1000 >= GIVE_UP_MS:
            self._give_up()

    def _nudge(self) -> None:
        """Ask the window manager again to show the dialog on top, with the keyboard."""
        if self.dialog.isMinimized():
            self.dialog.showNormal()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def _give_up(self) -> None:
        """Close the dialog as Cancel would, keeping what was typed, and say so."""
        keep = getattr(self.dialog, "keep_draft", None)
        if callable(keep):
            try:
                keep()
            except Exception:  # a draft must never keep the app blocked
                pass
        if isinstance(self.dialog, QDialog):
            self.dialog.reject()
        else:
            self.dialog.close()
        parent = self.dialog.parentWidget()
        window = parent.window() if parent is not None else None
        if isinstance(window, QMainWindow) and not self.dialog.isVisible():
            window.statusBar().showMessage(CLOSED_MESSAGE, 20000)


def _exposed(widget: QWidget) -> bool:
    handle = widget.windowHandle()
    return handle is not None and handle.isExposed()


def _widget_of(window: QWindow | None) -> QWidget | None:
    if window is None:
        return None
    for widget in QApplication.topLevelWidgets():
        if widget.windowHandle() == window:
            return widget
    return None
