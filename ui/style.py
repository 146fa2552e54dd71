"""Colours and fonts derived from the system palette and font.

Nothing here hard-codes a point size or a background colour: headings are the
system font scaled up, and colours come from the palette, so the system font
size, dark mode and 200% zoom all keep working.  Only a real concern is red.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QListWidget,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

# Qt's enum namespace (``PySide6.QtCore.Qt``) takes 12-25 ms to build when first touched,
# and the first window (the safety notice, or the main window's frame) is drawn before
# anything needs it.  The few values that window needs are set by property name, as the
# numbers Qt defines (tests/ui/test_ui_real_start.py checks both: the numbers, and that the
# namespace is not built before the first window shows).
PLAIN_TEXT = 0  # Qt.TextFormat.PlainText
RICH_TEXT = 1  # Qt.TextFormat.RichText
SELECTABLE_BY_MOUSE = 1  # Qt.TextInteractionFlag.TextSelectableByMouse
NO_FOCUS = 0  # Qt.FocusPolicy.NoFocus
STRONG_FOCUS = 11  # Qt.FocusPolicy.StrongFocus

# Statuses are matched by their stored values ("concern"...), so that this module does not
# import the case model: the window's frame is drawn before any case code is loaded.
CONCERN, LOOKS_OK = "concern", "looks_ok"


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def concern_color() -> QColor:
    """A red readable on the current background; used for real concerns only."""
    return QColor("#ff8a80") if is_dark() else QColor("#a4262c")


def caution_color() -> QColor:
    """A calm amber for cautions: noticeable, not alarming."""
    return QColor("#f2c46d") if is_dark() else QColor("#7a5200")


def calm_color() -> QColor:
    """A muted green for "looks OK", readable in both modes."""
    return QColor("#8fd19e") if is_dark() else QColor("#1e6b35")


def status_color(status: str) -> QColor | None:
    if status == CONCERN:
        return concern_color()
    if status == LOOKS_OK:
        return calm_color()
    return None


#: A mark for each status in the sidebar, keyed by the stored value (``Status`` is a str).
STATUS_MARKS: dict[str, str] = {
    "not_checked": "○",
    LOOKS_OK: "✓",
    CONCERN: "!",
    "not_sure": "?",
    "cant_check_safely": "…",
    "not_applicable": "–",
}


def scaled_font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    else:  # pixel-sized fonts: scale the pixels instead
        font.setPixelSize(max(1, round(font.pixelSize() * factor)))
    font.setBold(bold)
    return font


def list_html(items: Iterable[str], *, ordered: bool) -> str:
    """Steps or signs as a list a label shows (rich text), each item escaped."""
    import html

    tag = "ol" if ordered else "ul"
    rows = "".join(f"<li style='margin-bottom:4px'>{html.escape(i)}</li>" for i in items)
    return f"<{tag} style='margin-left:0px'>{rows}</{tag}>"


def list_label(items: Iterable[str], *, ordered: bool) -> QLabel:
    """A label showing :func:`list_html`: a page's steps or what a check reads."""
    label = QLabel(list_html(items, ordered=ordered))
    label.setWordWrap(True)
    label.setProperty("textFormat", RICH_TEXT)
    return label


def heading(text: str, level: int = 1, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setProperty("textFormat", PLAIN_TEXT)
    factor = {1: 1.6, 2: 1.25, 3: 1.05}.get(level, 1.0)
    label.setFont(scaled_font(label.font(), factor, bold=True))
    label.setAccessibleName(text)
    return label


def paragraph(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setProperty("textFormat", PLAIN_TEXT)
    label.setProperty("textInteractionFlags", SELECTABLE_BY_MOUSE)
    return label


def muted(label: QLabel) -> QLabel:
    """Quiet secondary text: the palette's placeholder colour, never a fixed grey."""
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)
    return label


def boxed(widget: QWidget, color: QColor) -> QFrame:
    """A frame with a coloured left edge, for cautions and concerns."""
    frame = QFrame()
    frame.setObjectName("boxed")
    frame.setStyleSheet(
        "QFrame#boxed { border: 1px solid palette(mid); "
        f"border-left: 5px solid {color.name()}; border-radius: 4px; padding: 6px; }}"
    )
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(8, 6, 8, 6)
    layout.addWidget(widget)
    return frame


def lead_list(lines: int, spacing: int = 3) -> QListWidget:
    """The list of a scan's leads: wrapped, striped rows, ``lines`` lines high at least."""
    leads = QListWidget()
    leads.setWordWrap(True)
    leads.setAlternatingRowColors(True)
    leads.setSpacing(spacing)
    leads.setMinimumHeight(leads.fontMetrics().lineSpacing() * lines)
    return leads


def caution_box(title: str, texts: Iterable[QLabel], name: str) -> QFrame:
    """The framed caution a scan page opens with: a coloured title, then its paragraphs
    (kept by the caller, which rewords them for someone on their own)."""
    caution = QWidget()
    layout = QVBoxLayout(caution)
    layout.setContentsMargins(0, 0, 0, 0)
    label = heading(title, 3)
    label.setStyleSheet(f"color: {caution_color().name()}")
    layout.addWidget(label)
    for text in texts:
        layout.addWidget(text)
    frame = boxed(caution, caution_color())
    frame.setAccessibleName(name)
    return frame


def scrolling_area(*, focusable: bool = False) -> tuple[QScrollArea, QVBoxLayout]:
    """A frameless area whose content scrolls when the window is short or zoomed to 200%.

    Not focusable by default: Tab goes straight to the controls inside, and Qt scrolls
    to whichever has focus.  Pages of mostly text make it focusable, so the arrow keys
    can scroll them.
    """
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    if not focusable:
        scroll.setProperty("focusPolicy", NO_FOCUS)
    body = QWidget()
    scroll.setWidget(body)
    layout = QVBoxLayout(body)
    layout.setSpacing(8)
    return scroll, layout


def scrolling_page(
    page: QWidget, *, focusable: bool = False, reading: tuple[str, str] | None = None
) -> QVBoxLayout:
    """Fill ``page`` with a scrolling area; returns the layout to add content to.

    ``reading`` (a name and a description) makes it a reading area (``ui.reading``): one
    Tab stop that scrolls with the keys, shows its focus and is named for a screen reader
    (an unnamed focusable area was read as "filler").
    """
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    if reading is None:
        scroll, layout = scrolling_area(focusable=focusable)
        outer.addWidget(scroll)
        return layout
    from ui.reading import ReadingArea

    area = ReadingArea(*reading)
    outer.addWidget(area)
    return area.body_layout
