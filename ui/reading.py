"""A text area a keyboard user can read: one Tab stop that scrolls with the keys.

The guidance of a check is many labels in a scrolling area.  Labels take no focus, so
with the area out of the Tab order a keyboard user could never bring the caution, "If
you find something" or "What to record" into view on a laptop screen.  This area is
one Tab stop (so Tab still reaches the answers quickly), draws a clear focus frame,
and scrolls with Down/Up, PageDown/PageUp, Space/Shift+Space and Home/End (with or
without Ctrl).  A screen reader hears its name and description when it gets focus,
and reads the labels inside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ui.accessible import describe
from ui.style import STRONG_FOCUS

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent  # a type only (see ui.quick_exit, QEvent.Type)

READING_NAME = "reading"
# A transparent border when not focused, so gaining focus does not move the text.
FOCUS_STYLE = (
    f"QScrollArea#{READING_NAME} {{ border: 2px solid transparent; border-radius: 3px; }}"
    f"QScrollArea#{READING_NAME}:focus {{ border: 2px solid palette(highlight); }}"
)


class ReadingArea(QScrollArea):
    def __init__(self, name: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(READING_NAME)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setProperty("focusPolicy", STRONG_FOCUS)  # no Qt enums before the first window
        self.setStyleSheet(FOCUS_STYLE)
        describe(self, name, description)
        body = QWidget()
        self.setWidget(body)
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setSpacing(8)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtCore import Qt

        bar = self.verticalScrollBar()
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Home:
            bar.setValue(bar.minimum())
        elif key == Qt.Key.Key_End:
            bar.setValue(bar.maximum())
        elif key == Qt.Key.Key_Space:
            bar.setValue(bar.value() + (-bar.pageStep() if shift else bar.pageStep()))
        else:
            super().keyPressEvent(event)  # arrows, PageUp and PageDown
            return
        event.accept()
