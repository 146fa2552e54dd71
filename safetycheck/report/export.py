"""``export_pdf``: build a document in memory, then write it atomically where asked.

The file is written with plain file calls only: nothing here asks the
operating system to remember it (no "recent documents" entry, no shell
notification).  reportlab is imported inside the function.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Protocol

from safetycheck.case import Attachment, Case
from safetycheck.checklist import Library
from safetycheck.durable import write_atomic
from safetycheck.settings import Settings
from safetycheck.user_text import MAX_CHARS

KINDS = ("record", "plan")
PAGE_SIZES = ("a4", "letter")
# Countries that use US Letter paper; everyone else gets A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PR"})
# All the free text one document may print: about 400 pages, and under a minute to
# lay out even in Urdu (each text alone is limited to user_text.MAX_CHARS).
MAX_DOCUMENT_CHARS = 1_000_000


class ReportError(Exception):
    """A document could not be made or saved; the message is for the person."""


class AttachmentReader(Protocol):
    """What the record needs to print picture attachments (the case service has it)."""

    def read_attachment(self, case: Case, attachment: Attachment) -> bytes: ...


def default_page_size(settings: Settings | None) -> str:
    country = (settings.country if settings else "GB").upper()
    return "letter" if country in LETTER_COUNTRIES else "a4"


def export_pdf(
    case: Case,
    library: Library,
    settings: Settings,
    kind: str,
    path: str | os.PathLike[str],
    *,
    leave_out_details: bool = False,
    attachments: AttachmentReader | None = None,
    page_size: str | None = None,
) -> Path:
    """Write the case record or the safety plan for ``case`` to ``path``; return the path.

    ``attachments`` lets the record show picture attachments as thumbnails; without
    it, attachments are listed by name.  ``leave_out_details`` applies to
    the plan only: the record is the advisor's full file.
    """
    target, data = prepare_export(
        case,
        library,
        settings,
        kind,
        path,
        leave_out_details=leave_out_details,
        attachments=attachments,
        page_size=page_size,
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
    attachments: AttachmentReader | None = None,
    page_size: str | None = None,
) -> tuple[Path, bytes]:
    """Check where the document goes and make it, writing nothing: (where, PDF bytes).

    Kept apart from :func:`save_pdf` so the case service can note the file in the case
    between the two, and an export is then whole or not at all.
    """
    kind = kind.lower()
    if kind not in KINDS:
        raise ReportError(f"The document kind must be 'record' or 'plan', not '{kind}'.")
    # None: the paper people use where the service is (Letter in the US, A4 elsewhere).
    page_size = (page_size or default_page_size(settings)).lower()
    if page_size not in PAGE_SIZES:
        raise ReportError("The page size must be 'a4' or 'letter'.")
    target = Path(path).expanduser()
    if target.is_dir():
        raise ReportError(f"{target} is a folder. Give a file name ending in .pdf.")
    if not target.parent.is_dir():
        raise ReportError(f"The folder {target.parent} does not exist. Choose another place.")
    data = render_pdf(
        case,
        library,
        settings,
        kind,
        leave_out_details=leave_out_details,
        attachments=attachments,
        page_size=page_size,
    )
    return target, data


def save_pdf(target: Path, data: bytes) -> None:
    """Write the document atomically: the whole file or, on failure, none of it."""
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise ReportError(
            f"The document could not be saved to {target} ({exc.strerror or exc}). "
            "Choose another place."
        ) from exc


def _refuse_text_too_long_to_print(case: Case) -> None:
    """Stop at once, with a reason, rather than spend minutes laying out a huge text.

    The app refuses such texts when they are typed (``user_text``); only a file from
    before that limit, or one changed by hand, can still hold one.
    """
    texts = [("A note", a.note) for a in case.answers.values()]
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
    attachments: AttachmentReader | None = None,
    page_size: str = "a4",
) -> bytes:
    """The PDF's bytes.  Kept apart from saving so that benchmarks can time it alone."""
    from safetycheck.report import layout, plan, record
    from safetycheck.report.fonts import register_fonts
    from safetycheck.report.texts import report_text

    _refuse_text_too_long_to_print(case)
    register_fonts()
    words = report_text()
    size = layout.PAGE_SIZES[page_size]
    width = size[0] - 2 * layout.MARGIN_SIDE
    today = __import__("datetime").date.today()
    printed = words["common"]["printed"].format(date=f"{today.day} {today:%B %Y}")
    if kind == "record":
        story = record.story(case, library, settings, words, width, attachments)
        header = words["record"]["header"].format(reference=case.reference)
    else:
        story = plan.story(
            case, library, settings, words, width, leave_out_details=leave_out_details
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
    )
    return buffer.getvalue()
