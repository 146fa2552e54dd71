"""Check the evidence log and its files against what was recorded, and say it in one line.

"Evidence log checked: 12 entries, unchanged since they were recorded." or the same
line naming each thing that does not match: a record whose content or chain hash is
not what was recorded, a record missing, repeated or out of order, the log ending
early, content erased without a deletion record, and a file that is missing, damaged
or not the file that was recorded.

What this can and cannot prove is in ``docs/threat-model.md``: the chain shows the
log is as it was written, unless someone rewrote every hash after the change; the
last hash (printed on every record and bundle) is what lets an earlier copy prove it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from safetycheck.evidence.log import (
    DELETION,
    ENTRY,
    KINDS,
    REVISION,
    WITHDRAWAL,
    Attachment,
    EvidenceEntry,
    LogRecord,
    digest_of,
    entries,
    genesis,
)
from safetycheck.timestamps import local_and_utc

#: Reads a stored file a piece at a time (raises on a missing or damaged file).
ChunkReader = Callable[[Attachment], Iterable[bytes]]


class CheckStopped(Exception):
    """The check was asked to stop (Quick Exit, or the log changed meanwhile)."""


@dataclass(frozen=True)
class Mismatch:
    what: str  # for people: "entry 4 was changed after it was recorded"
    seq: int | None = None  # the record's place in the log, when there is one


@dataclass(frozen=True)
class FileResult:
    entry: int
    attachment: Attachment
    problem: str | None  # None: the file is the one recorded


@dataclass(frozen=True)
class LogCheck:
    entries: int
    records: int
    head: str  # the last record's hash: the log's fingerprint
    mismatches: tuple[Mismatch, ...] = ()
    deleted: int = 0
    withdrawn: int = 0
    files: tuple[FileResult, ...] = field(default=())
    files_checked: bool = False

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def line(self) -> str:
        """The one line the app, the record and the bundle print."""
        noun = "entry" if self.entries == 1 else "entries"
        if self.ok:
            line = (
                f"Evidence log checked: {self.entries} {noun}, unchanged since they were recorded"
            )
            if not self.files_checked and self.files:
                line += " (files not checked)"
            extras = []
            if self.deleted:
                extras.append(
                    f"{self.deleted} deleted for good, kept as a line without its content"
                )
            if extras:
                line += "; " + "; ".join(extras)
            return line + "."
        problems = "; ".join(m.what for m in self.mismatches[:8])
        more = len(self.mismatches) - 8
        if more > 0:
            problems += f"; and {more} more"
        return f"Evidence log checked: {self.entries} {noun}. Does not match: {problems}."


def _number_of(view: list[EvidenceEntry]) -> dict[str, int]:
    return {e.id: e.number for e in view}


def _describe(record: LogRecord, numbers: dict[str, int]) -> str:
    number = numbers.get(record.entry)
    if number is None:
        return f"record {record.seq + 1 if record.seq >= 0 else '?'} of the log"
    if record.kind == ENTRY:
        return f"entry {number}"
    when = _when(record)
    if record.kind == REVISION:
        return f"the correction of entry {number}{when}"
    if record.kind == WITHDRAWAL:
        return f"the withdrawal of entry {number}{when}"
    if record.kind == DELETION:
        return f"the line saying entry {number} was deleted"
    return f"record {record.seq + 1} of the log"


def _when(record: LogRecord) -> str:
    try:
        return f" recorded {local_and_utc(record.recorded, record.zone)}"
    except (ValueError, TypeError):
        return ""


def check_chain(case_id: str, log: list[LogRecord], head: dict[str, object] | None) -> LogCheck:
    """Check the records alone (fast: no file is read)."""
    view = entries(log)
    numbers = _number_of(view)
    found: list[Mismatch] = []
    deleted_entries = {r.entry for r in log if r.kind == DELETION}
    expected_prev = genesis(case_id)
    seqs = [r.seq for r in log]
    positions_ok = seqs == list(range(len(log)))
    for index, record in enumerate(log):
        name = _describe(record, numbers)
        changed = False
        if record.kind not in KINDS:
            changed = True
        elif record.content is None:
            if record.erased_at is None or record.entry not in deleted_entries:
                found.append(
                    Mismatch(f"the content of {name} was removed without a line deleting it", index)
                )
        elif digest_of(record.content) != record.digest:
            changed = True
        if record.expected_hash() != record.hash:
            changed = True
        if changed:
            found.append(Mismatch(f"{name} was changed after it was recorded", index))
        elif record.prev != expected_prev and positions_ok:
            found.append(Mismatch(f"{name} does not follow the record before it", index))
        expected_prev = record.hash
    if not positions_ok:
        found += _places(log, numbers)
    found += _head(log, head)
    found += _orphans(log, numbers)
    return LogCheck(
        entries=len(view),
        records=len(log),
        head=log[-1].hash if log else genesis(case_id),
        mismatches=tuple(found),
        deleted=sum(1 for e in view if e.is_deleted),
        withdrawn=sum(1 for e in view if e.is_withdrawn),
    )


def _places(log: list[LogRecord], numbers: dict[str, int]) -> list[Mismatch]:
    """Records missing, repeated or out of order: told from the place each one was given."""
    found: list[Mismatch] = []
    seqs = [r.seq for r in log]
    present = set(seqs)
    top = max(seqs, default=-1)
    missing = [s for s in range(top + 1) if s not in present]
    if missing:
        for seq in missing:
            before = next((r for r in reversed(log) if 0 <= r.seq < seq), None)
            where = f"after {_describe(before, numbers)}" if before else "at its start"
            found.append(Mismatch(f"a record is missing from the log {where}", seq))
    repeated = sorted({s for s in seqs if seqs.count(s) > 1})
    for seq in repeated:
        record = next(r for r in log if r.seq == seq)
        found.append(Mismatch(f"{_describe(record, numbers)} appears more than once", seq))
    kept = [s for s in seqs if s in present]
    if not missing and not repeated and kept != sorted(kept):
        moved = [r for i, r in enumerate(log) if r.seq != i]
        names = ", ".join(dict.fromkeys(_describe(r, numbers) for r in moved))
        found.append(Mismatch(f"{names} are not in the order they were recorded"))
    elif kept != sorted(kept):
        found.append(Mismatch("records of the log are not in the order they were recorded"))
    return found


def _head(log: list[LogRecord], head: dict[str, object] | None) -> list[Mismatch]:
    """The count and last hash saved beside the log: catches records cut off its end."""
    if not head:
        return []
    count = head.get("records")
    if isinstance(count, int) and count > len(log):
        missing = count - len(log)
        return [
            Mismatch(
                f"the last {missing} records of the log are missing"
                if missing > 1
                else "the last record of the log is missing"
            )
        ]
    if isinstance(count, int) and count == len(log) and log and head.get("hash") != log[-1].hash:
        return [Mismatch("the log's last record is not the one that was saved")]
    return []


def _orphans(log: list[LogRecord], numbers: dict[str, int]) -> list[Mismatch]:
    return [
        Mismatch(f"record {r.seq + 1} belongs to no entry in the log", r.seq)
        for r in log
        if r.kind in KINDS and r.entry not in numbers
    ]


def check_files(view: list[EvidenceEntry], read: ChunkReader) -> list[FileResult]:
    """Hash every stored file of every entry not deleted, a piece at a time."""
    results: list[FileResult] = []
    for entry in view:
        if entry.is_deleted:
            continue
        for attachment in entry.all_attachments():
            results.append(FileResult(entry.number, attachment, _file_problem(attachment, read)))
    return results


def _file_problem(attachment: Attachment, read: ChunkReader) -> str | None:
    sha = hashlib.sha256()
    size = 0
    try:
        for piece in read(attachment):
            sha.update(piece)
            size += len(piece)
    except CheckStopped:
        raise
    except Exception as exc:  # missing, damaged, locked: each said in the store's words
        text = str(exc)
        if "missing" in text:
            return "is missing"
        if "passphrase" in text:
            return "could not be opened (it needs the passphrase)"
        return "is damaged"
    if sha.hexdigest() != attachment.sha256 or size != attachment.size:
        return "is not the file that was recorded"
    return None


def with_files(result: LogCheck, files: Iterable[FileResult]) -> LogCheck:
    """The chain's result with the files' results added (checked by whoever read them)."""
    files = tuple(files)
    bad = tuple(
        Mismatch(f"the file “{f.attachment.original_name}” of entry {f.entry} {f.problem}")
        for f in files
        if f.problem
    )
    return replace(result, mismatches=result.mismatches + bad, files=files, files_checked=True)


def file_result(entry: int, attachment: Attachment, sha256: str, size: int) -> FileResult:
    same = sha256 == attachment.sha256 and size == attachment.size
    return FileResult(entry, attachment, None if same else "is not the file that was recorded")


def check_log(
    case_id: str,
    log: list[LogRecord],
    head: dict[str, object] | None,
    read: ChunkReader | None = None,
) -> LogCheck:
    """The whole check: the chain, and every file when ``read`` is given."""
    result = check_chain(case_id, log, head)
    if read is None:
        view = entries(log)
        files = tuple(
            FileResult(e.number, a, None)
            for e in view
            if not e.is_deleted
            for a in e.all_attachments()
        )
        return replace(result, files=files, files_checked=False)
    return with_files(result, check_files(entries(log), read))
