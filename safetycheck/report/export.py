"""``export_pdf``: build a document in memory, then write it atomically where asked.

The file is written with plain file calls only: nothing here asks the
operating system to remember it (no "recent documents" entry, no shell
notification).  reportlab is imported inside the function.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from safetycheck.case import Attachment, Case
from safetycheck.checklist import Library
from safetycheck.durable import write_atomic
from safetycheck.settings import MODE_SELF, Settings
from safetycheck.user_text import MAX_CHARS

KIND_RECORD = "record"
KIND_PLAN = "plan"
KINDS = (KIND_RECORD, KIND_PLAN)
PAGE_SIZES = ("a4", "letter")
# Countries that use US Letter paper; everyone else gets A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PR"})
# All the free text one document may print: about 400 pages, and under a minute to
# lay out even in Urdu (each text alone is limited to user_text.MAX_CHARS).
MAX_DOCUMENT_CHARS = 1_000_000


#: Told how far the layout is, from 0.0 to 1.0 (called on the thread that exports).
Progress = Callable[[float], None]
#: The longest part of a case reference kept in a file name.
NAME_REFERENCE_CHARS = 40


class ReportError(Exception):
    """A document could not be made or saved; the message is for the person."""


class ExportCancelled(Exception):
    """The export was asked to stop (``cancel`` was set); nothing was written."""


class AttachmentReader(Protocol):
    """What the record needs to print picture attachments (the case service has it)."""

    def read_attachment(self, case: Case, attachment: Attachment) -> bytes: ...


def default_page_size(settings: Settings | None) -> str:
    country = (settings.country if settings else "GB").upper()
    return "letter" if country in LETTER_COUNTRIES else "a4"


def default_file_name(
    case: Case,
    kind: str,
    *,
    for_police: bool = False,
    leave_out_details: bool = False,
    today: dt.date | None = None,
) -> str:
    """The name offered when saving: the case reference, the kind, then the date.

    ``record-2026-12-02.pdf`` for every client invites mix-ups, so the reference comes
    first.  The plan without details never carries it: someone else may see the name.
    """
    from safetycheck.report.texts import report_text

    names = report_text()["files"]
    day = (today or dt.date.today()).isoformat()
    if kind == "plan":
        if leave_out_details:
            return f"{names['plan_short']}-{day}.pdf"
        label = names["plan"]
    else:
        label = names["police"] if for_police else names["record"]
    reference = file_name_part(case.reference)
    return f"{reference}-{label}-{day}.pdf" if reference else f"{label}-{day}.pdf"


def file_name_part(text: str) -> str:
    """``text`` as a piece of a file name on every system: letters and digits kept (any
    script), every other run of characters one hyphen, lower case, at most 40 long."""
    cleaned = re.sub(r"[\W_]+", "-", text.lower()).strip("-")
    return cleaned[:NAME_REFERENCE_CHARS].strip("-")


def export_pdf(
    case: Case,
    library: Library,
    settings: Settings,
    kind: str,
    path: str | os.PathLike[str],
    *,
    leave_out_details: bool = False,
    for_police: bool = False,
    attachments: AttachmentReader | None = None,
    page_size: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Write the case record or the safety plan for ``case`` to ``path``; return the path.

    ``attachments`` lets the record show picture attachments as thumbnails; without
    it, attachments are listed by name.  ``leave_out_details`` applies to the plan
    only; ``for_police`` to the record only (no private notes or action plan, and a
    page on how the evidence was collected).  ``progress`` hears how far the layout
    is; when ``cancel`` is set the export stops with :class:`ExportCancelled` and
    writes nothing.  Safe to call off the interface's thread if nothing changes
    ``case`` meanwhile (the interface gives it a copy).
    """
    target, data = prepare_export(
        case,
        library,
        settings,
        kind,
        path,
        leave_out_details=leave_out_details,
        for_police=for_police,
        attachments=attachments,
        page_size=page_size,
        progress=progress,
        cancel=cancel,
    )
    save_pdf(target, data)
    return target


def prepare_export(
    case: Case,
    library: Library,
    settings: Settings,
    kind: str,
    path: str | os.PathLike[str],
    *,
    leave_out_details: bool = False,
    for_police: bool = False,
    attachments: AttachmentReader | None = None,
    page_size: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> tuple[Path, bytes]:
    """Check where the document goes and make it, writing nothing: (where, PDF bytes).

    Kept apart from :func:`save_pdf` so the case service can note the file in the case
    between the two, and an export is then whole or not at all.  The arguments are
    :func:`export_pdf`'s.
    """
    kind = kind.lower()
    if kind not in KINDS:
        raise ReportError(f"The document kind must be 'record' or 'plan', not '{kind}'.")
    if for_police and kind != "record":
        raise ReportError("Only the case record has a copy for the police.")
    # None: the paper people use where the service is (Letter in the US, A4 elsewhere).
    page_size = (page_size or default_page_size(settings)).lower()
    if page_size not in PAGE_SIZES:
        raise ReportError("The page size must be 'a4' or 'letter'.")
    target = pdf_target(path)
    data = render_pdf(
        case,
        library,
        settings,
        kind,
        leave_out_details=leave_out_details,
        for_police=for_police,
        attachments=attachments,
        page_size=page_size,
        progress=progress,
        cancel=cancel,
    )
    if cancel is not None and cancel.is_set():
        raise ExportCancelled()
    return target, data


def pdf_target(path: str | os.PathLike[str]) -> Path:
    """Where a document will go, refused before any work when it cannot go there."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise ReportError(f"{target} is a folder. Give a file name ending in .pdf.")
    if not target.parent.is_dir():
        raise ReportError(f"The folder {target.parent} does not exist. Choose another place.")
    return target


def save_pdf(target: Path, data: bytes) -> None:
    """Write the document atomically: the whole file or, on failure, none of it."""
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise ReportError(
            f"The document could not be saved to {target} ({exc.strerror or exc}). "
            "Choose another place."
        ) from exc


def refuse_text_too_long_to_print(case: Case) -> None:
    """Stop at once, with a reason, rather than spend minutes laying out a huge text.

    An evidence bundle asks first, before it streams any file.

    The app refuses such texts when they are typed (``user_text``); only a file from
    before that limit, or one changed by hand, can still hold one.
    """
    texts = [("A note", a.note) for a in case.answers.values()]
    texts += [("A line for the plan", a.plan_line) for a in case.answers.values()]
    texts += [("An evidence entry", e.what + e.where) for e in case.evidence]
    texts += [("An action", a.what + a.who + a.by_when) for a in case.actions]
    for what, text in texts:
        if len(text) > MAX_CHARS:
            raise ReportError(
                f"{what} is too long to print ({len(text):,} characters; the most is "
                f"{MAX_CHARS:,}). Shorten it in the app, then make the document again."
            )
    total = sum(len(text) for _, text in texts)
    if total > MAX_DOCUMENT_CHARS:
        raise ReportError(
            f"The notes, evidence and actions of this case are too long to print in one "
            f"document ({total:,} characters, about {total // 2_500:,} pages; the most is "
            f"{MAX_DOCUMENT_CHARS:,}). Shorten the longest notes, then make the document again."
        )


def render_pdf(
    case: Case,
    library: Library,
    settings: Settings,
    kind: str,
    *,
    leave_out_details: bool = False,
    for_police: bool = False,
    attachments: AttachmentReader | None = None,
    page_size: str = "a4",
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> bytes:
    """The PDF's bytes.  Kept apart from saving so that benchmarks can time it alone."""
    from safetycheck.report import layout, plan, record
    from safetycheck.report.fonts import register_fonts
    from safetycheck.report.texts import words_for

    refuse_text_too_long_to_print(case)
    register_fonts()
    self_mode = settings.mode == MODE_SELF
    words = words_for(self_mode=self_mode, for_police=for_police and kind == "record")
    size = layout.PAGE_SIZES[page_size]
    width = size[0] - 2 * layout.MARGIN_SIDE
    today = dt.date.today()
    printed = words["common"]["printed"].format(date=f"{today.day} {today:%B %Y}")
    if kind == "record":
        story = record.story(
            case,
            library,
            settings,
            words,
            width,
            attachments,
            self_mode=self_mode,
            for_police=for_police,
        )
        header = words["record"]["header"].format(reference=case.reference)
    else:
        story = plan.story(
            case,
            library,
            settings,
            words,
            width,
            leave_out_details=leave_out_details,
            self_mode=self_mode,
        )
        header = words["plan"]["header"]
        if not leave_out_details:
            header += f": {case.reference}"
    furniture = layout.PageFurniture(header, printed, words["common"]["page"])
    buffer = io.BytesIO()
    layout.build(
        buffer,
        story,
        page_size=page_size,
        title=words["common"]["metadata_title"],
        furniture=furniture,
        progress=_progress_and_cancel(progress, cancel),
    )
    return buffer.getvalue()


def _progress_and_cancel(
    progress: Progress | None, cancel: threading.Event | None
) -> Callable[[int, int], None] | None:
    """The layout's step callback: reports the share done and stops when asked."""
    if progress is None and cancel is None:
        return None

    def step(done: int, total: int) -> None:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled()
        if progress is not None and done >= 0:  # done < 0: a new page (cancel only)
            progress(min(1.0, done / total))

    return step
