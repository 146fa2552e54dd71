"""Fixtures for driving the real interface with pytest-qt (offscreen).

``ui`` starts the app on the small fixed content in ``tests/ui/content`` with the
data folder in ``tmp_path``.  Modal questions from ``ui.dialogs`` are answered
from queues the test fills (an unexpected question fails the test); our own
dialogs are driven for real with :func:`when_modal`.
"""

from __future__ import annotations

import gc
import json
import os
import warnings
from collections import defaultdict, deque
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication, QWidget

# As in tests/conftest.py: a broken record helper must fail the tests, not be hidden.
os.environ.setdefault("SAFETYCHECK_RECORD_HELPER", "require")
CONTENT = Path(__file__).resolve().parent / "content"
FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
PINNED_FONT = "Noto Sans"
PINNED_POINT_SIZE = 10


@pytest.fixture(scope="session", autouse=True)
def pinned_font(qapp: QApplication) -> QFont:
    """Draw every UI test with the font the project bundles, at a fixed size.

    Layout tests measure heights and scroll ranges, which follow the font.  With the
    machine's default font they passed on one machine and failed on a bare Debian (whose
    DejaVu Sans is smaller): the answer must not depend on what fonts a machine has.
    """
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        if QFontDatabase.addApplicationFont(str(FONTS / name)) < 0:
            raise RuntimeError(f"could not load {FONTS / name}")
    font = QFont(PINNED_FONT, PINNED_POINT_SIZE)
    qapp.setFont(font)
    assert QFontInfo(qapp.font()).family() == PINNED_FONT
    return font


class FakeDialogs:
    """Stands in for ``ui.dialogs``: answers come from queues, messages are recorded."""

    def __init__(self) -> None:
        self.answers: dict[str, deque] = defaultdict(deque)
        self.told: list[tuple[str, str]] = []
        self.asked: list[tuple[str, str, list[str]]] = []

    def queue(self, name: str, *values: object) -> None:
        self.answers[name].extend(values)

    def _next(self, name: str, what: str) -> object:
        if not self.answers[name]:
            raise AssertionError(f"unexpected dialog {name}: {what}")
        return self.answers[name].popleft()

    def ask(self, parent, title, text, choices, *, default=0):
        self.asked.append((title, text, list(choices)))
        return self._next("ask", f"{title}: {text}")

    def tell(self, parent, title, text):
        self.told.append((title, text))

    def ask_text(self, parent, title, label, value=""):
        return self._next("ask_text", title)

    def ask_save_path(self, parent, title, suggested_name):
        return self._next("ask_save_path", title)

    def ask_open_file(self, parent, title):
        return self._next("ask_open_file", title)

    def ask_open_files(self, parent, title):
        return self._next("ask_open_files", title)

    def ask_save_bundle(self, parent, title, suggested_name):
        return self._next("ask_save_bundle", title)


def when_modal(action: Callable[[QWidget], None], timeout_ms: int = 3000) -> None:
    """Run ``action(dialog)`` as soon as a modal dialog is open (inside its event loop)."""
    waited = [0]

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible():
            if not dialog.isActiveWindow() and waited[0] < timeout_ms // 2:
                dialog.activateWindow()  # offscreen windows become active one turn later
                waited[0] += 10
                QTimer.singleShot(10, poll)
                return
            try:
                action(dialog)
            except BaseException:
                dialog.reject()  # never leave a test hanging on an open dialog
                raise
            return
        waited[0] += 10
        if waited[0] > timeout_ms:
            raise AssertionError("no dialog opened")
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def write_settings(data_dir: Path, **values: object) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = {"first_start_done": True, "mode": "advisor", **values}
    (data_dir / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


class UI:
    def __init__(self, qtbot, data_dir: Path, fake: FakeDialogs) -> None:
        self.qtbot = qtbot
        self.data_dir = data_dir
        self.dialogs = fake
        self.windows: list[QWidget] = []

    when_modal = staticmethod(when_modal)

    def start(self, **settings: object):
        from ui import app

        if settings:
            write_settings(self.data_dir, **settings)
        window = app.start(self.data_dir)
        if window is not None:
            self.qtbot.addWidget(window)
            self.qtbot.waitExposed(window)
            window.activateWindow()
            self.qtbot.waitUntil(window.isActiveWindow)
            self.windows.append(window)
        return window

    def store(self):
        from safetycheck.store import CaseStore

        return CaseStore(self.data_dir)


@pytest.fixture
def ui(qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from ui import app, dialogs, quick_exit

    quick_exit.reset_for_tests()
    fake = FakeDialogs()
    names = ("ask", "tell", "ask_text", "ask_save_path", "ask_open_file")
    for name in (*names, "ask_open_files", "ask_save_bundle"):
        monkeypatch.setattr(dialogs, name, getattr(fake, name))
    monkeypatch.setattr(app, "checklists_dir", lambda: CONTENT)
    quit_calls: list[int] = []
    helper = UI(qtbot, data_dir, fake)
    helper.quit_calls = quit_calls
    guard = app.install_quick_exit(app.application())
    monkeypatch.setattr(guard, "quit", lambda: quit_calls.append(1))
    guard._last_escape = -1e9
    yield helper
    for window in helper.windows:
        window.close()
        window.deleteLater()
    # Drop every Python reference before Qt deletes the windows, so no wrapper is left
    # pointing at a deleted widget (PySide visits them all when the process exits).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nothing was connected
        try:
            guard.exiting.disconnect()
        except (RuntimeError, TypeError):
            pass
    helper.windows.clear()
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    quick_exit.reset_for_tests()
