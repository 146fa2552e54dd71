"""The evidence log: records that are only ever added, each chained to the one before.

Police and courts weigh what a victim collects by how it was kept, so nothing in the
log is ever edited.  A correction is a new *revision* of its entry (the original
stays), a withdrawal is a record with its reason (the entry stays, marked), and
"delete for good" (for a file that must not exist) adds a record saying an entry was
deleted and when, then erases that entry's content and destroys its files.

Each record keeps the SHA-256 of its content (``digest``) and a chain hash over the
record before it, its place, kind, ids, time and that digest.  Changing a byte,
removing, repeating or reordering records breaks the chain at that point
(``safetycheck.evidence.check`` names it).  Because the chain covers the digest and
not the content itself, erasing a deleted entry's content leaves the chain whole: the
check then says that entry's content can no longer be checked, and why.

A record's content is kept as the very dict that was stored, so the digest is always
over exactly the bytes' meaning as written, never a re-encoding of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from safetycheck.timestamps import iso, parse_time, required_time

__all__ = ["required_time"]  # also used by the schema upgrade
from safetycheck.user_text import scrub

JSON = dict[str, Any]

ENTRY = "entry"
REVISION = "revision"
WITHDRAWAL = "withdrawal"
DELETION = "deletion"
KINDS = (ENTRY, REVISION, WITHDRAWAL, DELETION)

CHAIN_TAG = "safetycheck-evidence-1"

#: How a file or entry was captured.  Stored ids: never rename.
HOW_LABELS = {
    "photo-of-screen": "Photo of the screen, taken with another phone or camera",
    "screenshot": "Screenshot",
    "saved-file": "Saved or exported file",
    "scan-result": "Scan result",
    "": "Not said",
}
#: Who captured or recorded it.  Stored ids: never rename.
BY_LABELS = {"advisor": "The advisor", "person": "The person", "": "Not said"}
SCAN_RESULT = "scan-result"


def canonical(content: JSON) -> bytes:
    """The one byte form a record's content is hashed in (sorted keys, UTF-8, no spaces)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return scrub(text).encode("utf-8")


def digest_of(content: JSON) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def genesis(case_id: str) -> str:
    """The chain's starting point, bound to the case: a log copied from another case fails."""
    return hashlib.sha256(f"{CHAIN_TAG}\n{case_id}".encode()).hexdigest()


def chain_hash(
    prev: str,
    seq: int,
    kind: str,
    record_id: str,
    entry: str,
    recorded_at: str,
    zone: str,
    digest: str,
) -> str:
    fields = (CHAIN_TAG, prev, str(seq), kind, record_id, entry, recorded_at, zone, digest)
    return hashlib.sha256("\n".join(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LogRecord:
    """One record as stored.  ``content`` is None once a deletion erased it."""

    seq: int
    kind: str
    id: str
    entry: str
    recorded_at: str  # local time with its offset, ISO 8601
    zone: str  # the zone's name then (GMT, BST), for people reading it later
    content: JSON | None
    digest: str
    prev: str
    hash: str
    erased_at: str | None = None

    def expected_hash(self) -> str:
        return chain_hash(
            self.prev,
            self.seq,
            self.kind,
            self.id,
            self.entry,
            self.recorded_at,
            self.zone,
            self.digest,
        )

    @property
    def recorded(self) -> dt.datetime:
        return required_time(self.recorded_at)

    def erased(self, at: str) -> LogRecord:
        return LogRecord(
            self.seq,
            self.kind,
            self.id,
            self.entry,
            self.recorded_at,
            self.zone,
            None,
            self.digest,
            self.prev,
            self.hash,
            at,
        )

    def to_dict(self) -> JSON:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "id": self.id,
            "entry": self.entry,
            "recorded_at": self.recorded_at,
            "zone": self.zone,
            "content": self.content,
            "digest": self.digest,
            "prev": self.prev,
            "hash": self.hash,
            "erased_at": self.erased_at,
        }

    @classmethod
    def from_dict(cls, data: JSON) -> LogRecord:
        """Tolerant on purpose: a changed record must still load, so the check can name it."""
        content = data.get("content")
        return cls(
            seq=data["seq"] if isinstance(data.get("seq"), int) else -1,
            kind=str(data.get("kind", "")),
            id=str(data.get("id", "")),
            entry=str(data.get("entry", "")),
            recorded_at=str(data.get("recorded_at", "")),
            zone=str(data.get("zone", "")),
            content=content if isinstance(content, dict) else None,
            digest=str(data.get("digest", "")),
            prev=str(data.get("prev", "")),
            hash=str(data.get("hash", "")),
            erased_at=data.get("erased_at") if isinstance(data.get("erased_at"), str) else None,
        )


def append(
    log: list[LogRecord],
    case_id: str,
    kind: str,
    record_id: str,
    entry: str,
    content: JSON,
    recorded: dt.datetime,
    zone: str,
) -> LogRecord:
    """Add a record at the end, chained to the last one as it is stored (even a bad one:
    a mismatch found earlier stays visible for ever, it is never papered over)."""
    prev = log[-1].hash if log else genesis(case_id)
    seq = len(log)
    recorded_at = iso(recorded) or ""
    digest = digest_of(content)
    record = LogRecord(
        seq,
        kind,
        record_id,
        entry,
        recorded_at,
        zone,
        content,
        digest,
        prev,
        chain_hash(prev, seq, kind, record_id, entry, recorded_at, zone, digest),
    )
    log.append(record)
    return record


# -- what people see: entries made of their records ---------------------------------------


@dataclass
class Attachment:
    """A file copied into the case.  ``stored_as`` is a random name in the case folder.

    What the file said about itself when it was copied is kept with it: its own
    modified time and, for a photo, the capture time and camera from its EXIF (each
    None where the photo did not say; ``exif`` says which: "found", "none" for a
    picture without EXIF, "not-read" for a file that is not a picture we can read).
    """

    original_name: str
    stored_as: str
    size: int
    sha256: str
    modified: str | None = None  # ISO 8601, UTC
    how: str = ""  # HOW_LABELS
    by: str = ""  # BY_LABELS
    exif: str = ""
    taken: str | None = None  # EXIF DateTimeOriginal as the camera wrote it
    taken_offset: str | None = None  # EXIF OffsetTimeOriginal, when the camera wrote one
    device: str | None = None  # EXIF Make and Model

    def __post_init__(self) -> None:
        self.original_name = scrub(self.original_name)

    def to_dict(self) -> JSON:
        return {
            "original_name": self.original_name,
            "stored_as": self.stored_as,
            "size": self.size,
            "sha256": self.sha256,
            "modified": self.modified,
            "how": self.how,
            "by": self.by,
            "exif": self.exif,
            "taken": self.taken,
            "taken_offset": self.taken_offset,
            "device": self.device,
        }

    @classmethod
    def from_dict(cls, data: JSON) -> Attachment:
        return cls(
            original_name=str(data.get("original_name", "")),
            stored_as=str(data.get("stored_as", "")),
            size=int(data.get("size", 0)),
            sha256=str(data.get("sha256", "")),
            modified=data.get("modified"),
            how=str(data.get("how", "")),
            by=str(data.get("by", "")),
            exif=str(data.get("exif", "")),
            taken=data.get("taken"),
            taken_offset=data.get("taken_offset"),
            device=data.get("device"),
        )


@dataclass(frozen=True)
class Version:
    """One version of an entry: the original, or a correction of it."""

    record: LogRecord
    at: dt.datetime  # when it was seen, with the offset it was given in
    what: str
    where: str
    check_id: str | None
    source: str
    how: str
    by: str
    attachments: tuple[Attachment, ...]
    note: str  # why it was corrected (a revision), or ""
    upgraded: str | None  # set on entries made before the log was chained

    @property
    def recorded_at(self) -> dt.datetime:
        return self.record.recorded

    @classmethod
    def from_record(cls, record: LogRecord) -> Version:
        c = record.content or {}
        at = parse_time(c.get("at")) or parse_time(record.recorded_at) or dt.datetime.now(dt.UTC)
        return cls(
            record=record,
            at=at,
            what=scrub(str(c.get("what", ""))),
            where=scrub(str(c.get("where", ""))),
            check_id=c.get("check_id"),
            source=str(c.get("source", "person")),
            how=str(c.get("how", "")),
            by=str(c.get("by", "")),
            attachments=tuple(
                Attachment.from_dict(a) for a in c.get("attachments", []) if isinstance(a, dict)
            ),
            note=scrub(str(c.get("note", ""))),
            upgraded=c.get("upgraded"),
        )


@dataclass(frozen=True)
class Withdrawal:
    record: LogRecord
    reason: str
    by: str

    @property
    def at(self) -> dt.datetime:
        return self.record.recorded


@dataclass
class EvidenceEntry:
    """One entry as people see it: every version of it, and whether it was withdrawn
    or deleted.  Made from the log (:func:`entries`); never stored itself."""

    id: str
    number: int  # 1, 2, 3... in the order entries were first recorded
    versions: list[Version] = field(default_factory=list)
    withdrawal: Withdrawal | None = None
    deletion: LogRecord | None = None
    records: list[LogRecord] = field(default_factory=list)

    @property
    def current(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def original(self) -> Version | None:
        return self.versions[0] if self.versions else None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawal is not None

    @property
    def is_deleted(self) -> bool:
        return self.deletion is not None

    @property
    def is_corrected(self) -> bool:
        return len(self.versions) > 1

    # The current version's fields, as the rest of the app reads an entry.
    @property
    def at(self) -> dt.datetime:
        if self.current is not None:
            return self.current.at
        return self.records[0].recorded if self.records else dt.datetime.now(dt.UTC)

    @property
    def recorded_at(self) -> dt.datetime:
        return self.records[0].recorded

    @property
    def what(self) -> str:
        return self.current.what if self.current else ""

    @property
    def where(self) -> str:
        return self.current.where if self.current else ""

    @property
    def check_id(self) -> str | None:
        return self.current.check_id if self.current else None

    @property
    def source(self) -> str:
        return self.current.source if self.current else "person"

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        return self.current.attachments if self.current else ()

    @property
    def attachment(self) -> Attachment | None:
        """The first file (most entries have one)."""
        return self.attachments[0] if self.attachments else None

    def all_attachments(self) -> list[Attachment]:
        """Every file any version of this entry holds, each once."""
        seen: dict[str, Attachment] = {}
        for version in self.versions:
            for attachment in version.attachments:
                seen.setdefault(attachment.stored_as, attachment)
        return list(seen.values())


def entries(log: list[LogRecord]) -> list[EvidenceEntry]:
    """The log folded into entries, in the order they were first recorded.

    Records that do not fit (a revision of an entry never recorded, a changed kind) are
    left out here; the check names them.
    """
    by_id: dict[str, EvidenceEntry] = {}
    for record in log:
        entry = by_id.get(record.entry)
        if record.kind == ENTRY and entry is None:
            entry = by_id[record.entry] = EvidenceEntry(record.entry, len(by_id) + 1)
        if entry is None:
            continue
        entry.records.append(record)
        if record.kind in (ENTRY, REVISION):
            if record.content is not None:
                entry.versions.append(Version.from_record(record))
        elif record.kind == WITHDRAWAL:
            content = record.content or {}
            entry.withdrawal = Withdrawal(
                record, scrub(str(content.get("reason", ""))), str(content.get("by", ""))
            )
        elif record.kind == DELETION:
            entry.deletion = record
    return list(by_id.values())


def entry_content(
    *,
    at: dt.datetime,
    what: str,
    where: str,
    check_id: str | None,
    source: str,
    how: str,
    by: str,
    attachments: list[Attachment] | tuple[Attachment, ...],
    note: str = "",
) -> JSON:
    content: JSON = {
        "at": iso(at),
        "what": what,
        "where": where,
        "check_id": check_id,
        "source": source,
        "how": how,
        "by": by,
        "attachments": [a.to_dict() for a in attachments],
    }
    if note:
        content["note"] = note
    return content
