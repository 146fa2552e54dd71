"""The manifest of an evidence bundle: what is in it, and everything needed to check it.

``manifest.json`` (for machines) holds the whole chain of the case's evidence log as a
skeleton (every record's place, kind, ids, time and hashes, but content only for the
entries chosen), the chosen records' content exactly as stored, and, derived from
those, the entries and files as people read them.  ``manifest.csv`` (for people: it
opens in a spreadsheet) is one row per version, withdrawal, deletion and file, made
from the JSON.  ``verify-evidence`` makes the derived parts again and compares, so
neither file can be edited to say something the records do not.

Leaving entries out (the Police, Crime, Sentencing and Courts Act 2022 s.37: hand over
what is relevant) still leaves the chain checkable end to end: the skeleton shows
where each left-out record was, never what it said.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from safetycheck.evidence.capture import describe_taken
from safetycheck.evidence.log import (
    BY_LABELS,
    DELETION,
    HOW_LABELS,
    Attachment,
    EvidenceEntry,
    LogRecord,
    entries,
)
from safetycheck.evidence.names import extension_of, safe_name
from safetycheck.timestamps import exact, parse_time

FORMAT = "safetycheck-evidence-bundle"
VERSION = 1
JSON = dict[str, Any]


@dataclass(frozen=True)
class Selection:
    """What goes into a bundle.  Dates are local calendar days, both ends included."""

    entry_ids: frozenset[str] | None = None  # None: every entry
    since: dt.date | None = None
    until: dt.date | None = None
    include_withdrawn: bool = True

    def chooses(self, entry: EvidenceEntry) -> bool:
        if self.entry_ids is not None and entry.id not in self.entry_ids:
            return False
        if entry.is_withdrawn and not self.include_withdrawn:
            return False
        day = entry.at.date() if not entry.is_deleted else entry.recorded_at.date()
        if self.since is not None and day < self.since:
            return False
        return self.until is None or day <= self.until

    def describe(self, chosen: Collection[int], total: int) -> str:
        parts = [f"{len(chosen)} of {total} entries"]
        if self.entry_ids is not None:
            parts.append("chosen one by one")
        if self.since or self.until:
            since = self.since.isoformat() if self.since else "the first"
            until = self.until.isoformat() if self.until else "the last"
            parts.append(f"seen from {since} to {until}")
        parts.append(
            "withdrawn entries included" if self.include_withdrawn else "withdrawn left out"
        )
        return ", ".join(parts)


def skeleton(record: LogRecord, number: int | None, included: bool) -> JSON:
    return {
        "seq": record.seq,
        "kind": record.kind,
        "id": record.id,
        "entry": record.entry,
        "entry_number": number,
        "recorded_at": record.recorded_at,
        "zone": record.zone,
        "digest": record.digest,
        "prev": record.prev,
        "hash": record.hash,
        "included": included,
        "erased_at": record.erased_at,
    }


def records_from(chain: list[JSON], contents: dict[str, JSON]) -> list[LogRecord]:
    """The log as the bundle has it: left-out records with no content."""
    out = []
    for link in chain:
        out.append(
            LogRecord(
                seq=int(link["seq"]),
                kind=str(link["kind"]),
                id=str(link["id"]),
                entry=str(link["entry"]),
                recorded_at=str(link["recorded_at"]),
                zone=str(link["zone"]),
                content=contents.get(str(link["seq"])),
                digest=str(link["digest"]),
                prev=str(link["prev"]),
                hash=str(link["hash"]),
                erased_at=link.get("erased_at"),
            )
        )
    return out


def file_path(number: int, index: int, attachment: Attachment, protected: bool) -> str:
    """Where a file goes in the bundle.  Protected bundles name files by number only:
    a zip's file names are never encrypted, and a name can say too much."""
    if protected:
        return f"attachments/E{number:03d}-{index}{extension_of(attachment.original_name)}"
    return f"attachments/E{number:03d}-{index}-{safe_name(attachment.original_name)}"


def _time(value: dt.datetime, zone: str = "") -> JSON:
    return {
        "local": value.isoformat(),
        "zone": zone,
        "utc": value.astimezone(dt.UTC).isoformat(),
        "text": exact(value, zone),
    }


def derive(
    chain: list[JSON], contents: dict[str, JSON], protected: bool
) -> tuple[list[Any], list[Any]]:
    """The entries and files as people read them, made from the records alone."""
    log = records_from(chain, contents)
    out_entries: list[JSON] = []
    out_files: list[JSON] = []
    for entry in entries(log):
        if not any(r.content is not None or r.kind == DELETION for r in entry.records):
            continue
        if not any(str(r.seq) in contents for r in entry.records):
            continue
        files = []
        for index, attachment in enumerate(entry.all_attachments(), start=1):
            path = file_path(entry.number, index, attachment, protected)
            files.append(path)
            out_files.append(_file(entry.number, path, attachment))
        out_entries.append(
            {
                "number": entry.number,
                "id": entry.id,
                "status": "deleted"
                if entry.is_deleted
                else "withdrawn"
                if entry.is_withdrawn
                else "current",
                "first_written": _time(entry.recorded_at, entry.records[0].zone),
                "versions": [_version(v, i) for i, v in enumerate(entry.versions)],
                "withdrawal": None
                if entry.withdrawal is None
                else {
                    "written": _time(entry.withdrawal.at, entry.withdrawal.record.zone),
                    "reason": entry.withdrawal.reason,
                    "by": entry.withdrawal.by,
                    "chain_hash": entry.withdrawal.record.hash,
                },
                "deleted": None
                if entry.deletion is None
                else {
                    "written": _time(entry.deletion.recorded, entry.deletion.zone),
                    "chain_hash": entry.deletion.hash,
                },
                "files": files,
            }
        )
    return out_entries, out_files


def _version(version: Any, index: int) -> JSON:
    return {
        "version": index + 1,
        "kind": "original" if index == 0 else "correction",
        "record": version.record.seq,
        "written": _time(version.recorded_at, version.record.zone),
        "seen": _time(version.at),
        "what": version.what,
        "where": version.where,
        "check_id": version.check_id,
        "source": version.source,
        "how": version.how,
        "by": version.by,
        "why_corrected": version.note,
        "upgraded": version.upgraded,
        "chain_hash": version.record.hash,
        "files": [a.stored_as for a in version.attachments],
    }


def _file(number: int, path: str, attachment: Attachment) -> JSON:
    modified = parse_time(attachment.modified)
    return {
        "path": path,
        "entry": number,
        "stored_as": attachment.stored_as,
        "original_name": attachment.original_name,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "modified": None if modified is None else _time(modified),
        "how": attachment.how,
        "by": attachment.by,
        "exif": attachment.exif,
        "exif_taken": attachment.taken,
        "exif_taken_offset": attachment.taken_offset,
        "exif_device": attachment.device,
    }


CSV_COLUMNS = [
    "entry",
    "record",
    "status",
    "seen (local)",
    "seen (UTC)",
    "written down (local)",
    "written down (UTC)",
    "by",
    "what",
    "where",
    "check",
    "how captured",
    "why corrected or withdrawn",
    "file in this bundle",
    "original file name",
    "size (bytes)",
    "SHA-256",
    "file last changed (UTC)",
    "photo taken (EXIF)",
    "camera (EXIF)",
    "chain hash",
]


def _cell(value: object) -> str:
    """A spreadsheet must never run a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(manifest: JSON) -> bytes:
    """One row per version, withdrawal, deletion and file; UTF-8 with a BOM for Excel."""
    files = {f["path"]: f for f in manifest["files"]}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def row(number: int, record: str, status: str, **cells: object) -> None:
        """A row by column name; the columns a kind of row does not have stay empty."""
        named = {"entry": number, "record": record, "status": status, **cells}
        writer.writerow(_cell(named.get(column, "")) for column in CSV_COLUMNS)

    for entry in manifest["entries"]:
        number, status = entry["number"], entry["status"]
        for version in entry["versions"]:
            label = (
                "original" if version["version"] == 1 else f"correction {version['version'] - 1}"
            )
            row(
                number,
                label,
                status,
                **{
                    "seen (local)": version["seen"]["text"],
                    "seen (UTC)": version["seen"]["utc"],
                    "written down (local)": version["written"]["text"],
                    "written down (UTC)": version["written"]["utc"],
                    "by": BY_LABELS.get(version["by"], version["by"]),
                    "what": version["what"],
                    "where": version["where"],
                    "check": version["check_id"] or "",
                    "how captured": HOW_LABELS.get(version["how"], version["how"]),
                    "why corrected or withdrawn": version["why_corrected"],
                    "chain hash": version["chain_hash"],
                },
            )
        if entry["withdrawal"]:
            w = entry["withdrawal"]
            row(
                number,
                "withdrawal",
                status,
                **{
                    "written down (local)": w["written"]["text"],
                    "written down (UTC)": w["written"]["utc"],
                    "by": BY_LABELS.get(w["by"], w["by"]),
                    "why corrected or withdrawn": w["reason"],
                    "chain hash": w["chain_hash"],
                },
            )
        if entry["deleted"]:
            d = entry["deleted"]
            row(
                number,
                "deleted for good",
                status,
                **{
                    "written down (local)": d["written"]["text"],
                    "written down (UTC)": d["written"]["utc"],
                    "chain hash": d["chain_hash"],
                },
            )
        for path in entry["files"]:
            f = files[path]
            row(
                number,
                "file",
                status,
                **{
                    "by": BY_LABELS.get(f["by"], f["by"]),
                    "how captured": HOW_LABELS.get(f["how"], f["how"]),
                    "file in this bundle": path,
                    "original file name": f["original_name"],
                    "size (bytes)": f["size"],
                    "SHA-256": f["sha256"],
                    "file last changed (UTC)": f["modified"]["utc"] if f["modified"] else "",
                    "photo taken (EXIF)": describe_taken(f["exif_taken"], f["exif_taken_offset"]),
                    "camera (EXIF)": f["exif_device"] or "",
                },
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
