"""Thumbnails in the case record: sniffed before read, made once, capped (issue 16).

A bundle makes each picture's thumbnail from the bytes it streams into the zip, so no
file is read twice; a record made on its own reads a file whole only when its first
bytes are a picture's.  Pictures that would decode to too many pixels are listed, not
shown (memory).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from test_evidence_log import filled

from safetycheck.casework import CaseWork
from safetycheck.evidence import thumbnails
from safetycheck.evidence.capture import NewFile
from safetycheck.evidence.thumbnails import Collector, from_pieces, make
from safetycheck.report import export_pdf


def picture(kind: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, kind)
    return buffer.getvalue()


def images_in(pdf: bytes) -> list[tuple[int, int]]:
    return [
        (img.image.width, img.image.height)
        for page in PdfReader(io.BytesIO(pdf)).pages
        for img in page.images
    ]


class Counting:
    """A store's reading, counted: how often each file is opened, and read whole."""

    def __init__(self, work: CaseWork, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[str] = []
        self.whole: list[str] = []
        store = work.store
        chunks, read = store.attachment_chunks, store.read_attachment

        def counted_chunks(case, attachment) -> Iterator[bytes]:
            self.opened.append(attachment.original_name)
            return chunks(case, attachment)

        def counted_read(case, attachment) -> bytes:
            self.whole.append(attachment.original_name)
            return read(case, attachment)

        monkeypatch.setattr(store, "attachment_chunks", counted_chunks)
        monkeypatch.setattr(store, "read_attachment", counted_read)


def test_a_bundle_reads_each_file_once_and_its_record_shows_the_picture(
    work: CaseWork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(work, tmp_path)  # a JPEG photo of the screen and a text file, in entry 1
    counting = Counting(work, monkeypatch)
    result = work.export_evidence(tmp_path / "evidence.zip")
    assert sorted(counting.opened) == ["call-log.txt", "photo of screen.jpg"]
    assert counting.whole == []
    with zipfile.ZipFile(result.path) as bundle:
        record = bundle.read("record.pdf")
        photo = bundle.read("attachments/E001-1-photo of screen.jpg")
    made = make(photo)
    assert made is not None
    assert images_in(record) == [(made.width, made.height)]


def test_a_record_reads_each_file_once_and_shows_only_real_pictures(
    work: CaseWork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record's log check hashes every file; the thumbnails come from those bytes."""
    work.create("Client A")
    fake = tmp_path / "holiday.jpg"
    fake.write_bytes(b"not a picture at all\n" * 200_000)  # 4.2 MB: five pieces
    real = tmp_path / "screen.png"
    real.write_bytes(picture("PNG", (30, 60)))
    work.add_evidence("Two files", "Phone", files=[NewFile(fake, "saved-file"), NewFile(real, "")])
    pieces_taken: list[tuple[str, int]] = []
    chunks = work.store.attachment_chunks

    def counted(case, attachment) -> Iterator[bytes]:
        for number, piece in enumerate(chunks(case, attachment)):
            pieces_taken.append((attachment.original_name, number))
            yield piece

    monkeypatch.setattr(work.store, "attachment_chunks", counted)
    path = export_pdf(
        work.case, work.library, work.settings, "record", tmp_path / "r.pdf", attachments=work
    )
    assert pieces_taken == [("holiday.jpg", n) for n in range(5)] + [("screen.png", 0)]
    assert images_in(path.read_bytes()) == [(30, 60)]  # a small picture is not enlarged
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)
    assert "holiday.jpg" in text
    assert "Evidence log checked: 1 entry, unchanged since they were recorded" in text


def test_from_pieces_stops_at_the_first_piece_of_what_is_not_a_picture() -> None:
    taken: list[int] = []
    closed: list[bool] = []

    def pieces() -> Iterator[bytes]:
        try:
            for number in range(5):
                taken.append(number)
                yield b"%PDF-1.7 not a picture" if number == 0 else b"x" * 10
        finally:
            closed.append(True)

    assert from_pieces(pieces()) is None
    assert taken == [0] and closed == [True]
    png = picture("PNG", (20, 10))
    for cut in (3, 40):  # a first piece shorter than a picture's first bytes is not enough
        made = from_pieces(iter([png[:cut], png[cut:]]))
        assert made is not None and (made.width, made.height) == (20, 10)
    assert from_pieces(iter([b"GIF"])) is None


def test_the_collector_keeps_only_pictures_and_only_up_to_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    png = picture("PNG", (8, 8))
    kept = Collector("a.png", len(png))
    for cut in range(0, len(png), 5):  # pieces shorter than a picture's first bytes
        kept.feed(png[cut : cut + 5])
    assert kept.data() == png
    named_wrong = Collector("a.txt", len(png))
    named_wrong.feed(png)
    assert named_wrong.data() is None
    not_one = Collector("a.png", 100)
    not_one.feed(b"GIF8 is not enough" + b"x" * 82)
    assert not_one.data() is None
    short = Collector("a.gif", 3)
    short.feed(b"GIF")
    assert short.data() is None
    monkeypatch.setattr(thumbnails, "MAX_BYTES", 30)
    grows = Collector("a.png", 20)  # said 20 bytes, then streamed more than the limit
    grows.feed(png[:20])
    grows.feed(png[20:])
    assert grows.data() is None
    assert Collector("big.png", 31).data() is None


def test_pictures_that_would_decode_too_large_are_listed_but_a_big_jpeg_is_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cap counts the pixels decoded: a JPEG is decoded at 1/2, 1/4 or 1/8 of its
    size for a thumbnail, a PNG whole."""
    monkeypatch.setattr(thumbnails, "MAX_PIXELS", 800 * 800)
    assert make(picture("PNG", (900, 900))) is None  # 810,000 pixels decoded
    assert make(picture("JPEG", (900, 900))) is None  # too small to decode at a scale
    big = make(picture("JPEG", (2880, 2880)))  # decoded at 1/4: 720 x 720
    assert big is not None and (big.width, big.height) == (360, 360)
    assert make(picture("PNG", (800, 800))) is not None
    monkeypatch.setattr(thumbnails, "MAX_PIXELS", 720 * 720 - 1)
    assert make(picture("JPEG", (2880, 2880))) is None


@pytest.mark.parametrize(
    ("head", "picture_"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", True),
        (b"\x89PNG\r\n\x1a\n\x00\x00", True),
        (b"GIF89a\x01\x00", True),
        (b"RIFF\x10\x00\x00\x00WEBP", True),
        (b"II*\x00\x08\x00", True),
        (b"MM\x00*\x00\x00", True),
        (b"BM\x36\x00\x00\x00", True),
        (b"RIFF\x10\x00\x00\x00WAVE", False),
        (b"%PDF-1.7\n", False),
        (b"PK\x03\x04", False),
        (b"", False),
    ],
)
def test_pictures_are_known_by_their_first_bytes(head: bytes, picture_: bool) -> None:
    assert thumbnails.looks_like_picture(head) is picture_


def test_a_drawn_thumbnail_lets_go_of_its_decoded_picture_at_once() -> None:
    """reportlab's reader of a JPEG holds a method bound to itself; freed only at Python's
    next full collection, 400 of them held about 250 MB through a record's layout."""
    import gc
    import weakref

    from reportlab.pdfgen.canvas import Canvas

    from safetycheck.report.evidence import _image

    small = make(picture("JPEG", (800, 600)))
    assert small is not None
    image = _image(small, 90)
    reader = weakref.ref(image._img)
    gc.disable()
    try:
        first = io.BytesIO()
        canvas = Canvas(first)
        image.drawOn(canvas, 10, 10)
        assert reader() is None  # freed when drawn, without a collection
    finally:
        gc.enable()
    canvas.save()
    again = io.BytesIO()
    canvas = Canvas(again)
    image.drawOn(canvas, 10, 10)  # drawn again, from the JPEG it kept
    canvas.save()
    for pdf in (first, again):
        assert images_in(pdf.getvalue()) == [(small.width, small.height)]


def test_two_small_pictures_decode_together_and_a_big_one_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bundle shrinks two pictures at once; what is decoded at once stays under the cap."""
    import threading

    monkeypatch.setattr(thumbnails, "MAX_PIXELS", 100)
    budget = thumbnails.PixelBudget()
    inside = threading.Event()
    with budget.hold(40):
        # Another 40 fits beside it: it does not wait.
        done = threading.Event()

        def small() -> None:
            with budget.hold(40):
                done.set()

        threading.Thread(target=small).start()
        assert done.wait(5)

        # 90 does not fit beside 40: it waits until the first is done.
        def big() -> None:
            with budget.hold(90):
                inside.set()

        waiting = threading.Thread(target=big)
        waiting.start()
        assert not inside.wait(0.2)
        assert budget.used == 40
    assert inside.wait(5)
    waiting.join()
    assert budget.used == 0
    # Alone, even a picture at the cap goes ahead.
    with budget.hold(100):
        assert budget.used == 100
