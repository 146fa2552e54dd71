"""Small copies of picture attachments for the case record, made once from the file's bytes.

A record shows each picture attachment as a thumbnail.  Making one needs the whole file,
so a file is sniffed by its first bytes before anything more is read: a file named
``.jpg`` that holds something else is listed, never read whole.  An evidence bundle
makes its thumbnails from the bytes it streams into the zip (and checks against the
log), so no picture is read twice; see ``safetycheck.evidence.bundle``.

Pillow is imported only when a picture is decoded (the core stays light to import).
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from safetycheck.case import Attachment, Case

#: The longest side of a thumbnail: enough for 32 mm at about 280 dpi; keeps the PDF small.
THUMBNAIL_PIXELS = 360
#: Pictures larger than this are listed, not shown (a thumbnail needs the whole file).
MAX_BYTES = 30 * 1000**2
#: Pictures that would decode to more pixels than this are listed, not shown: Pillow holds
#: 4 bytes a pixel, so 20 million pixels (5000 x 4000) is 80 MB, and an export stays under
#: 200 MB.  A JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is enough, so a
#: phone's 48-megapixel photo decodes to under a million pixels and is shown.
MAX_PIXELS = 20_000_000
PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff")
#: The first bytes of the formats in ``PICTURES`` (WebP is checked apart: RIFF....WEBP).
_MAGIC = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)
HEAD_BYTES = 12


class Thumbnail(NamedTuple):
    jpeg: bytes
    width: int
    height: int


def may_be_picture(name: str, size: int) -> bool:
    """Whether a file is worth sniffing: its name says picture and it is not too big."""
    return name.lower().endswith(PICTURES) and size <= MAX_BYTES


def looks_like_picture(head: bytes) -> bool:
    """Whether a file's first bytes are those of a picture format the record shows."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return head.startswith(_MAGIC)


def make(data: bytes) -> Thumbnail | None:
    """A small JPEG of a picture, or None if it is not a picture we can read (or too big).

    Any failure is None: a damaged or crafted file must never stop a record or a bundle.
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            pixels = _decoded_pixels(picture)
            if pixels > MAX_PIXELS:
                return None
            with _DECODING.hold(pixels):
                picture.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
                small = picture.convert("RGB")
            buffer = io.BytesIO()
            small.save(buffer, format="JPEG", quality=80)
            width, height = small.size
    except Exception:  # not an image, damaged, or too large to open safely
        return None
    return Thumbnail(buffer.getvalue(), width, height)


class PixelBudget:
    """At most ``MAX_PIXELS`` decoded at once, however many threads make thumbnails.

    Two threads shrink a bundle's pictures side by side (Pillow decodes without Python's
    lock); two phone photos decode to well under a million pixels each at the scale a
    thumbnail needs, so they go together, while a picture near the cap waits until it is
    alone.  So memory stays where one picture at a time put it.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._used = 0

    @contextlib.contextmanager
    def hold(self, pixels: int) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: self._used == 0 or self._used + pixels <= MAX_PIXELS)
            self._used += pixels
        try:
            yield
        finally:
            with self._changed:
                self._used -= pixels
                self._changed.notify_all()

    @property
    def used(self) -> int:
        return self._used


_DECODING = PixelBudget()


def _decoded_pixels(picture: object) -> int:
    """How many pixels ``thumbnail`` will decode: a JPEG's at the scale it asks libjpeg
    for (the largest of 1/8, 1/4, 1/2 that leaves at least twice the thumbnail), any
    other picture's all of them."""
    width, height = getattr(picture, "size", (0, 0))
    if getattr(picture, "format", None) == "JPEG":
        room = min(width // (2 * THUMBNAIL_PIXELS), height // (2 * THUMBNAIL_PIXELS))
        scale = next(s for s in (8, 4, 2, 1) if room >= s or s == 1)
        width, height = -(-width // scale), -(-height // scale)
    return int(width) * int(height)


def from_pieces(pieces: Iterable[bytes]) -> Thumbnail | None:
    """A thumbnail from a stored file read a piece at a time: only its first piece is
    read unless that starts like a picture."""
    stream: Iterator[bytes] = iter(pieces)
    try:
        head = b""
        for piece in stream:
            head += piece
            if len(head) >= HEAD_BYTES:
                break
        if not looks_like_picture(head[:HEAD_BYTES]):
            return None
        return make(head + b"".join(stream))
    finally:
        close: Callable[[], object] | None = getattr(stream, "close", None)
        if close is not None:
            close()  # a generator reading the file closes it now, not when collected


class Collector:
    """Keeps the pieces of one file streaming past, if it is a picture, for its thumbnail.

    Feed it every piece in order; ``data()`` is then the whole file, or None when the
    file is not worth a thumbnail (its name, size or first bytes say so), in which case
    nothing more than its first bytes was kept.
    """

    def __init__(self, name: str, size: int) -> None:
        self._wanted = may_be_picture(name, size)
        self._sniffed = False
        self._pieces: list[bytes] = []
        self._seen = 0

    def feed(self, piece: bytes) -> None:
        if not self._wanted:
            return
        self._seen += len(piece)
        self._pieces.append(piece)
        if self._seen > MAX_BYTES:  # larger than it said: stop keeping it
            self._drop()
        elif not self._sniffed and self._seen >= HEAD_BYTES:
            self._sniff()

    def data(self) -> bytes | None:
        if self._wanted and not self._sniffed:
            self._sniff()  # shorter than a picture's first bytes
        if not self._wanted or not self._pieces:
            return None
        return b"".join(self._pieces)

    def _sniff(self) -> None:
        self._sniffed = True
        if not looks_like_picture(b"".join(self._pieces)[:HEAD_BYTES]):
            self._drop()

    def _drop(self) -> None:
        self._wanted, self._pieces = False, []


class NotMade:
    """No thumbnail was made for this file (it was not read through): read it now."""


class Made:
    """A store's files, with thumbnails already made from the bytes that streamed past
    (into a bundle, or through the log check): the record prints these and reads no
    picture again.  None: the file is not a picture we show."""

    def __init__(self, store: Files, made: Mapping[str, Thumbnail | None]) -> None:
        self._store, self._made = store, dict(made)

    def thumbnail(self, case: Case, attachment: Attachment) -> Thumbnail | NotMade | None:
        return self._made.get(attachment.stored_as, NotMade())

    def read_attachment(self, case: Case, attachment: Attachment) -> bytes:
        return self._store.read_attachment(case, attachment)

    def attachment_chunks(self, case: Case, attachment: Attachment) -> Iterator[bytes]:
        return self._store.attachment_chunks(case, attachment)


class Files(Protocol):
    """What a store of files offers (``CaseStore``, ``CaseWork``)."""

    def read_attachment(self, case: Case, attachment: Attachment) -> bytes: ...

    def attachment_chunks(self, case: Case, attachment: Attachment) -> Iterator[bytes]: ...
