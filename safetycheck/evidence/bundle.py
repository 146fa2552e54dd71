"""Export evidence: one zip that ordinary tools open, to hand to the police or a court.

Inside: ``record.pdf`` (the case record, its evidence log showing the chosen
entries: by default the copy for the police, without private notes or the action
plan and with a page on how the evidence was collected), each file under
``attachments/`` with a safe version of its original name, ``manifest.json`` and
``manifest.csv`` (``safetycheck.evidence.manifest``), and ``README.txt`` saying how
to check any file by hand.

Written a piece at a time: each file is streamed from the case (decrypted chunk by
chunk with a passphrase), hashed on the way and compared with the hash recorded when
it was added, straight into the zip, so memory stays small whatever the size.  A
picture's thumbnail for the record is made from the bytes that streamed past (on a
worker thread, while the next files stream), so no file is read twice.  The
zip is written beside its final name (``.<name>.<random>.tmp``, never the system temp
folder) and renamed into place only when complete; a stop or an error removes it.

With a passphrase the bundle is an AES-256 zip (WinZip AE-2, written by pyzipper):
7-Zip, WinZip, WinRAR, The Unarchiver and Keka open it, and so does ``tar -xf`` (bsdtar,
libarchive) in a Mac's Terminal; the Mac's Finder (Archive Utility) and Windows
Explorer do not.  The weak old zip password scheme (ZipCrypto) is never used: a PDF's
first bytes are known, which breaks it in minutes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from safetycheck import __version__
from safetycheck.case import Attachment, Case
from safetycheck.evidence.check import FileResult, LogCheck, check_chain, file_result, with_files
from safetycheck.evidence.manifest import FORMAT, VERSION, Selection, derive, skeleton, to_csv
from safetycheck.evidence.record_helper import RecordMaker
from safetycheck.evidence.thumbnails import Collector, Thumbnail, make
from safetycheck.timestamps import exact, local_now

ChunkReader = Callable[[Case, Attachment], Iterable[bytes]]
Progress = Callable[[int, int], None]
MIN_PASSPHRASE = 10
README = "README.txt"
#: Which case record is inside, as the manifest says it (``record_pdf.copy``).
RECORD_POLICE, RECORD_FULL = "police", "full"
RECORD_COPIES = {
    RECORD_POLICE: "the case record, the copy for the police (no private notes or action "
    "plan; a page on how the evidence was collected)",
    RECORD_FULL: "the full case record, with the private notes and the action plan",
}


class BundleError(Exception):
    """The bundle could not be made; the message is for the person."""


class Stopped(BundleError):
    def __init__(self) -> None:
        super().__init__("The export was stopped. No bundle was saved.")


@dataclass(frozen=True)
class BundleResult:
    path: Path
    entries: int
    files: int
    bytes: int
    check: LogCheck
    protected: bool
    for_police: bool = True

    def record_copy(self) -> str:
        """Which record is inside, in words for the person who made the bundle."""
        return RECORD_COPIES[RECORD_POLICE if self.for_police else RECORD_FULL]


def _open_zip(path: Path, passphrase: str | None) -> zipfile.ZipFile:
    if passphrase is None:
        return zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True)
    import pyzipper  # only when a bundle is protected

    archive = pyzipper.AESZipFile(path, "w", compression=pyzipper.ZIP_STORED, allowZip64=True)
    archive.setpassword(passphrase.encode("utf-8"))
    # AE-2: no CRC of the contents in the clear (AE-1 would let someone who has a copy
    # of a file confirm that it is inside).
    archive.setencryption(pyzipper.WZ_AES, nbits=256, force_wz_aes_version=2)
    return archive  # type: ignore[no-any-return]


def _member(
    archive: zipfile.ZipFile, name: str, when: dt.datetime, *, compress: bool
) -> zipfile.ZipInfo:
    # pyzipper's archive needs its own kind of entry (it carries the AES details).
    kind = getattr(archive, "zipinfo_cls", zipfile.ZipInfo)
    info: zipfile.ZipInfo = kind(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _write_bytes(archive: zipfile.ZipFile, name: str, data: bytes, when: dt.datetime) -> None:
    with archive.open(_member(archive, name, when, compress=True), "w", force_zip64=True) as out:
        out.write(data)


def _refuse_inside(data_dir: Path, target: Path) -> None:
    try:
        inside = target.resolve().is_relative_to(data_dir.resolve())
    except OSError:
        inside = False
    if inside:
        raise BundleError(
            "Save the bundle outside SafetyCheck's data folder: a bundle holds the files "
            "unlocked, and nothing unlocked may be kept there."
        )


def export_bundle(
    case: Case,
    target: str | os.PathLike[str],
    *,
    record: Callable[[Case], RecordMaker],
    read: ChunkReader,
    data_dir: Path,
    selection: Selection | None = None,
    passphrase: str | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    for_police: bool = True,
) -> BundleResult:
    """Write the bundle for the chosen entries of ``case`` to ``target``.

    ``record`` starts making the case record for a case whose log shows only the chosen
    entries (the police copy when ``for_police``: the manifest says which copy it made);
    it is told each thumbnail as it is made from the streamed files, and then the log
    check (``safetycheck.evidence.record_helper``).  ``read`` streams a stored file.
    ``progress(done, total)`` is told the bytes of files written so far;
    ``should_stop()`` ends it early (raising :class:`Stopped`).
    """
    selection = selection or Selection()
    path = Path(target).expanduser()
    if path.is_dir():
        raise BundleError(f"{path} is a folder. Give a file name ending in .zip.")
    if not path.parent.is_dir():
        raise BundleError(f"The folder {path.parent} does not exist. Choose another place.")
    _refuse_inside(data_dir, path)
    if passphrase is not None and len(passphrase) < MIN_PASSPHRASE:
        raise BundleError(
            f"Use a passphrase of at least {MIN_PASSPHRASE} characters for the bundle "
            "(a few ordinary words are easy to say and hard to guess)."
        )
    chosen = [e for e in case.evidence if selection.chooses(e)]
    chosen_ids = {e.id for e in chosen}
    protected = passphrase is not None
    chain_check = check_chain(case.id, case.evidence_log, case.stored_head)
    numbers = {e.id: e.number for e in case.evidence}
    contents = {
        str(r.seq): r.content
        for r in case.evidence_log
        if r.entry in chosen_ids and r.content is not None
    }
    chain = [skeleton(r, numbers.get(r.entry), r.entry in chosen_ids) for r in case.evidence_log]
    entries, files = derive(chain, contents, protected)
    by_stored = {a.stored_as: a for e in chosen for a in e.all_attachments()}
    total = sum(by_stored[f["stored_as"]].size for f in files)
    made = local_now()
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    counter = _Counter(total, progress, should_stop)
    shown = replace(case)
    shown.evidence_shown = frozenset(chosen_ids)
    maker = record(shown)
    try:
        with (
            contextlib.closing(maker),
            _Thumbnailer(maker) as pictures,
            _open_zip(tmp, passphrase) as archive,
        ):
            # The files first: their hashes, taken on the way, go into the check line
            # that the record, the manifest and the README print.  The record is being
            # laid out meanwhile, each entry as its files' thumbnails come.
            results = []
            copying = _Copying(case, read, made, counter, pictures)
            for item in files:
                results.append(_copy_file(archive, item, by_stored[item["stored_as"]], copying))
                pictures.pass_on()
            pictures.pass_on(wait=True)
            check = with_files(chain_check, results)
            record_pdf = maker.finish(check)
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "version": VERSION,
                "made": {
                    "local": made.isoformat(),
                    "utc": made.astimezone(dt.UTC).isoformat(),
                    "text": exact(made),
                },
                "made_by": f"SafetyCheck {__version__}",
                "case": {"id": case.id, "reference": case.reference},
                "selection": selection.describe([e.number for e in chosen], len(case.evidence)),
                "log_check": check.line(),
                "log_fingerprint": check.head,
                "protected": protected,
                "record_pdf": {
                    "path": "record.pdf",
                    "size": len(record_pdf),
                    "sha256": hashlib.sha256(record_pdf).hexdigest(),
                    "copy": RECORD_POLICE if for_police else RECORD_FULL,
                },
                "chain": chain,
                "records": contents,
                "entries": entries,
                "files": files,
            }
            _write_bytes(archive, "record.pdf", record_pdf, made)
            _write_bytes(archive, "manifest.csv", to_csv(manifest), made)
            text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
            _write_bytes(archive, "manifest.json", text.encode("utf-8"), made)
            _write_bytes(archive, README, readme(manifest).encode("utf-8"), made)
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise BundleError(
                f"The bundle could not be saved to {path} ({exc.strerror or exc}). "
                "Choose another place."
            ) from exc
        raise
    return BundleResult(path, len(chosen), len(files), total, check, protected, for_police)


class _Counter:
    def __init__(self, total: int, progress: Progress | None, stop: Callable[[], bool] | None):
        self.total, self.done, self.progress, self.stop = total, 0, progress, stop

    def add(self, size: int) -> None:
        if self.stop is not None and self.stop():
            raise Stopped()
        self.done += size
        if self.progress is not None:
            self.progress(self.done, self.total)


class _Thumbnailer:
    """Makes the record's thumbnails on two worker threads while the next files stream
    (Pillow decodes and shrinks without Python's lock; ``thumbnails.PixelBudget`` keeps
    what is decoded at once under the cap), and passes them on, in the order of the
    files, to whoever makes the record.  At most two pictures wait, so at most three
    pictures' bytes are held (30 MB each at most), whatever the number of files."""

    WORKERS = 2

    def __init__(self, maker: RecordMaker) -> None:
        self._maker = maker
        self._pool = ThreadPoolExecutor(self.WORKERS, thread_name_prefix="bundle-thumbnails")
        self._made: dict[str, Future[Thumbnail | None] | None] = {}
        self._waiting: deque[Future[Thumbnail | None]] = deque()
        self._to_pass: deque[str] = deque()

    def add(self, stored_as: str, data: bytes | None) -> None:
        """``data``: the whole picture, or None when the file is no picture we show."""
        self._to_pass.append(stored_as)
        if data is None:
            self._made[stored_as] = None
            return
        while len(self._waiting) >= self.WORKERS:
            self._waiting.popleft().result()
        job = self._pool.submit(make, data)
        self._made[stored_as] = job
        self._waiting.append(job)

    def pass_on(self, *, wait: bool = False) -> None:
        """Tell the maker of every thumbnail made so far, in order (all, when ``wait``)."""
        while self._to_pass:
            job = self._made[self._to_pass[0]]
            if job is not None and not job.done() and not wait:
                return
            self._maker.thumbnail(self._to_pass.popleft(), job.result() if job else None)

    def __enter__(self) -> _Thumbnailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class _Copying:
    """What every file's copy needs, beside the file."""

    case: Case
    read: ChunkReader
    when: dt.datetime
    counter: _Counter
    pictures: _Thumbnailer


def _copy_file(
    archive: zipfile.ZipFile, item: dict[str, Any], attachment: Attachment, copying: _Copying
) -> FileResult:
    """Stream one file into the zip, hashing it on the way.  A file that is not the
    one recorded is still handed over (the person decides), and the check line, made
    from these hashes, says so."""
    info = _member(archive, item["path"], copying.when, compress=False)
    info.file_size = attachment.size
    sha = hashlib.sha256()
    size = 0
    picture = Collector(attachment.original_name, attachment.size)
    with archive.open(info, "w", force_zip64=True) as out:
        for piece in _pieces(copying.read(copying.case, attachment), attachment):
            copying.counter.add(len(piece))
            sha.update(piece)
            picture.feed(piece)
            size += len(piece)
            out.write(piece)
    copying.pictures.add(attachment.stored_as, picture.data())
    return file_result(int(item["entry"]), attachment, sha.hexdigest(), size)


def _pieces(pieces: Iterable[bytes], attachment: Attachment) -> Iterator[bytes]:
    try:
        yield from pieces
    except Exception as exc:
        raise BundleError(
            f"The file “{attachment.original_name}” could not be read ({exc}). No bundle was saved."
        ) from exc


def readme(manifest: dict[str, Any]) -> str:
    """How anyone can check the bundle by hand, with tools every computer has."""
    lines = [
        "Evidence bundle made by SafetyCheck",
        "",
        f"Case: {manifest['case']['reference']}",
        f"Made: {manifest['made']['text']}",
        f"What is in it: {manifest['selection']}.",
        manifest["log_check"],
        f"Log fingerprint (the hash of the log's last record): {manifest['log_fingerprint']}",
        "",
        f"record.pdf     {_record_words(manifest['record_pdf'])}",
        "attachments/   each file, as it was added (named by entry number)",
        "manifest.csv   every entry, version, time, capture detail and hash (opens in a "
        "spreadsheet)",
        "manifest.json  the same, and the whole chain of the log, for checking by machine",
        "",
        "To check the whole bundle: python main.py verify-evidence THIS-FILE.zip",
        "",
        "To check one file by hand, compare its SHA-256 with the one in manifest.csv:",
        "  Linux:   sha256sum attachments/NAME",
        "  Mac:     shasum -a 256 attachments/NAME",
        "  Windows: certutil -hashfile attachments\\NAME SHA256",
        "",
        "SHA-256 of each file:",
    ]
    lines += [f"  {f['sha256']}  {f['path']}" for f in manifest["files"]]
    lines.append(f"  {manifest['record_pdf']['sha256']}  record.pdf")
    return "\r\n".join(lines) + "\r\n"


def _record_words(record: dict[str, Any]) -> str:
    # A bundle made before the choice was offered says nothing (it held the full record),
    # and its README said only this: it must still read the same to verify-evidence.
    return RECORD_COPIES.get(str(record.get("copy", "")), "the case record")


def suggested_name(today: dt.date | None = None) -> str:
    """A plain name that does not say what the bundle is about."""
    return f"evidence-{(today or dt.date.today()).isoformat()}.zip"
