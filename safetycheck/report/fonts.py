"""Bundled fonts, and markup that sends each run of text to a font that has its letters.

reportlab does no font fallback: a paragraph set in Noto Sans prints blank
boxes for Arabic letters.  :func:`markup` therefore splits text into runs and
wraps each run that Noto Sans lacks in ``<font face=...>`` for the first
bundled font that has it.  Imported only when a document is exported.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr

from safetycheck.paths import assets_dir

SANS = "SCSans"
SANS_BOLD = "SCSans-Bold"
ARABIC = "SCArabic"
ARABIC_BOLD = "SCArabic-Bold"
URDU = "SCUrdu"
URDU_BOLD = "SCUrdu-Bold"

# family -> (regular name, file), (bold name, file)
_FAMILIES = {
    SANS: ((SANS, "NotoSans-Regular.ttf"), (SANS_BOLD, "NotoSans-Bold.ttf")),
    ARABIC: ((ARABIC, "NotoNaskhArabic-Regular.ttf"), (ARABIC_BOLD, "NotoNaskhArabic-Bold.ttf")),
    URDU: ((URDU, "NotoNastaliqUrdu-Regular.ttf"), (URDU_BOLD, "NotoNastaliqUrdu-Bold.ttf")),
}
# Letters used in Urdu but not in Arabic or Persian (ٹ ڈ ڑ ں ھ ہ ۂ ے ۓ): text with any of
# them prints in Nastaliq, the style Urdu readers expect; other Arabic script in Naskh.
_URDU_LETTERS = frozenset("\u0679\u0688\u0691\u06ba\u06be\u06c1\u06c2\u06d2\u06d3")
# Nastaliq's letters climb and stack: lines need this much more room than Latin.
URDU_LEADING = 2.1
# Which bundled family prints a letter Noto Sans lacks, by Unicode block.
_FALLBACK_RANGES = (
    ((0x0600, 0x06FF), ARABIC),
    ((0x0750, 0x077F), ARABIC),
    ((0x08A0, 0x08FF), ARABIC),
    ((0xFB50, 0xFDFF), ARABIC),
    ((0xFE70, 0xFEFF), ARABIC),
)
# Scripts that HarfBuzz must shape (joining letters, marks); Latin, Greek and
# Cyrillic print right without it, and skipping it keeps the export fast.
_SHAPED_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


@functools.cache
def register_family(family: str) -> None:
    """Register one bundled family (regular and bold) once per process.

    Parsing a TrueType file takes a noticeable moment, so the Arabic family
    is only loaded when a document holds Arabic-script text.
    """
    folder = assets_dir() / "fonts"
    (regular, regular_file), (bold, bold_file) = _FAMILIES[family]
    pdfmetrics.registerFont(TTFont(regular, str(folder / regular_file)))
    pdfmetrics.registerFont(TTFont(bold, str(folder / bold_file)))
    # So that <b> and <i> inside a paragraph pick the right member of the family.
    addMapping(family, 0, 0, regular)
    addMapping(family, 1, 0, bold)
    addMapping(family, 0, 1, regular)
    addMapping(family, 1, 1, bold)


def register_fonts() -> None:
    register_family(SANS)


def escape(text: str) -> str:
    """Escape text for reportlab's paragraph markup.

    Written out rather than taken from ``xml.sax.saxutils``, which pulls in
    ``urllib.request`` and the e-mail package: a tenth of a second at start-up.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.cache
def _glyphs(font_name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def is_urdu(text: str) -> bool:
    return not text.isascii() and not _URDU_LETTERS.isdisjoint(text)


def _fallback(code: int, arabic: str) -> str | None:
    for (lo, hi), family in _FALLBACK_RANGES:
        if lo <= code <= hi:
            family = arabic if family == ARABIC else family
            register_family(family)
            return family if code in _glyphs(family) else None
    return None


_SHAPED = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _SHAPED_RANGES) + "]")


def needs_shaping(text: str) -> bool:
    return not text.isascii() and _SHAPED.search(text) is not None


def _is_neutral(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "ZPNSC"


def font_runs(text: str, main: str = SANS, urdu: bool | None = None) -> list[tuple[str, str]]:
    """Split ``text`` into (font, text) runs, each font having every letter of its run.

    Spaces, digits and punctuation stay in the current run, so an Arabic
    sentence is not cut into pieces at every space.  ``urdu`` chooses Nastaliq
    for Arabic script; by default it is decided from ``text`` itself (pass it
    when ``text`` is one piece of a longer note, so every piece agrees).
    """
    if text.isascii():
        return [(main, text)]
    arabic = URDU if (is_urdu(text) if urdu is None else urdu) else ARABIC
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
            font = _fallback(code, arabic) or main
        if runs and runs[-1][0] == font:
            runs[-1][1].append(ch)
        else:
            runs.append((font, [ch]))
    return [(font, "".join(chars)) for font, chars in runs]


def markup(text: str, main: str = SANS, urdu: bool | None = None) -> str:
    """``text`` as reportlab paragraph markup: escaped, with line breaks and font runs."""
    parts = []
    for font, chunk in font_runs(text, main, urdu):
        chunk = escape(chunk).replace("\n", "<br/>")
        parts.append(chunk if font == main else f'<font face="{font}">{chunk}</font>')
    return "".join(parts)


def text_width(text: str, font_name: str, size: float, urdu: bool | None = None) -> float:
    """Printed width of one word, shaped where its script needs it."""
    total = 0.0
    bold = font_name.endswith("-Bold")
    for family, chunk in font_runs(text, urdu=urdu):
        font = _FAMILIES[family][1][0] if bold else family
        if needs_shaping(chunk) and pdfmetrics.getFont(font).shapable:
            shaped = shapeStr(chunk, font, size)
            data = getattr(shaped, "__shapeData__", None)
            if data:
                total += sum(d.x_advance for d in data) * size / 1000
                continue
        total += pdfmetrics.stringWidth(chunk, font, size)
    return total
