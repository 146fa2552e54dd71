"""Guards the Qt pin: PySide6 6.12.0 on Python 3.11 crashes the app within minutes.

Every call that returns nothing (``setText``, ``show``, ``processEvents``) gave back
``None`` without a reference, so ``None``'s count fell by one per call and Python
aborted with "deallocating None" after a few thousand calls.  Python 3.12+ made
``None`` immortal, so the check only means something on 3.11.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication, QLabel


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_calls_that_return_nothing_keep_none_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        QApplication.processEvents()
    assert sys.getrefcount(None) > before - 200
