"""Right-to-left text for reportlab: word order within each printed line.

reportlab shapes Arabic-script words with HarfBuzz (``uharfbuzz``), which also
puts the letters of one word in the right visual order.  Putting the *words*
of a line in order needs a bidi library called ``rlbidi`` that is not on PyPI
for current Pythons, so without it reportlab prints an Urdu sentence with its
words left to right.  This module does that step with ``python-bidi``
instead: it resolves each character's embedding level for the whole
paragraph (Unicode rules X1-I2), breaks the paragraph into lines in logical
order, and then reverses runs of words per line (rule L2) at word level.
Letters inside a word stay in logical order, because HarfBuzz reverses and
joins them when it shapes the word.

Pure Python and free of reportlab, so it can be tested on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_WORD = re.compile(r"\S+")
_RTL_CLASSES = {"R", "AL"}


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds any right-to-left letter (Arabic, Hebrew, Urdu ...)."""
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def base_is_rtl(text: str) -> bool:
    """Paragraph direction by rule P2: the first strong letter decides."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _RTL_CLASSES:
            return True
        if kind == "L":
            return False
    return False


def char_levels(text: str, rtl: bool) -> list[int]:
    """The resolved embedding level of every character (rules X1 to I2).

    Uses python-bidi's pure-Python implementation, which exposes the levels;
    its Rust wrapper only returns the reordered string.
    """
    try:
        from bidi import algorithm
    except ImportError:  # python-bidi missing: print in logical order rather than fail
        return [1 if rtl else 0] * len(text)
    storage = algorithm.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    algorithm.get_embedding_levels(text, storage)
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    return [c["level"] for c in storage["chars"]]


@dataclass(frozen=True)
class Word:
    text: str
    level: int


def _words(text: str, rtl: bool) -> list[Word]:
    levels = char_levels(text, rtl)
    if len(levels) != len(text):  # surrogates cannot occur in str; stay safe anyway
        levels = [1 if rtl else 0] * len(text)
    words = []
    for match in _WORD.finditer(text):
        span = levels[match.start() : match.end()]
        # A word takes the level of its letters; punctuation glued to it follows them.
        strong = [
            lvl
            for ch, lvl in zip(match.group(), span, strict=True)
            if unicodedata.bidirectional(ch) in ("L", "R", "AL", "EN", "AN")
        ]
        level = max(strong or span)
        text_ = match.group()
        if not strong and level % 2:
            # Brackets standing alone in right-to-left text: HarfBuzz mirrors them only
            # inside an Arabic word, so mirror them here (Unicode rule L4).
            text_ = "".join(_mirrored(ch) for ch in text_)
        words.append(Word(text_, level))
    return words


def _mirrored(ch: str) -> str:
    from bidi.mirror import MIRRORED

    return MIRRORED.get(ch, ch) if unicodedata.mirrored(ch) else ch


def reorder(words: list[Word]) -> list[Word]:
    """Rule L2 at word level: reverse every run at each level, highest first."""
    if not words:
        return []
    result = list(words)
    highest = max(w.level for w in result)
    odd = [w.level for w in result if w.level % 2]
    if not odd:
        return result
    for level in range(highest, min(odd) - 1, -1):
        start = None
        for index in range(len(result) + 1):
            inside = index < len(result) and result[index].level >= level
            if inside and start is None:
                start = index
            elif not inside and start is not None:
                result[start:index] = reversed(result[start:index])
                start = None
    return result


def visual_lines(
    text: str, width: float, measure: Callable[[str], float]
) -> tuple[list[str], bool]:
    """Break ``text`` into lines no wider than ``width``, each in visual word order.

    Returns the lines and whether the text starts right to left (and so should
    be aligned right).  ``measure`` gives a word's printed width.  Each line of
    ``text`` (split at newlines) is its own bidi paragraph, as Unicode says.
    """
    lines: list[str] = []
    for hard_line in text.split("\n"):
        lines += _visual_lines(hard_line, width, measure)
    return lines, base_is_rtl(text)


def _visual_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    words = _words(text, base_is_rtl(text))
    space = measure(" ")
    lines: list[list[Word]] = []
    current: list[Word] = []
    used = 0.0
    for word in words:
        size = measure(word.text)
        extra = size if not current else used + space + size
        if current and extra > width:
            lines.append(current)
            current, used = [word], size
        else:
            current.append(word)
            used = extra
    lines.append(current)
    return [" ".join(w.text for w in reorder(line)) for line in lines]
