"""What a file says about itself when it is added: its own modified time, and for a
photo the capture time and camera written in its EXIF.

Read from the first bytes that were stored (the EXIF block sits at the start of a
JPEG, in the first 64 KB), so the details describe exactly the copy the case keeps.
Each is kept only when the file really says it: no EXIF is "none", a file that is
not a picture we can read is "not-read", and the record says which.  A camera's
clock can be wrong and EXIF can be edited: these are what the file claims, printed as
such, never as proof of when something happened.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

EXIF_IFD = 0x8769
MAKE, MODEL = 0x010F, 0x0110
DATETIME = 0x0132  # when the file was last changed by the camera or an editor
DATETIME_ORIGINAL = 0x9003  # when the photo was taken
OFFSET_TIME_ORIGINAL = 0x9011
MAX_TEXT = 120


@dataclass(frozen=True)
class PhotoFacts:
    exif: str  # "found", "none" (a picture with no EXIF) or "not-read"
    taken: str | None = None
    taken_offset: str | None = None
    device: str | None = None


@dataclass(frozen=True)
class NewFile:
    """A file to add to an entry, with how it was captured and by whom.

    None takes the entry's; "" is "not said", as the person chose it for this file.
    """

    path: Path
    how: str | None = None
    by: str | None = None


def modified_time(seconds: float) -> str:
    """The file's own modified time, as UTC ISO 8601."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(microsecond=0).isoformat()


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = "".join(c for c in value if c.isprintable()).strip().strip("\x00").strip()
    return cleaned[:MAX_TEXT] or None


def photo_facts(head: bytes) -> PhotoFacts:
    """The capture time and camera from a picture's first bytes (never the whole file)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(head)) as picture:
            exif = picture.getexif()
            details = exif.get_ifd(EXIF_IFD) if exif else {}
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return PhotoFacts("not-read")
    except Exception:  # a crafted file must never stop an entry being added
        return PhotoFacts("not-read")
    if not exif:
        return PhotoFacts("none")
    make, model = _text(exif.get(MAKE)), _text(exif.get(MODEL))
    device: str | None
    if make and model and model.lower().startswith(make.lower()):
        device = model
    else:
        device = " ".join(part for part in (make, model) if part) or None
    taken = _text(details.get(DATETIME_ORIGINAL)) or None
    offset = _text(details.get(OFFSET_TIME_ORIGINAL)) if taken else None
    return PhotoFacts("found", taken, offset, device)


def describe_taken(taken: str | None, offset: str | None) -> str:
    """EXIF's "2026:03:12 14:05:01" as people read it, saying where the zone is unknown."""
    if not taken:
        return ""
    try:
        when = dt.datetime.strptime(taken, "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return f"{taken} (as the camera wrote it)"
    text = f"{when.day} {when:%b %Y %H:%M:%S}"
    if offset:
        return f"{text} UTC{offset} (camera clock)"
    return f"{text} (camera clock, time zone not recorded)"
