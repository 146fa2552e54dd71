"""Page layout shared by both documents: styles, paragraphs, tables and page furniture.

Imported only when a document is exported (it pulls in reportlab).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from safetycheck.report import bidi
from safetycheck.report.fonts import (
    SANS,
    SANS_BOLD,
    URDU_LEADING,
    is_urdu,
    markup,
    needs_shaping,
    text_width,
)

PAGE_SIZES = {"a4": A4, "letter": LETTER}
# 20 mm sides suit hole punches and every printer's unprintable edge, on A4 and Letter.
MARGIN_SIDE = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eeeeee")
CONCERN = colors.HexColor("#fbe3e0")


def _style(name: str, **kw: object) -> ParagraphStyle:
    base = {
        "fontName": SANS,
        "bulletFontName": SANS,
        "fontSize": 10,
        "leading": 13.5,
        "textColor": INK,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES = {
    "title": _style("title", fontName=SANS_BOLD, fontSize=20, leading=25, spaceAfter=4 * mm),
    # Headings (and the short intro under them) never end a page: keepWithNext.
    "h1": _style(
        "h1",
        fontName=SANS_BOLD,
        fontSize=14,
        leading=18,
        spaceBefore=6 * mm,
        spaceAfter=2 * mm,
        keepWithNext=1,
    ),
    "h2": _style(
        "h2",
        fontName=SANS_BOLD,
        fontSize=11.5,
        leading=15,
        spaceBefore=4 * mm,
        spaceAfter=1.5 * mm,
        keepWithNext=1,
    ),
    "body": _style("body", spaceAfter=2 * mm),
    "caption": _style("caption", fontName=SANS_BOLD, fontSize=11.5, leading=15),
    "small": _style("small", fontSize=8.5, leading=11),
    "muted": _style("muted", fontSize=9, leading=12, textColor=MUTED, spaceAfter=2 * mm),
    "lead": _style(
        "lead", fontSize=9, leading=12, textColor=MUTED, spaceAfter=2 * mm, keepWithNext=1
    ),
    "cell": _style("cell", fontSize=9, leading=11.5),
    "cellbold": _style("cellbold", fontName=SANS_BOLD, fontSize=9, leading=11.5),
    "head": _style("head", fontName=SANS_BOLD, fontSize=9, leading=11.5),
    "bullet": _style("bullet", leftIndent=5 * mm, bulletIndent=0, spaceAfter=1.5 * mm),
    "bulletbold": _style(
        "bulletbold", fontName=SANS_BOLD, leftIndent=5 * mm, bulletIndent=0, spaceAfter=0.5 * mm
    ),
    "bulletcell": _style("bulletcell", leftIndent=5 * mm, bulletIndent=0),
    "indented": _style("indented", leftIndent=5 * mm, spaceAfter=2 * mm),
    "big": _style("big", fontName=SANS_BOLD, fontSize=12, leading=16),
}


class TextParagraph(Paragraph):
    """A paragraph that breaks its lines once per width, however often it is asked.

    reportlab breaks a paragraph's lines again on every ``wrap``, and a table asks
    several times per page; the part left over after a page break is broken again
    from its start too.  For a note of 100,000 characters over 30 pages that is
    quadratic (half a minute for one note, minutes in Urdu, whose words are shaped
    each time).  Here the lines are kept per width, and the part left after a split
    takes the lines already broken, so a long text costs what its pages cost.
    """

    blPara: Any
    _lines_for: tuple[float, Any] | None = None  # (width, reportlab's broken lines)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = self._lines_for
        # A table passes a cell's width computed two ways (they differ in the last bit).
        if cached is None or abs(cached[0] - availWidth) > 0.01:
            width, height = super().wrap(availWidth, availHeight)
            self._lines_for = (availWidth, self.blPara)
            return width, height
        self.blPara = cached[1]
        self.width = availWidth
        self.height = len(cached[1].lines) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts: list[Any] = super().split(availWidth, availHeight)
        if len(parts) == 2 and self._lines_for is not None:
            width, broken = self._lines_for
            first, rest = parts
            taken = len(first.blPara.lines)
            first._lines_for = (width, _lines(broken, 0, taken))
            rest._lines_for = (width, _lines(broken, taken, None))
        return parts


def _lines(broken: Any, start: int, stop: int | None) -> Any:
    """Lines ``start:stop`` of ``broken``, as the lines of the part of a split holding them.

    Shaped (processed) lines say where they start in the paragraph's fragments
    (``sFW``); a part holds only its own fragments, so that index moves back.
    """
    part = copy.copy(broken)
    lines = broken.lines[start:stop]
    first_word = getattr(lines[0], "sFW", None) if lines else None
    if first_word:
        moved = []
        for line in lines:
            line = copy.copy(line)
            line.sFW -= first_word
            moved.append(line)
        lines = moved
    part.lines = lines
    return part


class BidiParagraph(TextParagraph):
    """A paragraph with right-to-left text: words put in visual order per line.

    Lines are broken here (by :func:`bidi.visual_lines`) for the width the
    paragraph is given, then handed to reportlab with explicit line breaks,
    so reportlab never re-orders or re-breaks them.  When a paragraph runs over
    a page, reportlab makes its two parts with ``frags`` (lines already in visual
    order) and a bullet: those parts are laid out as they are.
    """

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle,
        bulletText: str | None = None,
        frags: list[Any] | None = None,
        **kwargs: object,
    ) -> None:
        self._plain = text if frags is None else None
        self._wrapped_for: float | None = None
        if frags is None:
            super().__init__(markup(text or ""), style, bulletText=bulletText, **kwargs)
        else:
            super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        done_for = self._wrapped_for
        if self._plain is not None and (done_for is None or abs(done_for - availWidth) > 0.01):
            self._wrapped_for = availWidth
            style = self.style

            urdu = is_urdu(self._plain)

            widths: dict[str, float] = {}  # words repeat: shaping each once saves seconds

            def measure(word: str) -> float:
                width = widths.get(word)
                if width is None:
                    width = widths[word] = text_width(word, style.fontName, style.fontSize, urdu)
                return width

            lines, rtl = bidi.visual_lines(self._plain, availWidth, measure)
            new_style = ParagraphStyle(
                style.name + "-bidi", parent=style, alignment=TA_RIGHT if rtl else TA_LEFT
            )
            Paragraph.__init__(
                self,
                "<br/>".join(markup(line, urdu=urdu) for line in lines),
                new_style,
                bulletText=self.bulletText,
            )
            self._lines_for = None  # new text: its lines are not broken yet
        return super().wrap(availWidth, availHeight)


def para(text: str, style: str | ParagraphStyle = "body") -> Paragraph:
    """A paragraph of plain (not markup) text in any script."""
    st = STYLES[style] if isinstance(style, str) else style
    if needs_shaping(text):
        st = ParagraphStyle(st.name + "-shaped", parent=st, shaping=1)
        if is_urdu(text):
            st.leading = max(st.leading, st.fontSize * URDU_LEADING)
        if bidi.has_rtl(text):
            return BidiParagraph(text, st)
    return TextParagraph(markup(text), st)


def led(lead: str, text: str, style: str = "bullet") -> Paragraph:
    """A paragraph whose first words (``lead``) are bold, e.g. a check's title."""
    if bidi.has_rtl(lead + text):
        return para(f"{lead}\n{text}", style)  # keep bidi handling; no bold
    st = STYLES[style]
    if needs_shaping(lead + text):
        st = ParagraphStyle(st.name + "-shaped", parent=st, shaping=1)
    return TextParagraph(f"<b>{markup(lead)}</b><br/>{markup(text)}", st)


def bullets(
    items: Sequence[str | tuple[str, str]], style: str = "bullet", numbered: bool = False
) -> list[Any]:
    """A list; an item given as (lead, text) prints its lead in bold on its own line."""
    out = []
    for index, item in enumerate(items, start=1):
        p = led(*item, style=style) if isinstance(item, tuple) else para(item, style)
        p.bulletText = f"{index}." if numbered else "•"
        out.append(p)
    return out


def bullet_columns(items: Sequence[str], width: float) -> Table:
    """A bulleted list in two columns, for long lists of short items (check titles)."""
    cells = bullets(items, style="bulletcell")
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:] + [""] * (half * 2 - len(cells))
    t = Table(
        list(zip(left, right, strict=True)), colWidths=[width / 2] * 2, splitByRow=1, splitInRow=0
    )
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
            ]
        )
    )
    t.hAlign = "LEFT"
    return t


def titled_bullets(items: Sequence[tuple[str, str]]) -> list[Any]:
    """Bulleted items with a bold first line and an indented plain second part."""
    out = []
    for title, detail in items:
        first = para(title, "bulletbold")
        first.bulletText = "•"
        out.append(keep(first, para(detail, "indented")) if detail else first)
    return out


def table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    header: bool = True,
    shade_rows: Sequence[int] = (),
    extra: Sequence[tuple[Any, ...]] = (),
    caption: str = "",
) -> Table:
    """A table that repeats its header row (and caption) on every page.

    It splits between rows, and inside a row taller than what is left of the page
    (a long note or evidence entry), so no text is too long to print.

    ``shade_rows`` count from the first row of ``rows``, whether or not a caption is added.
    """
    rows = list(rows)
    top = 0
    if caption:
        rows.insert(0, [para(caption, "caption")] + [""] * (len(widths) - 1))
        top = 1
        shade_rows = [r + 1 for r in shade_rows]
    repeat = top + (1 if header else 0)
    t = Table(rows, colWidths=list(widths), repeatRows=repeat, splitByRow=1, splitInRow=1)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 7),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if caption:
        commands += [
            ("SPAN", (0, 0), (-1, 0)),
            ("LEFTPADDING", (0, 0), (-1, 0), 0),
            ("LINEBELOW", (0, 0), (-1, 0), 0, colors.white),
        ]
    if header:
        commands += [
            ("BACKGROUND", (0, top), (-1, top), SHADE),
            ("LINEBELOW", (0, top), (-1, top), 1, INK),
        ]
    for row in shade_rows:
        commands.append(("BACKGROUND", (0, row), (-1, row), CONCERN))
    commands.extend(extra)
    t.setStyle(TableStyle(commands))
    return t


# Room a heading needs below it before a part too tall for any page may start there.
ROOM_TO_START = 72.0  # points: the heading plus about five lines
# A table taller than this share of a page starts where it is (its header repeats on the
# next page) rather than leave the rest of this page empty.
LONG_TABLE_SHARE = 0.3


class KeepOnPage(KeepTogether):
    """Keeps a heading with what follows it, on one page when they fit on one.

    reportlab's own KeepTogether starts a new page for content taller than a page,
    which cannot fit anyway: a long note then leaves the page before it almost
    empty.  This one lets such content start where it is, once a heading and a few
    lines fit; so does a heading over a list table taller than a third of a page (the
    evidence log, a topic's checks), whose column headings repeat where it goes on.
    Short blocks and tables without headings (one concern) still move whole.  The
    documents use it for ``keep()`` and for every keepWithNext style.
    """

    def split(self, aW: float, aH: float) -> list[Any]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        frame = getattr(self, "_frame", None)
        if frame is not None and aH >= self._H0 + ROOM_TO_START:
            too_tall = frame._height < self._H
            last = self._content[-1]
            long_table = (
                isinstance(last, Table)
                and bool(getattr(last, "repeatRows", 0))  # headings that repeat: a list
                and frame._height * LONG_TABLE_SHARE < self._H
            )
            # The first of a list's tables, one per item (the evidence log): the list is
            # long, so it starts here, as one long table would.
            list_start = bool(getattr(last, "starts_list", False))
            if too_tall or long_table or list_start:
                return list(self._content)
        parts: list[Any] = super().split(aW, aH)
        return parts


def keep(*flowables: object) -> KeepTogether:
    return KeepOnPage(list(flowables))


class Later(Flowable):  # reportlab has no types: Flowable is Any
    """A flowable made only when the layout reaches it.

    An evidence bundle streams its files while its record is laid out in a helper
    process (``safetycheck.evidence.record_helper``): an entry's row needs the thumbnails
    of its files, which exist only once those files have streamed past.  Made here, the
    row waits for its own files only, so the record keeps pace with the files instead of
    waiting for all of them.  The document resolves it as it comes to it (``_Document``);
    inside a group kept together it stands in for what it makes.
    """

    def __init__(self, make: Callable[[], Any], *, starts_list: bool = False) -> None:
        super().__init__()
        self._make: Callable[[], Any] | None = make
        self._made: Any = None
        self.starts_list = starts_list  # see KeepOnPage

    def made(self) -> Any:
        if self._make is not None:
            self._made, self._make = self._make(), None
        return self._made

    def wrapOn(self, canv: Any, aW: float, aH: float) -> tuple[float, float]:
        size: tuple[float, float] = self.made().wrapOn(canv, aW, aH)
        return size

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        size: tuple[float, float] = self.made().wrap(aW, aH)
        return size

    def splitOn(self, canv: Any, aW: float, aH: float) -> list[Any]:
        parts: list[Any] = self.made().splitOn(canv, aW, aH)
        return parts

    def split(self, aW: float, aH: float) -> list[Any]:
        parts: list[Any] = self.made().split(aW, aH)
        return parts

    def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:
        self.made().drawOn(canv, x, y, _sW)

    def getSpaceBefore(self) -> float:
        return float(self.made().getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.made().getSpaceAfter())


class _Document(BaseDocTemplate):  # reportlab has no types: BaseDocTemplate is Any
    def filterFlowables(self, flowables: list[Any]) -> None:
        # What the layout reaches next is made now and laid out as itself.
        while flowables and isinstance(flowables[0], Later):
            flowables[0] = flowables[0].made()


def writing_line(width: float) -> HRFlowable:
    """A ruled line to write on by hand (e.g. the advisor's number when the app has none)."""
    return HRFlowable(width=width, thickness=0.6, color=RULE, spaceBefore=9 * mm, spaceAfter=2 * mm)


def new_page() -> PageBreak:
    return PageBreak()


def gap(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


@dataclass
class PageFurniture:
    """What is printed on every page: header text, print date, page label format."""

    header: str
    printed: str
    page_label: str  # "Page {page} of {pages}"


def numbered_canvas(furniture: PageFurniture) -> type:
    """A canvas class that prints "Page N of M" once the page count is known.

    Pages are kept until the end (reportlab's usual recipe), so one build pass
    is enough and long records do not take twice as long.
    """

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            # Start every page in our font, so no unused Helvetica is listed in the file.
            kwargs["initialFontName"] = SANS
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            top = height - MARGIN_TOP + 6 * mm
            self.line(MARGIN_SIDE, top - 1.5 * mm, width - MARGIN_SIDE, top - 1.5 * mm)
            bottom = MARGIN_BOTTOM - 9 * mm
            self.line(MARGIN_SIDE, bottom + 4 * mm, width - MARGIN_SIDE, bottom + 4 * mm)
            self.setFillColor(MUTED)
            _draw_text(self, top, furniture.header, 8.5)
            _draw_text(self, bottom, furniture.printed, 8.5)
            label = furniture.page_label.format(page=self._pageNumber, pages=total)
            _draw_text(self, bottom, label, 8.5, right=True)
            self.restoreState()

    return NumberedCanvas


def _draw_text(
    c: rl_canvas.Canvas, y: float, text: str, size: float, *, right: bool = False
) -> None:
    # Header and footer go through a paragraph so that a reference in any script prints.
    style = _style(
        "furniture",
        fontSize=size,
        leading=size * 1.25,
        textColor=MUTED,
        alignment=TA_RIGHT if right else TA_LEFT,
    )
    p = para(text, style)
    _, height = p.wrap(c._pagesize[0] - 2 * MARGIN_SIDE, 20 * mm)
    p.drawOn(c, MARGIN_SIDE, y - height + size * 1.25)


def build(
    path_or_file: object,
    story: list[Any],
    *,
    page_size: str,
    title: str,
    furniture: PageFurniture,
    on_page: Callable[..., Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Lay ``story`` out; ``progress(done, total)`` hears each flowable placed (and may
    raise to stop: a cancelled export)."""
    size = PAGE_SIZES[page_size]
    doc = _Document(
        path_or_file,
        pagesize=size,
        leftMargin=MARGIN_SIDE,
        rightMargin=MARGIN_SIDE,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author="",
        subject="",
        creator="",
        producer="",
        keywords="",
    )
    doc.keepTogetherClass = KeepOnPage
    frame = Frame(
        doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", showBoundary=0
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page or _nothing)])
    if progress is not None:
        total, best = [max(1, len(story))], [0]

        def heard(kind: str, value: int) -> None:
            # A flowable split across pages goes back on the list, so the count reportlab
            # gives can step back: only ever report the furthest point reached.
            if kind == "SIZE_EST":
                total[0] = max(1, value)
            elif kind == "PROGRESS":
                best[0] = max(best[0], value)
                progress(best[0], total[0])
            elif kind == "PAGE":
                progress(-1, total[0])

        doc.setProgressCallBack(heard)
    doc.build(story, canvasmaker=numbered_canvas(furniture))


def _nothing(*_args: object) -> None:
    return None
