"""Bundled fonts, and markup that sends each run of text to a font that has its letters.

reportlab does no font fallback: a paragraph set in Noto Sans prints blank
boxes for Arabic letters.  :func:`markup` therefore splits text into runs and
wraps each run that Noto Sans lacks in ``<font face=...>`` for the first
bundled font that has it.  Imported only when a document is exported.
"""

from __future__ import annotations

import functools
import unicodedata
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr

from safetycheck.paths import assets_dir

SANS = "SCSans"
SANS_BOLD = "SCSans-Bold"
SANS_ITALIC = "SCSans-Italic"
ARABIC = "SCArabic"
ARABIC_BOLD = "SCArabic-Bold"

_FILES = {
    SANS: "NotoSans-Regular.ttf",
    SANS_BOLD: "NotoSans-Bold.ttf",
    SANS_ITALIC: "NotoSans-Italic.ttf",
    ARABIC: "NotoNaskhArabic-Regular.ttf",
    ARABIC_BOLD: "NotoNaskhArabic-Bold.ttf",
}
# Fallback order for a character the main font lacks.
_FALLBACKS = (ARABIC,)
# Scripts that HarfBuzz must shape (joining letters, marks); Latin, Greek and
# Cyrillic print right without it, and skipping it keeps the export fast.
_SHAPED_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


@functools.cache
def register_fonts() -> None:
    """Register the bundled TrueType fonts once per process."""
    folder = assets_dir() / "fonts"
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    # So that <b> and <i> inside a paragraph pick the right member of each family.
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS_ITALIC)
    addMapping(SANS, 1, 1, SANS_BOLD)
    addMapping(ARABIC, 0, 0, ARABIC)
    addMapping(ARABIC, 1, 0, ARABIC_BOLD)
    addMapping(ARABIC, 0, 1, ARABIC)
    addMapping(ARABIC, 1, 1, ARABIC_BOLD)


@functools.cache
def _glyphs(font_name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def needs_shaping(text: str) -> bool:
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _SHAPED_RANGES)


def _is_neutral(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "ZPNSC"


def font_runs(text: str, main: str = SANS) -> list[tuple[str, str]]:
    """Split ``text`` into (font, text) runs, each font having every letter of its run.

    Spaces, digits and punctuation stay in the current run, so an Arabic
    sentence is not cut into pieces at every space.
    """
    main_glyphs = _glyphs(main)
    runs: list[tuple[str, list[str]]] = []
    for ch in text:
        code = ord(ch)
        current = runs[-1][0] if runs else main
        if ch == "\n" or (_is_neutral(ch) and code in _glyphs(current)):
            font = current
        elif code in main_glyphs:
            font = main
        else:
            font = next((f for f in _FALLBACKS if code in _glyphs(f)), main)
        if runs and runs[-1][0] == font:
            runs[-1][1].append(ch)
        else:
            runs.append((font, [ch]))
    return [(font, "".join(chars)) for font, chars in runs]


def markup(text: str, main: str = SANS) -> str:
    """``text`` as reportlab paragraph markup: escaped, with line breaks and font runs."""
    parts = []
    for font, chunk in font_runs(text, main):
        chunk = escape(chunk).replace("\n", "<br/>")
        parts.append(chunk if font == main else f'<font face="{font}">{chunk}</font>')
    return "".join(parts)


def text_width(text: str, font_name: str, size: float) -> float:
    """Printed width of one word, shaped where its script needs it."""
    total = 0.0
    bold = font_name.endswith("-Bold")
    for font, chunk in font_runs(text):
        if bold:
            font = f"{font}-Bold" if f"{font}-Bold" in _FILES else font
        if needs_shaping(chunk) and pdfmetrics.getFont(font).shapable:
            shaped = shapeStr(chunk, font, size)
            data = getattr(shaped, "__shapeData__", None)
            if data:
                total += sum(d.x_advance for d in data) * size / 1000
                continue
        total += pdfmetrics.stringWidth(chunk, font, size)
    return total
