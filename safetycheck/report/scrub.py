"""Keep secrets off paper: remove what looks like a password written in a note.

Notes are free text, and people sometimes write down a password or PIN
("his passcode is 4821").  A printed document can be found, photocopied or
handed to others, so every note goes through :func:`scrub_secrets` before it is
printed, in both documents.  The word stays ("passcode [removed]") so a reader
knows something was there; the value itself never reaches the PDF.
"""

from __future__ import annotations

import re

# A keyword, then "is", "was", ":", "=" or "-" and the value; or a bare value that
# contains a digit or symbol (so "pin the map" and "password manager" stay).
_KEYWORDS = (
    r"pass\s?words?|passwd|pwd|pass\s?codes?|pass\s?phrases?|pins?|pin\s?codes?|"
    r"pin\s?numbers?|unlock\s?codes?|security\s?codes?|login\s?codes?|"
    r"hasło|hasła|cyfrinair|κωδικός|пароль|пин-код"
)
_SEP = r"(?:\s*[:=]\s*|\s+(?:is|was|are|were|:)\s+|\s+-\s+)"
# A quoted value (may hold spaces), or one word without its closing punctuation.
_VALUE = r"(?:\"[^\"\n]*\"|“[^”\n]*”|‘[^’\n]*’|'[^'\n]*'|\S+?(?=[.,;)]*(?:\s|$)))"
# Case is ignored for the keywords only: a whole-pattern (?i) makes Python fold every
# character class, which costs a quarter of a second to compile.
_WITH_SEP = re.compile(rf"\b((?i:{_KEYWORDS}))({_SEP})({_VALUE})")
_BARE = re.compile(rf"\b((?i:{_KEYWORDS}))(\s+)(?=\S*[\d!@#$%^&*_+=~])({_VALUE})")


def scrub_secrets(text: str, placeholder: str = "[removed]") -> str:
    """``text`` with anything that looks like a written-down password replaced."""

    def hide(match: re.Match[str]) -> str:
        return f"{match.group(1)}{match.group(2)}{placeholder}"

    return _BARE.sub(hide, _WITH_SEP.sub(hide, text))
