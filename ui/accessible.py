"""Accessible names and descriptions, set in one call.

Screen readers read a control's name, then its description.  Setting both in
one place keeps the wording consistent and makes a missing name easy to spot
(``tests/ui/test_accessibility.py`` walks every screen and fails on one).
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def describe(widget: W, name: str, description: str = "") -> W:
    """Give ``widget`` an accessible name and description; tooltips repeat the description."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description or name)
    if description and not widget.toolTip():
        widget.setToolTip(description)
    return widget
