"""Safe file names inside an evidence bundle.

A person's file may be called anything ("../../x", "CON.jpg", a name with a colon, a
line break, 300 characters of emoji).  Inside the bundle each becomes a name every
system can unpack: no folders, no characters Windows refuses, no reserved names, at
most 100 characters, the extension kept so the file still opens with the right program.
"""

from __future__ import annotations

import unicodedata

MAX_CHARS = 100
_REFUSED = set('<>:"/\\|?*') | {chr(c) for c in range(32)} | {"\x7f"}
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(10)}


def safe_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    cleaned = "".join("_" if c in _REFUSED or unicodedata.category(c) == "Cf" else c for c in name)
    cleaned = cleaned.strip(" .") or "file"
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = cleaned, ""
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    suffix = f".{extension}" if extension else ""
    stem = stem[: MAX_CHARS - len(suffix)].rstrip(" .") or "file"
    return stem + suffix


def extension_of(name: str) -> str:
    """ ".jpg" for "photo.JPG" (lower case), "" when there is none worth keeping."""
    safe = safe_name(name)
    stem, dot, extension = safe.rpartition(".")
    return f".{extension.lower()}" if dot and stem and extension.isalnum() else ""
