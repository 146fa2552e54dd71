"""An evidence bundle's case record, laid out in a helper process while the files stream.

Laying the record out (reportlab, pure Python) took as long as streaming 500 MB of files,
and a thread cannot share that work: the layout holds Python's lock, and the streaming
waits for it between every piece (measured: barely faster than one after the other).  A
process of its own lays the record out on the other core.  It is started the same way on
every system (``spawn``: a fresh interpreter, never a copy of this one's threads), gets
the case as the record shows it, and then hears, in order, each file's thumbnail as it is
made from the streamed bytes, and last the log check.  An entry's row waits only for its
own files (``safetycheck.report.layout.Later``), so the record keeps pace with the files.

Nothing of the case touches the disk on the way: it goes through an anonymous pipe to a
process of this program, which keeps nothing and ends with the export.  The helper gets
no keys and reads no files.  Whatever goes wrong with it (it cannot start, it stops, it
fails), the record is made here instead, from the same thumbnails, and the bundle is the
same.  ``SAFETYCHECK_RECORD_HELPER=off`` always makes it here; ``=require`` makes a helper
that fails an error (the tests and the installers' smoke test use it, to know that the
helper really works in the built program).
"""

from __future__ import annotations

import os
import queue
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from safetycheck.evidence.check import LogCheck
from safetycheck.evidence.thumbnails import Files, Made, NotMade, Thumbnail

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from safetycheck.case import Attachment, Case
    from safetycheck.checklist import Library
    from safetycheck.report.export import AttachmentReader
    from safetycheck.settings import Settings

HELPER_ENV = "SAFETYCHECK_RECORD_HELPER"
_END = object()  # tells the sending thread that nothing more will be sent


class HelperFailed(Exception):
    """The helper process did not make the record (only raised when it is required)."""


class RecordMaker(Protocol):
    """What an evidence bundle needs from whoever makes its record."""

    def thumbnail(self, stored_as: str, made: Thumbnail | None) -> None: ...

    def finish(self, check: LogCheck) -> bytes: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class RecordJob:
    """Everything the record needs but the files' thumbnails and the log check."""

    case: Case  # as the record shows it: ``evidence_shown`` set
    library: Library
    settings: Settings
    for_police: bool
    page_size: str

    def render(self, attachments: AttachmentReader, check: object) -> bytes:
        from safetycheck.report.export import render_pdf

        shown = replace(self.case)
        shown.evidence_shown = self.case.evidence_shown
        shown.evidence_check = check
        return render_pdf(
            shown,
            self.library,
            self.settings,
            "record",
            for_police=self.for_police,
            attachments=attachments,
            page_size=self.page_size,
        )


class RecordHere:
    """The record made in this process, once every file has streamed."""

    def __init__(self, job: RecordJob, files: Files) -> None:
        self.job, self.files = job, files
        self.given: dict[str, Thumbnail | None] = {}

    def thumbnail(self, stored_as: str, made: Thumbnail | None) -> None:
        self.given[stored_as] = made

    def finish(self, check: LogCheck) -> bytes:
        return self.job.render(Made(self.files, self.given), check)

    def close(self) -> None:
        return None


class RecordInHelper(RecordHere):
    """The record made by a helper process as the files stream; here if that fails."""

    #: How long, once every file has streamed, the helper may take to send the record.
    answer_within = 120.0

    def __init__(self, job: RecordJob, files: Files, *, required: bool = False) -> None:
        super().__init__(job, files)
        import multiprocessing

        self.required = required
        self.failure = ""
        self._answered = False
        context = multiprocessing.get_context("spawn")
        # One pipe each way: nothing is ever sent both ways at once on one pipe.
        to_helper, self._out = context.Pipe(duplex=False)
        self._in, from_helper = context.Pipe(duplex=False)
        self._process = context.Process(
            target=helper_main,
            args=(to_helper, from_helper),
            name="safetycheck-record",
            daemon=True,
        )
        try:
            self._process.start()
        except BaseException:
            for end in (self._out, self._in):
                end.close()  # no helper: the record is made here, and no pipe is left open
            raise
        finally:
            to_helper.close()
            from_helper.close()
        # Sent from a thread of its own: a pipe holds only so much until the helper reads
        # it, and the helper is still starting up while the first files stream.
        self._outgoing: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, name="record-outbox", daemon=True)
        self._sender.start()
        self._send(job)

    @property
    def working(self) -> bool:
        return not self.failure

    def thumbnail(self, stored_as: str, made: Thumbnail | None) -> None:
        super().thumbnail(stored_as, made)
        self._send(("thumbnail", stored_as, made))

    def finish(self, check: LogCheck) -> bytes:
        self._send(("check", check))
        if self.working:  # (the check may still be on its way: the helper's answer waits for it)
            news = self._receive()
            if news is not None and news[0] == "pdf":
                self._answered = True
                self.close()
                return bytes(news[1])
            if news is not None and news[0] == "refused":  # as it would be here: said plainly
                from safetycheck.report.export import ReportError

                self.close()
                raise ReportError(str(news[1]))
            if news is not None:
                self.failure = str(news[1])
        self.close()
        if self.required:
            raise HelperFailed(f"The record's helper process failed: {self.failure}")
        return super().finish(check)

    def close(self) -> None:
        # Having answered, it is on its way out; otherwise (a stop, a failure) it is ended.
        self._process.join(timeout=1 if self._answered else 0)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=2)
        if self._process.is_alive():
            self._process.kill()  # a suspended process does not hear terminate
        self._process.join(timeout=5)
        # Gone, it no longer holds the pipe: a send still waiting on it fails and ends.
        self._outgoing.put(_END)
        self._sender.join(timeout=5)
        for end in (self._out, self._in):
            end.close()

    def _send(self, message: object) -> None:
        if self.working:
            self._outgoing.put(message)

    def _send_all(self) -> None:
        while (message := self._outgoing.get()) is not _END:
            if not self.working:
                continue  # the helper has gone: what is left is only for the record made here
            try:
                self._out.send(message)
            except (OSError, ValueError) as exc:
                self.failure = self.failure or f"it stopped listening ({exc})"

    def _receive(self) -> tuple[str, Any] | None:
        # Wait while it works; a helper that dies (killed, out of memory) ends the wait,
        # and so does one that never answers (stopped by security software, say): the
        # record is then made here.  Its last pages take well under a second.
        deadline = time.monotonic() + self.answer_within
        while not self._in.poll(0.25):
            if not self._process.is_alive() and not self._in.poll(0):
                self.failure = f"it ended with exit code {self._process.exitcode}"
                return None
            if time.monotonic() > deadline:
                self.failure = f"it did not answer within {self.answer_within:g} s"
                return None
        try:
            news: tuple[str, Any] = self._in.recv()
        except (EOFError, OSError) as exc:
            self.failure = f"it stopped ({exc})"
            return None
        return news


def start(job: RecordJob, files: Files, environ: Mapping[str, str] | None = None) -> RecordMaker:
    """A helper process for the record, or the record made here when it cannot start."""
    choice = (os.environ if environ is None else environ).get(HELPER_ENV, "").strip().lower()
    if choice == "off":
        return RecordHere(job, files)
    try:
        return RecordInHelper(job, files, required=choice == "require")
    except Exception:
        if choice == "require":
            raise
        return RecordHere(job, files)


# -- in the helper process ----------------------------------------------------------------------


def helper_main(inbox: Connection, outbox: Connection) -> None:
    """The helper process: make the record as its thumbnails and check arrive."""
    try:
        job: RecordJob = inbox.recv()
        arriving = _Arriving(inbox)
        threading.Thread(target=arriving.listen, name="record-inbox", daemon=True).start()
        outbox.send(("pdf", job.render(arriving, arriving)))
    except BaseException as exc:  # anything: the export then makes the record itself
        from safetycheck.report.export import ReportError

        if isinstance(exc, ReportError):  # the document cannot be made, here or there
            news = ("refused", str(exc))
        else:
            news = ("error", traceback.format_exc(limit=8))
        try:
            outbox.send(news)
        except (OSError, ValueError):
            pass


class _Arriving:
    """The thumbnails and the log check, as the exporting process sends them.

    A thumbnail is waited for until it comes, or until the check has come (everything
    that will ever come has then come) or the exporting process has gone.
    """

    def __init__(self, inbox: Connection) -> None:
        self._inbox = inbox
        self._changed = threading.Condition()
        self._thumbnails: dict[str, Thumbnail | None] = {}
        self._check: LogCheck | None = None
        self._gone = False

    def listen(self) -> None:
        try:
            while True:
                kind, *rest = self._inbox.recv()
                with self._changed:
                    if kind == "thumbnail":
                        self._thumbnails[str(rest[0])] = rest[1]
                    elif kind == "check":
                        self._check = rest[0]
                    self._changed.notify_all()
                if kind == "check":
                    return
        except (EOFError, OSError):
            with self._changed:
                self._gone = True
                self._changed.notify_all()

    def _done(self) -> bool:
        return self._check is not None or self._gone

    def thumbnail(self, case: Case, attachment: Attachment) -> Thumbnail | NotMade | None:
        key = attachment.stored_as
        with self._changed:
            self._changed.wait_for(lambda: key in self._thumbnails or self._done())
            # Every file of a chosen entry streams, so each is sent; one never sent would
            # be listed without a picture.
            return self._thumbnails.get(key)

    def read_attachment(self, case: Case, attachment: Attachment) -> bytes:
        # The helper reads no files (it has no keys); every thumbnail is sent to it.
        raise OSError(f"{attachment.original_name} is not read by the record's helper")

    def result(self) -> LogCheck:
        with self._changed:
            self._changed.wait_for(self._done)
            if self._check is None:
                raise HelperFailed("the export stopped before the files had all streamed")
            return self._check
