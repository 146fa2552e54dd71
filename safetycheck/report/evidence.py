"""The evidence section of the case record: every entry with all its versions, withdrawn
entries marked, deleted ones as a dated line, each file's capture details, and the
log check with the log's fingerprint.

Imported only when a document is made (it pulls in reportlab).  The words are in
``assets/report-text.toml`` ([record]).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Protocol, cast, runtime_checkable

from reportlab.lib.units import mm
from reportlab.platypus import Image, Spacer
from reportlab.platypus.flowables import SetPageTopFlowables

from safetycheck.case import Attachment, Case, EvidenceEntry
from safetycheck.checklist import Library
from safetycheck.evidence.capture import describe_taken
from safetycheck.evidence.check import LogCheck, check_log
from safetycheck.evidence.log import BY_LABELS, HOW_LABELS, Version
from safetycheck.evidence.thumbnails import (
    Collector,
    Files,
    Made,
    NotMade,
    Thumbnail,
    from_pieces,
    looks_like_picture,
    make,
    may_be_picture,
)
from safetycheck.report import common
from safetycheck.report.layout import Later, para, table
from safetycheck.timestamps import exact, parse_time

THUMBNAIL_MM = 32
HEADINGS = ("entry_number", "when", "what", "attachment")
FILE_GAP_MM = 3


class Reader(Protocol):
    def read_attachment(self, case: Case, attachment: Attachment) -> bytes: ...


def log_check(case: Case, store: object | None) -> tuple[LogCheck, object | None]:
    """The check the record prints: with every file when the store can stream them.

    Also the store to print from: while every file streams past to be hashed, the
    pictures' thumbnails are made from the same bytes, so no picture is read again.
    """
    chunks = getattr(store, "attachment_chunks", None)
    if store is None or not callable(chunks):
        return check_log(case.id, case.evidence_log, case.stored_head, None), store
    made: dict[str, Thumbnail | None] = {}

    def read(attachment: Attachment) -> Iterator[bytes]:
        picture = Collector(attachment.original_name, attachment.size)
        for piece in chunks(case, attachment):
            picture.feed(piece)
            yield piece
        data = picture.data()  # reached only when the whole file was read
        made[attachment.stored_as] = make(data) if data is not None else None

    check = check_log(case.id, case.evidence_log, case.stored_head, read)
    return check, Made(cast("Files", store), made)


def shown_entries(case: Case) -> list[EvidenceEntry]:
    """The entries a document prints: all, or those chosen for an evidence bundle."""
    if case.evidence_shown is None:
        return list(case.evidence)
    return [e for e in case.evidence if e.id in case.evidence_shown]


def section(
    case: Case,
    library: Library,
    w: dict[str, str],
    width: float,
    store: object | None,
    *,
    check: LogCheck | None = None,
) -> list[object]:
    out: list[object] = [para(w["evidence_heading"], "h1")]
    if not case.evidence:
        return [*out, para(w["no_evidence"])]
    out.append(para(w["evidence_intro"], "lead"))
    shown = shown_entries(case)
    if len(shown) < len(case.evidence):
        out.append(
            para(w["evidence_chosen"].format(shown=len(shown), total=len(case.evidence)), "body")
        )
    given = case.evidence_check
    if check is None and isinstance(given, LogCheck):
        check = given
    if check is None and isinstance(given, CheckToCome):
        result = given.result  # an evidence bundle's: known once its files have streamed
    else:
        if check is None:
            check, store = log_check(case, store)
        known = check
        result = lambda: known  # noqa: E731
    widths = [0.06 * width, 0.2 * width, 0.38 * width, 0.36 * width]
    out.extend(_rows(case, library, shown, w, store, widths))
    out.append(Later(lambda: _check_line(result())))
    out.append(Later(lambda: _fingerprint(result(), w)))
    return out


@runtime_checkable
class CheckToCome(Protocol):
    """The log check of an evidence bundle, known once its files have streamed."""

    def result(self) -> LogCheck: ...


def _check_line(check: LogCheck) -> object:
    return para(check.line(), "body" if check.ok else "cellbold")


def _fingerprint(check: LogCheck, w: dict[str, str]) -> object:
    return para(w["log_fingerprint"].format(hash=check.head), "small")


def _rows(
    case: Case,
    library: Library,
    shown: list[EvidenceEntry],
    w: dict[str, str],
    store: object | None,
    widths: list[float],
) -> list[object]:
    """The log as one table to the eye: its headings, then a table of one row per entry.

    Each entry's row is made when the layout reaches it (:class:`Later`), so an evidence
    bundle's record waits only for that entry's files.  The first entry's table carries
    the headings (so they never stand alone at the foot of a page, and repeat if that entry
    goes over a page); from the next entry on, they are printed at the top of every page
    the log goes on to, as a single table's would be.
    """

    def headings() -> list[object]:
        return [para(w[k], "head") for k in HEADINGS]

    out: list[object] = []
    for index, entry in enumerate(shown):

        def row(entry: EvidenceEntry = entry, first: bool = index == 0) -> object:
            cells = [_row(case, library, entry, w, store, widths[3] - 8)]
            return table([headings(), *cells] if first else cells, widths, header=first)

        out.append(Later(row, starts_list=index == 0 and len(shown) > 1))
        if index == 0:
            out.append(SetPageTopFlowables([table([headings()], widths)]))
    out.append(SetPageTopFlowables([]))
    return out


def _row(
    case: Case,
    library: Library,
    entry: EvidenceEntry,
    w: dict[str, str],
    store: object | None,
    width: float,
) -> list[object]:
    number = para(str(entry.number), "cell")
    if entry.is_deleted and entry.deletion is not None:
        line = w["entry_deleted"].format(
            when=exact(entry.deletion.recorded, entry.deletion.zone),
            by=_by(str((entry.deletion.content or {}).get("by", ""))),
        )
        return [
            number,
            para(exact(entry.recorded_at, entry.records[0].zone), "cell"),
            para(line, "cell"),
            para("", "cell"),
        ]
    current = entry.current
    assert current is not None
    when = (
        exact(current.at)
        + "\n"
        + w["recorded"].format(
            when=exact(entry.recorded_at, entry.records[0].zone), by=_by(current.by)
        )
    )
    what: list[str] = []
    if entry.is_withdrawn and entry.withdrawal is not None:
        what.append(
            w["entry_withdrawn"].format(
                when=exact(entry.withdrawal.at, entry.withdrawal.record.zone),
                by=_by(entry.withdrawal.by),
                reason=entry.withdrawal.reason,
            )
        )
    for index, version in enumerate(entry.versions):
        what.append(_version_text(version, index, len(entry.versions), library, w))
    files: list[object] = []
    for attachment in entry.all_attachments():
        if files:  # a gap between files, so each one's lines read as its own
            files.append(Spacer(1, FILE_GAP_MM * mm))
        cell = _file_cell(case, attachment, w, store, width)
        files.extend(cell if isinstance(cell, list) else [cell])
    return [number, para(when, "cell"), para("\n\n".join(what), "cell"), files or para("", "cell")]


def _version_text(
    version: Version, index: int, count: int, library: Library, w: dict[str, str]
) -> str:
    text = version.what
    if version.where:
        text += f"\n{w['where']}: {version.where}"
    check = library.check(version.check_id) if version.check_id else None
    if check is not None or version.check_id:
        text += f"\n{w['linked_check']}: {check.title if check else version.check_id}"
    if version.how:
        text += f"\n{w['how_captured']}: {HOW_LABELS.get(version.how, version.how)}"
    if count == 1:
        return text
    if index == 0:
        label = w["version_original"]
    else:
        label = w["version_correction"].format(
            number=index, when=exact(version.recorded_at, version.record.zone)
        )
        if version.note:
            label += " " + w["version_reason"].format(reason=version.note)
    return f"{label}\n{text}"


def _by(by: str) -> str:
    """Who, as it reads inside a sentence ("by the advisor")."""
    label = BY_LABELS.get(by, by) if by else BY_LABELS[""]
    return label[:1].lower() + label[1:]


def _file_details(attachment: Attachment, w: dict[str, str]) -> str:
    lines = [
        w["attachment_file"].format(
            name=attachment.original_name,
            size=common.human_size(attachment.size),
            sha256=attachment.sha256,
        )
    ]
    modified = parse_time(attachment.modified)
    if modified is not None:
        lines.append(w["file_modified"].format(when=exact(modified)))
    if attachment.exif == "found":
        taken = describe_taken(attachment.taken, attachment.taken_offset)
        lines.append(w["exif_taken"].format(when=taken) if taken else w["exif_no_time"])
        if attachment.device:
            lines.append(w["exif_device"].format(device=attachment.device))
    elif attachment.exif == "none":
        lines.append(w["exif_none"])
    # Each file's own: files in one entry may have been captured differently.
    how, by = HOW_LABELS.get(attachment.how, attachment.how), _by(attachment.by)
    if attachment.how and attachment.by:
        lines.append(w["captured"].format(how=how, by=by))
    elif attachment.how:
        lines.append(w["captured_how_only"].format(how=how))
    elif attachment.by:
        lines.append(w["captured_by_only"].format(by=by))
    return "\n".join(lines)


def _file_cell(
    case: Case, attachment: Attachment, w: dict[str, str], store: object | None, width: float
) -> object:
    label = para(_file_details(attachment, w), "small")
    if store is None or not may_be_picture(attachment.original_name, attachment.size):
        return label
    try:
        small = thumbnail_of(case, attachment, store)
    except Exception:  # a missing or undecryptable file must not stop the export
        return para(w["attachment_unreadable"].format(name=attachment.original_name), "small")
    if small is None:
        return label
    return [_image(small, min(width, THUMBNAIL_MM * mm)), label]


def thumbnail_of(case: Case, attachment: Attachment, store: object) -> Thumbnail | None:
    """The thumbnail of a picture attachment, or None when it is not a picture we show.

    A store that already made it (an evidence bundle, from the bytes it streamed) gives
    it; otherwise the file's first piece is read and the rest only if it is a picture.
    Raises what the store raises when the file cannot be read.
    """
    made = getattr(store, "thumbnail", None)
    if callable(made):
        given: Thumbnail | NotMade | None = made(case, attachment)
        if not isinstance(given, NotMade):
            return given
    chunks = getattr(store, "attachment_chunks", None)
    if callable(chunks):
        return from_pieces(chunks(case, attachment))
    reader = getattr(store, "read_attachment", None)
    if not callable(reader):
        return None
    data: bytes = reader(case, attachment)
    return make(data) if looks_like_picture(data[:16]) else None


def _image(small: Thumbnail, box: float) -> Image:
    scale = box / max(small.width, small.height)
    return _Picture(small.jpeg, small.width * scale, small.height * scale)


class _Picture(Image):  # reportlab has no types: Image is Any
    """A thumbnail that lets go of its decoded pixels once drawn.

    reportlab's image reader keeps the picture decoded, and a JPEG's reader holds a
    method bound to itself, so it lives on after the page is drawn until Python's next
    full collection: 400 thumbnails held about 250 MB until the document was done.  The
    PDF keeps the small JPEG itself, so after drawing only that is kept, and the reader
    is made again from it should the picture be drawn again.
    """

    def __init__(self, jpeg: bytes, width: float, height: float) -> None:
        self._jpeg = jpeg
        super().__init__(io.BytesIO(jpeg), width=width, height=height, hAlign="LEFT")

    def draw(self) -> None:
        super().draw()
        reader = self.__dict__.pop("_img", None)  # made again from _file when asked
        if reader is not None:
            reader.__dict__.pop("jpeg_fh", None)  # the cycle: freed now, not at a collection
            reader._data = None
        self._file = io.BytesIO(self._jpeg)
