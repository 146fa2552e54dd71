"""Text a person typed or pasted, made safe to keep before it enters a case.

Two kinds of text would otherwise fail far from where they came in, after the
person has moved on:

- A lone surrogate (half of a UTF-16 pair, from a broken paste or a file name in
  an unknown encoding) cannot be written as UTF-8, so the save would raise.  It is
  replaced by U+FFFD, the usual "unknown character" mark, on the way in.
- A very long text (10 MB pasted by mistake) would slow every save and every
  printed document to a crawl.  Anything longer than :data:`MAX_CHARS` is refused
  with a plain message, and the text saved before stays as it was.

The model (``safetycheck.case``) calls these for every free text it is given, and
the case encoder scrubs once more, so no path into a saved file can skip them.
"""

from __future__ import annotations

import re

#: The longest note, evidence entry or action kept: about 15,000 words, or 40 printed
#: pages.  An account of many incidents fits; a paste of a whole file does not.
MAX_CHARS = 100_000

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

#: The longest case reference kept: it heads every printed page and names files.
MAX_REFERENCE_CHARS = 200
#: What a label on one line cannot hold: line breaks, tabs and other control characters,
#: and the marks that change the direction of the text around them (a reference pasted as
#: "Evil<RLO>FDP.exe" shows as "Evilexe.PDF").
_NOT_IN_A_LABEL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


class TextTooLongError(ValueError):
    """A text is longer than :data:`MAX_CHARS`; the message is for the person."""


def too_long_message(length: int) -> str:
    return (
        f"This text is too long to keep: {length:,} characters. "
        f"Notes, evidence and actions can be up to {MAX_CHARS:,} characters "
        "(about 15,000 words). Shorten it, or keep the rest in a file and add the file "
        "as evidence. What was saved before is unchanged."
    )


def scrub(text: str) -> str:
    """``text`` with every lone surrogate replaced, so it can always be written as UTF-8."""
    if _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def checked(text: str) -> str:
    """``text`` scrubbed; raises :class:`TextTooLongError` if it is too long to keep."""
    if len(text) > MAX_CHARS:
        raise TextTooLongError(too_long_message(len(text)))
    return scrub(text)


def problem(text: str) -> str | None:
    """The plain message that :func:`checked` would raise for ``text``, or None."""
    return too_long_message(len(text)) if len(text) > MAX_CHARS else None


def one_line(text: str, limit: int = MAX_REFERENCE_CHARS) -> str:
    """``text`` as a label on one line: every line break, tab, control or direction mark
    becomes a space, runs of spaces one space, and it is cut to ``limit`` characters."""
    return " ".join(_NOT_IN_A_LABEL.sub(" ", scrub(text)).split())[:limit].rstrip()
