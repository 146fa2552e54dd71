"""Quick Exit: hide every window at once, save, quit.  Never asks "are you sure".

It is an application-wide event filter, so Esc twice or Ctrl+Q works from the
main window, from any dialog and from any page a later helper adds.  The same
filter guards every modal dialog as it is shown (``ui.modal_guard``), so the keys
and the button still work when a dialog fails to come on screen.  The
windows are hidden before anything else happens (saving takes a few
milliseconds; a hidden window is what keeps the person safe), all in the same
event-loop turn as the key press or click.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    # Types only: importing QEvent or any of its subclasses builds the QEvent.Type enum
    # (below), so they are imported once the filter starts.
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

# Qt.Key values, written out so this module does not import Qt's enum namespace (~25 ms
# at start-up): Quick Exit must be ready before anything else.
KEY_ESCAPE = 0x01000000
KEY_Q = 0x51

# QEvent.Type.KeyPress, looked up once when the filter starts (``listen``): the filter
# sees every event in the app, and an enum attribute lookup on each call made the first
# paint about 40 ms slower.  Not at import: PySide builds the whole QEvent.Type enum (a
# few hundred members, about 1.5 ms) when it is first touched, and that can wait until
# the first window is shown.
_key_press: object = None
#: QEvent.Type.Show, likewise: a modal dialog being shown is guarded (``ui.modal_guard``).
_show: object = None

#: Two presses of Esc within this many seconds mean "Quick Exit".
DOUBLE_ESC_SECONDS = 1.5
#: ...but when the first press was in a dialog or a pop-up list, it was most likely the
#: ordinary Esc that closes it: then only a deliberate double-press (as quick as a double
#: click) exits. Esc to close Settings and Esc again a second later no longer closes the app.
DOUBLE_ESC_AFTER_CLOSING_SECONDS = 0.5

_exiting = False


def is_exiting() -> bool:
    """True once Quick Exit has started: no dialog may open after that."""
    return _exiting


class QuickExit(QObject):
    #: Emitted once the windows are hidden, before the app quits: save what is typed now.
    exiting = Signal()

    def __init__(self, app: QApplication, *, listen: bool = True) -> None:
        super().__init__(app)
        self.app = app
        #: Replaced in tests, where there is no running event loop to leave.
        self.quit: Callable[[], object] = QApplication.quit
        self._last_escape = -1e9
        self._escape_window = DOUBLE_ESC_SECONDS
        self.listening = False
        if listen:
            self.listen()

    def listen(self) -> None:
        """Start watching every key press in the app (Esc twice, Ctrl+Q).

        Separate from construction so the real app can start listening one turn of
        the event loop after its window is shown: the filter is a Python call for
        every event, and the window's hundreds of start-up events (polish, layout,
        paint) took about 40 ms longer to process through it.
        """
        global _key_press, _show
        if not self.listening:
            from PySide6.QtCore import QEvent

            _key_press = QEvent.Type.KeyPress
            _show = QEvent.Type.Show
            self.app.installEventFilter(self)
            self.listening = True
            # A dialog already open (the first start's, shown before this turn) is guarded too.
            modal = QApplication.activeModalWidget()
            if modal is not None:
                self._guard(modal)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind != _key_press:
            if kind == _show and isinstance(obj, QWidget) and obj.isWindow() and obj.isModal():
                self._guard(obj)
            return False
        if not isinstance(obj, QWidget):
            return False
        if not _first_receiver(obj):
            return False  # the same key press, passed on to a parent widget
        event = cast("QKeyEvent", event)  # PySide gives a key press as a QKeyEvent
        key, modifiers = event.key(), event.modifiers()
        if key == KEY_Q and modifiers == type(modifiers).ControlModifier:
            self.trigger()
            return True
        if key == KEY_ESCAPE and not event.isAutoRepeat():
            return self.escape_pressed(closes_something=_closes_something(obj))
        return False

    def escape_pressed(self, *, closes_something: bool) -> bool:
        """Count one press of Esc; the second in time is Quick Exit (True: it has started).

        ``closes_something``: this press has a job of its own (closing a dialog or a
        pop-up), so only a deliberate double-press after it exits."""
        now = time.monotonic()
        if now - self._last_escape <= self._escape_window:
            self.trigger()
            return True
        self._last_escape = now
        self._escape_window = (
            DOUBLE_ESC_AFTER_CLOSING_SECONDS if closes_something else DOUBLE_ESC_SECONDS
        )
        return False

    def _guard(self, dialog: QWidget) -> None:
        from ui import modal_guard  # loaded with the first modal dialog

        modal_guard.guard(dialog, self)

    def trigger(self) -> None:
        global _exiting
        if _exiting:
            return
        _exiting = True
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible():
                widget.hide()
        from ui import background  # already loaded if anything runs in the background

        background.stop_all()
        try:
            self.exiting.emit()
        except Exception:
            pass  # saving must never stop the exit
        self.quit()


def reset_for_tests() -> None:
    """Tests start many app sessions in one process."""
    global _exiting
    _exiting = False


def _closes_something(obj: QWidget) -> bool:
    """Whether an Esc pressed here has a job of its own: closing a dialog or a pop-up.

    Only the main window has nothing to close (its window has no parent; a dialog's
    window has one, or is modal, or is a pop-up)."""
    if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget():
        return True
    window = obj.window()
    return window.parentWidget() is not None or window.isModal()


def _first_receiver(obj: QWidget) -> bool:
    """Whether ``obj`` is where this key press started (Qt passes it up to parents too)."""
    popup = QApplication.activePopupWidget()
    if popup is not None:
        return obj is (popup.focusWidget() or popup)
    focus = QApplication.focusWidget()
    if focus is not None:
        return obj is focus
    return obj.isWindow()
