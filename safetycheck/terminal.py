"""What the command line prints is made safe for a terminal, whatever it came from.

Package names, phone models, adb's messages, file names, indicator lists and case
references all reach the terminal, and any of them can hold control characters: an
escape sequence can recolour the screen, move the cursor to overwrite a warning, set the
window title, or on some terminals write to the clipboard.  Bidirectional controls can
make "com.evil" read as something else.  So every control character except a newline and
a tab is printed as a visible ``\\uXXXX``, at the one place all output passes: the
command line's stdout and stderr (:func:`guard`).  ``\\uXXXX`` is also a valid JSON escape,
so ``--json`` output stays valid JSON and still decodes to the original text.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional controls.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every character that could steer a terminal shown as ``\\uXXXX``."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line_shown(text: object) -> str:
    """``text`` on one line: a line break or tab in it (a case reference, a file name the
    person typed) shown as ``\\u000a``, as :func:`guard` shows every other control
    character, so one thing printed is one line and a name cannot fake the line after it."""
    return re.sub("[\t\n\r]", lambda m: f"\\u{ord(m.group()):04x}", str(text))


class SafeStream:
    """A text stream that passes everything written through :func:`printable`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def guard() -> Iterator[None]:
    """While inside, ``sys.stdout`` and ``sys.stderr`` print only safe characters."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
