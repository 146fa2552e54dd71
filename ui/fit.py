"""Size a window with a scrolling part to what its words need, up to the screen's height.

Qt gives a new window at most two thirds of the screen.  At 200% on a laptop that
squeezed the first-start notice until its last line sat on top of the buttons, and it
gave Settings a scroll bar with half the screen still free.  A window that uses this
keeps its buttons outside the scrolling part, so they stay in view however short the
screen is.
"""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QWidget


def fit_height(window: QWidget, scroll: QScrollArea, *, move: bool = True) -> None:
    """Make ``window`` as tall as ``scroll``'s contents need, within the screen.

    ``move=False`` before a dialog is first shown: moving it then would stop Qt from
    centring it (which keeps it inside the screen too).
    """
    layout, inner = window.layout(), scroll.widget()
    if layout is None or inner is None:
        return
    width = window.width()
    margins = layout.contentsMargins()
    inner_width = width - margins.left() - margins.right()
    wanted = inner.heightForWidth(inner_width)
    if wanted < 0:  # no height-for-width in the contents: their own hint
        wanted = inner.sizeHint().height()
    total = layout.totalHeightForWidth(width)
    if total < 0:  # nothing outside the scrolling part wraps
        total = layout.totalSizeHint().height()
    needed = total - scroll.sizeHint().height() + wanted
    screen = window.screen()
    if screen is not None:
        frame = window.frameGeometry().height() - window.height()
        needed = min(needed, screen.availableGeometry().height() - frame)
    if needed == window.height():
        return
    window.resize(width, needed)
    if move and screen is not None:  # grown past the bottom of the screen: move it up
        area, place = screen.availableGeometry(), window.frameGeometry()
        place.moveBottom(min(place.bottom(), area.bottom()))
        place.moveTop(max(place.top(), area.top()))
        window.move(place.topLeft())
