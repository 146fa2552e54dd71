"""SAFETYCHECK_QUIT_AFTER, in process: the smoke tests' way to ask the app to quit."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLabel

from ui.autoquit import QUIT_AFTER_ENV, quit_after_from_environment


def test_the_windows_close_on_the_apps_own_thread(qapp, qtbot, monkeypatch) -> None:
    """No thread of its own: a thread raced the app's own quitting (see ui/autoquit.py)."""
    monkeypatch.setenv(QUIT_AFTER_ENV, "0.05")
    window = QLabel("a window")
    qtbot.addWidget(window)
    window.show()
    threads = threading.active_count()
    quit_after_from_environment(qapp)
    assert threading.active_count() == threads
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


@pytest.mark.parametrize("value", ["", "soon", "-1"])
def test_nothing_is_scheduled_without_a_delay(qapp, qtbot, monkeypatch, value) -> None:
    monkeypatch.setenv(QUIT_AFTER_ENV, value)
    window = QLabel("a window")
    qtbot.addWidget(window)
    window.show()
    quit_after_from_environment(qapp)
    qtbot.wait(100)
    assert window.isVisible()
